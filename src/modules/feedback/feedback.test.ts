import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { DAY, DEPT, OTHER, feedbackTestApp } from '../../../test/feedback.js'
import { FLOW_PROCEDURE } from '../../../test/approval.js'

const { t, clock, rejects, actions, row } = feedbackTestApp()

test('a citizen\'s feedback about their dossier: received with a due date, taken, paused while they add information, drafted, refused approval by a specialist, approved by a leader, rated; every step audited and told', async () => {
  clock.offsetMs = 0
  const c = await newCitizen(t)
  const account = { id: c.id, fullName: 'Nguyễn Văn Thử' }
  const { code: dossierCode } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FLOW_PROCEDURE))
  const received = await t.db.kysely.selectFrom('dossiers').select('agencyCode').where('code', '=', dossierCode).executeTakeFirstOrThrow()
  const desk = await newOfficial(t, received.agencyCode!, ['receptionist'], 'Đỗ Tiếp Nhận')
  await t.services.workflow.receive((await t.services.officials.sessionOfficial(desk.cookie.split('=')[1]!))!, dossierCode)
  const dossier = await t.db.kysely.selectFrom('dossiers').select(['agencyCode', 'processingAgencyCode']).where('code', '=', dossierCode).executeTakeFirstOrThrow()
  const agency = dossier.processingAgencyCode ?? dossier.agencyCode!

  // Checked field by field, nothing stored.
  await rejects(t.services.feedback.send(account, { category: 'nonsense', title: 'ab', body: 'ngắn', dossierCode }), 'VALIDATION', 'body')
  await rejects(t.services.feedback.send(account, { category: 'late', title: 'Hồ sơ chậm', body: 'x'.repeat(5001), dossierCode }), 'VALIDATION', 'body')
  await rejects(t.services.feedback.send(account, { category: 'late', title: 'Hồ sơ của người khác', body: 'Nội dung đủ dài để gửi đi được.', dossierCode: 'H34.99-000000-0000' }), 'NOT_FOUND')
  assert.equal((await t.services.feedback.mine(c.id)).length, 0)

  const sent = await t.services.feedback.send(account, { category: 'late', title: 'Hồ sơ quá hẹn chưa có kết quả', body: 'Tôi nộp hồ sơ đã lâu, cán bộ yêu cầu nộp thêm bản sao chứng thực không có trong quy định. Số điện thoại của tôi 0912 345 678.', dossierCode })
  assert.match(sent.code, /^PA-\d{6}-\d{6}$/)
  let f = await row(sent.code)
  assert.equal(f.agencyCode, agency, 'sent to the agency handling the dossier')
  assert.equal(f.status, 'received')
  const expected = await t.services.calendar.computeDue(f.submittedAt, { value: 10, unit: 'working_days' }, {}, agency)
  assert.equal(f.dueAt.getTime(), expected.due.getTime(), 'due in 10 working days by the agency\'s calendar')
  assert.ok(f.dueAt.getTime() - f.submittedAt.getTime() >= 12 * DAY, '10 working days are at least two weeks')
  const told = await t.db.kysely.selectFrom('messages').select(['subject', 'body']).where('recipient', '=', c.email).where('template', '=', 'feedback').execute()
  assert.equal(told.length, 1)
  assert.match(told[0]!.body, new RegExp(sent.code))

  // The same text again is refused, naming the first.
  await rejects(t.services.feedback.send(account, { category: 'late', title: 'Hồ sơ quá hẹn chưa có kết quả', body: f.body, dossierCode }), 'CONFLICT', 'body')

  // Officials: only those of the agency reach it.
  const specialist = await newOfficial(t, agency, ['specialist'], 'Trần Chuyên Viên')
  const leader = await newOfficial(t, agency, ['agency_leader'], 'Lê Lãnh Đạo')
  const stranger = await newOfficial(t, agency === OTHER ? DEPT : OTHER, ['specialist'])
  const sp = (await t.services.officials.sessionOfficial(specialist.cookie.split('=')[1]!))!
  const ld = (await t.services.officials.sessionOfficial(leader.cookie.split('=')[1]!))!
  const st = (await t.services.officials.sessionOfficial(stranger.cookie.split('=')[1]!))!
  assert.ok((await t.services.feedback.queue(sp, 'open')).some(r => r.code === sent.code))
  assert.ok((await t.services.feedback.forOfficial(sp, sent.code)).dossierHandlers.some(h => h === 'Đỗ Tiếp Nhận'), 'the officials who handled the dossier are named to its handlers')
  assert.ok(!(await t.services.feedback.queue(st, 'open')).some(r => r.code === sent.code), 'another agency does not see it')
  await rejects(t.services.feedback.forOfficial(st, sent.code), 'NOT_FOUND')
  await rejects(t.services.feedback.assign(st, sent.code), 'FORBIDDEN')

  await t.services.feedback.assign(sp, sent.code)
  assert.equal((await row(sent.code)).status, 'processing')
  await rejects(t.services.feedback.assign(sp, sent.code, st.id), 'VALIDATION', 'official')

  // Asking for more stops the clock; the time waited is added back when the citizen answers.
  const before = (await row(sent.code)).dueAt
  await rejects(t.services.feedback.askInfo(sp, sent.code, ''), 'VALIDATION', 'request')
  await t.services.feedback.askInfo(sp, sent.code, 'Đề nghị cho biết ngày nộp và tên cán bộ yêu cầu bản sao.')
  f = await row(sent.code)
  assert.equal(f.status, 'waiting_citizen')
  assert.ok(f.pausedAt)
  assert.ok(!(await t.services.feedback.queue(sp, 'overdue')).some(r => r.code === sent.code))
  clock.offsetMs = 7 * DAY
  await rejects(t.services.feedback.draft(sp, sent.code, 'Trả lời khi đang chờ'), 'CONFLICT')
  await t.services.feedback.addInfo({ accountId: c.id }, sent.code, 'Tôi nộp ngày 01, cán bộ một cửa yêu cầu.')
  f = await row(sent.code)
  assert.equal(f.status, 'processing')
  assert.equal(f.pauses.length, 1)
  assert.ok(f.dueAt > before, 'the due time moved by the wait')
  assert.equal(f.dueAt.getTime(), (await t.services.calendar.computeDue(f.clockStartedAt, { value: 10, unit: 'working_days' }, { pauseMode: 'pause', pauses: f.pauses.map(p => ({ from: new Date(p.from), to: new Date(p.to) })) }, agency)).due.getTime())
  assert.match(f.body, /cán bộ một cửa yêu cầu/)

  // Drafted by the specialist, who may not approve; the leader approves (with a correction).
  await t.services.feedback.draft(sp, sent.code, 'Sở đã kiểm tra. Yêu cầu bản sao chứng thực là không đúng quy định.')
  assert.equal((await row(sent.code)).status, 'awaiting_approval')
  await rejects(t.services.feedback.approve(sp, sent.code, 'Tự duyệt'), 'FORBIDDEN')
  await t.services.feedback.sendBack(ld, sent.code, 'Nêu rõ biện pháp chấn chỉnh.')
  assert.equal((await row(sent.code)).status, 'processing')
  await t.services.feedback.draft(sp, sent.code, 'Sở đã kiểm tra. Yêu cầu bản sao chứng thực là không đúng quy định; cán bộ đã được nhắc nhở.')
  const answer = 'Sở đã kiểm tra. Yêu cầu bản sao chứng thực là không đúng quy định; cán bộ đã được nhắc nhở và hồ sơ được giải quyết ngay.'
  await t.services.feedback.approve(ld, sent.code, answer)
  f = await row(sent.code)
  assert.equal(f.status, 'published')
  assert.equal(f.answer, answer)
  assert.ok(f.answeredAt! <= f.dueAt)

  // The citizen rates it; their page shows the answer and what they may see of the timeline (no officials' notes).
  await rejects(t.services.feedback.rate({ accountId: c.id }, sent.code, 3), 'VALIDATION', 'rating')
  await t.services.feedback.rate({ accountId: c.id }, sent.code, 1)
  const own = await t.services.feedback.own({ accountId: c.id }, sent.code)
  assert.equal(own.answer, answer)
  assert.ok(own.events.every(e => !/nhắc nhở|chấn chỉnh|Giao /.test(e.message ?? '')), 'notes stay with officials')
  await rejects(t.services.feedback.own({ accountId: (await newCitizen(t)).id }, sent.code), 'NOT_FOUND')

  // Officials told: the leaders of each draft to approve, the handler of the draft sent back.
  const toldOfficial = async (o: { username: string }) => (await t.db.kysely.selectFrom('messages').select(['subject', 'body']).where('recipient', '=', `${o.username}@example.vn`).where('template', '=', 'feedback-official').orderBy('id').execute())
  assert.deepEqual((await toldOfficial(leader)).map(m => m.subject), [`Phản ánh ${sent.code}: dự thảo trả lời chờ duyệt (Trần Chuyên Viên)`, `Phản ánh ${sent.code}: dự thảo trả lời chờ duyệt (Trần Chuyên Viên)`])
  assert.deepEqual((await toldOfficial(specialist)).map(m => m.subject), [`Phản ánh ${sent.code}: lãnh đạo trả lại dự thảo: Nêu rõ biện pháp chấn chỉnh.`])
  assert.match((await toldOfficial(specialist))[0]!.body, new RegExp(`/can-bo/phan-anh/${sent.code}`))
  assert.deepEqual(await actions(sent.code), ['feedback.send', 'feedback.assign', 'feedback.ask-info', 'feedback.add-info', 'feedback.draft', 'feedback.send-back', 'feedback.draft', 'feedback.approve', 'feedback.rate'])
  const subjects = (await t.db.kysely.selectFrom('messages').select('subject').where('recipient', '=', c.email).where('template', '=', 'feedback').orderBy('id').execute()).map(m => m.subject)
  assert.deepEqual(subjects.map(s => s.replace(/^Phản ánh \S+: /, '')), ['đã tiếp nhận', 'cần bổ sung thông tin', 'đã có trả lời'])
  // The same changes as in-app notices, leading to the feedback from the notices page.
  const notices = await t.db.kysely.selectFrom('accountNotices').select(['text', 'href', 'readAt']).where('accountId', '=', c.id).where('href', 'is not', null).orderBy('id').execute()
  assert.deepEqual(notices.map(n => [n.text, n.href]), subjects.map(s => [s, `/ca-nhan/phan-anh/${sent.code}`]))
  const noticesPage = await browserSession(t, c.cookie).get('/ca-nhan/thong-bao')
  assert.ok(noticesPage.body.includes(`href="/ca-nhan/phan-anh/${sent.code}"`), 'the notices page links to it')

  // Published without the sender: no name, no phone, no e-mail, on the page and in the API.
  const page = await t.app.inject(`/phan-anh-kien-nghi/${sent.code}`)
  assert.equal(page.statusCode, 200)
  const api = await t.app.inject(`/api/v1/feedback/${sent.code}`)
  assert.equal(api.statusCode, 200)
  for (const body of [page.body, api.body]) {
    assert.ok(body.includes('cán bộ đã được nhắc nhở'))
    assert.ok(!body.includes('Nguyễn Văn Thử'), 'no name')
    assert.ok(!/0912.?345.?678/.test(body), 'no phone number')
    assert.ok(!body.includes(c.email) && !body.includes(c.citizenId), 'no e-mail, no ID number')
  }
  assert.equal((JSON.parse(api.body) as { sender?: string }).sender, undefined)
  clock.offsetMs = 0
})

test('the clock: overdue when the limit passes (in the queue, the figures and a reminder), restarted by a transfer; not competent, merged and hidden ones stay off the public page', async () => {
  clock.offsetMs = 0
  const c = await newCitizen(t)
  const account = { id: c.id, fullName: 'Nguyễn Văn Thử' }
  const head = await newOfficial(t, DEPT, ['department_head'])
  const other = await newOfficial(t, OTHER, ['specialist'])
  const hd = (await t.services.officials.sessionOfficial(head.cookie.split('=')[1]!))!
  const ot = (await t.services.officials.sessionOfficial(other.cookie.split('=')[1]!))!
  const send = (title: string, extra: Record<string, unknown> = {}) => t.services.feedback.send(account, { category: 'regulation', title, body: `Quy định về ${title} chưa phù hợp với thực tế địa phương, đề nghị xem xét.`, agencyCode: DEPT, ...extra })

  const late = await send('lệ phí đăng ký')
  const newItem = await t.db.kysely.selectFrom('messages').select(['subject', 'body']).where('recipient', '=', `${head.username}@example.vn`).where('template', '=', 'feedback-official').execute()
  assert.deepEqual(newItem.map(m => m.subject), [`Phản ánh ${late.code}: phản ánh mới cần xử lý`], 'the agency\'s leader is told of the new feedback')
  assert.equal((await t.db.kysely.selectFrom('messages').select('id').where('recipient', '=', `${other.username}@example.vn`).where('template', '=', 'feedback-official').execute()).length, 0, 'not another agency')
  clock.offsetMs = 20 * DAY
  assert.ok((await t.services.feedback.queue(hd, 'overdue')).some(r => r.code === late.code), 'overdue after its limit')
  assert.ok((await t.services.feedback.forOfficial(hd, late.code)).overdue)
  const overdueView = await browserSession(t, head.cookie).get('/can-bo/ho-so?hang-doi=qua-han')
  assert.match(overdueView.body, /<a href="\/can-bo\/phan-anh\?hang-doi=qua-han">\d+ phản ánh, kiến nghị quá hạn trả lời<\/a>/, 'in the officials\' overdue view')
  assert.ok(await t.services.feedback.remind() >= 1)
  const reminder = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', `${head.username}@example.vn`).where('template', 'like', 'feedback-reminder:%').executeTakeFirst()
  assert.ok(reminder?.body.includes(late.code), 'the leader is reminded of it')
  const again = await t.db.kysely.selectFrom('messages').select('id').where('template', 'like', 'feedback-reminder:%').execute()
  await t.services.feedback.remind()
  assert.equal((await t.db.kysely.selectFrom('messages').select('id').where('template', 'like', 'feedback-reminder:%').execute()).length, again.length, 'one reminder a day')

  // Transferred: the other agency has the whole limit again from the transfer; the first one no longer reaches it.
  await rejects(t.services.feedback.transfer(hd, late.code, OTHER, ''), 'VALIDATION', 'reason')
  await rejects(t.services.feedback.transfer(hd, late.code, DEPT, 'Cùng cơ quan'), 'VALIDATION', 'agency')
  await t.services.feedback.transfer(hd, late.code, OTHER, 'Thuộc lĩnh vực của Sở khác')
  const moved = await row(late.code)
  assert.equal(moved.agencyCode, OTHER)
  assert.equal(moved.firstAgencyCode, DEPT)
  assert.equal(moved.status, 'received')
  assert.ok(moved.dueAt.getTime() > Date.now() + clock.offsetMs, 'no longer overdue: the clock started again')
  assert.equal(moved.dueAt.getTime(), (await t.services.calendar.computeDue(moved.clockStartedAt, { value: 10, unit: 'working_days' }, {}, OTHER)).due.getTime())
  await rejects(t.services.feedback.forOfficial(hd, late.code), 'NOT_FOUND')
  assert.ok((await t.services.feedback.queue(ot, 'open')).some(r => r.code === late.code))

  // Answered late (the other agency lets it run out), counted as late.
  clock.offsetMs += 20 * DAY
  await t.services.feedback.draft(ot, late.code, 'Sở sẽ kiến nghị sửa quy định.')
  const otLeader = await newOfficial(t, OTHER, ['agency_leader'])
  const ol = (await t.services.officials.sessionOfficial(otLeader.cookie.split('=')[1]!))!
  await t.services.feedback.approve(ol, late.code, 'Sở sẽ kiến nghị sửa quy định.')
  const figures = (await t.services.statistics.feedback(ol, {})).rows.find(r => r.agencyCode === OTHER)!
  assert.equal(figures.answered, 1)
  assert.equal(figures.late, 1)
  assert.equal(figures.onTime, 0)
  // The Decision 766 satisfaction counters of that month: 0 of 1 on time, 0 of 1 without delay or complaint.
  const index = await t.services.statistics.index766(ol)
  const satisfaction = index.all.index.groups.find(g => g.group === 'satisfaction')!.counters
  assert.deepEqual(satisfaction.slice(1).map(x => [x.part, x.whole]), [[0, 1], [0, 1]])
  // The statistics page of a leader, its CSV and its Excel file: the same figures, the old address leads there.
  const leaderWeb = browserSession(t, otLeader.cookie)
  const page = await leaderWeb.get('/can-bo/thong-ke/phan-anh')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Sở Văn hóa, Thể thao và Du lịch tỉnh Kon Tum/)
  assert.match(page.body, /Trễ hạn/)
  assert.match((await leaderWeb.get('/can-bo/thong-ke/phan-anh?tu=31/02/2026')).body, /Từ ngày không hợp lệ/)
  const oldAddress = await t.app.inject({ url: '/can-bo/phan-anh/thong-ke?tu=2026-01-01', headers: { cookie: otLeader.cookie } })
  assert.equal(oldAddress.statusCode, 303)
  assert.equal(oldAddress.headers.location, '/can-bo/thong-ke/phan-anh?tu=2026-01-01')
  const csv = await leaderWeb.get('/can-bo/thong-ke/phan-anh.csv')
  assert.match(String(csv.headers['content-type']), /^text\/csv/)
  const line = csv.body.split('\r\n').find(l => l.includes('Sở Văn hóa'))!
  assert.deepEqual(line.split(',').slice(-8, -4).map(Number), [figures.received, 1, 0, 1], 'received, answered, on time, late (the name is quoted, commas and all)')
  const pdf = await leaderWeb.get('/can-bo/thong-ke/phan-anh.pdf')
  assert.equal(pdf.headers['content-type'], 'application/pdf')
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-')
  const xlsx = await leaderWeb.get('/can-bo/thong-ke/phan-anh.xlsx')
  const { default: ExcelJS } = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('Phản ánh, kiến nghị')!
  assert.equal(ws.getCell('D4').value, 'Đã trả lời trong kỳ')
  assert.equal(ws.getCell('E4').master.address, 'D4', 'the group spans its columns')
  assert.equal(ws.getCell('A5').master.address, 'A4', 'STT spans both header rows')
  const sheetRow = ws.getRows(6, ws.rowCount)!.find(r => r.getCell(2).value === 'Sở Văn hóa, Thể thao và Du lịch tỉnh Kon Tum')!
  assert.deepEqual([4, 5, 6].map(c => sheetRow.getCell(c).value), [1, 0, 1])
  const totals = ws.getRows(6, ws.rowCount)!.find(r => r.getCell(2).value === 'Tổng cộng')!
  assert.match((totals.getCell(6).value as { formula: string }).formula, /^SUM\(F6:F\d+\)$/)
  const json = await leaderWeb.get('/api/v1/statistics/feedback')
  assert.equal(json.statusCode, 200)
  const api = JSON.parse(json.body) as { rows: Array<{ agencyCode: string, answered: number, late: number }>, total: { answered: number } }
  assert.deepEqual(api.rows.find(r => r.agencyCode === OTHER), { ...figures }, 'the same figures as JSON')
  assert.ok(api.total.answered >= 1)
  // A specialist is no reader of statistics.
  assert.equal((await browserSession(t, other.cookie).get('/can-bo/thong-ke/phan-anh')).statusCode, 403)

  // Not competent: closed with where to turn, not published.
  clock.offsetMs = 0
  const nc = await send('thuế thu nhập cá nhân')
  await rejects(t.services.feedback.notCompetent(hd, nc.code, '', 'Thuộc ngành thuế'), 'VALIDATION', 'redirect')
  await t.services.feedback.notCompetent(hd, nc.code, 'Cục Thuế tỉnh Kon Tum', 'Nội dung thuộc thẩm quyền của cơ quan thuế.')
  assert.equal((await row(nc.code)).status, 'not_competent')
  assert.equal((await t.services.feedback.own({ accountId: c.id }, nc.code)).redirectTo, 'Cục Thuế tỉnh Kon Tum')
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${nc.code}`)).statusCode, 404)

  // Merged into another of the same agency.
  const main = await send('giờ làm việc bộ phận một cửa')
  const dup = await send('giờ mở cửa bộ phận một cửa')
  await rejects(t.services.feedback.merge(hd, dup.code, late.code), 'VALIDATION', 'into')
  await t.services.feedback.merge(hd, dup.code, main.code)
  assert.equal((await t.services.feedback.own({ accountId: c.id }, dup.code)).mergedIntoCode, main.code)

  // Published, then hidden with a reason: gone from the page, the list and the API.
  await t.services.feedback.draft(hd, main.code, 'Bộ phận một cửa làm việc cả sáng thứ Bảy.')
  await t.services.feedback.approve(hd, main.code, 'Bộ phận một cửa làm việc cả sáng thứ Bảy.')
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${main.code}`)).statusCode, 200)
  assert.ok((await t.services.feedback.published({ q: 'mot cua sang thu bay' })).items.some(i => i.code === main.code), 'found without diacritics')
  await rejects(t.services.feedback.hide(hd, main.code, ''), 'VALIDATION', 'hide')
  await t.services.feedback.hide(hd, main.code, 'Thử ẩn nội dung')
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${main.code}`)).statusCode, 404)
  assert.equal((await t.app.inject(`/api/v1/feedback/${main.code}`)).statusCode, 404)
  assert.ok(!(await t.services.feedback.published({})).items.some(i => i.code === main.code))
  assert.deepEqual(await actions(main.code), ['feedback.send', 'feedback.draft', 'feedback.approve', 'feedback.hide'])
})
