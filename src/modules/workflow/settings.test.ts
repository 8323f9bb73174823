import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { checkProcess, DEFAULT_PROCESS, processFrom, readProcess } from './process.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

test('a process has work steps, one approval just before the return, and shares summing to 100', () => {
  assert.deepEqual(checkProcess(DEFAULT_PROCESS), [])
  const form = {
    'step-0-name': 'Thẩm định', 'step-0-role': 'specialist', 'step-0-at': 'processing', 'step-0-share': '50',
    'step-2-name': 'Kiểm tra thực tế', 'step-2-role': 'specialist', 'step-2-at': 'processing', 'step-2-share': '30',
    'approve-name': 'Phê duyệt', 'approve-role': 'department_head', 'approve-share': '20'
  }
  const ok = readProcess(form)
  assert.deepEqual(ok.errors, [])
  assert.deepEqual(ok.steps.map(s => s.kind), ['work', 'work', 'approve', 'return'])
  // The total is told on the approval's share; an error in the third typed row names that row.
  assert.match(readProcess({ ...form, 'approve-share': '25' }).errors[0]!.message, /bằng 100% \(hiện 105%\)/)
  assert.equal(readProcess({ ...form, 'step-2-name': 'x' }).errors[0]!.field, 'step-2-name')
  assert.equal(readProcess({ ...form, 'approve-role': 'specialist' }).errors[0]!.field, 'approve-role')
  assert.ok(readProcess({ 'approve-name': 'Phê duyệt', 'approve-role': 'agency_leader', 'approve-share': '100' }).errors.some(e => /ít nhất một bước/.test(e.message)))
  // Anything malformed in storage falls back to the default.
  assert.equal(processFrom([{ name: 'x' }]), DEFAULT_PROCESS)
  assert.equal(processFrom(null), DEFAULT_PROCESS)
})

test('a catalog administrator sets a procedure\'s time limits and process; dossiers received afterwards follow it, those in flight keep theirs', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['catalog_admin'])).cookie)
  const deskOfficial = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const desk = browserSession(t, deskOfficial.cookie)
  const dept = '000.00.11.H34'
  const sp = browserSession(t, (await newOfficial(t, dept, ['specialist'])).cookie)
  const hd = browserSession(t, (await newOfficial(t, dept, ['department_head'])).cookie)
  const submit = async () => {
    const c = await newCitizen(t)
    return { c, ...(await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))) }
  }
  // One dossier received under the default process.
  const before = await submit()
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(before.code)}/tiep-nhan`)).statusCode, 200)

  const url = `/can-bo/thu-tuc/${enc(PROCEDURE)}`
  assert.equal((await admin.get('/can-bo/thu-tuc')).statusCode, 200)
  const page = await admin.get(url)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /đang dùng quy trình mặc định/)
  // Bad limits are told next to their fields.
  const bad = await admin.post(`${url}/gioi-han`, { receptionHours: '0', supplementDays: 'mười', afterSupplement: 'x' })
  assert.equal(bad.statusCode, 422)
  for (const m of ['Số giờ làm việc từ 1 đến 80', 'Số ngày làm việc từ 1 đến 60', 'Chọn cách tính thời hạn sau khi bổ sung']) assert.ok(bad.body.includes(m), m)
  assert.equal((await admin.post(`${url}/gioi-han`, { receptionHours: '4', supplementDays: '10', afterSupplement: 'restart' })).statusCode, 200)
  const badProcess = await admin.post(`${url}/quy-trinh`, { 'step-0-name': 'Thẩm định', 'step-0-role': 'specialist', 'step-0-at': 'processing', 'step-0-share': '60', 'approve-name': 'Phê duyệt', 'approve-role': 'department_head', 'approve-share': '30' })
  assert.equal(badProcess.statusCode, 422)
  assert.match(badProcess.body, /phải bằng 100% \(hiện 90%\)/)
  // Two steps: the specialist appraises, the department head approves.
  const saved = await admin.post(`${url}/quy-trinh`, { 'step-0-name': 'Thẩm định hồ sơ', 'step-0-role': 'specialist', 'step-0-at': 'processing', 'step-0-share': '70', 'approve-name': 'Trưởng phòng phê duyệt', 'approve-role': 'department_head', 'approve-share': '30' })
  assert.equal(saved.statusCode, 200)
  assert.doesNotMatch(saved.body, /đang dùng quy trình mặc định/)
  const s = await t.services.workflow.settings.get(PROCEDURE)
  assert.deepEqual([s.receptionHours, s.supplementDays, s.afterSupplement], [4, 10, 'restart'])
  assert.deepEqual(s.process.map(x => x.role), ['specialist', 'department_head', 'receptionist'])

  // A new dossier: 4 working hours to decide on reception, then the two-step process.
  const after = await submit()
  const queue = await t.services.workflow.receptionQueue((await t.services.officials.sessionOfficial(deskOfficial.cookie.split('=')[1]!))!)
  const row = queue.rows.find(r => r.code === after.code)!
  const expected = await t.services.calendar.computeDue(row.submittedAt, { value: 4, unit: 'working_hours' }, {}, (await t.services.dossiers.get(after.c.id, after.code)).agency!.code)
  assert.equal(row.decisionDue.getTime(), expected.due.getTime())
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(after.code)}/tiep-nhan`)).statusCode, 200)
  let p = await sp.get(`/can-bo/ho-so/${enc(after.code)}`)
  assert.match(p.body, /Chuyển bước: Trưởng phòng phê duyệt/)
  assert.equal((await sp.post(`/can-bo/ho-so/${enc(after.code)}/chuyen`, { taskId: taskIdOf(p.body)! })).statusCode, 200)
  assert.ok((await hd.get('/can-bo/ho-so?hang-doi=cho-phe-duyet')).body.includes(after.code), 'the head approves this one')
  p = await hd.get(`/can-bo/ho-so/${enc(after.code)}`)
  const approved = await hd.upload(`/can-bo/ho-so/${enc(after.code)}/phe-duyet`, [{ name: 'kq.pdf', data: samplePdf('kq') }], { taskId: taskIdOf(p.body)!, 'fees-reason': 'Thu phí khi trả kết quả tại quầy' })
  assert.equal(approved.statusCode, 200, approved.body.slice(0, 300))
  assert.equal((await t.services.dossiers.get(after.c.id, after.code)).status, 9)
  assert.ok((await desk.get('/can-bo/ho-so?hang-doi=cho-tra-ket-qua')).body.includes(after.code))

  // The one received before keeps the default: the head reviews it as a work step, not an approval.
  p = await sp.get(`/can-bo/ho-so/${enc(before.code)}`)
  assert.match(p.body, /Chuyển bước: Xem xét, trình ký/)
  assert.equal((await sp.post(`/can-bo/ho-so/${enc(before.code)}/chuyen`, { taskId: taskIdOf(p.body)! })).statusCode, 200)
  assert.ok(!(await hd.get('/can-bo/ho-so?hang-doi=cho-phe-duyet')).body.includes(before.code))
  assert.ok((await hd.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(before.code))

  // Back to the default; only catalog administrators may do any of this.
  assert.equal((await admin.post(`${url}/quy-trinh-mac-dinh`)).statusCode, 200)
  assert.equal((await t.services.workflow.settings.get(PROCEDURE)).defaultProcess, true)
  assert.equal((await sp.get(url)).statusCode, 403)
  assert.equal((await sp.post(`${url}/gioi-han`, { receptionHours: '1', supplementDays: '1', afterSupplement: 'pause' })).statusCode, 403)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('targetId', '=', PROCEDURE).where('action', 'like', 'catalog.%').execute()
  assert.deepEqual(audit.map(a => a.action).sort(), ['catalog.limits.set', 'catalog.process.set', 'catalog.process.set'])
})

test('a processing time is never zero, and one that differs from the published decision needs a reason, audited', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['catalog_admin'])).cookie)
  // A procedure the decision gives a number of working days.
  let code = ''
  for (const p of (await t.services.catalog.listProcedures({ page: 1, pageSize: 100 })).items) {
    if ((await t.services.catalog.getProcedure(p.code)).publishedProcessingTime.unit === 'working_days') { code = p.code; break }
  }
  const url = `/can-bo/thu-tuc/${enc(code)}`
  const published = (await t.services.catalog.getProcedure(code)).publishedProcessingTime
  assert.match((await admin.get(url)).body, /Theo quyết định công bố:/)
  const zero = await admin.post(`${url}/thoi-han`, { value: '0', unit: 'working_days' })
  assert.equal(zero.statusCode, 422)
  assert.match(zero.body, /id="value-error"[^>]*>.*Thời hạn phải là số nguyên từ 1 đến 365 ngày làm việc/)
  const other = String(published.value! + 1)
  const noReason = await admin.post(`${url}/thoi-han`, { value: other, unit: 'working_days', reason: '' })
  assert.equal(noReason.statusCode, 422)
  assert.match(noReason.body, new RegExp(`id="reason-error"[^>]*>.*Quyết định công bố thời hạn ${published.value} ngày làm việc`))
  assert.equal((await t.services.catalog.getProcedure(code)).processingTime.value, published.value, 'nothing changed')
  const saved = await admin.post(`${url}/thoi-han`, { value: other, unit: 'working_days', reason: 'Quyết định sửa đổi số 99/QĐ-UBND ngày 01/12/2026' })
  assert.equal(saved.statusCode, 200)
  assert.equal((await t.services.catalog.getProcedure(code)).processingTime.value, Number(other))
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'catalog.processing-time.set').orderBy('id', 'desc').executeTakeFirstOrThrow()
  assert.deepEqual(audit.details, { before: { value: published.value, unit: 'working_days' }, after: { value: Number(other), unit: 'working_days' }, published: { value: published.value, unit: 'working_days' }, reason: 'Quyết định sửa đổi số 99/QĐ-UBND ngày 01/12/2026' })
  // The published time itself needs no reason.
  assert.equal((await admin.post(`${url}/thoi-han`, { value: String(published.value), unit: 'working_days' })).statusCode, 200)
})
