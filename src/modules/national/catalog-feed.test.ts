import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { freePort } from '../../../test/net.js'
import { newOfficial } from '../../../test/officials.js'
import { AppError } from '../../platform/http/errors.js'

/**
 * The national procedure database's feed (the stand-in, over HTTP): what differs from our catalog waits
 * for a catalog administrator, who applies it (a new version; a dossier in progress keeps its own) or
 * rejects it with a reason; nothing changes by itself.
 */
const port = await freePort()
const t = useTestApp({ config: { DVCQG_URL: `http://127.0.0.1:${port}/sandbox/dvcqg`, DVCQG_STANDIN: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

const publish = async (record: Record<string, unknown>) => {
  const r = await fetch(`${t.url}/sandbox/dvcqg/api/danh-muc-tthc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record) })
  assert.equal(r.status, 200)
}

test('a changed procedure waits for the catalog administrator, who applies it as a new version (a dossier in progress keeps its own) or rejects it with a reason', async () => {
  const before = await t.services.catalog.getProcedure(PROCEDURE)
  const content = (await t.services.catalog.getVersion(before.versionId)).content
  // A dossier submitted under the current version.
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  await publish({ MaTTHC: PROCEDURE, TenTTHC: content.name, ThoiHanGiaiQuyet: { GiaTri: 2, DonVi: 'working_days' }, PhiLePhi: [{ MoTa: 'Lệ phí cấp giấy chứng nhận', SoTien: 60000 }] })
  await publish({ MaTTHC: '9.999999.000.00.00.H34', TenTTHC: 'Thủ tục của tỉnh khác', ThoiHanGiaiQuyet: { GiaTri: 5, DonVi: 'working_days' } })
  const other = (await t.services.catalog.listProcedures({ page: 1, pageSize: 5 })).items.find(p => p.code !== PROCEDURE)!
  await publish({ MaTTHC: other.code, TenTTHC: (await t.services.catalog.getVersion((await t.services.catalog.getProcedure(other.code)).versionId)).content.name })
  assert.deepEqual(await t.services.national.pullCatalog(), { read: 3, waiting: 1 }, 'only our procedure that differs waits')
  let [change] = await t.services.national.catalogChanges()
  assert.deepEqual(change!.differences.map(d => d.field), ['processingTime', 'fees'])
  assert.equal(change!.differences[0]!.theirs, '2 ngày làm việc')
  // A later record of the same procedure replaces the one waiting.
  await publish({ MaTTHC: PROCEDURE, TenTTHC: content.name, ThoiHanGiaiQuyet: { GiaTri: 3, DonVi: 'working_days' } })
  assert.deepEqual(await t.services.national.pullCatalog(), { read: 1, waiting: 1 })
  ;[change] = await t.services.national.catalogChanges()
  assert.deepEqual(change!.differences.map(d => [d.field, d.theirs]), [['processingTime', '3 ngày làm việc']])
  assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).versionId, before.versionId, 'nothing changed by itself')

  const admin = await newOfficial(t, '000.01.01.H34', ['catalog_admin'])
  const page = browserSession(t, admin.cookie)
  assert.match((await page.get('/can-bo/danh-muc-quoc-gia')).body, /3 ngày làm việc/)
  const applied = await t.services.national.decideCatalogChange({ type: 'official', id: admin.id }, change!.id, true, '')
  assert.ok(applied.version > 0)
  const after = await t.services.catalog.getProcedure(PROCEDURE)
  assert.notEqual(after.versionId, before.versionId, 'a new version')
  assert.deepEqual([after.processingTime.value, after.processingTime.unit], [3, 'working_days'])
  const dossier = await t.db.kysely.selectFrom('dossiers').select('procedureVersionId').where('code', '=', code).executeTakeFirstOrThrow()
  assert.equal(dossier.procedureVersionId, before.versionId, 'the dossier in progress keeps its version')
  await assert.rejects(t.services.national.decideCatalogChange({ type: 'official', id: admin.id }, change!.id, true, ''), (err: AppError) => err.code === 'NOT_FOUND', 'decided once')

  // Rejected: a reason is required, and the change is recorded as rejected.
  await publish({ MaTTHC: PROCEDURE, TenTTHC: `${content.name} (sửa)` })
  await t.services.national.pullCatalog()
  ;[change] = await t.services.national.catalogChanges()
  await assert.rejects(t.services.national.decideCatalogChange({ type: 'official', id: admin.id }, change!.id, false, ''), (err: AppError) => err.code === 'VALIDATION')
  await t.services.national.decideCatalogChange({ type: 'official', id: admin.id }, change!.id, false, 'Tỉnh chưa ban hành quyết định công bố')
  assert.deepEqual(await t.services.national.catalogChanges(), [])
  assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).name, content.name)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('action', 'in', ['national.catalog.apply', 'national.catalog.reject', 'catalog.national.apply']).orderBy('id').execute()
  assert.deepEqual(audit.map(a => a.action), ['catalog.national.apply', 'national.catalog.apply', 'national.catalog.reject'])

  // Only catalog administrators see the page.
  const specialist = await newOfficial(t, '000.00.11.H34', ['specialist'])
  assert.equal((await browserSession(t, specialist.cookie).get('/can-bo/danh-muc-quoc-gia')).statusCode, 403)
})
