import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { DECISION_FILE, loadCatalog } from '../../../test/catalog.js'
import { cliActor } from '../audit/audit.service.js'
import { AppError } from '../../platform/http/errors.js'
import { meetsAssurance } from './catalog.types.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const actor = cliActor('test')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-decisions-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
const original = fs.readFileSync(DECISION_FILE, 'utf8')
const CODE = '1.001735.000.00.00.H34' // Cấp Giấy phép xe tập lái

function variant (name: string, edit: (text: string) => string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, edit(original))
  return file
}
const slower = (text: string) => text.replace('| Không quá 01 ngày làm việc, kể từ ngày cấp giấy phép', '| Không quá 02 ngày làm việc, kể từ ngày cấp giấy phép')
const processingDays = async () => (await t.services.catalog.getProcedure(CODE)).processingTime.value

test('re-importing the same decision with the same content changes nothing', async () => {
  const before = await t.services.catalog.listVersions(CODE)
  const summary = await t.services.catalog.importDecision(actor, DECISION_FILE)
  assert.deepEqual(summary.outcomes, { created: 0, unchanged: 72, updated: 0, versioned: 0 })
  assert.deepEqual(summary.sectors, [{ name: 'Đăng kiểm', count: 6 }, { name: 'Đường bộ', count: 55 }, { name: 'Đường thủy nội địa', count: 11 }])
  assert.deepEqual(await t.services.catalog.listVersions(CODE), before)
})

test('different content under the same decision updates the version in place while no dossier uses it', async () => {
  const summary = await t.services.catalog.importDecision(actor, variant('edited.txt', slower))
  assert.deepEqual(summary.outcomes, { created: 0, unchanged: 71, updated: 1, versioned: 0 })
  const versions = await t.services.catalog.listVersions(CODE)
  assert.equal(versions.length, 1)
  assert.equal(await processingDays(), 2)
})

test('once a dossier uses the version, different content makes a new version and the old one is kept', async () => {
  const [v1] = await t.services.catalog.listVersions(CODE)
  await t.services.catalog.markVersionInUse(t.db.kysely, v1!.id)
  const summary = await t.services.catalog.importDecision(actor, DECISION_FILE)
  assert.deepEqual(summary.outcomes, { created: 0, unchanged: 71, updated: 0, versioned: 1 })
  const versions = await t.services.catalog.listVersions(CODE)
  assert.deepEqual(versions.map(v => [v.version, v.inUse]), [[1, true], [2, false]])
  assert.notEqual(versions[0]!.contentHash, versions[1]!.contentHash, 'version 1 keeps the content dossiers were filed under')
  assert.equal(await processingDays(), 1, 'the new version is current')
  const detail = await t.services.catalog.getProcedure(CODE)
  assert.equal(detail.version, 2)
})

test('a structural failure changes nothing and names the lines', async () => {
  const broken = variant('broken.txt', text => text.replace('| 24 | 1.001735.000<br>.00.00.H34 |', '| 24 | (thiếu mã) |'))
  const versionsBefore = await t.services.catalog.listVersions(CODE)
  const auditBefore = await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'catalog.import').execute()
  await assert.rejects(t.services.catalog.importDecision(actor, broken), (err: unknown) => {
    assert.ok(err instanceof AppError)
    assert.equal(err.code, 'VALIDATION')
    assert.deepEqual(err.fields, [{ field: 'line 129', message: 'procedure 24 of "Đường bộ" has no valid code (found "(thiếumã)")' }])
    return true
  })
  const dropped = variant('dropped.txt', text => text.replace(/\*\*55\. Thủ tục:/, '**Thủ tục bị lược:'))
  await assert.rejects(t.services.catalog.importDecision(actor, dropped), /cannot be imported/)
  assert.deepEqual(await t.services.catalog.listVersions(CODE), versionsBefore)
  const auditAfter = await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'catalog.import').execute()
  assert.equal(auditAfter.length, auditBefore.length)
})

test('every import is audited with its outcome', async () => {
  const rows = await t.db.kysely.selectFrom('auditLog').selectAll().where('action', '=', 'catalog.import').orderBy('id').execute()
  assert.ok(rows.length >= 4)
  assert.equal(rows[0]!.targetId, '213/QĐ-UBND')
  assert.equal(rows[0]!.actorType, 'system')
  assert.deepEqual((rows[0]!.details as { outcomes: unknown }).outcomes, { created: 72, unchanged: 0, updated: 0, versioned: 0 })
})

test('an administrator sets the online level, and re-imports keep it', async () => {
  await t.services.catalog.setOnlineLevel(actor, CODE, 'full')
  await t.services.catalog.importDecision(actor, variant('edited-again.txt', slower))
  assert.equal((await t.services.catalog.getProcedure(CODE)).onlineLevel, 'full')
  await assert.rejects(t.services.catalog.setOnlineLevel(actor, 'no-such-code', 'full'), /no procedure/)
})

test('a flagged processing time is set by an administrator, audited, and kept across re-imports', async () => {
  const flaggedCode = '2.002285.000.00.00.H34' // Đăng ký khai thác tuyến: different times before and after 1/7/2021
  assert.ok((await t.services.catalog.needingReview()).some(p => p.code === flaggedCode))
  assert.equal((await t.services.catalog.getProcedure(flaggedCode)).processingTime.value, null)
  await assert.rejects(t.services.catalog.setProcessingTime(actor, flaggedCode, -1, 'working_days'), (err: unknown) => err instanceof AppError && err.code === 'VALIDATION')
  await t.services.catalog.setProcessingTime(actor, flaggedCode, 3, 'working_days')
  const detail = await t.services.catalog.getProcedure(flaggedCode)
  assert.deepEqual([detail.processingTime.value, detail.processingTime.unit, detail.needsReview], [3, 'working_days', false])
  assert.match(detail.processingTime.text, /Áp dụng từ ngày 01 tháng 7 năm 2021[\s\S]*Quản trị danh mục xác định: 3 ngày làm việc/)
  await t.services.catalog.importDecision(actor, DECISION_FILE)
  assert.equal((await t.services.catalog.getProcedure(flaggedCode)).processingTime.value, 3)
  assert.ok(!(await t.services.catalog.needingReview()).some(p => p.code === flaggedCode))
  const api = (await t.app.inject(`/api/v1/procedures/${flaggedCode}`)).json()
  assert.equal(api.processingTime.workingDays, 3)
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'catalog.processing-time.set').executeTakeFirstOrThrow()
  assert.deepEqual(audit.details, { before: { value: null, unit: null }, after: { value: 3, unit: 'working_days' }, published: { value: null, unit: null } })
})

test('a procedure can require the national e-identity at a level: shown on its page and in the API, kept by re-imports, audited', async () => {
  assert.equal((await t.services.catalog.getProcedure(CODE)).minAssurance, 'basic')
  await t.services.catalog.setMinAssurance(actor, CODE, 'eid-2')
  const page = await t.app.inject(`/thu-tuc/${CODE}`)
  assert.match(page.body, /Nộp hồ sơ thủ tục này cần đăng nhập bằng <strong>tài khoản định danh điện tử mức độ 2<\/strong>/)
  assert.equal((await t.app.inject(`/api/v1/procedures/${CODE}`)).json().minAssurance, 'eid-2')
  await t.services.catalog.importDecision(actor, DECISION_FILE)
  assert.equal((await t.services.catalog.getProcedure(CODE)).minAssurance, 'eid-2', 'a re-import keeps it')
  await assert.rejects(t.services.catalog.setMinAssurance(actor, '9.999999.000.00.00.H34', 'eid-1'), (err: unknown) => err instanceof AppError && err.code === 'NOT_FOUND')
  await assert.rejects(t.services.catalog.setMinAssurance(actor, CODE, 'eid-9' as 'eid-1'), (err: unknown) => err instanceof AppError && err.code === 'VALIDATION')
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'catalog.min-assurance.set').execute()
  assert.equal(audit.length, 1)
  assert.equal(meetsAssurance('eid-2', 'eid-2'), true)
  assert.equal(meetsAssurance('eid-1', 'eid-2'), false)
  assert.equal(meetsAssurance('basic', 'basic'), true)
  assert.equal(meetsAssurance('basic', 'eid-1'), false)
})
