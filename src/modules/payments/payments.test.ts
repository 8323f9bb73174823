import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft, taskIdOf } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
import { samplePdf } from '../../../test/files.js'
import { pdfText } from '../../../test/pdf.js'
import { localNumbering } from './receipts.js'
import { paymentsCommand } from '../../cli/commands/payments.js'
import { signParams as sign } from './vnpay.js'
import { sandboxAnswer } from './payments.service.js'
import { signParams } from './vnpay.js'

const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true' }, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

/** A dossier waiting for 230,000 đồng, and the citizen's session. */
async function awaitingFees () {
  const d = await dossierAwaitingFees(t)
  return { ...d, cb: browserSession(t, d.c.cookie) }
}

/** The citizen presses "Thanh toán trực tuyến": the signed request the sandbox gateway receives. */
async function startPayment (cb: ReturnType<typeof browserSession>, code: string, bank = 'VNBANK') {
  const res = await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`, { bank })
  assert.equal(res.statusCode, 303)
  const url = new URL(res.headers.location as string)
  assert.equal(url.pathname, '/sandbox/vnpay/paymentv2/vpcpay.html')
  return Object.fromEntries(url.searchParams)
}

const ipn = async (query: string) => {
  const res = await t.app.inject(`/api/v1/payments/vnpay/ipn?${query}`)
  assert.equal(res.statusCode, 200)
  assert.match(res.headers['content-type'] as string, /application\/json/)
  return (res.json() as { RspCode: string }).RspCode
}
const answer = (q: Record<string, string>, approve = true, amount = q['vnp_Amount']!) =>
  sandboxAnswer(t.services.payments.sandboxSecret!, { txnRef: q['vnp_TxnRef']!, amount, info: q['vnp_OrderInfo']!, approve, at: new Date(), transactionNo: String(Date.now() % 1e8) })

test('online payment: the IPN alone marks it paid, once; bad checksum, wrong amount and unknown orders change nothing', async () => {
  const { c, code, cb } = await awaitingFees()
  const page = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(page.body, /Thanh toán trực tuyến/)
  assert.match(page.body, /230\.000 đồng/)
  const q = await startPayment(cb, code)
  assert.equal(q['vnp_Amount'], '23000000')
  assert.equal(q['vnp_BankCode'], 'VNBANK', 'the choice the page offers first')
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`, { bank: 'NOSUCHBANK' })).statusCode, 422)
  const ok = answer(q)
  // The browser comes back first: the return page decides nothing.
  const early = await t.app.inject(`/thanh-toan/vnpay/ket-qua?${ok}`)
  assert.match(early.body, /Đang chờ ngân hàng xác nhận/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
  // Crafted notifications that must change nothing.
  assert.equal(await ipn(ok.replace(/vnp_SecureHash=[0-9a-f]+/, `vnp_SecureHash=${'0'.repeat(128)}`)), '97')
  assert.equal(await ipn(answer(q, true, '2300000')), '04')
  assert.equal(await ipn(sandboxAnswer(t.services.payments.sandboxSecret!, { txnRef: 'MC000000NOSUCH', amount: '23000000', info: 'x', approve: true, at: new Date(), transactionNo: '1' })), '01')
  const unsigned = Object.fromEntries([...new URLSearchParams(ok)].filter(([k]) => k !== 'vnp_SecureHash'))
  assert.equal(await ipn(signParams('another secret', unsigned)), '97')
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
  // The genuine one, then its replay.
  assert.equal(await ipn(ok), '00')
  assert.equal(await ipn(ok), '02')
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.status, 4, 'processing resumes')
  assert.match((await t.app.inject(`/thanh-toan/vnpay/ket-qua?${ok}`)).body, /Thanh toán thành công/)
  const stored = await t.db.kysely.selectFrom('paymentNotifications').select('answer').execute()
  assert.deepEqual(stored.map(s => s.answer).slice(-6), ['97', '04', '01', '97', '00', '02'])
  const mine = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(mine.body, /Trực tuyến qua VNPay: Đã thanh toán/)
  // The receipt: numbered for the collecting agency and the year, the amount in words.
  const receiptUrl = /href="(\/ca-nhan\/ho-so\/[^"]+\/bien-lai\/\d+\.pdf)"/.exec(mine.body)![1]!
  const text = await pdfText((await cb.get(receiptUrl)).rawPayload)
  for (const words of ['BIÊN LAI THU PHÍ, LỆ PHÍ', 'Hai trăm ba mươi nghìn đồng', code, 'Trực tuyến qua VNPay', 'Thu qua cổng thanh toán trực tuyến']) assert.ok(text.includes(words), words)
  assert.equal((await cb.get(receiptUrl.replace(/\d+\.pdf$/, 'abc.pdf'))).statusCode, 404)
  const stranger = browserSession(t, (await newCitizen(t)).cookie)
  assert.equal((await stranger.get(receiptUrl)).statusCode, 404)
})

test('a declined payment leaves the fees due; a new attempt cancels the old; money taken on a cancelled attempt is recorded, the surplus flagged and refunded', async () => {
  const { c, code, cb, desk } = await awaitingFees()
  const first = await startPayment(cb, code)
  assert.equal(await ipn(answer(first, false)), '00')
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
  assert.match((await t.app.inject(`/thanh-toan/vnpay/ket-qua?${answer(first, false)}`)).body, /Thanh toán không thành công/)
  // Two more attempts: the second cancels the first; both end up charged at the bank.
  const a = await startPayment(cb, code)
  const b = await startPayment(cb, code)
  const states = async () => (await t.db.kysely.selectFrom('payments').select(['txnRef', 'state', 'surplus']).where('txnRef', 'in', [a['vnp_TxnRef']!, b['vnp_TxnRef']!]).orderBy('id').execute()).map(p => `${p.state}${p.surplus ? '+surplus' : ''}`)
  assert.deepEqual(await states(), ['cancelled', 'pending'])
  assert.equal(await ipn(answer(a)), '00')
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4, 'the cancelled attempt\'s money pays the fees')
  assert.equal(await ipn(answer(b)), '00')
  assert.deepEqual(await states(), ['paid', 'paid+surplus'])
  assert.match((await cb.get(`/ca-nhan/ho-so/${enc(code)}`)).body, /tiền nộp thừa, sẽ được hoàn lại/)
  // The desk returns the surplus through the gateway: asked (a job sends it; see refund.test), never twice.
  const surplus = await t.db.kysely.selectFrom('payments').select('id').where('txnRef', '=', b['vnp_TxnRef']!).executeTakeFirstOrThrow()
  const url = `/can-bo/ho-so/${enc(code)}`
  const staffPage = await desk.get(url)
  assert.ok(staffPage.body.includes(`/hoan-tien/${surplus.id}`))
  assert.match(staffPage.body, /Hoàn tiền qua cổng thanh toán/)
  assert.equal((await desk.post(`${url}/hoan-tien/${surplus.id}`, { [`refund-${surplus.id}`]: '' })).statusCode, 422)
  assert.equal((await desk.post(`${url}/hoan-tien/${surplus.id}`, { [`refund-${surplus.id}`]: 'Nộp thừa do thanh toán hai lần' })).statusCode, 200)
  assert.deepEqual(await states(), ['paid', 'paid+surplus'], 'paid until the gateway accepts')
  const asked = await t.db.kysely.selectFrom('paymentRefunds').select(['state', 'via', 'amountVnd']).where('paymentId', '=', surplus.id).execute()
  assert.deepEqual(asked, [{ state: 'requested', via: 'gateway', amountVnd: 230_000 }])
  assert.match((await desk.get(url)).body, /đang chờ cổng thanh toán xử lý/)
  assert.equal((await desk.post(`${url}/hoan-tien/${surplus.id}`, { [`refund-${surplus.id}`]: 'Lần hai nữa' })).statusCode, 422)
})

test('the same notification twice at once: one records the payment, the other is told it is already confirmed', async () => {
  const { c, code, cb } = await awaitingFees()
  const q = await startPayment(cb, code)
  const ok = answer(q)
  const codes = (await Promise.all([ipn(ok), ipn(ok), ipn(ok)])).sort()
  assert.deepEqual(codes, ['00', '02', '02'])
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
  const paid = await t.db.kysely.selectFrom('payments').select('state').where('txnRef', '=', q['vnp_TxnRef']!).execute()
  assert.deepEqual(paid.map(p => p.state), ['paid'])
})

test('cash at the counter: the desk records it and processing resumes; a citizen cannot', async () => {
  const { c, code, desk, cb } = await awaitingFees()
  assert.notEqual((await cb.post(`/can-bo/ho-so/${enc(code)}/nop-tien-mat`)).statusCode, 200)
  const r = await desk.post(`/can-bo/ho-so/${enc(code)}/nop-tien-mat`)
  assert.equal(r.statusCode, 200, r.body.slice(0, 300))
  assert.match(r.body, /Đã ghi nhận nộp 230\.000 đồng tiền mặt/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
  assert.match((await cb.get(`/ca-nhan/ho-so/${enc(code)}`)).body, /Tiền mặt tại bộ phận một cửa: Đã thanh toán/)
  // Online payment is no longer possible.
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`)).statusCode, 409)
})

test('bank transfer: the account and VietQR code, the citizen\'s slip, rejected with a reason, sent again and confirmed', async () => {
  const { c, code, desk, cb } = await awaitingFees()
  const page = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  // The fee request is announced at the top of the page (before the dossier's details), with the amount and a link to pay.
  const top = page.body.indexOf('Cơ quan yêu cầu nộp phí, lệ phí')
  assert.ok(top > 0 && top < page.body.indexOf('Người nộp hồ sơ'))
  assert.match(page.body, /href="#phi-le-phi"/)
  assert.match(page.body, /Chuyển khoản/)
  assert.match(page.body, /11900001[12]/)
  assert.match(page.body, /000 01 11 H34/)
  const qr = await cb.get(`/ca-nhan/ho-so/${enc(code)}/vietqr.png`)
  assert.equal(qr.statusCode, 200)
  assert.equal(qr.headers['content-type'], 'image/png')
  // Not a document: told on the page, nothing kept.
  const bad = await cb.upload(`/ca-nhan/ho-so/${enc(code)}/chung-tu`, [{ name: 'ghi-chu.txt', data: Buffer.from('not a slip') }])
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="slip-error"/)
  assert.equal((await cb.upload(`/ca-nhan/ho-so/${enc(code)}/chung-tu`, [{ name: 'uy-nhiem-chi.pdf', data: samplePdf('unc') }])).statusCode, 303)
  // While the slip waits for an official, the page says so at the top and offers nothing that would pay twice.
  const waiting = await cb.get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(waiting.body, /Chờ xác nhận chứng từ/)
  assert.match(waiting.body, /Chứng từ chuyển khoản đang chờ xác nhận/)
  assert.doesNotMatch(waiting.body, /Thanh toán trực tuyến<\/button>|vietqr\.png/)
  const pending = async () => t.db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
    .select(['p.id', 'p.state', 'p.decidedReason']).where('d.code', '=', code).where('p.method', '=', 'transfer').orderBy('p.id').execute()
  const [first] = await pending()
  const url = `/can-bo/ho-so/${enc(code)}`
  const staffPage = await desk.get(url)
  assert.match(staffPage.body, /chứng từ chuyển khoản/)
  assert.equal((await desk.post(`${url}/chung-tu/${first!.id}/khong-chap-nhan`, { [`reject-${first!.id}`]: '' })).statusCode, 422)
  assert.equal((await desk.post(`${url}/chung-tu/${first!.id}/khong-chap-nhan`, { [`reject-${first!.id}`]: 'Số tiền trên chứng từ không khớp' })).statusCode, 200)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
  assert.match((await cb.get(`/ca-nhan/ho-so/${enc(code)}`)).body, /Số tiền trên chứng từ không khớp/)
  assert.equal((await cb.upload(`/ca-nhan/ho-so/${enc(code)}/chung-tu`, [{ name: 'uy-nhiem-chi-2.pdf', data: samplePdf('unc 2') }])).statusCode, 303)
  const second = (await pending()).at(-1)!
  assert.equal(second.state, 'pending')
  const ok = await desk.post(`${url}/chung-tu/${second.id}/xac-nhan`)
  assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
  assert.deepEqual((await pending()).map(p => p.state), ['failed', 'paid'])
  // The receipt names the official who confirmed the transfer as the collector.
  const receiptHref = /href="(\/can-bo\/ho-so\/[^"]+\/bien-lai\/\d+\.pdf)"/.exec(ok.body)![1]!
  const receipt = await pdfText((await desk.get(receiptHref)).rawPayload)
  assert.ok(receipt.includes('NGƯỜI THU TIỀN'))
  assert.ok(receipt.includes('Cán bộ Thử'), 'the collector\'s name')
  // Deciding twice is told, not applied.
  assert.match((await desk.post(`${url}/chung-tu/${second.id}/xac-nhan`)).body, /đã được xử lý|Không thể thực hiện thao tác này/)
})

test('receipts restart at 1 on 1 January (Vietnam time) and are numbered without gaps under concurrency', async () => {
  // Two payments made across a new year, by the pay date the gateway reports (years no other receipt of
  // this file is dated in, whenever the tests run).
  const paidAt = async (payDate: string) => {
    const { cb, code } = await awaitingFees()
    const q = await startPayment(cb, code)
    const params = Object.fromEntries([...new URLSearchParams(answer(q))].filter(([k]) => k !== 'vnp_SecureHash'))
    assert.equal(await ipn(sign(t.services.payments.sandboxSecret!, { ...params, vnp_PayDate: payDate })), '00')
    return t.db.kysely.selectFrom('receipts').select(['year', 'series', 'number']).where('content', 'like', `%${code}%`).executeTakeFirstOrThrow()
  }
  const before = await paidAt('20611231235900')
  const after = await paidAt('20620101000030')
  assert.equal(before.year, 2061)
  assert.equal(before.series, 'BL61')
  assert.deepEqual([after.year, after.series, after.number], [2062, 'BL62', 1])
  // Twenty receipts numbered at once for one agency, template and series: 1…20, each once.
  const key = { agencyCode: '000.00.11.H34', template: 'TEST', series: 'BL99', year: 2099 }
  const numbers = await Promise.all(Array.from({ length: 20 }, () => t.db.transaction(trx => localNumbering.next(trx, key))))
  assert.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1))
  // A rolled-back transaction leaves no gap.
  await assert.rejects(t.db.transaction(async trx => { await localNumbering.next(trx, key); throw new Error('rolled back') }))
  assert.equal(await t.db.transaction(trx => localNumbering.next(trx, key)), 21)
  // Receipts are never deleted.
  await assert.rejects(t.db.kysely.deleteFrom('receipts').execute(), /never deleted/)
})

test('an exempt applicant: recorded with the reason, nothing to pay, processing goes on; totals by method and the share paid online', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const url = `/can-bo/ho-so/${enc(code)}`
  await browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie).post(`${url}/tiep-nhan`)
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  await sp.post(`${url}/chuyen`, { taskId: taskIdOf((await sp.get(url)).body)! })
  const hd = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  const taskId = taskIdOf((await hd.get(url)).body)!
  // An amount that is not a sum of đồng is told next to its field.
  assert.match((await hd.post(`${url}/yeu-cau-nop-phi`, { taskId, amount: '12' })).body, /id="amount-error"/)
  assert.equal((await hd.post(`${url}/mien-phi`, { taskId, 'exempt-reason': '' })).statusCode, 422)
  assert.equal((await hd.post(`${url}/mien-phi`, { taskId, 'exempt-reason': 'Người có công với cách mạng (Nghị định 75/2021)' })).statusCode, 200)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
  assert.match((await browserSession(t, c.cookie).get(`/ca-nhan/ho-so/${enc(code)}`)).body, /Được miễn/)
  // Totals of everything this file collected today.
  const from = new Date(Date.now() - 86_400_000)
  const totals = await t.services.payments.totals(from, new Date(Date.now() + 86_400_000))
  const methods = new Set(totals.byMethod.map(r => r.method))
  for (const m of ['vnpay', 'cash', 'transfer']) assert.ok(methods.has(m as 'cash'), m)
  assert.ok(totals.byMethod.every(r => r.amountVnd > 0 && r.count > 0))
  assert.ok(totals.paidRequests >= 3 && totals.paidOnline >= 1 && totals.onlineShare > 0 && totals.onlineShare < 1)
  // The same through the admin CLI, by Vietnam days; a wrong day is refused with the usage.
  const lines: string[] = []
  const day = (t: number) => new Date(t + 7 * 3600_000).toISOString().slice(0, 10)
  await paymentsCommand.run(t.services, ['totals', day(Date.now() - 86_400_000), day(Date.now())], line => lines.push(line))
  assert.ok(lines.some(l => /Tiền mặt tại bộ phận một cửa +\d+ khoản +[\d.]+ đồng/.test(l)), lines.join('\n'))
  assert.match(lines.at(-1)!, /Hồ sơ đã nộp phí: \d+; nộp trực tuyến: \d+ \(\d+\.\d%\)/)
  await assert.rejects(paymentsCommand.run(t.services, ['totals', '2026-13-01', '2026-12-31'], () => {}), /usage: payments totals/)
})

test('the sandbox signs with a secret of its own database, and sends the browser back only to this portal', async () => {
  const secret = t.services.payments.sandboxSecret!
  assert.match(secret, /^[0-9a-f]{64}$/)
  const { cb, code } = await awaitingFees()
  const q = await startPayment(cb, code)
  // An IPN signed with the secret the source once held is refused.
  const forged = Object.fromEntries([...new URLSearchParams(answer(q))].filter(([k]) => k !== 'vnp_SecureHash'))
  assert.equal(await ipn(signParams('sandbox-secret-not-for-production-0001', forged)), '97')
  // A request signed right but naming another site to return to is refused, on the page and on the answer.
  const unsigned = Object.fromEntries(Object.entries(q).filter(([k]) => k !== 'vnp_SecureHash'))
  for (const back of ['https://evil.example/thanh-toan/vnpay/ket-qua', `${t.config.PUBLIC_URL}/dang-nhap`, 'javascript:alert(1)']) {
    const request = signParams(secret, { ...unsigned, vnp_ReturnUrl: back })
    const page = await t.app.inject(`/sandbox/vnpay/paymentv2/vpcpay.html?${request}`)
    assert.equal(page.statusCode, 422, back)
    assert.match(page.body, /Địa chỉ trở về không thuộc cổng dịch vụ công này/)
    const answered = await cb.post('/sandbox/vnpay/tra-loi', { request, decision: 'approve' })
    assert.equal(answered.statusCode, 422, back)
    assert.equal(answered.headers.location, undefined)
  }
})
