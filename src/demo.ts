import fs from 'node:fs/promises'
import path from 'node:path'
import type { Services } from './services.js'
import type { AccountKind, RegistrationForm } from './modules/accounts/accounts.service.js'
import { SEED_DIR } from './platform/paths.js'
import { ROLES, type OfficialRole } from './modules/accounts/officials.service.js'
import { systemActor } from './modules/audit/audit.service.js'

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
  if ((await services.accounts.count()) === 0) {
    for (const a of demo.accounts) await services.accounts.createConfirmed(systemActor, a.kind, a.form)
  }
  if ((await services.officials.count()) === 0) {
    for (const o of demo.officials) await services.officials.create(systemActor, { username: o.username, fullName: o.fullName, agencyCode: o.agency, roles: o.roles, email: o.email, password: o.password })
  }
  lines.push('Tài khoản demo (đăng nhập tại /dang-nhap):')
  for (const a of demo.accounts) lines.push(`  ${a.role}: ${a.username} / ${a.form.password}`)
  lines.push('Cán bộ demo (đăng nhập tại /can-bo/dang-nhap; mã đăng nhập trong hộp thư thử nghiệm):')
  for (const o of demo.officials) lines.push(`  ${ROLES[o.roles[0]!]}: ${o.username} / ${o.password}`)
  return lines
}
