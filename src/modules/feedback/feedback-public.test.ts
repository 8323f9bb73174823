import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { DAY, DEPT, OTHER, feedbackTestApp } from '../../../test/feedback.js'
import { FLOW_PROCEDURE } from '../../../test/approval.js'
import { samplePdf } from '../../../test/files.js'
import { maskPersonal, spamSignals } from './model.js'

const { t, clock, rejects, actions, row } = feedbackTestApp()

test('the public search is the catalog\'s: abbreviations and synonyms, ranked title first, typos corrected against the published words ("Có phải bạn muốn tìm"), hidden answers leave the lexicon', async () => {
  clock.offsetMs = 0
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
  const api = await t.app.inject(`/api/v1/feedback?q=${encodeURIComponent('bein so xe dau gia')}`)
  assert.equal((JSON.parse(api.body) as { corrected?: string, items: Array<{ code: string }> }).corrected, 'biển số xe đấu giá')
  assert.equal((JSON.parse(api.body) as { items: Array<{ code: string }> }).items[0]?.code, plates)
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
  clock.offsetMs = 0
  const c = await newCitizen(t, { fullName: 'Trần Thị Bình' })
  const account = { id: c.id, fullName: 'Trần Thị Bình' }
  for (let i = 1; i <= 5; i++) await t.services.feedback.send(account, { category: 'proposal', title: `Đề xuất số ${i}`, body: `Đề xuất cải tiến thứ ${i}: mở thêm quầy tiếp nhận buổi chiều.`, agencyCode: DEPT, showName: i === 1 })
  await rejects(t.services.feedback.send(account, { category: 'proposal', title: 'Đề xuất số 6', body: 'Đề xuất cải tiến thứ 6: mở thêm quầy tiếp nhận.', agencyCode: DEPT }), 'RATE_LIMITED', 'body')
  const me = browserSession(t, c.cookie)
  const page = await me.upload('/phan-anh-kien-nghi/gui', [], { category: 'proposal', title: 'Đề xuất số 6', body: 'Đề xuất cải tiến thứ 6: mở thêm quầy tiếp nhận.', agency: DEPT })
  assert.equal(page.statusCode, 429)
  assert.match(page.body, /tối đa 5 phản ánh trong 24 giờ/)
  assert.match(page.body, /value="Đề xuất số 6"/, 'what was typed is kept')
  clock.offsetMs = DAY + 60_000
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
  clock.offsetMs = 0

  assert.equal(maskPersonal('Gọi 0912.345.678 hoặc +84 912 345 678, CCCD 062090123456, thư a.b@example.vn'), 'Gọi [đã ẩn] hoặc [đã ẩn], CCCD [đã ẩn], thư [đã ẩn]')
  assert.equal(maskPersonal('Tôi là Trần Thị Bình, hồ sơ năm 2024', ['Trần Thị Bình']), 'Tôi là [đã ẩn], hồ sơ năm 2024')
})

test('spam: ordinary complaints carry no mark; advertising is marked for the officials, still received, and only a leader rejects it (told, audited, never published, not counted); too many links refused beside the text', async () => {
  clock.offsetMs = 0
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
  clock.offsetMs = 0
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
  clock.offsetMs = 0
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
  clock.offsetMs = 181 * DAY
  const lapsed = await b.get(followUrl)
  assert.equal(lapsed.statusCode, 404)
  assert.match(lapsed.body, /Liên kết theo dõi đã hết hạn/)
  assert.equal((await t.app.inject(`/phan-anh-kien-nghi/${f.code}`)).statusCode, 200)
  clock.offsetMs = 0

  // Five codes a day to one contact.
  for (let i = 0; i < 4; i++) await t.services.feedback.startAnonymous({ ...fields, title: `Lần ${i}`, agencyCode: DEPT }, '10.0.0.9')
  await rejects(t.services.feedback.startAnonymous({ ...fields, agencyCode: DEPT }, '10.0.0.9'), 'RATE_LIMITED', 'contact')
})
