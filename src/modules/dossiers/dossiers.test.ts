import { test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, pressSubmit, readyDraft, serviceDraft } from '../../../test/dossiers.js'
import type { AppError } from '../../platform/http/errors.js'
import { sampleExe, sampleJpeg, samplePdf, samplePng } from '../../../test/files.js'
import { LOOKUP_ALLOWANCE, vietnamDay } from './model.js'

const t = useTestApp({ config: { MAX_FILE_MB: '1', MAX_DOSSIER_MB: '2' }, setup: ctx => loadCatalog(ctx.services) })
// Registration of motor vehicle inspection: fees of 180,000 and 50,000 đồng.
const PROCEDURE = '1.004325.000.00.00.H34'

test('the journey makes a dossier with its code, status 1, fees and a confirmation; a second press makes no second dossier', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.get(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
  assert.equal(start.statusCode, 200)
  assert.match(start.body, /Bắt đầu nộp hồ sơ mới/)
  const id = await readyDraft(t, b, PROCEDURE)
  const review = await b.get(`/nop-ho-so/${id}/kiem-tra`)
  assert.match(review.body, /Tôi xin chịu trách nhiệm trước pháp luật về lời khai trên/)
  assert.match(review.body, /Thay đổi/)
  assert.match(review.body, /230\.000 đồng/)

  const before = new Date()
  const res = await pressSubmit(t, b, id)
  assert.equal(res.statusCode, 303, res.body.slice(0, 1000))
  const location = res.headers.location as string
  const code = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec(location)![1]!)
  const agency = (await t.services.catalog.getProcedure(PROCEDURE)).agencies.receiving[0]!.code
  assert.match(code, new RegExp(`^${agency.replace(/\./g, '\\.')}-${vietnamDay(before).short}-\\d{4}$`))

  const page = await b.get(location)
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Nộp hồ sơ thành công/)
  assert.ok(page.body.includes(code))
  assert.match(page.body, /Hồ sơ đang chờ tiếp nhận/)
  assert.match(page.body, /Tổng/)
  assert.match(page.body, /Nguyễn Văn Thử/)

  // Pressing again (the same form posted twice) lands on the same dossier.
  const again = await pressSubmit(t, b, id)
  assert.equal(again.statusCode, 303)
  assert.equal(decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec(again.headers.location as string)![1]!), code)
  const mine = await t.services.dossiers.list(c.id, { page: 1, pageSize: 20 })
  assert.equal(mine.total, 1)
  // Back to the draft's pages (the browser's Back button): they lead to the submitted dossier.
  for (const step of ['kiem-tra', 'thanh-phan', 'nguoi-nop']) {
    const back = await b.get(`/nop-ho-so/${id}/${step}`)
    assert.equal(back.statusCode, 303, step)
    assert.equal(back.headers.location, `/ca-nhan/ho-so/${encodeURIComponent(code)}`)
  }
  // Another citizen gets no such redirect: the draft is theirs to know nothing of.
  assert.equal((await browserSession(t, (await newCitizen(t)).cookie).get(`/nop-ho-so/${id}/kiem-tra`)).statusCode, 404)

  // A confirmation message was queued to the account's e-mail, and an in-app notice made.
  const msg = await t.db.kysely.selectFrom('messages').select(['recipient', 'subject']).where('template', '=', 'dossier').where('recipient', '=', c.email).execute()
  assert.equal(msg.length, 1)
  assert.ok(msg[0]!.subject.includes(code))
  assert.equal(await t.services.dossiers.unreadNotices(c.id), 1)

  // The PDF confirmation.
  const pdf = await b.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}/phieu.pdf`)
  assert.equal(pdf.statusCode, 200)
  assert.equal(pdf.headers['content-type'], 'application/pdf')
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-')

  // The personal list shows it, newest first.
  const list = await b.get('/ca-nhan/ho-so')
  assert.ok(list.body.includes(code))
})

test('codes count per agency and Vietnam day, without duplicates under concurrent submissions', async () => {
  const agency = (await t.services.catalog.getProcedure(PROCEDURE)).agencies.receiving[0]!.code
  // 23:30 UTC is already the next day in Vietnam.
  const late = new Date('2030-03-04T23:30:00Z')
  const codes = await Promise.all(Array.from({ length: 25 }, () => t.db.transaction(trx => t.services.dossiers.takeCode(trx, agency, late))))
  const numbers = codes.map(c => Number(c.slice(-4))).sort((a, b) => a - b)
  assert.deepEqual(numbers, Array.from({ length: 25 }, (_, i) => i + 1))
  assert.ok(codes.every(c => c.startsWith(`${agency}-300305-`)))
  // A rolled-back submission leaves no gap.
  await assert.rejects(t.db.transaction(async trx => { await t.services.dossiers.takeCode(trx, agency, late); throw new Error('rollback') }))
  assert.equal((await t.db.transaction(trx => t.services.dossiers.takeCode(trx, agency, late))).slice(-4), '0026')
})

test('bad files are refused with a message next to the component, and nothing is kept', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const filesBefore = await t.db.kysely.selectFrom('files').select(t.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const url = `/nop-ho-so/${id}/thanh-phan`
  const cases: Array<[string, Buffer, RegExp]> = [
    ['to-khai.pdf', sampleExe(), /không phải là tệp PDF, JPEG, PNG/],
    ['trong.pdf', Buffer.alloc(0), /trống/],
    ['lon.pdf', samplePdf('x', 1024 * 1024 + 10), /lớn hơn 1 MB/],
    ['ghi-chu.txt', Buffer.from('chỉ là chữ, không phải giấy tờ'), /không phải là tệp/]
  ]
  for (const [name, data, message] of cases) {
    const res = await b.attach(url, 'c0', [{ name, data }])
    assert.equal(res.statusCode, 422, name)
    assert.match(res.body, message)
    assert.match(res.body, /href="#tp-c0"/, 'the error summary links to the component')
  }
  const filesAfter = await t.db.kysely.selectFrom('files').select(t.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  assert.equal(Number(filesAfter.n), Number(filesBefore.n))

  // Accepted types by content, whatever the name; listed with name and size; removable.
  for (const [name, data] of [['anh.png', samplePng()], ['chup.jpg', sampleJpeg()], ['scan.bin', samplePdf()]] as const) {
    assert.equal((await b.attach(url, 'c0', [{ name, data }])).statusCode, 303, name)
  }
  const page = await b.get(`/nop-ho-so/${id}/thanh-phan`)
  assert.match(page.body, /anh\.png/)
  assert.match(page.body, /scan\.pdf/, 'named with the extension of its type')
  const d = await t.services.dossiers.draft(c.id, id)
  assert.deepEqual(d.files.map(f => f.mediaType).sort(), ['application/pdf', 'image/jpeg', 'image/png'])
  assert.ok(d.files.every(f => /^[0-9a-f]{64}$/.test(f.sha256 ?? '')))
  const removed = await b.post(`/nop-ho-so/${id}/tep/${d.files[0]!.attachmentId}/xoa`)
  assert.equal(removed.statusCode, 303)
  assert.equal((await t.services.dossiers.draft(c.id, id)).files.length, 2)

  // One form for several components: each is kept or refused on its own, the refusal named next to its component.
  const slots = d.slots.map(x => x.key)
  assert.ok(slots.length >= 2)
  const mixed = await b.upload(url, [{ name: 'tot.pdf', data: samplePdf('tot'), field: `tp-${slots[1]}` }, { name: 'xau.pdf', data: sampleExe(), field: `tp-${slots[0]}` }], { action: 'continue' })
  assert.equal(mixed.statusCode, 422)
  assert.match(mixed.body, new RegExp(`href="#tp-${slots[0]}"`))
  assert.doesNotMatch(mixed.body, new RegExp(`href="#tp-${slots[1]}"`))
  assert.ok((await t.services.dossiers.draft(c.id, id)).files.some(f => f.component === slots[1] && f.name === 'tot.pdf'))
  await b.post(`/nop-ho-so/${id}/tep/${(await t.services.dossiers.draft(c.id, id)).files.find(f => f.name === 'tot.pdf')!.attachmentId}/xoa`)

  // The dossier's total is limited too (2 MB here): two more files of ~0.9 MB go over.
  assert.equal((await b.attach(url, 'c0', [{ name: 'a.pdf', data: samplePdf('a', 900_000) }])).statusCode, 303)
  const over = await b.attach(url, 'c0', [{ name: 'b.pdf', data: samplePdf('b', 900_000) }, { name: 'c.pdf', data: samplePdf('c', 900_000) }])
  assert.equal(over.statusCode, 422)
  assert.match(over.body, /Tổng dung lượng các tệp của hồ sơ vượt quá 2 MB/)
})

test('a missing required component is named and linked on continuing and on submitting', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const res = await b.post(`/nop-ho-so/${id}/thanh-phan`)
  assert.equal(res.statusCode, 422)
  const d = await t.services.dossiers.draft(c.id, id)
  const first = d.slots.find(s => s.required)!
  assert.ok(res.body.includes(`href="#tp-${first.key}"`))
  assert.ok(res.body.includes('(bắt buộc)'))
  const submit = await pressSubmit(t, b, id)
  assert.equal(submit.statusCode, 422)
  assert.match(submit.body, /Chưa khai thông tin người nộp hồ sơ/)
  assert.match(submit.body, /Chưa tải lên/)
  assert.equal((await t.services.dossiers.list(c.id, { page: 1, pageSize: 5 })).total, 0)
})

test('step forms check what can be checked, and a tampered agency is refused', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const bad = await b.post(`/nop-ho-so/${id}/nguoi-nop`, { onBehalf: 'yes', 's-fullName': '', 's-dateOfBirth': '31/02/1990', 's-idNumber': '123', 's-phone': '0123', 's-address': 'x', 'a-kind': 'organization', 'a-fullName': 'Công ty A', 'a-idNumber': '0100109107', 'a-representative': 'B', 'a-phone': '0912345678', 'a-address': 'y' })
  assert.equal(bad.statusCode, 422)
  for (const m of [/Nhập họ và tên/, /Ngày sinh phải là một ngày có thật/, /gồm đúng 12 chữ số/, /Số điện thoại di động gồm 10 chữ số/, /Mã số thuế không đúng/]) assert.match(bad.body, m)
  const agency = await b.post(`/nop-ho-so/${id}/co-quan`, { agency: '000.00.00.H34' })
  assert.equal(agency.statusCode, 422)
  assert.match(agency.body, /Chọn một trong các cơ quan tiếp nhận/)
  const delivery = await b.post(`/nop-ho-so/${id}/nhan-ket-qua`, { submission: 'pickup', result: 'post', 'p-province': '99' })
  assert.equal(delivery.statusCode, 422)
})

test('filing on behalf asks for the applicant and the mandate', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const res = await b.post(`/nop-ho-so/${id}/nguoi-nop`, {
    onBehalf: 'yes', 's-fullName': 'Nguyễn Văn Thử', 's-dateOfBirth': '15/08/1990', 's-idNumber': c.citizenId, 's-phone': c.phone, 's-address': 'Kon Tum',
    'a-kind': 'individual', 'a-fullName': 'Trần Thị Chủ', 'a-dateOfBirth': '01/02/1985', 'a-idNumber': '062185000111', 'a-phone': '0987654321', 'a-address': 'Đắk Hà'
  })
  assert.equal(res.statusCode, 303, res.body.slice(0, 3000))
  const d = await t.services.dossiers.draft(c.id, id)
  assert.equal(d.onBehalf, true)
  assert.equal(d.slots.at(-1)!.key, 'mandate')
  assert.equal((d.applicant as { fullName: string }).fullName, 'Trần Thị Chủ')
})

test('one citizen cannot reach another citizen\'s drafts, dossiers or files', async () => {
  const owner = await newCitizen(t)
  const ob = browserSession(t, owner.cookie)
  const id = await readyDraft(t, ob, PROCEDURE)
  const fileId = (await t.services.dossiers.draft(owner.id, id)).files[0]!.id
  const res = await pressSubmit(t, ob, id)
  const code = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec(res.headers.location as string)![1]!)
  const id2 = await readyDraft(t, ob, PROCEDURE)

  const other = await newCitizen(t)
  const xb = browserSession(t, other.cookie)
  assert.equal((await xb.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}`)).statusCode, 404)
  assert.equal((await xb.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}/phieu.pdf`)).statusCode, 404)
  assert.equal((await xb.get(`/ca-nhan/tep/${fileId}`)).statusCode, 404)
  assert.equal((await xb.get(`/nop-ho-so/${id2}/kiem-tra`)).statusCode, 404)
  assert.equal((await xb.post(`/nop-ho-so/${id2}/nop`, { declaration: 'yes' })).statusCode, 404)
  assert.equal((await xb.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/rut`, { reason: 'Không cần nữa' })).statusCode, 404)
  assert.equal((await xb.attach(`/nop-ho-so/${id2}/thanh-phan`, 'c0', [{ name: 'x.pdf', data: samplePdf() }])).statusCode, 404)
  assert.equal((await xb.get(`/ca-nhan/tep/not-a-uuid`)).statusCode, 404)
  // The owner reads it; signed out, a page asks for sign-in.
  const own = await ob.get(`/ca-nhan/tep/${fileId}`)
  assert.equal(own.statusCode, 200)
  assert.equal(own.headers['content-type'], 'application/pdf')
  assert.equal((await t.app.inject({ url: `/ca-nhan/tep/${fileId}` })).statusCode, 303)
})

test('a supplement round trip keeps every version; withdraw and rating follow the state machine', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const id = await readyDraft(t, b, PROCEDURE)
  const code = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec((await pressSubmit(t, b, id)).headers.location as string)![1]!)
  const official = { type: 'official' as const, id: 'test-official', name: 'Cán bộ Một Cửa' }
  const d0 = await t.services.dossiers.get(c.id, code)
  const slot = d0.slots.find(s => s.required)!
  await t.services.dossiers.requestSupplement(official, code, { items: [{ component: slot.key, note: 'Ảnh mờ, chụp lại rõ nét' }], message: 'Bổ sung trong 15 ngày làm việc' })
  const page = await b.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}`)
  assert.match(page.body, /Cơ quan yêu cầu bổ sung hồ sơ/)
  assert.match(page.body, /Ảnh mờ, chụp lại rõ nét/)
  assert.doesNotMatch(page.body, /id="phi-le-phi"/, 'no empty fees heading when no fee was asked')
  // Sending without a new file is refused, naming the component.
  const empty = await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, { note: '' })
  assert.equal(empty.statusCode, 422)
  assert.ok(empty.body.includes(`href="#tp-${slot.key}"`))
  // A component not asked for cannot be touched.
  const other = d0.slots.find(s => s.key !== slot.key)
  if (other) assert.equal((await b.attach(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, other.key, [{ name: 'x.pdf', data: samplePdf() }])).statusCode, 409)
  assert.equal((await b.attach(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, slot.key, [{ name: 'ro-net.pdf', data: samplePdf('ro net') }])).statusCode, 303)
  const sent = await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, { note: 'Đã chụp lại' })
  assert.equal(sent.statusCode, 303)
  const d1 = await t.services.dossiers.get(c.id, code)
  assert.equal(d1.status, 1, 'not yet received: back to reception')
  const versions = d1.files.filter(f => f.component === slot.key)
  assert.equal(versions.filter(f => f.superseded).length, 1)
  assert.equal(versions.filter(f => !f.superseded).length, 1)
  assert.match((await b.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}`)).body, /Phiên bản trước \(1\)/)
  // Form 02 asks once, for everything: a second request before reception is refused, nothing changes.
  await assert.rejects(t.services.dossiers.requestSupplement(official, code, { items: [{ component: slot.key, note: 'Thêm một lần nữa' }] }),
    (err: AppError) => err.code === 'CONFLICT' && /chỉ được yêu cầu bổ sung một lần, đầy đủ/.test(err.message))
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 1)

  // Withdraw needs a reason; then nothing more is possible.
  assert.equal((await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/rut`, { reason: '' })).statusCode, 422)
  assert.equal((await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/rut`, { reason: 'Tôi nộp nhầm thủ tục' })).statusCode, 303)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 7)
  assert.equal((await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/rut`, { reason: 'Lần nữa' })).statusCode, 409)

  // Rating only once the result is returned.
  const id2 = await readyDraft(t, b, PROCEDURE)
  const code2 = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec((await pressSubmit(t, b, id2)).headers.location as string)![1]!)
  assert.equal((await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code2)}/danh-gia`, { rating: '5' })).statusCode, 409)
  for (const action of ['receive', 'start-processing', 'finish', 'return-result'] as const) await t.services.dossiers.act(official, code2, action)
  const rated = await b.post(`/ca-nhan/ho-so/${encodeURIComponent(code2)}/danh-gia`, { rating: '5', comment: 'Nhanh' })
  assert.equal(rated.statusCode, 200)
  assert.match(rated.body, /Bạn đã đánh giá: <strong>Rất hài lòng/)
  const timeline = (await t.services.dossiers.get(c.id, code2)).events.map(e => e.action)
  assert.deepEqual(timeline, ['submit', 'receive', 'start-processing', 'finish', 'return-result', 'rate'])
})

test('public lookup shows no personal data without the applicant\'s ID or phone; the API says the same', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const id = await readyDraft(t, b, PROCEDURE)
  const code = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec((await pressSubmit(t, b, id)).headers.location as string)![1]!)
  const anon = await t.app.inject({ url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}`, remoteAddress: '10.0.0.1' })
  assert.equal(anon.statusCode, 200)
  assert.match(anon.body, /Mới đăng ký/)
  assert.ok(!anon.body.includes('Nguyễn Văn Thử'))
  assert.ok(!anon.body.includes(c.citizenId))
  const proven = await t.app.inject({ url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}&giay-to=${c.phone}`, remoteAddress: '10.0.0.1' })
  assert.match(proven.body, /Nguyễn Văn Thử/)
  assert.ok(!proven.body.includes(c.citizenId), 'the ID number stays masked')
  const api = await t.app.inject({ url: `/api/v1/dossiers/${encodeURIComponent(code)}/status` })
  assert.equal(api.statusCode, 200)
  const json = api.json()
  assert.equal(json.code, code)
  assert.equal(json.status, 1)
  assert.ok(!JSON.stringify(json).includes('Nguyễn'))
  assert.equal((await t.app.inject({ url: '/api/v1/dossiers/000.00.03.H34-220622-9999/status' })).headers['content-type'], 'application/problem+json; charset=utf-8')
  // Guessing: 20 misses in a row from one address (refused or not, past the allowance) lock it, even with a proof.
  for (let i = 0; i < 20; i++) await t.app.inject({ url: `/tra-cuu-ho-so?ma=000.00.03.H34-220622-${String(i).padStart(4, '0')}`, remoteAddress: '10.0.0.9' })
  const locked = await t.app.inject({ url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}&giay-to=${c.phone}`, remoteAddress: '10.0.0.9' })
  assert.equal(locked.statusCode, 429)
  assert.match(locked.body, /tra cứu sai quá nhiều lần/)
})

test('every lookup counts: past a small allowance an address sees a dossier only with the applicant\'s ID or phone', async () => {
  const c = await newCitizen(t)
  const code = (await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))).code
  const ip = '10.0.0.20'
  const look = (query: string, remoteAddress = ip) => t.app.inject({ url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}${query}`, remoteAddress })
  // Found lookups count, not only misses: a walk over sequential codes shows a handful, then stops.
  for (let i = 0; i < LOOKUP_ALLOWANCE; i++) assert.equal((await look('')).statusCode, 200, `lookup ${i + 1}`)
  const refused = await look('')
  assert.equal(refused.statusCode, 429)
  assert.match(refused.body, /id="giay-to-error"[^>]*>.*hãy nhập số định danh cá nhân/)
  const api = await t.app.inject({ url: `/api/v1/dossiers/${encodeURIComponent(code)}/status`, remoteAddress: ip })
  assert.equal(api.statusCode, 429)
  assert.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8')
  // The applicant, with their proof, still follows their dossier from that address.
  const proven = await look(`&giay-to=${c.citizenId}`)
  assert.equal(proven.statusCode, 200)
  assert.match(proven.body, /Nguyễn Văn Thử/)
  assert.equal((await t.app.inject({ url: `/api/v1/dossiers/${encodeURIComponent(code)}/status?proof=${c.phone}`, remoteAddress: ip })).statusCode, 200)
  assert.equal((await look('&giay-to=012345678901')).statusCode, 429, 'a wrong proof is no proof')
  assert.equal((await look('', '10.0.0.21')).statusCode, 200, 'another address has its own allowance')
})

test('a procedure not offered online, or above the account\'s assurance, cannot be started', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  await t.services.catalog.setMinAssurance({ type: 'system' }, PROCEDURE, 'eid-2')
  try {
    const res = await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)
    assert.equal(res.statusCode, 403)
    assert.match(res.body, /định danh điện tử mức độ 2/)
  } finally {
    await t.services.catalog.setMinAssurance({ type: 'system' }, PROCEDURE, 'basic')
  }
  // Raised while a draft is under way: the submission is refused too, and nothing is submitted.
  const id = await readyDraft(t, b, PROCEDURE)
  await t.services.catalog.setMinAssurance({ type: 'system' }, PROCEDURE, 'eid-1')
  try {
    await assert.rejects(t.services.dossiers.submit(c.id, id), (err: AppError) => err.code === 'FORBIDDEN' && /định danh điện tử mức độ 1/.test(err.message))
    assert.equal((await t.services.dossiers.draft(c.id, id)).status, 0)
  } finally {
    await t.services.catalog.setMinAssurance({ type: 'system' }, PROCEDURE, 'basic')
  }
  await t.services.catalog.setOnlineLevel({ type: 'system' }, PROCEDURE, 'none')
  try {
    assert.equal((await b.post(`/thu-tuc/${PROCEDURE}/nop-ho-so`)).statusCode, 409)
    assert.match((await b.get(`/thu-tuc/${PROCEDURE}/nop-ho-so`)).body, /chưa được cung cấp trực tuyến/)
  } finally {
    await t.services.catalog.setOnlineLevel({ type: 'system' }, PROCEDURE, 'partial')
  }
})

test('drafts are listed apart and deleted with their files after DRAFT_RETENTION_DAYS untouched', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const id = await readyDraft(t, b, PROCEDURE)
  const list = await b.get('/ca-nhan/ho-so')
  assert.match(list.body, /Hồ sơ nháp/)
  assert.ok(list.body.includes(`/nop-ho-so/${id}/kiem-tra`))
  const fileIds = (await t.services.dossiers.draft(c.id, id)).files.map(f => f.id)
  await t.db.kysely.updateTable('dossiers').set({ updatedAt: new Date(Date.now() - 31 * 86400_000) }).where('id', '=', id).execute()
  assert.ok(await t.services.dossiers.deleteOldDrafts() >= 1)
  assert.equal((await b.get(`/nop-ho-so/${id}/kiem-tra`)).statusCode, 404)
  assert.equal((await t.db.kysely.selectFrom('files').select('id').where('id', 'in', fileIds).execute()).length, 0, 'its files went too')
})
