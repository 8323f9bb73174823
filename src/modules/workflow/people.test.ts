import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { toLocal, dmy } from '../../platform/vn-time.js'

/**
 * People inside an agency (issue 17.25): departments and the queues that follow them, a head
 * reassigning a step, and delegation while an official is away.
 */
const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const DEPT = '000.00.11.H34'
const enc = encodeURIComponent
const ADMIN = '/can-bo/quan-tri/can-bo'

async function submitted () {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  return { citizen: c, code, url: `/can-bo/ho-so/${enc(code)}` }
}
const desk = async () => browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
const inQueue = async (cookie: string, code: string) => (await browserSession(t, cookie).get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(code)
const day = (plus: number) => dmy(toLocal(new Date(Date.now() + plus * 86_400_000)).date)

test('departments: the administrator adds them and places officials; a step stays in its department, whose officials alone see it', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['system_admin'])).cookie)
  const agency = await t.db.kysely.selectFrom('agencies').select('id').where('code', '=', DEPT).executeTakeFirstOrThrow()
  assert.equal((await admin.post(`${ADMIN}/phong`, { agency: String(agency.id), name: 'Phòng Quản lý vận tải' })).statusCode, 200)
  assert.equal((await admin.post(`${ADMIN}/phong`, { agency: String(agency.id), name: 'Phòng Kế hoạch' })).statusCode, 200)
  const twice = await admin.post(`${ADMIN}/phong`, { agency: String(agency.id), name: 'phòng quản lý vận tải' })
  assert.equal(twice.statusCode, 422)
  assert.match(twice.body, /id="name-error"[^]*Cơ quan đã có phòng mang tên này/)
  const [transport, planning] = await t.db.kysely.selectFrom('departments').select('id').where('agencyId', '=', agency.id).orderBy('id').execute()
  const place = async (o: { username: string }, d: { id: number } | undefined) =>
    assert.equal((await admin.post(`${ADMIN}/${o.username}/phong`, { department: d ? String(d.id) : '' })).statusCode, 200)
  const spA = await newOfficial(t, DEPT, ['specialist'], 'An Vận Tải')
  const spA2 = await newOfficial(t, DEPT, ['specialist'], 'Ánh Vận Tải')
  const spB = await newOfficial(t, DEPT, ['specialist'], 'Bình Kế Hoạch')
  const headA = await newOfficial(t, DEPT, ['department_head'], 'Hà Trưởng Vận Tải')
  const headB = await newOfficial(t, DEPT, ['department_head'], 'Hải Trưởng Kế Hoạch')
  for (const [o, d] of [[spA, transport], [spA2, transport], [headA, transport], [spB, planning], [headB, planning]] as const) await place(o, d)
  // A department of another agency is refused; the list shows each official's department.
  const other = await newOfficial(t, '000.00.15.H34', ['specialist'])
  const wrong = await admin.post(`${ADMIN}/${other.username}/phong`, { department: String(transport!.id) })
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /Chọn một phòng của cơ quan cán bộ công tác/)
  assert.match((await admin.get(ADMIN)).body, /Phòng Quản lý vận tải/)
  assert.match((await admin.get(`${ADMIN}/phong`)).body, /Phòng Kế hoạch/)

  // Received for An: the step belongs to his department; the candidates say each one's department.
  const { citizen, code, url } = await submitted()
  const d = await desk()
  assert.match((await d.get(url)).body, /<option value="[^"]+">Bình Kế Hoạch – Phòng Kế hoạch<\/option>/)
  assert.equal((await d.post(`${url}/tiep-nhan`, { assignee: spA.id })).statusCode, 200)
  assert.equal((await t.db.kysely.selectFrom('dossierTasks as t').innerJoin('dossiers as d', 'd.id', 't.dossierId').select('t.departmentId').where('d.code', '=', code).executeTakeFirstOrThrow()).departmentId, transport!.id)
  assert.ok(await inQueue(spA.cookie, code))

  // The head of another department may not reassign it; a specialist may not either.
  const hb = browserSession(t, headB.cookie)
  assert.doesNotMatch((await hb.get(url)).body, /id="giao-lai"/)
  let page = await browserSession(t, headA.cookie).get(url)
  const taskId = taskIdOf(page.body)!
  assert.equal((await hb.post(`${url}/giao-lai`, { taskId, 'reassign-to': spA2.id, 'reassign-reason': 'Cân đối công việc' })).statusCode, 403)
  assert.equal((await browserSession(t, spB.cookie).post(`${url}/giao-lai`, { taskId, 'reassign-to': spA2.id, 'reassign-reason': 'Cân đối công việc' })).statusCode, 403)
  // The head of the department reassigns within it, with a reason (an official of another department is refused).
  const ha = browserSession(t, headA.cookie)
  assert.match(page.body, /id="giao-lai">Giao lại bước “Thẩm định hồ sơ”/)
  assert.ok(!page.body.includes(`<option value="${spB.id}">`), 'only the department\'s officials are offered')
  const outside = await ha.post(`${url}/giao-lai`, { taskId, 'reassign-to': spB.id, 'reassign-reason': 'Cân đối công việc' })
  assert.equal(outside.statusCode, 422)
  assert.match(outside.body, /id="reassign-to-error"/)
  assert.equal((await ha.post(`${url}/giao-lai`, { taskId, 'reassign-to': spA2.id, 'reassign-reason': '' })).statusCode, 422)
  const done = await ha.post(`${url}/giao-lai`, { taskId, 'reassign-to': spA2.id, 'reassign-reason': 'An nghỉ ốm, chuyển Ánh xử lý' })
  assert.equal(done.statusCode, 200)
  assert.match(done.body, /Đã giao bước cho Ánh Vận Tải/)
  assert.match(done.body, /Giao bước “Thẩm định hồ sơ” từ An Vận Tải cho Ánh Vận Tải: An nghỉ ốm/)
  assert.ok(await inQueue(spA2.cookie, code))
  assert.ok(!(await inQueue(spA.cookie, code)), 'the step left the first specialist')
  const mail = await t.db.kysely.selectFrom('messages').select('subject').where('recipient', '=', `${spA2.username}@example.vn`).where('template', '=', 'step-reassigned').executeTakeFirstOrThrow()
  assert.equal(mail.subject, `Hồ sơ ${code}: bạn được giao bước “Thẩm định hồ sơ”`)
  assert.equal((await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'dossier.reassign').where('actorId', '=', headA.id).execute()).length, 1)
  // The applicant's history does not show who holds the step inside the agency.
  const mine = await t.services.dossiers.get(citizen.id, code)
  assert.ok(!mine.events.some(e => e.action === 'reassign'))

  // Forwarded to "any head": the step stays in the department; the other department's head neither sees nor takes it.
  page = await browserSession(t, spA2.cookie).get(url)
  assert.equal((await browserSession(t, spA2.cookie).post(`${url}/chuyen`, { taskId: taskIdOf(page.body)!, comment: 'Đủ điều kiện' })).statusCode, 200)
  assert.ok(await inQueue(headA.cookie, code))
  assert.ok(!(await inQueue(headB.cookie, code)), 'another department\'s head does not see it')
  page = await ha.get(url)
  assert.equal((await hb.post(`${url}/chuyen`, { taskId: taskIdOf(page.body)! })).statusCode, 403)
  // An official of the agency in no department still sees the agency's steps.
  const unplaced = await newOfficial(t, DEPT, ['department_head'])
  assert.ok(await inQueue(unplaced.cookie, code))
})

test('delegation: while away an official\'s steps are taken by a colleague of the same agency and role, named as standing in; revoked, they go back', async () => {
  const away = await newOfficial(t, DEPT, ['specialist'], 'Vắng Mặt')
  const standIn = await newOfficial(t, DEPT, ['specialist'], 'Thay Thế')
  const stranger = await newOfficial(t, '000.00.15.H34', ['specialist'])
  const a = browserSession(t, away.cookie)
  assert.match((await a.get('/can-bo/uy-quyen')).body, /<option value="[^"]+">Thay Thế<\/option>/)
  // A colleague of another agency, a start in the past, an end before the start, no reason: each told at its field.
  let r = await a.post('/can-bo/uy-quyen', { delegate: stranger.id, from: day(-1), to: day(-2), reason: '' })
  assert.equal(r.statusCode, 422)
  for (const field of ['delegate', 'from', 'to', 'reason']) assert.match(r.body, new RegExp(`id="${field}-error"`), field)
  r = await a.post('/can-bo/uy-quyen', { delegate: standIn.id, from: day(0), to: day(3), reason: 'Nghỉ phép năm' })
  assert.equal(r.statusCode, 200)
  assert.match(r.body, /Đã ủy quyền/)
  assert.match(r.body, /Thay Thế/)
  const overlap = await a.post('/can-bo/uy-quyen', { delegate: standIn.id, from: day(2), to: day(5), reason: 'Công tác' })
  assert.equal(overlap.statusCode, 422)
  assert.match(overlap.body, /Đã có ủy quyền từ/)

  const { code, url } = await submitted()
  assert.equal((await (await desk()).post(`${url}/tiep-nhan`, { assignee: away.id })).statusCode, 200)
  // The stand-in sees the absent colleague's step, is told so on the workspace, and takes it in their own name.
  const s = browserSession(t, standIn.cookie)
  assert.ok(await inQueue(standIn.cookie, code))
  assert.match((await s.get('/can-bo')).body, /Hôm nay bạn xử lý thay <strong>Vắng Mặt<\/strong>/)
  assert.match((await s.get('/can-bo/uy-quyen')).body, /Bạn xử lý thay/)
  const page = await s.get(url)
  assert.equal((await s.post(`${url}/chuyen`, { taskId: taskIdOf(page.body)!, comment: 'Xử lý thay' })).statusCode, 200)
  const step = await t.db.kysely.selectFrom('dossierTasks as t').innerJoin('dossiers as d', 'd.id', 't.dossierId').select(['t.finishedBy', 't.finishedByName']).where('d.code', '=', code).where('t.step', '=', 0).executeTakeFirstOrThrow()
  assert.deepEqual(step, { finishedBy: standIn.id, finishedByName: 'Thay Thế (thay Vắng Mặt)' })
  assert.equal((await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'official.delegate').where('actorId', '=', away.id).execute()).length, 1)

  // Revoked: another step of the absent official no longer reaches the stand-in.
  const second = await submitted()
  assert.equal((await (await desk()).post(`${second.url}/tiep-nhan`, { assignee: away.id })).statusCode, 200)
  assert.ok(await inQueue(standIn.cookie, second.code))
  const id = /action="\/can-bo\/uy-quyen\/(\d+)\/huy"/.exec((await a.get('/can-bo/uy-quyen')).body)![1]!
  assert.equal((await browserSession(t, standIn.cookie).post(`/can-bo/uy-quyen/${id}/huy`)).statusCode, 404, 'only the official revokes their delegation')
  assert.equal((await a.post(`/can-bo/uy-quyen/${id}/huy`)).statusCode, 200)
  assert.ok(!(await inQueue(standIn.cookie, second.code)))
  // Officials who take no steps have no delegation page.
  assert.equal((await browserSession(t, (await newOfficial(t, DEPT, ['catalog_admin'])).cookie).get('/can-bo/uy-quyen')).statusCode, 403)
})
