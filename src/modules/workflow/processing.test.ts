import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

test('the default process: reception → specialist → head (sent back once) → leader approves with the result → the desk returns it; the citizen downloads and rates', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const dept = '000.00.11.H34'
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')).cookie)
  const specialist = await newOfficial(t, dept, ['specialist'], 'Trần Văn Chuyên')
  const head = await newOfficial(t, dept, ['department_head'], 'Nguyễn Thị Trưởng')
  const leader = await newOfficial(t, dept, ['agency_leader'], 'Phạm Văn Lãnh')
  const sp = browserSession(t, specialist.cookie)
  const hd = browserSession(t, head.cookie)
  const ld = browserSession(t, leader.cookie)
  const url = `/can-bo/ho-so/${enc(code)}`

  assert.equal((await desk.post(`${url}/tiep-nhan`)).statusCode, 200)
  // The specialist finds it in their queue and forwards it to the head by name.
  assert.ok((await sp.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(code))
  let page = await sp.get(url)
  assert.match(page.body, /Chuyển xem xét, trình ký/)
  assert.ok(page.body.includes(`<option value="${head.id}">Nguyễn Thị Trưởng</option>`))
  const firstTask = taskIdOf(page.body)!
  // The appraisal report goes with the step, for officials only.
  const fwd = await sp.upload(`${url}/chuyen`, [{ name: 'bao-cao-tham-dinh.pdf', data: samplePdf('bao cao') }], { taskId: firstTask, assignee: head.id, comment: 'Hồ sơ đủ điều kiện' })
  assert.equal(fwd.statusCode, 200, fwd.body.slice(0, 300))
  assert.match(fwd.body, /Tài liệu xử lý nội bộ/)
  // Post/redirect/get: the official lands on the dossier's address (no token in it) with what was done;
  // a reload shows the page without the notice and repeats nothing.
  assert.deepEqual(fwd.redirectedFrom, { statusCode: 303, location: url })
  assert.match(fwd.body, /role="status"><p>Đã chuyển bước/)
  assert.doesNotMatch((await sp.get(url)).body, /Đã chuyển bước/)
  // A notice cookie not made by the portal for this session is ignored.
  const forged = await t.app.inject({ url, headers: { cookie: `${specialist.cookie}; mc_notice=${Buffer.from('Thông báo giả').toString('base64url')}.abc` } })
  assert.doesNotMatch(forged.body, /Thông báo giả/)
  const paper = /href="\/can-bo\/ho-so\/[^"]+\/tep\/([0-9a-f-]{36})">bao-cao-tham-dinh\.pdf/.exec(fwd.body)![1]!
  assert.equal((await hd.get(`${url}/tep/${paper}`)).statusCode, 200)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4, 'processing started')
  // A stale form (the step already moved on) is told, not applied.
  const stale = await sp.post(`${url}/chuyen`, { taskId: firstTask, comment: 'lần nữa' })
  assert.equal(stale.statusCode, 422)
  assert.match(stale.body, /vừa được cán bộ khác thực hiện/)
  // Another head of the department may not take a step assigned to a colleague.
  const otherHead = browserSession(t, (await newOfficial(t, dept, ['department_head'])).cookie)
  page = await hd.get(url)
  const headTask = taskIdOf(page.body)!
  assert.equal((await otherHead.post(`${url}/chuyen`, { taskId: headTask })).statusCode, 403)
  // The head sends it back with a reason; it returns to the same specialist.
  assert.equal((await hd.post(`${url}/tra-lai`, { taskId: headTask, 'back-reason': '' })).statusCode, 422)
  assert.equal((await hd.post(`${url}/tra-lai`, { taskId: headTask, 'back-reason': 'Bổ sung ý kiến thẩm định về biển số' })).statusCode, 200)
  page = await sp.get(url)
  assert.match(page.body, /Bước hiện tại:<\/strong> Thẩm định hồ sơ – Trần Văn Chuyên/)
  assert.equal((await sp.post(`${url}/chuyen`, { taskId: taskIdOf(page.body)!, assignee: head.id, comment: 'Đã bổ sung' })).statusCode, 200)
  page = await hd.get(url)
  assert.equal((await hd.post(`${url}/chuyen`, { taskId: taskIdOf(page.body)!, assignee: leader.id, comment: 'Đề nghị trình ký' })).statusCode, 200)
  // The leader approves: a result is required.
  page = await ld.get(url)
  const leaderTask = taskIdOf(page.body)!
  assert.equal((await ld.upload(`${url}/phe-duyet`, [])).statusCode, 422)
  // Its fees (230.000 đồng) were never asked: the leader is told, and goes on only with a reason.
  assert.match(page.body, /Thủ tục thu phí, lệ phí 230\.000 đồng nhưng hồ sơ chưa nộp/)
  const unpaid = await ld.upload(`${url}/phe-duyet`, [{ name: 'giay-chung-nhan.pdf', data: samplePdf('ket qua') }], { taskId: leaderTask })
  assert.equal(unpaid.statusCode, 422)
  assert.match(unpaid.body, /id="fees-reason-error"/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4, 'not approved')
  const approved = await ld.upload(`${url}/phe-duyet`, [{ name: 'giay-chung-nhan.pdf', data: samplePdf('ket qua') }], { taskId: leaderTask, 'fees-reason': 'Thu phí khi trả kết quả tại quầy', comment: 'Đủ điều kiện cấp giấy chứng nhận', 'comment-public': 'yes' })
  assert.equal(approved.statusCode, 200, approved.body.slice(0, 400))
  let d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 9)
  assert.ok(d.finishedAt)
  // The desk returns it by post with the tracking number; it sees the result it hands over.
  page = await desk.get(url)
  const resultLink = `${url}/tep/${d.files.find(f => f.component === 'result')!.id}`
  assert.ok(page.body.includes(`href="${resultLink}"`), 'the desk has a link to the result')
  assert.ok((await ld.get(url)).body.includes(`href="${resultLink}"`), 'so does the leader who approved it')
  const returnTask = taskIdOf(page.body)!
  assert.equal((await desk.post(`${url}/tra-ket-qua`, { taskId: returnTask, method: 'post', tracking: '' })).statusCode, 422)
  assert.equal((await desk.post(`${url}/tra-ket-qua`, { taskId: returnTask, method: 'post', tracking: 'EK123456789VN' })).statusCode, 422, 'the fees still unsettled')
  assert.equal((await desk.post(`${url}/tra-ket-qua`, { taskId: returnTask, method: 'post', tracking: 'EK123456789VN', 'fees-reason': 'Người nộp đã nộp tại Kho bạc, chờ đối chiếu' })).statusCode, 200)
  d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 10)
  // The log has every hand-over with who and how; the citizen sees the result and rates it.
  const log = await t.db.kysely.selectFrom('dossierTasks').select(['name', 'outcome', 'finishedByName']).where('dossierId', '=', d.id).orderBy('id').execute()
  assert.deepEqual(log.map(l => l.outcome), ['forwarded', 'sent-back', 'forwarded', 'forwarded', 'approved', 'returned'])
  assert.match((await desk.get(url)).body, /Phiếu kiểm soát quá trình giải quyết/)
  const cb = browserSession(t, c.cookie)
  const mine = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(mine.body, /Kết quả giải quyết/)
  // The citizen neither sees nor downloads the officials' working papers.
  assert.doesNotMatch(mine.body, /bao-cao-tham-dinh/)
  assert.equal((await cb.get(`/ca-nhan/tep/${paper}`)).statusCode, 404)
  const resultId = d.files.find(f => f.component === 'result')!.id
  assert.equal((await cb.get(`/ca-nhan/tep/${resultId}`)).statusCode, 200)
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/danh-gia`, { rating: '4' })).statusCode, 200)
  // The citizen's history names the agency of each step (the department's, not the centre's for all) and
  // the outcome; never the officials' names or their internal comments, unless one was marked public.
  const sgtvt = 'Sở Giao thông vận tải tỉnh Kon Tum'
  assert.ok(mine.body.includes(`· ${sgtvt}`), 'processing steps name the department')
  for (const internal of ['Hồ sơ đủ điều kiện', 'Bổ sung ý kiến thẩm định', 'Đề nghị trình ký', 'Thu phí khi trả kết quả', 'Người nộp đã nộp tại Kho bạc', 'Trần Văn Chuyên', 'Nguyễn Thị Trưởng', 'Phạm Văn Lãnh', 'Lê Thị Một Cửa', 'Ghi chú nội bộ']) {
    assert.ok(!mine.body.includes(internal), `the citizen does not read “${internal}”`)
  }
  assert.ok(mine.body.includes('Đủ điều kiện cấp giấy chứng nhận'), 'a comment marked public is shown')
  // The header counts the unread notices on every page, not only on the personal page.
  assert.match(mine.body, /href="\/ca-nhan\/thong-bao"[^>]*>\s*Thông báo <span class="count-badge">\d+<\/span>/)
  const mail = await t.db.kysely.selectFrom('messages').select('body').where('recipient', 'in', [c.email, c.phone].filter((x): x is string => Boolean(x))).execute()
  assert.ok(mail.length > 0)
  for (const m of mail) for (const internal of ['Hồ sơ đủ điều kiện', 'Đề nghị trình ký', 'Thu phí khi trả kết quả']) assert.ok(!m.body.includes(internal), `no “${internal}” in the citizen's messages`)
  // The public lookup shows the same agencies; officials read everything, with who did it.
  const lookup = await t.app.inject({ url: `/tra-cuu-ho-so?ma=${enc(code)}&giay-to=${c.phone}`, remoteAddress: '10.9.8.7' })
  assert.ok(lookup.body.includes(sgtvt), 'the lookup names the department for its steps')
  assert.doesNotMatch(lookup.body, /Đề nghị trình ký|Trần Văn Chuyên/)
  const staffView = (await desk.get(url)).body
  for (const words of ['Ghi chú nội bộ:', 'Hồ sơ đủ điều kiện', 'Đề nghị trình ký', 'Thu phí khi trả kết quả tại quầy', 'Trần Văn Chuyên']) assert.ok(staffView.includes(words), words)
  assert.deepEqual(d.events.map(e => e.action), ['submit', 'receive', 'start-processing', 'send-back', 'forward', 'forward', 'finish', 'return-result'])

  // The control sheet (form 06) prints every hand-over with who gave and took it and how it ended.
  const sheet = await desk.get(`${url}/mau-06.pdf`)
  assert.equal(sheet.headers['content-type'], 'application/pdf')
  const sheetText = await pdfText(sheet.rawPayload)
  for (const words of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', 'Mẫu số 06', 'Thẩm định hồ sơ', 'Phê duyệt', 'Giao: Lê Thị Một Cửa', 'Nhận: Trần Văn Chuyên', 'Trả lại', code]) assert.ok(sheetText.includes(words), words)
  assert.match(sheetText, /Trước hạn|Đúng hạn|Quá hạn/)
  // The register (form 07) of the receiving agency for this month lists it, on the page and in the PDF.
  const agency = d.agency!.code
  const register = await desk.get(`/can-bo/so-theo-doi?co-quan=${agency}`)
  assert.equal(register.statusCode, 200)
  assert.ok(register.body.includes(`href="/can-bo/ho-so/${enc(code)}"`))
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
  const book = await desk.get(`/can-bo/so-theo-doi.pdf?co-quan=${agency}&tu=${today}&den=${today}`)
  assert.equal(book.headers['content-type'], 'application/pdf')
  const bookText = await pdfText(book.rawPayload)
  for (const words of ['SỔ THEO DÕI HỒ SƠ', 'Mẫu số 07', code, 'Đã trả kết quả']) assert.ok(bookText.includes(words), words)
  const bad = await desk.get(`/can-bo/so-theo-doi?co-quan=${agency}&tu=2026-05-01&den=2026-04-01`)
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Đến ngày phải sau hoặc bằng/)
  // The department's leader opens the register on his own agency, by processing: the dossier the centre
  // received for its inspection unit is there (by reception the department received none).
  const own = await ld.get('/can-bo/so-theo-doi')
  assert.match(own.body, /<option value="000\.00\.11\.H34" selected/)
  assert.match(own.body, /<option value="giai-quyet" selected/)
  assert.ok(own.body.includes(`href="/can-bo/ho-so/${enc(code)}"`), 'the department\'s register lists its dossier')
  assert.ok(!(await ld.get('/can-bo/so-theo-doi?theo=tiep-nhan')).body.includes(`href="/can-bo/ho-so/${enc(code)}"`))
  const deptBook = await pdfText((await ld.get(`/can-bo/so-theo-doi.pdf?co-quan=000.00.11.H34&theo=giai-quyet&tu=${today}&den=${today}`)).rawPayload)
  for (const words of ['Cơ quan giải quyết: Sở Giao thông vận tải tỉnh Kon Tum', code, 'ỦY BAN NHÂN DÂN TỈNH KON TUM']) assert.ok(deptBook.includes(words), words)
  // Another department's official gets its own agencies only, and never this one's register.
  const stranger = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['specialist'])).cookie)
  const theirs = await stranger.get(`/can-bo/so-theo-doi?co-quan=${agency}`)
  assert.ok(!theirs.body.includes(code))
})

test('a supplement asked during processing: once, by the official holding the step; the clock stops while the citizen answers and the dossier returns to the same step', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const dept = '000.00.11.H34'
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const specialist = await newOfficial(t, dept, ['specialist'], 'Trần Văn Chuyên')
  const sp = browserSession(t, specialist.cookie)
  const url = `/can-bo/ho-so/${enc(code)}`
  assert.equal((await desk.post(`${url}/tiep-nhan`)).statusCode, 200)
  // Received on a Monday morning (backdated so the figures do not depend on today's date).
  const receivedAt = new Date('2026-11-02T01:00:00Z')
  const p = await t.services.catalog.getProcedure(PROCEDURE)
  const due = (await t.services.calendar.computeDue(receivedAt, { value: p.processingTime.value!, unit: p.processingTime.unit! }, {}, dept)).due
  await t.db.kysely.updateTable('dossiers').set({ receivedAt, dueAt: due }).where('code', '=', code).execute()

  let page = await sp.get(url)
  assert.match(page.body, /Chỉ được yêu cầu bổ sung một lần trong quá trình xử lý/)
  const taskId = taskIdOf(page.body)!
  const d0 = await t.services.dossiers.get(c.id, code)
  assert.equal(d0.status, 2, 'received, the first step not done')
  const cb0 = browserSession(t, c.cookie)
  const slot = d0.slots[0]!
  // The desk, which does not hold the step, may not ask now.
  assert.equal((await desk.post(`${url}/yeu-cau-bo-sung`, { components: slot.key, [`note-${slot.key}`]: 'Thiếu dấu' })).statusCode, 403)
  assert.equal((await sp.post(`${url}/yeu-cau-bo-sung`, { taskId, components: slot.key, [`note-${slot.key}`]: 'Bản sao chưa chứng thực' })).statusCode, 200)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 5)
  assert.match((await cb0.get(`/ca-nhan/ho-so/${enc(code)}`)).body, /Bản sao chưa chứng thực/)
  // While waiting, the step cannot move on and the page offers no action.
  page = await sp.get(url)
  assert.doesNotMatch(page.body, /name="taskId"/)
  const waiting = await sp.post(`${url}/chuyen`, { taskId })
  assert.equal(waiting.statusCode, 422)
  assert.match(waiting.body, /đang chờ công dân bổ sung/)
  // Asked at 10:00 that Monday; the citizen answers today.
  const askedAt = new Date('2026-11-02T03:00:00Z')
  await t.db.kysely.updateTable('supplementRequests').set({ requestedAt: askedAt }).where('dossierId', '=', d0.id).execute()
  const cb = browserSession(t, c.cookie)
  assert.equal((await cb.attach(`/ca-nhan/ho-so/${enc(code)}/bo-sung`, slot.key, [{ name: 'chung-thuc.pdf', data: samplePdf('chung thuc') }])).statusCode, 303)
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/bo-sung`, { note: 'Đã chứng thực' })).statusCode, 303)
  const d1 = await t.services.dossiers.get(c.id, code)
  assert.equal(d1.status, 4, 'back in processing')
  // The working time left when it was asked is the working time left now: the wait did not count.
  const leftThen = (await t.services.calendar.remaining(askedAt, due, dept)).minutes
  const leftNow = (await t.services.calendar.remaining(new Date(), d1.dueAt!, dept)).minutes
  assert.ok(d1.dueAt!.getTime() > due.getTime(), 'the due date moved later')
  assert.ok(Math.abs(leftThen - leftNow) <= 2, `left then ${leftThen} min, now ${leftNow} min`)
  // The same specialist holds the same step, and may not ask a second time.
  page = await sp.get(url)
  assert.equal(taskIdOf(page.body), taskId)
  assert.doesNotMatch(page.body, /Chỉ được yêu cầu bổ sung một lần/)
  // What changed is shown: the new file marked, the citizen's note.
  assert.match(page.body, /chung-thuc\.pdf<\/a> \([^)]*\) – bổ sung lần 1 <strong class="tag tag--green">Mới bổ sung<\/strong>/)
  assert.match(page.body, /Ghi chú của công dân: Đã chứng thực/)
  const again = await sp.post(`${url}/yeu-cau-bo-sung`, { taskId, components: slot.key, [`note-${slot.key}`]: 'Lần hai' })
  assert.equal(again.statusCode, 422)
  assert.match(again.body, /chỉ được yêu cầu bổ sung một lần/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
})

/** A dossier received at the department's desk; the specialist's session and the page's task id. */

test('the desk hands the first step to the specialist it chooses: only they see it; an official without the role is refused', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const dept = '000.00.11.H34'
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const chosen = await newOfficial(t, dept, ['specialist'], 'Đỗ Thị Được Chọn')
  const colleague = await newOfficial(t, dept, ['specialist'])
  const elsewhere = await newOfficial(t, '000.00.15.H34', ['specialist'])
  const url = `/can-bo/ho-so/${enc(code)}`
  const page = await desk.get(url)
  assert.match(page.body, /<label class="label" for="assignee">Chuyển thẩm định hồ sơ cho<\/label>/)
  assert.ok(page.body.includes(`<option value="${chosen.id}">Đỗ Thị Được Chọn</option>`))
  assert.ok(!page.body.includes(`<option value="${elsewhere.id}">`), 'only officials who may take the step are offered')
  // A specialist of another department cannot be chosen; nothing is received.
  const refused = await desk.post(`${url}/tiep-nhan`, { assignee: elsewhere.id })
  assert.equal(refused.statusCode, 422)
  assert.match(refused.body, /id="assignee-error"[^]*Chọn một cán bộ có vai trò của bước “Thẩm định hồ sơ”/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 1, 'still waiting for reception')
  assert.equal((await desk.post(`${url}/tiep-nhan`, { assignee: chosen.id })).statusCode, 200)
  assert.ok((await browserSession(t, chosen.cookie).get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(code))
  assert.ok(!(await browserSession(t, colleague.cookie).get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(code), 'a colleague does not get a step handed to someone else')
  assert.match((await desk.get(url)).body, /Bước hiện tại:<\/strong> Thẩm định hồ sơ – Đỗ Thị Được Chọn/)
})

test('a step with a working day or less left is told once to the department head above the specialist, with an audit row', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const dept = '000.00.11.H34'
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const specialist = await newOfficial(t, dept, ['specialist'], 'Vũ Văn Chậm')
  const head = await newOfficial(t, dept, ['department_head'], 'Lý Thị Đôn Đốc')
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(code)}/tiep-nhan`, { assignee: specialist.id })).statusCode, 200)
  const d = await t.db.kysely.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  const told = () => t.db.kysely.selectFrom('messages').select(['subject', 'body']).where('recipient', '=', `${head.username}@example.vn`).where('template', '=', 'step-escalation').where('subject', 'like', `%${code}%`).execute()
  // Far from its due time: nobody is told.
  await t.db.kysely.updateTable('dossierTasks').set({ dueAt: new Date(Date.now() + 30 * 86_400_000) }).where('dossierId', '=', d.id).where('finishedAt', 'is', null).execute()
  await t.services.workflow.escalateDueSteps()
  assert.deepEqual(await told(), [])
  // Two hours left: the head is told, with the step, who holds it and the link.
  await t.db.kysely.updateTable('dossierTasks').set({ dueAt: new Date(Date.now() + 2 * 3600_000) }).where('dossierId', '=', d.id).where('finishedAt', 'is', null).execute()
  await t.services.workflow.escalateDueSteps()
  const messages = await told()
  assert.equal(messages.length, 1)
  assert.equal(messages[0]!.subject, `Hồ sơ ${code}: bước “Thẩm định hồ sơ” sắp hết hạn`)
  assert.match(messages[0]!.body, /do Vũ Văn Chậm xử lý, có hạn/)
  assert.ok(messages[0]!.body.includes(`/can-bo/ho-so/${enc(code)}`))
  // Once only, even when the job runs again (or in another process).
  await Promise.all([t.services.workflow.escalateDueSteps(), t.services.workflow.escalateDueSteps()])
  assert.equal((await told()).length, 1)
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'task.escalate').where('targetId', '=', d.id).execute()
  assert.equal(audit.length, 1)
  assert.ok((audit[0]!.details as { to: string[] }).to.includes('Lý Thị Đôn Đốc'))
})
