import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

test('administrators browse the audit log of their agencies: who viewed and did what to a dossier; others may not', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34'))
  const desk = await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')
  const db = browserSession(t, desk.cookie)
  assert.equal((await db.get(`/can-bo/ho-so/${encodeURIComponent(code)}`)).statusCode, 200)
  assert.equal((await db.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)).statusCode, 200)

  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['system_admin'])).cookie)
  const byDossier = await admin.get(`/can-bo/nhat-ky?ho-so=${encodeURIComponent(code.toLowerCase())}`)
  assert.equal(byDossier.statusCode, 200)
  for (const label of ['Xem hồ sơ', 'Tiếp nhận hồ sơ', 'Nộp hồ sơ', 'Lê Thị Một Cửa']) assert.ok(byDossier.body.includes(label), label)
  // The citizen's own details are not spelled out: a citizen is "Công dân".
  assert.ok(!byDossier.body.includes(c.id))
  const byOfficial = await admin.get(`/can-bo/nhat-ky?can-bo=${desk.username}&thao-tac=dossier.view`)
  assert.match(byOfficial.body, /Xem hồ sơ/)
  assert.doesNotMatch(byOfficial.body, /Tiếp nhận hồ sơ/)
  const bad = await admin.get('/can-bo/nhat-ky?tu=2026-13-01')
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Từ ngày không hợp lệ/)
  // An administrator of another department sees none of it; a receptionist may not browse at all.
  const other = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['system_admin'])).cookie)
  assert.match((await other.get(`/can-bo/nhat-ky?ho-so=${encodeURIComponent(code)}`)).body, /Không có thao tác phù hợp/)
  assert.equal((await db.get('/can-bo/nhat-ky')).statusCode, 403)
})

test('refused access (GET and POST) and downloads are in the log, which exports as CSV', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34'))
  const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  await desk.post(`${url}/tiep-nhan`)
  assert.equal((await desk.get(`${url}/mau-01.pdf`)).statusCode, 200)
  // An official of another department tries to open it and to act on it.
  const stranger = await newOfficial(t, '000.00.15.H34', ['specialist'], 'Hồ Thị Lạ')
  const s = browserSession(t, stranger.cookie)
  assert.equal((await s.get(url)).statusCode, 404)
  assert.equal((await s.post(`${url}/tiep-nhan`)).statusCode, 404)
  const refused = await t.db.kysely.selectFrom('auditLog').select(['details', 'targetType']).where('actorId', '=', stranger.id).where('action', '=', 'access.refused').execute()
  assert.deepEqual(refused.map(r => [r.targetType, (r.details as { method: string }).method]).sort(), [['dossier', 'GET'], ['dossier', 'POST']])

  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['system_admin'])).cookie)
  const log = await admin.get(`/can-bo/nhat-ky?ho-so=${encodeURIComponent(code)}`)
  for (const label of ['Bị từ chối truy cập', 'Hồ Thị Lạ', 'Tải phiếu, mẫu của hồ sơ']) assert.ok(log.body.includes(label), label)
  assert.match(log.body, /nhat-ky\.csv\?ho-so=/)
  const csv = await admin.get(`/can-bo/nhat-ky.csv?ho-so=${encodeURIComponent(code)}`)
  assert.equal(csv.statusCode, 200)
  assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/)
  assert.match(String(csv.headers['content-disposition']), /attachment; filename="nhat-ky-\d{4}-\d{2}-\d{2}\.csv"/)
  assert.ok(csv.body.startsWith('\uFEFF"Thời điểm","Người thực hiện"'))
  const lines = csv.body.trim().split('\r\n')
  assert.ok(lines.some(l => l.includes('"access.refused"') && l.includes('"Hồ Thị Lạ"')))
  assert.ok(lines.some(l => l.includes('"dossier.form.download"')))
  // Exporting is itself recorded; someone who may not browse may not export.
  assert.ok(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'audit.export').executeTakeFirst())
  assert.equal((await desk.get('/can-bo/nhat-ky.csv')).statusCode, 403)
})

test('the audit log is append-only: rows cannot be changed or removed', async () => {
  await assert.rejects(sql`update audit_log set action = 'x'`.execute(t.db.kysely), /append-only/)
  await assert.rejects(sql`delete from audit_log`.execute(t.db.kysely), /append-only/)
  const n = await t.db.kysely.selectFrom('auditLog').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  assert.ok(n.n > 0)
})
