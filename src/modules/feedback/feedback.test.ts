import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { FLOW_PROCEDURE } from '../../../test/approval.js'
import { samplePdf } from '../../../test/files.js'
import { AppError } from '../../platform/http/errors.js'
import { maskPersonal, spamSignals } from './model.js'

// A clock the test moves forward (the answer's time limit runs out).
let offsetMs = 0
const t = useTestApp({ setup: ctx => loadCatalog(ctx.services), clock: () => new Date(Date.now() + offsetMs) })
const DAY = 86_400_000
const DEPT = '000.00.11.H34'
const OTHER = '000.00.15.H34'

const rejects = async (p: Promise<unknown>, code: string, field?: string) => {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err))
    assert.equal(err.code, code, err.detail)
    if (field) assert.ok(err.fields?.some(f => f.field === field), JSON.stringify(err.fields))
    return true
  })
}
const actions = async (code: string) => (await t.db.kysely.selectFrom('auditLog').select('action').where('targetType', '=', 'feedback').where('targetId', '=', code).orderBy('id').execute()).map(r => r.action)
const row = (code: string) => t.db.kysely.selectFrom('feedback').selectAll().where('code', '=', code).executeTakeFirstOrThrow()

test('a citizen\'s feedback about their dossier: received with a due date, taken, paused while they add information, drafted, refused approval by a specialist, approved by a leader, rated; every step audited and told', async () => {
  offsetMs = 0
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
  offsetMs = 7 * DAY
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
  offsetMs = 0
})

test('the clock: overdue when the limit passes (in the queue, the figures and a reminder), restarted by a transfer; not competent, merged and hidden ones stay off the public page', async () => {
  offsetMs = 0
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
  offsetMs = 20 * DAY
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
  assert.ok(moved.dueAt.getTime() > Date.now() + offsetMs, 'no longer overdue: the clock started again')
  assert.equal(moved.dueAt.getTime(), (await t.services.calendar.computeDue(moved.clockStartedAt, { value: 10, unit: 'working_days' }, {}, OTHER)).due.getTime())
  await rejects(t.services.feedback.forOfficial(hd, late.code), 'NOT_FOUND')
  assert.ok((await t.services.feedback.queue(ot, 'open')).some(r => r.code === late.code))

  // Answered late (the other agency lets it run out), counted as late.
  offsetMs += 20 * DAY
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
  // A specialist is no reader of statistics.
  assert.equal((await browserSession(t, other.cookie).get('/can-bo/thong-ke/phan-anh')).statusCode, 403)

  // Not competent: closed with where to turn, not published.
  offsetMs = 0
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

test('the public search is the catalog\'s: abbreviations and synonyms, ranked title first, typos corrected against the published words ("Có phải bạn muốn tìm"), hidden answers leave the lexicon', async () => {
  offsetMs = 0
  const c = await newCitizen(t)
  const account = { id: c.id, fullName: 'Phạm Văn Tìm' }
  const leaderLogin = await newOfficial(t, DEPT, ['agency_leader'])
  const leader = (await t.services.officials.sessionOfficial(leaderLogin.cookie.split('=')[1]!))!
  const publish = async (title: string, body: string, answer: string) => {
    const { code } = await t.services.feedback.send(account, { category: 'procedure', title, body, agencyCode: DEPT })
    await t.services.feedback.draft(leader, code, answer)
    await t.services.feedback.approve(leader, code, answer)
    return code
  }
  const licence = await publish('Giấy phép lái xe cấp đổi chậm', 'Tôi đổi giấy phép lái xe đã ba tuần chưa nhận được kết quả.', 'Sở đã trả kết quả cho ông.')
  const manner = await publish('Thái độ cán bộ tiếp nhận', 'Khi tôi hỏi về đổi giấy phép lái xe, cán bộ trả lời thiếu tôn trọng.', 'Sở đã nhắc nhở cán bộ.')
  const plates = await publish('Biển số xe đấu giá', 'Đề nghị hướng dẫn rõ cách nhận biển số ô tô đã trúng đấu giá.', 'Người trúng đấu giá nộp hồ sơ đăng ký xe kèm văn bản xác nhận kết quả đấu giá.')
  const codes = (r: { items: Array<{ code: string }> }) => r.items.map(i => i.code)

  // The abbreviation finds the full wording; the one with it in its title comes first.
  const gplx = await t.services.feedback.published({ q: 'thủ tục làm GPLX ở đâu' })
  assert.deepEqual(codes(gplx).filter(x => [licence, manner, plates].includes(x)), [licence, manner], 'title before text; the unrelated one not at all')
  // One wrong letter pair: corrected to the words published answers hold, and said so.
  const typo = await t.services.feedback.published({ q: 'bein so xe dau gia' })
  assert.equal(typo.items[0]?.code, plates)
  assert.equal(typo.corrected, 'biển số xe đấu giá')
  const page = await t.app.inject(`/phan-anh-kien-nghi?q=${encodeURIComponent('bein so xe dau gia')}`)
  assert.match(page.body, /Có phải bạn muốn tìm: <a href="\/phan-anh-kien-nghi\?q=bi%E1%BB%83n%20s%E1%BB%91%20xe%20%C4%91%E1%BA%A5u%20gi%C3%A1"><strong>biển số xe đấu giá<\/strong>/)
  // Nothing found: a way on, not a dead end.
  const none = await t.app.inject(`/phan-anh-kien-nghi?q=${encodeURIComponent('zzzqqq')}`)
  assert.match(none.body, /gửi phản ánh, kiến nghị<\/a> của bạn/)

  // Markup typed by a citizen (or an official) is text wherever it is shown.
  const markup = await publish('Giờ làm việc <script>alert(1)</script>', 'Đề nghị <img src=x onerror=alert(1)> niêm yết giờ làm việc buổi chiều.', 'Trả lời <b>in đậm</b> về giờ làm việc.')
  for (const body of [(await t.app.inject(`/phan-anh-kien-nghi/${markup}`)).body, (await t.app.inject('/phan-anh-kien-nghi')).body, (await browserSession(t, leaderLogin.cookie).get(`/can-bo/phan-anh/${markup}`)).body]) {
    assert.ok(!body.includes('<script>alert(1)') && !body.includes('<img src=x') && !body.includes('<b>in đậm'), 'no markup of theirs')
    assert.ok(body.includes('&lt;script>alert(1)&lt;/script>'), 'shown as typed (a < escaped is never a tag)')
  }

  // Hidden: out of the results, and its words no longer correct anyone's typos.
  const lexicon = async (word: string) => (await t.db.kysely.selectFrom('feedbackLexicon').select('documents').where('word', '=', word).executeTakeFirst())?.documents ?? 0
  assert.equal(await lexicon('bien'), 1)
  await t.services.feedback.hide(leader, plates, 'Thử ẩn')
  assert.equal(await lexicon('bien'), 0)
  assert.ok(!codes(await t.services.feedback.published({ q: 'bein so xe dau gia' })).includes(plates))
})

test('abuse limits: five a day per account, then refused beside the text; a name shown only when the sender agreed; personal numbers masked', async () => {
  offsetMs = 0
  const c = await newCitizen(t, { fullName: 'Trần Thị Bình' })
  const account = { id: c.id, fullName: 'Trần Thị Bình' }
  for (let i = 1; i <= 5; i++) await t.services.feedback.send(account, { category: 'proposal', title: `Đề xuất số ${i}`, body: `Đề xuất cải tiến thứ ${i}: mở thêm quầy tiếp nhận buổi chiều.`, agencyCode: DEPT, showName: i === 1 })
  await rejects(t.services.feedback.send(account, { category: 'proposal', title: 'Đề xuất số 6', body: 'Đề xuất cải tiến thứ 6: mở thêm quầy tiếp nhận.', agencyCode: DEPT }), 'RATE_LIMITED', 'body')
  const me = browserSession(t, c.cookie)
  const page = await me.upload('/phan-anh-kien-nghi/gui', [], { category: 'proposal', title: 'Đề xuất số 6', body: 'Đề xuất cải tiến thứ 6: mở thêm quầy tiếp nhận.', agency: DEPT })
  assert.equal(page.statusCode, 429)
  assert.match(page.body, /tối đa 5 phản ánh trong 24 giờ/)
  assert.match(page.body, /value="Đề xuất số 6"/, 'what was typed is kept')
  offsetMs = DAY + 60_000
  const sixth = await t.services.feedback.send(account, { category: 'proposal', title: 'Đề xuất số 6', body: 'Đề xuất cải tiến thứ 6: mở thêm quầy tiếp nhận.', agencyCode: DEPT })
  assert.ok(sixth.code)

  // The sender who agreed is named on the public page; the others are not.
  const hd = (await t.services.officials.sessionOfficial((await newOfficial(t, DEPT, ['agency_leader'])).cookie.split('=')[1]!))!
  const mine = await t.services.feedback.mine(c.id)
  for (const f of mine.filter(m => /số [12]$/.test(m.title))) {
    await t.services.feedback.draft(hd, f.code, 'Sẽ bố trí thêm quầy.')
    await t.services.feedback.approve(hd, f.code, 'Sẽ bố trí thêm quầy.')
  }
  const list = (await t.services.feedback.published({ q: 'de xuat' })).items.filter(i => i.text.includes('mở thêm quầy'))
  assert.equal(list.find(i => i.title === 'Đề xuất số 1')?.sender, 'Trần Thị Bình')
  assert.equal(list.find(i => i.title === 'Đề xuất số 2')?.sender, undefined)
  offsetMs = 0

  assert.equal(maskPersonal('Gọi 0912.345.678 hoặc +84 912 345 678, CCCD 062090123456, thư a.b@example.vn'), 'Gọi [đã ẩn] hoặc [đã ẩn], CCCD [đã ẩn], thư [đã ẩn]')
  assert.equal(maskPersonal('Tôi là Trần Thị Bình, hồ sơ năm 2024', ['Trần Thị Bình']), 'Tôi là [đã ẩn], hồ sơ năm 2024')
})

test('spam: ordinary complaints carry no mark; advertising is marked for the officials, still received, and only a leader rejects it (told, audited, never published, not counted); too many links refused beside the text', async () => {
  offsetMs = 0
  const fold = (x: string) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)
  for (const ordinary of [
    'Tôi nộp hồ sơ cấp đổi giấy phép lái xe ngày 02/12/2026, đến nay đã quá hẹn 5 ngày mà chưa có kết quả.',
    'CÁN BỘ MỘT CỬA YÊU CẦU NỘP THÊM BẢN SAO. Xem quy định tại https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004088',
    'Đề nghị mở thêm quầy tiếp nhận buổi chiều, số điện thoại của tôi 0912 345 678'
  ]) assert.ok(spamSignals(ordinary, fold(ordinary)).length < 2, ordinary)
  const advert = 'KHUYẾN MÃI CỰC SỐC!!!!!!!! Vay tiền nhanh, liên hệ ngay www.vaynhanh.example và https://casino.example'
  assert.ok(spamSignals(advert, fold(advert)).length >= 2)

  const c = await newCitizen(t)
  const account = { id: c.id, fullName: 'Lê Văn Rác' }
  await rejects(t.services.feedback.send(account, { category: 'other', title: 'Xem các trang', body: 'Trang một https://a.example, trang hai https://b.example, trang ba https://c.example', agencyCode: DEPT }), 'VALIDATION', 'body')
  const plain = await t.services.feedback.send(account, { category: 'late', title: 'Hồ sơ trễ hẹn', body: 'Hồ sơ đăng ký xe của tôi đã quá hẹn trả kết quả ba ngày.', agencyCode: DEPT })
  const spam = await t.services.feedback.send(account, { category: 'other', title: 'KHUYẾN MÃI CỰC SỐC', body: advert, agencyCode: DEPT })
  assert.equal((await row(plain.code)).spamSignals, null)
  assert.match((await row(spam.code)).spamSignals ?? '', /quảng cáo/)
  assert.equal((await row(spam.code)).status, 'received', 'received all the same: a person decides')

  const specialist = (await t.services.officials.sessionOfficial((await newOfficial(t, DEPT, ['specialist'])).cookie.split('=')[1]!))!
  const leaderLogin = await newOfficial(t, DEPT, ['agency_leader'])
  const leader = (await t.services.officials.sessionOfficial(leaderLogin.cookie.split('=')[1]!))!
  const suspected = await t.services.feedback.queue(specialist, 'suspected')
  assert.ok(suspected.some(r => r.code === spam.code) && !suspected.some(r => r.code === plain.code))
  const before = (await t.services.statistics.feedback(leader, {})).rows.find(r => r.agencyCode === DEPT)!.received
  await rejects(t.services.feedback.rejectSpam(specialist, spam.code, 'Quảng cáo'), 'FORBIDDEN')
  // Through the page: the reason is required beside its field, then rejected.
  const web = browserSession(t, leaderLogin.cookie)
  const item = await web.get(`/can-bo/phan-anh/${spam.code}`)
  assert.match(item.body, /Nghi là quảng cáo, tin rác/)
  const empty = await web.post(`/can-bo/phan-anh/${spam.code}/tin-rac`, { spam: '' })
  assert.equal(empty.statusCode, 422)
  assert.match(empty.body, /Nêu lý do không tiếp nhận/)
  await web.post(`/can-bo/phan-anh/${spam.code}/tin-rac`, { spam: 'Nội dung quảng cáo cho vay, cá cược' })
  const rejected = await row(spam.code)
  assert.equal(rejected.status, 'spam')
  assert.deepEqual(await actions(spam.code), ['feedback.send', 'feedback.reject-spam'])
  const told = await t.db.kysely.selectFrom('messages').select('subject').where('recipient', '=', c.email).where('template', '=', 'feedback').orderBy('id', 'desc').executeTakeFirstOrThrow()
  assert.equal(told.subject, `Phản ánh ${spam.code}: không được tiếp nhận`)
  assert.equal((await t.services.feedback.own({ accountId: c.id }, spam.code)).answer, 'Nội dung quảng cáo cho vay, cá cược', 'the sender sees why')
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${spam.code}`)).statusCode, 404)
  assert.equal((await t.services.statistics.feedback(leader, {})).rows.find(r => r.agencyCode === DEPT)!.received, before - 1, 'no longer counted as received')
  await rejects(t.services.feedback.rejectSpam(leader, spam.code, 'Lần nữa'), 'CONFLICT')
})

test('the pages: sending needs a session and the CSRF token, errors are told beside their fields, the official answers through forms', async () => {
  offsetMs = 0
  const anonymous = await t.app.inject('/phan-anh-kien-nghi/gui?ho-so=H34.00-261207-0001')
  assert.ok([302, 303].includes(anonymous.statusCode), `about a dossier: sign in first (${anonymous.statusCode})`)
  const c = await newCitizen(t)
  const noToken = await t.app.inject({ method: 'POST', url: '/phan-anh-kien-nghi/gui', headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'title=x' })
  assert.equal(noToken.statusCode, 403)
  const me = browserSession(t, c.cookie)
  const bad = await me.upload('/phan-anh-kien-nghi/gui', [], { title: 'Hi', body: 'ngắn' })
  assert.equal(bad.statusCode, 422)
  for (const m of ['Chọn cơ quan nhận phản ánh', 'Chọn loại phản ánh', 'Nhập tiêu đề', 'Nêu nội dung phản ánh']) assert.ok(bad.body.includes(m), m)
  const fields = { category: 'procedure', title: 'Yêu cầu thêm giấy tờ', body: 'Cán bộ yêu cầu nộp thêm giấy xác nhận cư trú không có trong thành phần hồ sơ.' }
  // A file that is not a document is refused beside the file field, and nothing is kept.
  const filesBefore = Number((await t.db.kysely.selectFrom('files').select(eb => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const notDoc = await me.upload(`/phan-anh-kien-nghi/gui?thu-tuc=${FLOW_PROCEDURE}`, [{ name: 'anh.pdf', data: Buffer.from('không phải PDF'), field: 'files' }], fields)
  assert.equal(notDoc.statusCode, 422)
  assert.match(notDoc.body, /id="files-error"[^>]*>[\s\S]*?không phải là tệp PDF/)
  assert.equal((await t.services.feedback.mine(c.id)).length, 0)
  assert.equal(Number((await t.db.kysely.selectFrom('files').select(eb => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), filesBefore)
  const sent = await me.upload(`/phan-anh-kien-nghi/gui?thu-tuc=${FLOW_PROCEDURE}`, [{ name: 'giay-hen.pdf', data: samplePdf('giấy hẹn'), field: 'files' }], fields)
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 500))
  const code = /\/ca-nhan\/phan-anh\/(PA-[\d-]+)/.exec(String(sent.headers.location))![1]!
  const f = await row(code)
  assert.ok(f.procedureId, 'linked to the procedure')
  const own = await me.get(`/ca-nhan/phan-anh/${code}`)
  const fileUrl = /href="(\/ca-nhan\/phan-anh\/PA-[\d-]+\/tep\/[0-9a-f-]+)"/.exec(own.body)![1]!
  assert.equal((await me.get(fileUrl)).headers['content-type'], 'application/pdf')

  const official = await newOfficial(t, f.agencyCode, ['agency_leader'])
  const staff = browserSession(t, official.cookie)
  const item = await staff.get(`/can-bo/phan-anh/${code}`)
  assert.equal(item.statusCode, 200)
  assert.ok(item.body.includes(c.email), 'officials see who sent it')
  const officialFile = fileUrl.replace(/^\/ca-nhan\/phan-anh/, '/can-bo/phan-anh')
  assert.ok(item.body.includes(officialFile), 'and the attached file')
  assert.equal((await staff.get(officialFile)).statusCode, 200)
  const empty = await staff.post(`/can-bo/phan-anh/${code}/du-thao`, { answer: '' })
  assert.equal(empty.statusCode, 422)
  assert.match(empty.body, /Nhập nội dung trả lời/)
  assert.equal((await staff.post(`/can-bo/phan-anh/${code}/du-thao`, { answer: 'Giấy xác nhận cư trú không phải nộp; đã chấn chỉnh.' })).statusCode, 200)
  assert.equal((await staff.post(`/can-bo/phan-anh/${code}/duyet`, { answer: 'Giấy xác nhận cư trú không phải nộp; đã chấn chỉnh.' })).statusCode, 200)
  const list = await t.app.inject(`/phan-anh-kien-nghi?thu-tuc=${FLOW_PROCEDURE}`)
  assert.ok(list.body.includes('Yêu cầu thêm giấy tờ'), 'listed under its procedure')
  const other = browserSession(t, (await newCitizen(t)).cookie)
  assert.equal((await other.get(`/ca-nhan/phan-anh/${code}`)).statusCode, 404)
  assert.equal((await other.get(fileUrl)).statusCode, 404, 'nor its file')
  assert.ok(!(await t.app.inject(`/phan-anh-kien-nghi/${code}`)).body.includes('/tep/'), 'files are never public')
  const stranger = browserSession(t, (await newOfficial(t, f.agencyCode === OTHER ? DEPT : OTHER, ['specialist'])).cookie)
  assert.equal((await stranger.get(`/can-bo/phan-anh/${code}`)).statusCode, 404)
  assert.equal((await stranger.get(officialFile)).statusCode, 404)
  assert.ok((await t.app.inject('/can-bo/phan-anh')).statusCode >= 300, 'the queue needs an official')
})

test('without an account: the contact proved by a code (captcha first, five tries, a day\'s share), then followed, answered and rated through the signed link; never named in public', async () => {
  offsetMs = 0
  const b = browserSession(t, '')
  const form = await b.get('/phan-anh-kien-nghi/gui')
  assert.equal(form.statusCode, 200)
  assert.match(form.body, /name="contact"/)
  assert.doesNotMatch(form.body, /name="files"/, 'files only for signed-in senders')
  const captchaOf = (body: string) => /name="captchaId" value="([^"]+)"/.exec(body)![1]!
  // Every mistake at once, the wrong verification code among them; nothing sent.
  const bad = await b.post('/phan-anh-kien-nghi/gui', { captchaId: captchaOf(form.body), captcha: 'sai', contact: 'khong-phai-dia-chi', title: 'Hi' })
  assert.equal(bad.statusCode, 422)
  for (const m of ['Nhập địa chỉ thư điện tử hoặc số điện thoại', 'Nhập tiêu đề', 'Mã xác thực']) assert.ok(bad.body.includes(m), m)
  const contact = `an-danh-${Date.now()}@example.vn`
  assert.equal((await t.db.kysely.selectFrom('messages').select('id').where('recipient', '=', contact).execute()).length, 0)

  const fields = { category: 'official', title: 'Cán bộ thu thêm tiền', body: 'Tại bộ phận một cửa, cán bộ thu thêm 50.000 đồng ngoài lệ phí và không có biên lai.', agency: DEPT, contact }
  const sent = await b.post('/phan-anh-kien-nghi/gui', { ...fields, captchaId: captchaOf(bad.body), captcha: (await t.services.captcha.answer(captchaOf(bad.body)))! })
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 300))
  const confirmUrl = String(sent.headers.location).split('?')[0]!
  const codeMessage = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', contact).where('template', '=', 'feedback-code').executeTakeFirstOrThrow()
  const otp = /(\d{6})/.exec(codeMessage.body)![1]!
  assert.equal((await t.db.kysely.selectFrom('feedback').select('id').where('contact', '=', contact).execute()).length, 0, 'nothing recorded before the code')

  await b.get(confirmUrl)
  const wrong = await b.post(confirmUrl, { code: otp === '000000' ? '111111' : '000000' })
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /còn 4 lần/)
  const ok = await b.post(confirmUrl, { code: otp })
  assert.equal(ok.statusCode, 303, 'the right code')
  const followUrl = String(ok.headers.location)
  assert.match(followUrl, /^\/phan-anh-kien-nghi\/theo-doi\/PA-\d{6}-\d{6}\.[\w-]{32}$/)
  assert.equal((await b.post(confirmUrl, { code: otp })).statusCode, 404, 'a code is used once')
  const f = await t.db.kysely.selectFrom('feedback').selectAll().where('contact', '=', contact).executeTakeFirstOrThrow()
  assert.equal(f.accountId, null)
  assert.equal(f.agencyCode, DEPT)
  const received = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', contact).where('template', '=', 'feedback').executeTakeFirstOrThrow()
  assert.ok(received.body.includes(followUrl), 'the follow link is sent to the proved contact')
  const page = await b.get(followUrl)
  assert.equal(page.statusCode, 200)
  assert.ok(page.body.includes('Cán bộ thu thêm tiền'))
  assert.equal((await b.get(followUrl.replace(/.$/, c => c === 'A' ? 'B' : 'A'))).statusCode, 404, 'a forged link shows nothing')

  // Asked for more, answered through the link; approved; rated through the link.
  const hd = (await t.services.officials.sessionOfficial((await newOfficial(t, DEPT, ['agency_leader'])).cookie.split('=')[1]!))!
  assert.match((await t.services.feedback.forOfficial(hd, f.code)).contact ?? '', /an-danh-/, 'the handlers see the contact')
  await t.services.feedback.askInfo(hd, f.code, 'Đề nghị cho biết ngày, giờ.')
  assert.equal((await b.post(`${followUrl}/bo-sung`, { info: 'Sáng thứ Hai, khoảng 9 giờ.' })).statusCode, 303, 'information added')
  assert.equal((await row(f.code)).status, 'processing')
  await t.services.feedback.draft(hd, f.code, 'Đã xác minh và xử lý cán bộ vi phạm; số tiền thu sai được trả lại.')
  await t.services.feedback.approve(hd, f.code, 'Đã xác minh và xử lý cán bộ vi phạm; số tiền thu sai được trả lại.')
  assert.equal((await b.post(`${followUrl}/danh-gia`, { rating: '1' })).statusCode, 303, 'rated')
  assert.equal((await row(f.code)).rating, 1)
  const pub = await t.app.inject(`/api/v1/feedback/${f.code}`)
  assert.equal(pub.statusCode, 200)
  assert.ok(!pub.body.includes(contact) && !pub.body.includes('an-danh-'), 'the contact is never public')
  assert.deepEqual((await actions(f.code)).filter(a => a !== 'feedback.code'), ['feedback.send', 'feedback.ask-info', 'feedback.add-info', 'feedback.draft', 'feedback.approve', 'feedback.rate'])
  // The link lapses 180 days after the answer (the published answer stays public).
  offsetMs = 181 * DAY
  const lapsed = await b.get(followUrl)
  assert.equal(lapsed.statusCode, 404)
  assert.match(lapsed.body, /Liên kết theo dõi đã hết hạn/)
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${f.code}`)).statusCode, 200)
  offsetMs = 0

  // Five codes a day to one contact.
  for (let i = 0; i < 4; i++) await t.services.feedback.startAnonymous({ ...fields, title: `Lần ${i}`, agencyCode: DEPT }, '10.0.0.9')
  await rejects(t.services.feedback.startAnonymous({ ...fields, agencyCode: DEPT }, '10.0.0.9'), 'RATE_LIMITED', 'contact')
})
