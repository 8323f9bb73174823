import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

/** A dossier submitted online and received at the desk through its page. */
async function received () {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(code)}/tiep-nhan`)).statusCode, 200)
  return { c, code, url: `/can-bo/ho-so/${enc(code)}` }
}

test('a late dossier: the apology and new date (form 04) once, at least a working day ahead; the dossier keeps its original date', async () => {
  const dept = '000.00.11.H34'
  const sp = browserSession(t, (await newOfficial(t, dept, ['specialist'], 'Trần Văn Chuyên')).cookie)
  const { c, code, url } = await received()
  // Due in five working days.
  const original = (await t.services.calendar.computeDue(new Date(), { value: 5, unit: 'working_days' }, {}, dept)).due
  await t.db.kysely.updateTable('dossiers').set({ dueAt: original }).where('code', '=', code).execute()
  let page = await sp.get(url)
  assert.match(page.body, /Xin lỗi và hẹn lại ngày trả kết quả \(mẫu 04\)/)
  const taskId = taskIdOf(page.body)!
  const cal = await t.services.calendar.calendar(dept)
  const day = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10)
  let offDay = day(original)
  while (cal.isWorkingDay(offDay)) offDay = day(new Date(Date.parse(`${offDay}T12:00:00Z`) + 86_400_000))
  let newDay = offDay
  while (!cal.isWorkingDay(newDay)) newDay = day(new Date(Date.parse(`${newDay}T12:00:00Z`) + 86_400_000))

  let r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'chậm', date: newDay })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /Ghi rõ lý do chậm trả kết quả/)
  r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: offDay })
  assert.match(r.body, /phải là ngày làm việc/)
  r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: '2020-01-02' })
  assert.match(r.body, /phải sau ngày hẹn cũ/)
  r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: '31/02/2027' })
  assert.match(r.body, /Nhập ngày hẹn trả mới/)
  r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: newDay })
  assert.equal(r.statusCode, 200, r.body.slice(0, 300))
  const row = await t.db.kysely.selectFrom('dossiers').select(['dueAt', 'postponedFrom']).where('code', '=', code).executeTakeFirstOrThrow()
  assert.equal(row.postponedFrom!.getTime(), original.getTime())
  assert.equal(day(row.dueAt!), newDay)
  // Same clock time as the original appointment.
  assert.equal(row.dueAt!.getUTCHours() * 60 + row.dueAt!.getUTCMinutes(), original.getUTCHours() * 60 + original.getUTCMinutes())
  // The citizen is told and can read form 04; the officials' copy says the same.
  const notice = await t.db.kysely.selectFrom('accountNotices').select('text').where('accountId', '=', c.id).orderBy('id', 'desc').executeTakeFirstOrThrow()
  assert.match(notice.text, /xin lỗi và hẹn lại/)
  const cb = browserSession(t, c.cookie)
  const mine = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(mine.body, /mau-04\.pdf/)
  const pdf = await cb.get(`/ca-nhan/ho-so/${enc(code)}/mau-04.pdf`)
  assert.equal(pdf.headers['content-type'], 'application/pdf')
  const text = await pdfText(pdf.rawPayload)
  for (const words of ['PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', 'Mẫu số 04', 'Chờ ý kiến của Cục Đăng kiểm', code, 'không thể trả kết quả giải quyết hồ sơ cho ông (bà) đúng hạn']) assert.ok(text.includes(words), words)
  assert.ok(!text.includes('đến nay'), 'an apology sent in time does not say the result is already late')
  // Only once.
  page = await sp.get(url)
  assert.doesNotMatch(page.body, /Xin lỗi và hẹn lại ngày trả kết quả \(mẫu 04\)<\/summary>/)
  r = await sp.post(`${url}/hen-lai`, { taskId, reason: 'Lại chờ ý kiến của Cục', date: newDay })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /không được hẹn lại lần nữa/)

  // Already late (due yesterday): the apology is still sent, its wording owns the delay, and it is
  // recorded as sent late (the register says so); the new date must be after today.
  const late = await received()
  await t.db.kysely.updateTable('dossiers').set({ dueAt: new Date(Date.now() - 86_400_000) }).where('code', '=', late.code).execute()
  const p2 = await sp.get(late.url)
  assert.match(p2.body, /Đã quá thời hạn gửi phiếu xin lỗi/)
  const lateTask = taskIdOf(p2.body)!
  r = await sp.post(`${late.url}/hen-lai`, { taskId: lateTask, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: day(new Date(Date.now() - 86_400_000 * 3)) })
  assert.equal(r.statusCode, 422)
  r = await sp.post(`${late.url}/hen-lai`, { taskId: lateTask, reason: 'Chờ ý kiến của Cục Đăng kiểm', date: newDay })
  assert.equal(r.statusCode, 200, r.body.slice(0, 300))
  const lateRow = await t.db.kysely.selectFrom('dossiers').select(['postponedLate', 'agencyCode']).where('code', '=', late.code).executeTakeFirstOrThrow()
  assert.equal(lateRow.postponedLate, true)
  assert.equal((await t.db.kysely.selectFrom('dossiers').select('postponedLate').where('code', '=', code).executeTakeFirstOrThrow()).postponedLate, false, 'the one sent in time is not marked')
  const lateText = await pdfText((await sp.get(`${late.url}/mau-04.pdf`)).rawPayload)
  assert.ok(lateText.includes('Tuy nhiên đến nay'), 'a late apology says the date has passed')
  assert.match((await sp.get(late.url)).body, /Phiếu xin lỗi gửi muộn/)
})

test('the agency stops a dossier in processing (form 05); a withdrawn one leaves no step in anyone\'s queue', async () => {
  const dept = '000.00.11.H34'
  const specialist = await newOfficial(t, dept, ['specialist'])
  const sp = browserSession(t, specialist.cookie)
  const hd = browserSession(t, (await newOfficial(t, dept, ['department_head'], 'Nguyễn Thị Trưởng Phòng')).cookie)
  const a = await received()
  let page = await sp.get(a.url)
  assert.equal((await sp.post(`${a.url}/chuyen`, { taskId: taskIdOf(page.body)! })).statusCode, 200)
  page = await hd.get(a.url)
  const taskId = taskIdOf(page.body)!
  assert.match(page.body, /Dừng giải quyết hồ sơ \(mẫu 05\)/)
  assert.equal((await hd.post(`${a.url}/dung`, { taskId, 'stop-reason': 'ngắn' })).statusCode, 422)
  assert.equal((await hd.post(`${a.url}/dung`, { taskId, 'stop-reason': 'Phương tiện đang bị tạm giữ theo quyết định của cơ quan công an' })).statusCode, 200)
  assert.equal((await t.services.dossiers.get(a.c.id, a.code)).status, 8)
  const tasks = await t.db.kysely.selectFrom('dossierTasks as k').innerJoin('dossiers as d', 'd.id', 'k.dossierId').select(['k.outcome', 'k.finishedAt']).where('d.code', '=', a.code).orderBy('k.id').execute()
  assert.deepEqual(tasks.map(x => x.outcome), ['forwarded', 'stopped'])
  assert.ok(tasks.every(x => x.finishedAt !== null))
  assert.ok(!(await hd.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(a.code))
  const text = await pdfText((await hd.get(`${a.url}/mau-05.pdf`)).rawPayload)
  assert.ok(text.includes('Phương tiện đang bị tạm giữ'))
  assert.ok(text.includes('PHIẾU THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ'))
  // Issued by the processing agency (under its parent department), numbered, for its head to sign — not
  // headed by the one-stop centre, nor signed "Thủ trưởng" over the department head who clicked.
  assert.match(text, /Số: \d+\/\d{4}\/TB/)
  assert.ok(text.includes('SỞ GIAO THÔNG VẬN TẢI TỈNH KON TUM'))
  assert.ok(!text.includes('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG'))
  assert.ok(text.includes('THỦ TRƯỞNG CƠ QUAN'))
  assert.ok(!text.includes('Nguyễn Thị Trưởng Phòng'), 'the department head who stopped it is not the signer')

  // The citizen withdraws a received dossier: the specialist's step closes with it.
  const b = await received()
  assert.ok((await sp.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(b.code))
  assert.equal((await browserSession(t, b.c.cookie).post(`/ca-nhan/ho-so/${enc(b.code)}/rut`, { reason: 'Tôi không còn nhu cầu' })).statusCode, 303)
  assert.equal((await t.services.dossiers.get(b.c.id, b.code)).status, 7)
  assert.ok(!(await sp.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(b.code))
  const open = await t.db.kysely.selectFrom('dossierTasks as k').innerJoin('dossiers as d', 'd.id', 'k.dossierId').select('k.outcome').where('d.code', '=', b.code).where('k.finishedAt', 'is', null).execute()
  assert.equal(open.length, 0)
  // Form 06 does not list the citizen as the step's handler.
  const sheet = await pdfText((await sp.get(`/can-bo/ho-so/${enc(b.code)}/mau-06.pdf`)).rawPayload)
  assert.ok(sheet.includes(b.code))
  assert.ok(!sheet.includes('Nhận: Nguyễn Văn Thử'), 'the citizen who withdrew is not the handler')
})

test('the leader refuses after review: the refusal letter, with the reasons, is the result returned to the citizen', async () => {
  const dept = '000.00.11.H34'
  const sp = browserSession(t, (await newOfficial(t, dept, ['specialist'])).cookie)
  const hd = browserSession(t, (await newOfficial(t, dept, ['department_head'])).cookie)
  const ld = browserSession(t, (await newOfficial(t, dept, ['agency_leader'], 'Phạm Văn Lãnh')).cookie)
  const { c, code, url } = await received()
  for (const s of [sp, hd]) {
    const page = await s.get(url)
    assert.equal((await s.post(`${url}/chuyen`, { taskId: taskIdOf(page.body)! })).statusCode, 200)
  }
  // Only the approving step may refuse.
  const page = await ld.get(url)
  assert.match(page.body, /Từ chối giải quyết/)
  const taskId = taskIdOf(page.body)!
  assert.equal((await ld.post(`${url}/tu-choi-giai-quyet`, { taskId, 'refuse-reason': '' })).statusCode, 422)
  const r = await ld.post(`${url}/tu-choi-giai-quyet`, { taskId, 'refuse-reason': 'Xe không đủ điều kiện an toàn kỹ thuật theo biên bản kiểm tra' })
  assert.equal(r.statusCode, 200, r.body.slice(0, 300))
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 9)
  const result = d.files.find(f => f.component === 'result')!
  const letter = await browserSession(t, c.cookie).get(`/ca-nhan/tep/${result.id}`)
  assert.equal(letter.statusCode, 200)
  const text = await pdfText(letter.rawPayload)
  for (const words of ['VĂN BẢN TRẢ LỜI TỪ CHỐI GIẢI QUYẾT HỒ SƠ', 'Xe không đủ điều kiện an toàn kỹ thuật', 'Phạm Văn Lãnh', code, 'SỞ GIAO THÔNG VẬN TẢI TỈNH KON TUM', 'THỦ TRƯỞNG CƠ QUAN']) assert.ok(text.includes(words), words)
  assert.match(text, /Số: \d+\/\d{4}\/VB/, 'numbered in the agency\'s register')
  const registered = await t.db.kysely.selectFrom('issuedDocuments').select(['form', 'number']).where('dossierId', '=', d.id).execute()
  assert.deepEqual(registered.map(r => r.form), ['refusal'])
  assert.ok(text.includes(`Số: ${registered[0]!.number}/`), 'the printed number is the registered one')
  const log = await t.db.kysely.selectFrom('dossierTasks').select(['outcome', 'step']).where('dossierId', '=', d.id).orderBy('id').execute()
  assert.deepEqual(log.map(l => l.outcome), ['forwarded', 'forwarded', 'refused', null])
  assert.equal(log[3]!.step, 3, 'the desk returns the letter')
  // Officials see the letter too: the leader after deciding, the desk to print it for a return at the counter.
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const staffHref = `${url}/tep/${result.id}`
  for (const s of [ld, desk]) assert.ok((await s.get(url)).body.includes(`href="${staffHref}"`), 'a link to the letter')
  const deskPage = (await desk.get(url)).body
  assert.match(deskPage, /In văn bản kết quả để trả tại bộ phận một cửa/)
  assert.match(deskPage, /<a class="back-link" href="\/can-bo\/ho-so\?hang-doi=cho-tra-ket-qua">Hồ sơ chờ trả kết quả<\/a>/)
  assert.equal((await desk.get(staffHref)).statusCode, 200)
  // An applicant without an account (entered at the counter) cannot be given the result online: the
  // desk is offered only the desk and the post.
  assert.match(deskPage, /value="online"/, 'an applicant with an account may get it online')
  await t.db.kysely.updateTable('dossiers').set({ accountId: null }).where('id', '=', d.id).execute()
  const walkIn = await desk.get(url)
  assert.doesNotMatch(walkIn.body, /value="online"/)
  const online = await desk.post(`${url}/tra-ket-qua`, { taskId: taskIdOf(walkIn.body)!, method: 'online' })
  assert.equal(online.statusCode, 422)
  assert.match(online.body, /không có tài khoản trên Cổng/)
})

test('asking another agency\'s opinion: a sub-task with its own deadline, seen and answered by that agency only', async () => {
  const dept = '000.00.11.H34'
  const sp = browserSession(t, (await newOfficial(t, dept, ['specialist'], 'Trần Văn Chuyên')).cookie)
  const { code, url } = await received()
  // The Department of Culture is asked; before that its officials do not see the dossier.
  const culture = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['specialist'], 'Hồ Thị Văn Hóa')).cookie)
  assert.equal((await culture.get(url)).statusCode, 404)
  let page = await sp.get(url)
  const taskId = taskIdOf(page.body)!
  const bad = await sp.post(`${url}/xin-y-kien`, { taskId, agency: '', 'consult-question': 'ngắn', 'consult-days': '99' })
  assert.equal(bad.statusCode, 422)
  for (const m of ['Chọn cơ quan cần xin ý kiến', 'Nêu rõ nội dung xin ý kiến', 'Thời hạn trả lời từ 1 đến 30 ngày làm việc']) assert.ok(bad.body.includes(m), m)
  // Not its own agency or a unit of it (internal work), and not a reply due after the dossier without a reason.
  const question = 'Xe có thuộc danh mục phương tiện phục vụ lễ hội cần cấp phép riêng không?'
  for (const agency of [dept]) {
    const own = await sp.post(`${url}/xin-y-kien`, { taskId, agency, 'consult-question': question, 'consult-days': '3' })
    assert.equal(own.statusCode, 422, agency)
    assert.match(own.body, /Không xin ý kiến cơ quan, đơn vị của chính mình/)
  }
  const tooLate = await sp.post(`${url}/xin-y-kien`, { taskId, agency: '000.00.15.H34', 'consult-question': question, 'consult-days': '30' })
  assert.equal(tooLate.statusCode, 422)
  assert.match(tooLate.body, /id="consult-reason-error"[^>]*>.*muộn hơn hạn trả kết quả của hồ sơ/)
  assert.equal((await t.db.kysely.selectFrom('dossierConsultations as c').innerJoin('dossiers as d', 'd.id', 'c.dossierId').select('c.id').where('d.code', '=', code).execute()).length, 0, 'nothing asked yet')
  // The procedure is decided the same day: received in the morning, even one working day for the reply
  // runs past the dossier's due time, so the reason is given (it is optional when the reply is due in time).
  const asked = await sp.post(`${url}/xin-y-kien`, { taskId, agency: '000.00.15.H34', 'consult-question': question, 'consult-days': '1', 'consult-reason': 'Cần ý kiến chuyên ngành trước khi trình lãnh đạo' })
  assert.equal(asked.statusCode, 200, asked.body.slice(0, 300))
  assert.match(asked.body, /Đã gửi xin ý kiến/)
  // The consulted agency finds it in its queue, opens it and answers; nobody else there may answer twice.
  assert.ok((await culture.get('/can-bo/ho-so?hang-doi=xin-y-kien')).body.includes(code))
  assert.ok((await culture.get(`/can-bo/ho-so?ma=${enc(code)}`)).body.includes(`href="${url}"`), 'found by the search too')
  assert.match((await culture.get('/can-bo')).body, /Xin ý kiến \(1\)/)
  page = await culture.get(url)
  assert.equal(page.statusCode, 200)
  assert.doesNotMatch(page.body, /name="taskId"/, 'no step of the process for the consulted agency')
  const id = /name="consultation" value="(\d+)"/.exec(page.body)![1]!
  assert.equal((await culture.post(`${url}/tra-loi-y-kien`, { consultation: id, [`answer-${id}`]: '' })).statusCode, 422)
  assert.equal((await culture.post(`${url}/tra-loi-y-kien`, { consultation: id, [`answer-${id}`]: 'Không thuộc danh mục; không cần cấp phép riêng.' })).statusCode, 200)
  assert.equal((await culture.post(`${url}/tra-loi-y-kien`, { consultation: id, [`answer-${id}`]: 'Lần hai' })).statusCode, 422)
  // The asking specialist reads the answer; the specialist's own step is still theirs.
  page = await sp.get(url)
  assert.match(page.body, /Không thuộc danh mục; không cần cấp phép riêng\./)
  assert.equal(taskIdOf(page.body), taskId)
  // An official of a third agency may neither see nor answer.
  const other = browserSession(t, (await newOfficial(t, '000.00.01.H34', ['specialist'])).cookie)
  assert.equal((await other.get(url)).statusCode, 404)
  assert.equal((await other.post(`${url}/tra-loi-y-kien`, { consultation: id, [`answer-${id}`]: 'Xen vào' })).statusCode, 404)
})
