import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

async function submitted () {
  const c = await newCitizen(t)
  const id = await serviceDraft(t.services, c.id, PROCEDURE)
  const { code } = await t.services.dossiers.submit(c.id, id)
  const agency = (await t.services.dossiers.get(c.id, code)).agency!.code
  return { c, code, agency }
}

test('the receptionist\'s queue lists new online dossiers of their agencies with the time left; others see nothing', async () => {
  const { code, agency } = await submitted()
  const r = await newOfficial(t, agency, ['receptionist'])
  const b = browserSession(t, r.cookie)
  const queue = await b.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan')
  assert.equal(queue.statusCode, 200)
  assert.ok(queue.body.includes(code))
  assert.match(queue.body, /còn \d|quá hạn|đã đến hạn/)
  const workspace = await b.get('/can-bo')
  assert.match(workspace.body, /Chờ tiếp nhận \(\d+\)/)
  // An official of another agency neither lists nor opens it, nor reads its files.
  const other = await newOfficial(t, '000.00.00.H34', ['receptionist'])
  // The Department of Culture (another department) receives nothing of the transport sector.
  const stranger = await newOfficial(t, '000.00.15.H34', ['receptionist'])
  const sb = browserSession(t, stranger.cookie)
  assert.ok(!(await sb.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan')).body.includes(code))
  assert.equal((await sb.get(`/can-bo/ho-so/${encodeURIComponent(code)}`)).statusCode, 404)
  assert.equal((await sb.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)).statusCode, 404)
  // The province covers its units: its receptionist sees it.
  assert.equal((await browserSession(t, other.cookie).get(`/can-bo/ho-so/${encodeURIComponent(code)}`)).statusCode, 200)
  // Signed out: sent to sign in.
  assert.equal((await t.app.inject({ url: `/can-bo/ho-so/${encodeURIComponent(code)}` })).statusCode, 303)
})

test('the reception queue comes in pages of 50, the oldest first', async () => {
  const { code, agency } = await submitted()
  // Sixty more new dossiers of the agency, copies of this one submitted later (codes …-9001 on).
  await sql`
    insert into dossiers (code, status, procedure_id, procedure_version_id, account_id, agency_code, channel, applicant, submitter, delivery, fees, submitted_at)
    select ${code.replace(/-\d{4}$/, '')} || '-' || (9000 + n)::text, 1, procedure_id, procedure_version_id, account_id, agency_code, channel, applicant, submitter, delivery, fees, submitted_at + make_interval(mins => n)
    from dossiers, generate_series(1, 60) n where code = ${code}`.execute(t.db.kysely)
  const b = browserSession(t, (await newOfficial(t, agency, ['receptionist'])).cookie)
  const listed = (body: string) => [...body.matchAll(/href="\/can-bo\/ho-so\/([^"]+)"/g)].map(m => decodeURIComponent(m[1]!))
  const first = await b.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan')
  assert.equal(listed(first.body).length, 50)
  assert.match(first.body, /rel="next"/)
  const second = await b.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan&trang=2')
  assert.match(second.body, /rel="prev"/)
  // Both pages together: every dossier once, in the order they were submitted.
  const all = [...listed(first.body), ...listed(second.body)]
  assert.equal(new Set(all).size, all.length)
  const ours = all.filter(c => c === code || c.startsWith(code.replace(/-\d{4}$/, '-9')))
  assert.equal(ours.length, 61)
  assert.deepEqual(ours, [code, ...Array.from({ length: 60 }, (_, i) => `${code.replace(/-\d{4}$/, '')}-${9001 + i}`)])
})

test('reception: receive sets the due date from the calendar, issues form 01 and tells the citizen; every view is audited', async () => {
  const { c, code, agency } = await submitted()
  const r = await newOfficial(t, agency, ['receptionist'], 'Trần Văn Nhận')
  const b = browserSession(t, r.cookie)
  const page = await b.get(`/can-bo/ho-so/${encodeURIComponent(code)}`)
  assert.match(page.body, /Tiếp nhận và in giấy hẹn/)
  const done = await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)
  assert.equal(done.statusCode, 200)
  assert.match(done.body, /Đã tiếp nhận hồ sơ; hẹn trả kết quả/)
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 2)
  // The due date is the calendar's for this procedure's duration, counted from the moment of receipt.
  const p = await t.services.catalog.getProcedure(PROCEDURE)
  const expected = await t.services.calendar.computeDue(d.receivedAt!, { value: p.processingTime.value!, unit: p.processingTime.unit! }, {}, agency)
  assert.equal(d.dueAt!.getTime(), expected.due.getTime())
  assert.ok(d.events.find(e => e.action === 'receive')!.message!.includes(expected.explanation.slice(0, 30)))
  // Form 01 for the official and for the citizen, in Vietnamese, with the code and the due date.
  const pdf = await b.get(`/can-bo/ho-so/${encodeURIComponent(code)}/mau-01.pdf`)
  assert.equal(pdf.statusCode, 200)
  const text = await pdfText(pdf.rawPayload)
  assert.match(text, /GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/)
  assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/)
  assert.ok(text.includes(code))
  assert.match(text, /Trần Văn Nhận/)
  const citizen = browserSession(t, c.cookie)
  assert.equal((await citizen.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}/mau-01.pdf`)).statusCode, 200)
  assert.equal((await citizen.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}/mau-03.pdf`)).statusCode, 404, 'form 03 was never issued')
  assert.match((await citizen.get(`/ca-nhan/ho-so/${encodeURIComponent(code)}`)).body, /Giấy tiếp nhận và hẹn trả kết quả \(mẫu 01\)/)
  const views = await t.db.kysely.selectFrom('auditLog').select('action').where('actorId', '=', r.id).execute()
  assert.ok(views.filter(v => v.action === 'dossier.view').length >= 2)
  assert.ok(views.some(v => v.action === 'dossier.receive'))
  // Receiving again: a clear message with the fresh state, nothing changed.
  const again = await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)
  assert.equal(again.statusCode, 422)
  assert.match(again.body, /Trang đã được tải lại với trạng thái mới nhất/)
})

test('supplement before reception: every missing item in one go (form 02), the citizen answers, the dossier returns to the queue', async () => {
  const { c, code, agency } = await submitted()
  const r = await newOfficial(t, agency, ['receptionist'])
  const b = browserSession(t, r.cookie)
  const d = await t.services.dossiers.get(c.id, code)
  const [first, second] = d.slots
  const missingNote = await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/yeu-cau-bo-sung`, { components: first!.key })
  assert.equal(missingNote.statusCode, 422)
  assert.ok(missingNote.body.includes(`href="#note-${first!.key}"`))
  const none = await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/yeu-cau-bo-sung`, {})
  assert.equal(none.statusCode, 422)
  const form: Record<string, string | string[]> = { components: second ? [first!.key, second.key] : [first!.key], [`note-${first!.key}`]: 'Bản chụp mờ' }
  if (second) form[`note-${second.key}`] = 'Thiếu trang 2'
  const sent = await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/yeu-cau-bo-sung`, form)
  assert.equal(sent.statusCode, 200, sent.body.slice(0, 500))
  const after = await t.services.dossiers.get(c.id, code)
  assert.equal(after.status, 5)
  assert.equal(after.receivedAt, null, 'the clock has not started')
  assert.equal(after.openSupplement!.items.length, second ? 2 : 1)
  assert.ok(after.openSupplement!.dueAt! > new Date(Date.now() + 14 * 86400_000), '15 working days to answer')
  const text = await pdfText((await b.get(`/can-bo/ho-so/${encodeURIComponent(code)}/mau-02.pdf`)).rawPayload)
  assert.match(text, /PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ/)
  assert.match(text, /Bản chụp mờ/)
  // Before reception form 02 is the desk's: headed by its agency, numbered, signed by the receiving official.
  assert.match(text, /Số: \d+\/\d{4}\/PBS/)
  assert.ok(text.includes('NGƯỜI TIẾP NHẬN HỒ SƠ'))
  // The citizen answers; the dossier is waiting for reception again.
  const cb = browserSession(t, c.cookie)
  for (const item of after.openSupplement!.items) {
    assert.equal((await cb.attach(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, item.component, [{ name: 'moi.pdf', data: samplePdf('moi') }])).statusCode, 303)
  }
  assert.equal((await cb.post(`/ca-nhan/ho-so/${encodeURIComponent(code)}/bo-sung`, { note: 'Đã bổ sung' })).statusCode, 303)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 1)
  assert.ok((await b.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan')).body.includes(code))
})

test('refusal needs a reason and issues form 03; two officials at once: one succeeds, the other is told', async () => {
  const { c, code, agency } = await submitted()
  const r1 = await newOfficial(t, agency, ['receptionist'])
  const r2 = await newOfficial(t, agency, ['receptionist'])
  const b1 = browserSession(t, r1.cookie)
  const b2 = browserSession(t, r2.cookie)
  assert.equal((await b1.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tu-choi`, { reason: 'ngắn' })).statusCode, 422)
  await b2.get('/can-bo')
  const [refused, received] = await Promise.all([
    b1.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tu-choi`, { reason: 'Thủ tục không thuộc thẩm quyền của cơ quan' }),
    b2.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)
  ])
  const statuses = [refused.statusCode, received.statusCode].sort()
  assert.deepEqual(statuses, [200, 422], 'exactly one of them acted')
  const d = await t.services.dossiers.get(c.id, code)
  assert.ok(d.status === 3 || d.status === 2)
  assert.equal(d.events.filter(e => e.action === 'refuse' || e.action === 'receive').length, 1)
  // A specialist (no reception role) cannot act at reception.
  const s = await newOfficial(t, agency, ['specialist'])
  const { code: code2 } = await submitted()
  assert.equal((await browserSession(t, s.cookie).post(`/can-bo/ho-so/${encodeURIComponent(code2)}/tiep-nhan`)).statusCode, 403)
})


test('the public service centre receives for the departments whose one-stop desk it is, and their units', async () => {
  const { c, code, agency } = await submitted()
  const desk = await t.db.kysely.selectFrom('agencies as a').innerJoin('agencies as p', 'p.id', 'a.parentId')
    .select(['p.receptionDeskCode']).where('a.code', '=', agency).executeTakeFirstOrThrow()
  assert.equal(desk.receptionDeskCode, '000.01.01.H34', 'in the demo data the centre is the desk of the department')
  const centre = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const b = browserSession(t, centre.cookie)
  assert.ok((await b.get('/can-bo/ho-so?hang-doi=cho-tiep-nhan')).body.includes(code))
  assert.equal((await b.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)).statusCode, 200)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 2)
  // A specialist of the centre is no receptionist: the desk gives nothing to other roles.
  const s = await newOfficial(t, '000.01.01.H34', ['specialist'])
  const { code: code2 } = await submitted()
  assert.equal((await browserSession(t, s.cookie).get(`/can-bo/ho-so/${encodeURIComponent(code2)}`)).statusCode, 404)
})

test('an unanswered supplement request closes the dossier (status 8) when its time runs out, with a notice', async () => {
  const { c, code, agency } = await submitted()
  const r = await newOfficial(t, agency, ['receptionist'])
  const slot = (await t.services.dossiers.get(c.id, code)).slots[0]!
  await browserSession(t, r.cookie).post(`/can-bo/ho-so/${encodeURIComponent(code)}/yeu-cau-bo-sung`, { components: slot.key, [`note-${slot.key}`]: 'Thiếu chữ ký' })
  const open = (await t.services.dossiers.get(c.id, code)).openSupplement!
  assert.equal(await t.services.workflow.expireSupplements(new Date(open.dueAt!.getTime() - 60_000)), 0, 'not before its time')
  assert.ok(await t.services.workflow.expireSupplements(new Date(open.dueAt!.getTime() + 60_000)) >= 1)
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 8)
  assert.match(d.events.at(-1)!.message!, /Hết thời hạn bổ sung/)
  assert.ok((await t.services.dossiers.notices(c.id)).some(n => n.text.includes(code) && n.text.includes('Dừng xử lý')))
  assert.equal(await t.services.workflow.expireSupplements(new Date(open.dueAt!.getTime() + 60_000)), 0, 'once only')
})
