import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, taskIdOf } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const AGENCY = '000.01.11.H34'
const PATH = '/can-bo/tiep-nhan-truc-tiep'

const walkIn = {
  'a-fullName': 'Y Blơng Niê', 'a-dateOfBirth': '01/01/1985', 'a-idNumber': '062085123456', 'a-phone': '0905123456',
  'a-email': 'yblong@example.vn', 'a-address': 'Thôn 3, xã Đăk Hà, Kon Tum'
}

test('counter intake: the receptionist enters a walk-in dossier with its scans, bad input is told next to its field and good scans are kept, then it is received with form 01', async () => {
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')).cookie)
  const choose = await desk.get(PATH)
  assert.equal(choose.statusCode, 200)
  assert.ok(choose.body.includes(`value="${PROCEDURE}|${AGENCY}"`))
  const form = await desk.get(`${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&loai=individual&kenh=postal`)
  assert.equal(form.statusCode, 200)
  const slots = [...form.body.matchAll(/<input class="file-upload" id="tp-(c\d+)"/g)].map(m => m[1]!)
  assert.ok(slots.length >= 2)
  const fields = { procedure: PROCEDURE, agency: AGENCY, kind: 'individual', channel: 'postal', result: 'office' }

  // The first try: the ID number does not match the birth year, one scan is not a document, one is missing.
  const first = await desk.upload(PATH, [
    { field: `tp-${slots[0]}`, name: 'trang-1.pdf', data: samplePdf('trang 1') },
    { field: `tp-${slots[1]}`, name: 'ghi-chu.txt', data: Buffer.from('not a scan') }
  ], { ...fields, ...walkIn, 'a-idNumber': '062090123456' })
  assert.equal(first.statusCode, 422)
  assert.match(first.body, /id="a-idNumber-error"/)
  assert.match(first.body, new RegExp(`id="tp-${slots[1]}-error"`))
  assert.match(first.body, /Đã tải: trang-1\.pdf/)
  const kept = new RegExp(`name="kept-${slots[0]}-0" value="([^"]+)"`).exec(first.body)![1]!
  assert.equal(await t.db.kysely.selectFrom('dossiers').select('id').where('applicant', '@>', JSON.stringify({ idNumber: '062085123456' })).executeTakeFirst(), undefined, 'nothing entered yet')

  // The second try, with the kept scan and the rest.
  const rest = slots.slice(1).map((s, i) => ({ field: `tp-${s}`, name: `tp-${i}.pdf`, data: samplePdf(`tp ${i}`) }))
  const done = await desk.upload(PATH, rest, { ...fields, ...walkIn, [`kept-${slots[0]}-0`]: kept })
  assert.equal(done.redirectedFrom?.statusCode, 303, done.body.slice(0, 500))
  const code = decodeURIComponent(/\/can-bo\/ho-so\/([^?]+)/.exec(done.redirectedFrom!.location)![1]!)
  assert.match(code, new RegExp(`^${AGENCY.replace(/\./g, '\\.')}-\\d{6}-\\d{4}$`))
  const row = await t.db.kysely.selectFrom('dossiers').selectAll().where('code', '=', code).executeTakeFirstOrThrow()
  assert.equal(row.status, 2)
  assert.equal(row.channel, 'postal')
  assert.equal(row.accountId, null, 'no account for this person')
  assert.ok(row.dueAt && row.receivedAt && row.enteredBy)
  const files = await t.db.kysely.selectFrom('dossierFiles').select('component').where('dossierId', '=', row.id).execute()
  assert.equal(files.length, slots.length)
  // Post/redirect/get: the dossier's page says what was done, once.
  assert.match(done.body, /Đã tiếp nhận hồ sơ\. In giấy tiếp nhận/)
  const page = await desk.get(done.redirectedFrom!.location)
  assert.doesNotMatch(page.body, /Đã tiếp nhận hồ sơ\. In giấy tiếp nhận/, 'a reload does not repeat the notice')
  assert.match(page.body, /Bưu chính/)
  const slip = await pdfText((await desk.get(`/can-bo/ho-so/${encodeURIComponent(code)}/mau-01.pdf`)).rawPayload)
  for (const words of ['GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', 'Y Blơng Niê', code]) assert.ok(slip.includes(words), words)
  // Each document with its kind of copy and quantity; no working notes ("Cách tính") on the citizen's slip.
  assert.match(slip, /- 1\. .+\((Bản [^,)]+, )?\d{2} bản\)/)
  assert.ok(!slip.includes('Cách tính'))
  // The applicant, who has no account, is told by e-mail, and can follow it with the public lookup.
  const mail = await t.db.kysely.selectFrom('messages').select(['subject']).where('recipient', '=', 'yblong@example.vn').execute()
  assert.ok(mail.length >= 1)
  const lookup = await t.app.inject(`/api/v1/dossiers/${encodeURIComponent(code)}/status`)
  assert.equal(lookup.statusCode, 200)
  // The specialist finds it in their queue like any other.
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.ok((await sp.get('/can-bo/ho-so?hang-doi=cua-toi')).body.includes(code))
  // The kept scan cannot be used twice.
  const again = await desk.upload(PATH, rest, { ...fields, ...walkIn, [`kept-${slots[0]}-0`]: kept })
  assert.equal(again.statusCode, 422)
})

test('counter intake links the dossier to the applicant\'s account when one exists and hands the first step to the chosen specialist; only receptionists may enter', async () => {
  const c = await newCitizen(t)
  const me = await t.services.dossiers.draft(c.id, await t.services.dossiers.startDraft(c.id, PROCEDURE))
  const person = me.submitter as { fullName: string, idNumber: string, dateOfBirth: string, phone: string, address: string }
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const form = await desk.get(`${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&loai=individual&kenh=counter`)
  const slots = [...form.body.matchAll(/<input class="file-upload" id="tp-(c\d+)"/g)].map(m => m[1]!)
  // The desk may hand the first step to a specialist; one of another agency is refused before anything is written.
  const chosen = await newOfficial(t, '000.00.11.H34', ['specialist'], 'Quầy Chọn Chuyên Viên')
  const elsewhere = await newOfficial(t, '000.00.15.H34', ['specialist'])
  assert.match((await desk.get(`${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&loai=individual&kenh=counter`)).body, new RegExp(`<option value="${chosen.id}">Quầy Chọn Chuyên Viên</option>`))
  const entered = async (assignee: string) => desk.upload(PATH, slots.map(s => ({ field: `tp-${s}`, name: `${s}.pdf`, data: samplePdf(s) })), {
    procedure: PROCEDURE, agency: AGENCY, kind: 'individual', channel: 'counter', result: 'office', assignee,
    'a-fullName': person.fullName, 'a-dateOfBirth': person.dateOfBirth.split('-').reverse().join('/'), 'a-idNumber': person.idNumber, 'a-phone': person.phone, 'a-address': person.address
  })
  const count = async () => Number((await t.db.kysely.selectFrom('dossiers').select(eb => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const before = await count()
  const refused = await entered(elsewhere.id)
  assert.equal(refused.statusCode, 422)
  assert.match(refused.body, /id="assignee-error"/)
  assert.equal(await count(), before, 'no dossier half-entered')
  const done = await entered(chosen.id)
  assert.equal(done.redirectedFrom?.statusCode, 303, done.body.slice(0, 400))
  const code = decodeURIComponent(/\/can-bo\/ho-so\/([^?]+)/.exec(done.redirectedFrom!.location)![1]!)
  assert.match(done.body, /Bước hiện tại:<\/strong> Thẩm định hồ sơ – Quầy Chọn Chuyên Viên/)
  const mine = await browserSession(t, c.cookie).get('/ca-nhan/ho-so')
  assert.ok(mine.body.includes(code), 'in the citizen\'s own list')
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.equal((await sp.get(PATH)).statusCode, 403)
  assert.equal((await sp.upload(PATH, [], { procedure: PROCEDURE, agency: AGENCY })).statusCode, 403)
  assert.equal((await sp.get(`${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&so-giay-to=${person.idNumber}`)).statusCode, 403, 'only the desk looks people up')
})

test('counter intake: the procedure found by a few words; the applicant filled from their account by ID number (audited); a component received on paper only', async () => {
  const c = await newCitizen(t)
  const deskOfficial = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const desk = browserSession(t, deskOfficial.cookie)
  // Words without accents narrow the list of procedures the desk receives.
  const all = await desk.get(PATH)
  const total = [...all.body.matchAll(/<option value="[^"]+\|[^"]+"/g)].length
  const found = await desk.get(`${PATH}?tim=${encodeURIComponent('kiem dinh')}`)
  const shown = [...found.body.matchAll(/<option value="([^"]+)\|[^"]+"[^>]*>([^<]+)</g)]
  assert.ok(shown.length > 0 && shown.length < total, `${shown.length} of ${total}`)
  for (const m of shown) assert.match(m[2]!.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase(), /kiem dinh/)
  assert.match(found.body, /thủ tục khớp với “kiem dinh”/)
  // The ID number fills the applicant from the account; the lookup is in the audit log.
  const base = `${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&loai=individual&kenh=counter`
  const filled = await desk.get(`${base}&so-giay-to=${c.citizenId}`)
  assert.match(filled.body, /Đã điền theo tài khoản trên Cổng/)
  assert.match(filled.body, /name="a-fullName"[^>]*value="Nguyễn Văn Thử"/)
  assert.ok(filled.body.includes(`value="${c.phone}"`))
  assert.match((await desk.get(`${base}&so-giay-to=000000000001`)).body, /Không tìm thấy tài khoản hay hồ sơ nào/)
  const audited = await t.db.kysely.selectFrom('auditLog').select('details').where('actorId', '=', deskOfficial.id).where('action', '=', 'applicant.lookup').execute()
  assert.deepEqual(audited.map(a => (a.details as { found: string }).found).sort(), ['account', 'none'])
  // A required component received on paper only: no scan needed; its page says so.
  const slots = [...filled.body.matchAll(/<input class="file-upload" id="tp-(c\d+)"/g)].map(m => m[1]!)
  const done = await desk.upload(PATH, slots.slice(1).map(s => ({ field: `tp-${s}`, name: `${s}.pdf`, data: samplePdf(s) })), {
    procedure: PROCEDURE, agency: AGENCY, kind: 'individual', channel: 'counter', result: 'office', [`giay-${slots[0]}`]: 'yes',
    'a-fullName': 'Nguyễn Văn Thử', 'a-dateOfBirth': '15/08/1990', 'a-idNumber': c.citizenId, 'a-phone': c.phone, 'a-address': '70 Lê Hồng Phong, Kon Tum'
  })
  assert.equal(done.redirectedFrom?.statusCode, 303, done.body.slice(0, 400))
  assert.match(done.body, /Đã nhận bản giấy tại bộ phận một cửa/)
})

test('a supplement asked during processing of a counter dossier is brought in person: the desk records a scan and a paper received, the dossier goes back to its step', async () => {
  const deskOfficial = await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')
  const desk = browserSession(t, deskOfficial.cookie)
  const form = await desk.get(`${PATH}?thu-tuc=${encodeURIComponent(`${PROCEDURE}|${AGENCY}`)}&loai=individual&kenh=counter`)
  const slots = [...form.body.matchAll(/<input class="file-upload" id="tp-(c\d+)"/g)].map(m => m[1]!)
  const done = await desk.upload(PATH, slots.map(s => ({ field: `tp-${s}`, name: `${s}.pdf`, data: samplePdf(s) })),
    { procedure: PROCEDURE, agency: AGENCY, kind: 'individual', channel: 'counter', result: 'office', ...walkIn })
  assert.equal(done.redirectedFrom?.statusCode, 303, done.body.slice(0, 400))
  const url = /\/can-bo\/ho-so\/[^?"]+/.exec(done.redirectedFrom!.location)![0]
  const row = await t.db.kysely.selectFrom('dossiers').selectAll().where('code', '=', decodeURIComponent(url.split('/').pop()!)).executeTakeFirstOrThrow()
  // The official holding the first step asks for two components (once during processing).
  const task = await t.db.kysely.selectFrom('dossierTasks').select(['role', 'agencyCode']).where('dossierId', '=', row.id).where('finishedAt', 'is', null).executeTakeFirstOrThrow()
  const holder = browserSession(t, (await newOfficial(t, task.agencyCode, [task.role as 'specialist'])).cookie)
  const taskId = taskIdOf((await holder.get(url)).body)!
  const [first, second] = [slots[0]!, slots[1]!]
  const asked = await holder.post(`${url}/yeu-cau-bo-sung`, { taskId, components: [first, second], [`note-${first}`]: 'Bản sao chưa chứng thực', [`note-${second}`]: 'Thiếu chữ ký' })
  assert.equal(asked.statusCode, 200)
  assert.equal((await t.db.kysely.selectFrom('dossiers').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status, 5)
  // The desk's page offers to record it; the step holder's does not, and may not.
  const page = await desk.get(url)
  assert.match(page.body, /Nhận hồ sơ bổ sung trực tiếp, qua bưu chính/)
  assert.match(page.body, /Nội dung cần bổ sung: Bản sao chưa chứng thực/)
  assert.doesNotMatch((await holder.get(url)).body, /Nhận hồ sơ bổ sung trực tiếp/)
  assert.equal((await holder.upload(`${url}/nhan-bo-sung`, [], { [`giay-${first}`]: 'yes', [`giay-${second}`]: 'yes' })).statusCode, 403)
  // Nothing brought for a component: told next to it, nothing kept.
  const missing = await desk.upload(`${url}/nhan-bo-sung`, [{ field: `tp-${first}`, name: 'chung-thuc.pdf', data: samplePdf('chung thuc') }], { note: 'Mang đến quầy' })
  assert.equal(missing.statusCode, 422)
  assert.match(missing.body, new RegExp(`id="tp-${second}-error"[^>]*>[^<]*<span[^>]*>Lỗi:</span> Tải lên tệp bổ sung cho .+hoặc đánh dấu đã nhận bản giấy`))
  assert.equal((await t.db.kysely.selectFrom('dossierFiles').select('id').where('dossierId', '=', row.id).where('round', '>', 0).execute()).length, 0, 'the scan of a refused record is not kept')
  // A scan for one, the paper for the other: back in processing, the same step, the applicant told.
  const recorded = await desk.upload(`${url}/nhan-bo-sung`, [{ field: `tp-${first}`, name: 'chung-thuc.pdf', data: samplePdf('chung thuc') }], { [`giay-${second}`]: 'yes', note: 'Mang đến quầy' })
  assert.equal(recorded.redirectedFrom?.statusCode, 303, recorded.body.slice(0, 400))
  assert.match(recorded.body, /Đã ghi nhận hồ sơ bổ sung; hồ sơ trở lại trạng thái “Đang xử lý”/)
  const after = await t.db.kysely.selectFrom('dossiers').select(['status', 'dueAt']).where('id', '=', row.id).executeTakeFirstOrThrow()
  assert.equal(after.status, 4)
  assert.equal(taskIdOf((await holder.get(url)).body), taskId, 'the same step resumes')
  const files = await t.db.kysely.selectFrom('dossierFiles').select(['component', 'round', 'supersededAt']).where('dossierId', '=', row.id).execute()
  assert.deepEqual(files.filter(f => f.round === 1).map(f => f.component), [first])
  assert.ok(files.find(f => f.component === first && f.round === 0)!.supersededAt, 'the earlier scan is superseded')
  assert.equal(files.find(f => f.component === second && f.round === 0)!.supersededAt, null, 'the paper brought keeps the earlier scan current')
  const event = await t.db.kysely.selectFrom('dossierEvents').selectAll().where('dossierId', '=', row.id).where('action', '=', 'supplement').executeTakeFirstOrThrow()
  assert.equal(event.actorId, deskOfficial.id)
  assert.match(event.message!, /Đã nhận hồ sơ bổ sung tại bộ phận một cửa: Mang đến quầy/)
  assert.deepEqual((event.details as { paper: string[] }).paper, [second])
  assert.ok(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'dossier.supplement.desk').where('actorId', '=', deskOfficial.id).executeTakeFirst())
  const told = await t.db.kysely.selectFrom('messages').select(['recipient', 'subject']).where('recipient', '=', walkIn['a-email']).where('subject', 'like', '%đã được bổ sung%').execute()
  assert.equal(told.length, 1, 'the applicant without an account is told at the contact they gave')
})
