import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { dossierAwaitingFees, FEES_PROCEDURE } from '../../../test/payments.js'
import { AppError } from '../../platform/http/errors.js'
import { assessFees } from './assessment.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const enc = encodeURIComponent
const fieldsOf = (fn: () => unknown) => { try { fn(); return [] } catch (err) { return ((err as AppError).fields ?? []).map(f => f.field) } }

test('the fees part of reception: the procedure\'s amounts, an amount for the case with how it was computed, or an exemption with its reason', () => {
  const fixed = [{ text: 'Lệ phí', amountVnd: 50_000 }]
  const varying = [{ text: 'Phí thẩm định. Mức thu: 300.000 đồng/chiếc', amountVnd: null }]
  assert.deepEqual(assessFees([], {}), { kind: 'standard' })
  assert.deepEqual(assessFees(fixed, {}), { kind: 'standard' })
  assert.deepEqual(fieldsOf(() => assessFees(varying, {})), ['fees-mode'], 'a fee by the case cannot be left to the procedure')
  assert.deepEqual(fieldsOf(() => assessFees(varying, { 'fees-mode': 'standard' })), ['fees-mode'])
  assert.deepEqual(fieldsOf(() => assessFees(varying, { 'fees-mode': 'case', payable: '12x', 'payable-note': '' })), ['payable', 'payable-note'])
  assert.deepEqual(assessFees(varying, { 'fees-mode': 'case', payable: '600.000 đ', 'payable-note': '2 xe × 300.000 đồng' }), { kind: 'case', amountVnd: 600_000, note: '2 xe × 300.000 đồng' })
  assert.deepEqual(fieldsOf(() => assessFees(fixed, { 'fees-mode': 'exempt', 'exempt-reason': ' ' })), ['exempt-reason'])
  assert.deepEqual(assessFees(fixed, { 'fees-mode': 'exempt', 'exempt-reason': 'Người có công với cách mạng' }), { kind: 'exempt', reason: 'Người có công với cách mạng' })
})

test('the desk sets the payable amount of an online dossier at reception; the citizen sees it and the fees asked later default to it', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FEES_PROCEDURE))
  const url = `/can-bo/ho-so/${enc(code)}`
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const page = await desk.get(url)
  assert.match(page.body, /name="fees-mode"/)
  assert.match(page.body, /Theo mức thu của thủ tục: 230\.000 đồng/)
  // An amount of its own needs how it was computed: told next to the field, nothing received.
  const bad = await desk.post(`${url}/tiep-nhan`, { 'fees-mode': 'case', payable: '460.000', 'payable-note': '' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="payable-note-error"/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 1)
  const ok = await desk.post(`${url}/tiep-nhan`, { 'fees-mode': 'case', payable: '460.000', 'payable-note': 'Hai phương tiện, mỗi phương tiện 230.000 đồng' })
  assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 2)
  assert.deepEqual(d.payable, { amountVnd: 460_000, note: 'Hai phương tiện, mỗi phương tiện 230.000 đồng' })
  assert.match(d.events.at(-1)!.message!, /Phí, lệ phí phải nộp: 460\.000 đồng \(Hai phương tiện/)
  const mine = await browserSession(t, c.cookie).get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(mine.body, /Phải nộp cho hồ sơ này \(xác định khi tiếp nhận\)<\/th><td><strong>460\.000 đồng<\/strong> – Hai phương tiện/)
  // The department head, asking for the fees, starts from that amount.
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.equal((await sp.post(`${url}/chuyen`, { taskId: taskIdOf((await sp.get(url)).body)! })).statusCode, 200)
  const hd = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  assert.match((await hd.get(url)).body, /name="amount" type="text" value="460000"/)
})

test('an applicant recorded exempt at reception is never asked for the fees', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FEES_PROCEDURE))
  const url = `/can-bo/ho-so/${enc(code)}`
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const bad = await desk.post(`${url}/tiep-nhan`, { 'fees-mode': 'exempt', 'exempt-reason': '' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="exempt-reason-error"/)
  assert.equal((await desk.post(`${url}/tiep-nhan`, { 'fees-mode': 'exempt', 'exempt-reason': 'Thương binh, theo Nghị định 131/2021/NĐ-CP' })).statusCode, 200)
  const d = await t.services.dossiers.get(c.id, code)
  const requests = await t.services.payments.ofDossier(d.id)
  assert.deepEqual(requests.map(r => [r.state, r.note]), [['exempt', 'Thương binh, theo Nghị định 131/2021/NĐ-CP']])
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.equal((await sp.post(`${url}/chuyen`, { taskId: taskIdOf((await sp.get(url)).body)! })).statusCode, 200)
  const hd = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  const head = await hd.get(url)
  assert.doesNotMatch(head.body, /yeu-cau-nop-phi/)
  assert.match(head.body, /Được miễn/)
  const twice = await hd.post(`${url}/mien-phi`, { taskId: taskIdOf(head.body)!, 'exempt-reason': 'Ghi nhận lần hai' })
  assert.equal(twice.statusCode, 422)
  assert.match(twice.body, /đã được ghi nhận miễn phí, lệ phí/)
})

test('counter intake of a procedure whose fee depends on the case: the amount is required before anything is entered', async () => {
  const PROCEDURE = '1.001001.000.00.00.H34'
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const choose = await desk.get('/can-bo/tiep-nhan-truc-tiep')
  const agency = new RegExp(`value="${PROCEDURE.replace(/\./g, '\\.')}\\|([^"]+)"`).exec(choose.body)![1]!
  const form = await desk.get(`/can-bo/tiep-nhan-truc-tiep?thu-tuc=${enc(`${PROCEDURE}|${agency}`)}&loai=individual&kenh=counter`)
  assert.match(form.body, /name="fees-mode"/)
  assert.doesNotMatch(form.body, /Theo mức thu của thủ tục/, 'no standard amount to offer')
  const slots = [...form.body.matchAll(/<input class="file-upload" id="tp-(c\d+)"/g)].map(m => m[1]!)
  const scans = () => slots.map((s, i) => ({ field: `tp-${s}`, name: `tp-${i}.pdf`, data: samplePdf(`tp ${i}`) }))
  const fields = {
    procedure: PROCEDURE, agency, kind: 'individual', channel: 'counter', result: 'office',
    'a-fullName': 'A Thuận', 'a-dateOfBirth': '02/03/1980', 'a-idNumber': '062080123456', 'a-phone': '0905765432', 'a-address': 'Thôn 1, xã Ngọc Réo, Kon Tum'
  }
  const count = async () => Number((await t.db.kysely.selectFrom('dossiers as d').innerJoin('procedures as p', 'p.id', 'd.procedureId').select(eb => eb.fn.countAll<number>().as('n')).where('p.code', '=', PROCEDURE).executeTakeFirstOrThrow()).n)
  const before = await count()
  const missing = await desk.upload('/can-bo/tiep-nhan-truc-tiep', scans(), fields)
  assert.equal(missing.statusCode, 422)
  assert.match(missing.body, /id="fees-mode-error"/)
  assert.equal(await count(), before, 'nothing entered')
  const done = await desk.upload('/can-bo/tiep-nhan-truc-tiep', scans(), { ...fields, 'fees-mode': 'case', payable: '900000', 'payable-note': '3 xe cải tạo × 300.000 đồng' })
  assert.equal(done.redirectedFrom?.statusCode, 303, done.body.slice(0, 400))
  const code = decodeURIComponent(/\/can-bo\/ho-so\/([^?]+)/.exec(done.redirectedFrom!.location)![1]!)
  const row = await t.db.kysely.selectFrom('dossiers').select(['status', 'payableVnd', 'payableNote']).where('code', '=', code).executeTakeFirstOrThrow()
  assert.deepEqual(row, { status: 2, payableVnd: 900_000, payableNote: '3 xe cải tạo × 300.000 đồng' })
})

test('without VNPay settings or the sandbox, online payment is not offered and no sandbox exists', async () => {
  assert.equal((await t.app.inject('/sandbox/vnpay/paymentv2/vpcpay.html?vnp_TxnRef=x')).statusCode, 404)
  const { c, code } = await dossierAwaitingFees(t)
  const cb = browserSession(t, c.cookie)
  const page = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(page.body, /Hồ sơ đang chờ bạn nộp phí, lệ phí/)
  assert.doesNotMatch(page.body, /Thanh toán trực tuyến/)
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`)).statusCode, 409)
})
