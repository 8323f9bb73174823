import fs from 'node:fs/promises'
import path from 'node:path'
import type { Services } from './services.js'
import type { AccountKind, RegistrationForm } from './modules/accounts/accounts.service.js'
import { SEED_DIR } from './platform/paths.js'
import { ROLES, type OfficialRole } from './modules/accounts/officials.service.js'
import { systemActor } from './modules/audit/audit.service.js'
import PDFDocument from 'pdfkit'
import { fillDraft } from './modules/dossiers/fill-draft.js'
import { pdfBytes } from './platform/pdf/bytes.js'

/**
 * The demo profile (DEMO=true): Kon Tum, as in the source documents. Loads what is missing on an
 * empty database and returns lines to print at start. Nothing here runs without DEMO=true.
 */
export async function prepareDemo (services: Services): Promise<string[]> {
  const lines: string[] = []
  if (!(await services.site.isConfigured())) {
    const profile = await services.site.loadProfileFile(systemActor, 'kon-tum')
    lines.push(`Hồ sơ cổng: ${profile.portalName} – ${profile.provinceName} (nạp từ seed/kon-tum/site.json)`)
  }
  if (await services.catalog.isEmpty()) {
    const started = Date.now()
    const summary = await services.catalog.loadDemoCatalog(systemActor)
    const total = summary.sectors.reduce((n, s) => n + s.count, 0)
    lines.push(`Danh mục thủ tục: ${total} thủ tục từ Quyết định ${summary.decision.number} (${summary.sectors.map(s => `${s.name} ${s.count}`).join(', ')}) và 2 thủ tục nhập tay, trong ${Date.now() - started} ms`)
  }
  const demo = JSON.parse(await fs.readFile(path.join(SEED_DIR, 'kon-tum', 'demo-accounts.json'), 'utf8')) as {
    accounts: Array<{ role: string, kind: AccountKind, form: RegistrationForm, username: string }>
    officials: Array<{ username: string, fullName: string, agency: string, roles: OfficialRole[], email: string, password: string }>
  }
  const accounts = new Map<string, string>()
  if ((await services.accounts.count()) === 0) {
    for (const a of demo.accounts) accounts.set(a.role, await services.accounts.createConfirmed(systemActor, a.kind, a.form))
  }
  const officials = new Map<OfficialRole, string>()
  if ((await services.officials.count()) === 0) {
    for (const o of demo.officials) officials.set(o.roles[0]!, (await services.officials.create(systemActor, { username: o.username, fullName: o.fullName, agencyCode: o.agency, roles: o.roles, email: o.email, password: o.password })).id)
  }
  // On a new database, the demo citizen's dossiers at three points of their life, so that every queue
  // and the payment journey can be tried at once.
  const citizen = accounts.get('Công dân')
  if (citizen && officials.size > 0) lines.push(...await demoDossiers(services, citizen, officials))
  lines.push('Tài khoản demo (đăng nhập tại /dang-nhap):')
  for (const a of demo.accounts) lines.push(`  ${a.role}: ${a.username} / ${a.form.password}`)
  lines.push('Cán bộ demo (đăng nhập tại /can-bo/dang-nhap; mã đăng nhập trong hộp thư thử nghiệm):')
  for (const o of demo.officials) lines.push(`  ${ROLES[o.roles[0]!]}: ${o.username} / ${o.password}`)
  return lines
}

/** The procedure of the demo dossiers: it has fees (230,000 đồng), so one of them waits for them. */
const DEMO_PROCEDURE = '1.004325.000.00.00.H34'

/** A one-page PDF saying what it stands for (standard font: the text is plain ASCII). */
export function demoScan (label: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { Title: label } })
  const done = pdfBytes(doc)
  doc.font('Helvetica').fontSize(14).text('Ban chup minh hoa (che do demo)', 72, 72).fontSize(11).text(label)
  doc.end()
  return done
}

/**
 * Three dossiers of the demo citizen: one waiting for reception, one with the specialist, and one
 * waiting for its fees (received, forwarded, fees asked by the department head).
 */
async function demoDossiers (services: Services, citizen: string, ids: Map<OfficialRole, string>): Promise<string[]> {
  const as = async (role: OfficialRole) => (await services.officials.get(ids.get(role)!))!
  const submit = async () => (await services.dossiers.submit(citizen, await fillDraft(services.dossiers, citizen, DEMO_PROCEDURE, (_id, key) => demoScan(`Thanh phan ${key}`)))).code
  const taskOf = async (code: string) => (await services.workflow.open(await as('specialist'), code)).task!.id
  const waiting = await submit()
  const processing = await submit()
  await services.workflow.receive(await as('receptionist'), processing)
  const fees = await submit()
  await services.workflow.receive(await as('receptionist'), fees)
  await services.workflow.forward(await as('specialist'), fees, { taskId: String(await taskOf(fees)), assignee: ids.get('department_head')!, comment: 'Hồ sơ hợp lệ, đề nghị thu phí' }, [])
  const head = await as('department_head')
  await services.workflow.requestFees(head, fees, { taskId: String((await services.workflow.open(head, fees)).task!.id), amount: '230000', note: 'Giá kiểm định 180.000 đồng và lệ phí cấp giấy chứng nhận 50.000 đồng' })
  return [`Hồ sơ demo của công dân: ${waiting} (chờ tiếp nhận), ${processing} (đang xử lý), ${fees} (chờ nộp phí, lệ phí – thử thanh toán)`]
}
