import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { freePort } from '../../../test/net.js'
import { pdfText } from '../../../test/pdf.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { confirmMessage } from './paygov.js'
import { SANDBOX_TMN_CODE } from './payments.model.js'

/**
 * PayGov end to end against the stand-in national portal as a real HTTP server (the app listens where
 * PUBLIC_URL says; INIT, QUERY and GET_BILL go over HTTP, and so does the stand-in's confirm callback):
 * chosen per agency, paid on the platform's page, settled once by the callback, the e-receipt fetched
 * and attached, counted as online payment; forged and replayed callbacks change nothing; a lost callback
 * is settled by QUERY. (An order the provider never saw expires: the VNPay reconciliation test covers
 * that shared path.)
 */
const port = await freePort()
const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true', DVCQG_STANDIN: 'true', DVCQG_TOKEN: 'the-province-token', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const enc = encodeURIComponent
/** The collecting agency of the fees procedure's dossiers (the inspection centre receives and processes them). */
const AGENCY = '000.01.11.H34'
const drain = () => createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
const misbehave = async (mode: string, times = 1, ms = 2000) => assert.equal((await fetch(`${t.url}/sandbox/dvcqg/api/hanh-vi`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode, times, ms }) })).status, 200)
const payment = (ref: string) => t.db.kysely.selectFrom('payments').selectAll().where('txnRef', '=', ref).executeTakeFirstOrThrow()
async function until (what: string, check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** A dossier awaiting fees whose agency collects through PayGov, and the citizen's start of payment: the platform's page. */
async function started () {
  await t.db.kysely.updateTable('agencies').set({ onlinePayment: 'paygov' }).where('code', '=', AGENCY).execute()
  const d = await dossierAwaitingFees(t)
  const cb = browserSession(t, d.c.cookie)
  const res = await cb.post(`/ca-nhan/ho-so/${enc(d.code)}/thanh-toan`, { bank: 'PAYGOV' })
  assert.equal(res.statusCode, 303, res.body.slice(0, 300))
  const page = new URL(res.headers.location as string)
  assert.match(page.pathname, /^\/sandbox\/dvcqg\/paygov\/thanh-toan\/MC\d+$/)
  return { ...d, cb, page: page.pathname, ref: page.pathname.split('/').pop()! }
}
const confirmUrl = () => `${t.url}/api/v1/payments/paygov/confirm`
const postConfirm = async (body: Record<string, unknown>) => (await (await fetch(confirmUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Record<string, string>

test('PayGov chosen for an agency: INIT carries the receipt data, the platform’s page pays, its callback settles the fees once, the e-receipt (GET_BILL) is attached, and it counts as online payment', async () => {
  // No agency setting: both VNPay's ways and PayGov are offered.
  await t.db.kysely.updateTable('agencies').set({ onlinePayment: null }).where('code', '=', AGENCY).execute()
  const before = await dossierAwaitingFees(t)
  const both = (await browserSession(t, before.c.cookie).get(`/ca-nhan/ho-so/${enc(before.code)}`)).body
  assert.match(both, /PayGov/)
  assert.match(both, /VNPAY-QR/)

  const { c, code, cb, page, ref } = await started()
  const own = (await cb.get(`/ca-nhan/ho-so/${enc(code)}`)).body
  assert.match(own, /PayGov/)
  assert.doesNotMatch(own, /VNPAY-QR/, 'the agency collects through PayGov only')
  assert.equal((await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`, { bank: 'VNBANK' })).statusCode, 422, 'VNPay is not offered for this agency')
  // The platform's page shows what INIT carried.
  const shown = (await cb.get(page)).body
  assert.match(shown, new RegExp(code.replace(/\./g, '\\.')))
  assert.match(shown, /230\.000 đồng/)
  assert.match(shown, /Trung tâm Đăng kiểm/)

  const paid = await cb.post(page, { decision: 'pay' })
  assert.equal(paid.statusCode, 303)
  const back = new URL(paid.headers.location as string)
  assert.equal(back.pathname, '/thanh-toan/paygov/ket-qua')
  await until('the callback settles the payment', async () => (await payment(ref)).state === 'paid')
  assert.match((await cb.get(`${back.pathname}${back.search}`)).body, /Thanh toán thành công/)
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4, 'back to processing')
  const p = await payment(ref)
  assert.equal(p.method, 'paygov')
  assert.match(p.providerTxn ?? '', /^PG\d+$/)

  // The e-receipt: fetched by a job with GET_BILL, kept as a file of the dossier, once.
  await drain()
  const withBill = await payment(ref)
  assert.ok(withBill.billFileId, 'the e-receipt is stored')
  const view = await t.services.dossiers.get(c.id, code)
  const file = view.files.find(f => f.id === withBill.billFileId)
  assert.ok(file, 'attached to the dossier')
  assert.ok(view.events.some(e => e.action === 'receipt-attached'))
  const pdf = await cb.get(`/ca-nhan/tep/${file.id}`)
  assert.equal(pdf.statusCode, 200)
  assert.match(await pdfText(pdf.rawPayload), /BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ/)
  await t.services.jobs.enqueue(t.db.kysely, 'payments.paygov-bill', { paymentId: withBill.id })
  await drain()
  assert.equal((await t.services.dossiers.get(c.id, code)).files.filter(f => f.component === 'payment').length, 1, 'fetched once')

  // Online payment in the statistics (the national sync's flag reads the same list of methods).
  const totals = await t.services.payments.totals(new Date(Date.now() - 3600_000), new Date(Date.now() + 3600_000))
  assert.ok(totals.byMethod.some(r => r.method === 'paygov' && r.amountVnd === 230000))
  assert.ok(totals.paidOnline >= 1)
})

test('a forged, altered, foreign or replayed PayGov callback changes nothing; a callback sent twice settles once', async () => {
  const { c, code, ref } = await started()
  const secret = t.services.payments.payGovSandbox!.secret
  const good = { partner: SANDBOX_TMN_CODE, secret, ref, amountVnd: 230000, success: true, txn: 'PG-HAND-1', at: new Date(), info: `Thanh toan phi ho so ${code}` }
  assert.equal((await postConfirm(confirmMessage({ ...good, secret: 'not-the-secret' }))).MaLoi, '97', 'forged')
  assert.equal((await postConfirm({ ...confirmMessage(good), SoTien: '1000' })).MaLoi, '97', 'altered after signing')
  assert.equal((await postConfirm(confirmMessage({ ...good, amountVnd: 1000 }))).MaLoi, '04', 'signed, but not the amount asked')
  assert.equal((await postConfirm(confirmMessage({ ...good, partner: 'OTHER' }))).MaLoi, '01', 'another partner’s')
  assert.equal((await postConfirm(confirmMessage({ ...good, ref: 'MC00000000NONE' }))).MaLoi, '01', 'an order we never made')
  assert.equal((await postConfirm({})).MaLoi, '97', 'empty')
  assert.equal((await payment(ref)).state, 'pending')
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)

  const answer = await postConfirm(confirmMessage(good))
  assert.equal(answer.MaLoi, '00')
  assert.equal(answer.MaThamChieu, ref, 'the message echoed, with MaLoi and MoTaLoi')
  assert.ok(answer.MoTaLoi)
  assert.equal((await postConfirm(confirmMessage(good))).MaLoi, '02', 'replayed')
  const receipts = await t.db.kysely.selectFrom('receipts').select('id').where('paymentId', '=', (await payment(ref)).id).execute()
  assert.equal(receipts.length, 1)
  assert.equal((await t.services.dossiers.get(c.id, code)).events.filter(e => e.action === 'fees-paid').length, 1)

  // The platform sends its callback twice: the second is told it is already confirmed.
  const twice = await started()
  await misbehave('callback-twice')
  assert.equal((await twice.cb.post(twice.page, { decision: 'pay' })).statusCode, 303)
  const answers = async () => (await t.db.kysely.selectFrom('paymentNotifications').select(['answer', 'query']).where('provider', '=', 'paygov').execute())
    .filter(n => (n.query as { MaThamChieu?: string }).MaThamChieu === twice.ref).map(n => n.answer).sort()
  await until('both callbacks answered', async () => (await answers()).length === 2)
  assert.deepEqual(await answers(), ['00', '02'])
  assert.equal((await t.services.dossiers.get(twice.c.id, twice.code)).events.filter(e => e.action === 'fees-paid').length, 1)
})

test('callbacks lost: QUERY settles a paid order and a cancelled one, an order still open on the platform stays pending; the platform down at INIT voids the attempt with a clear message', async () => {
  await misbehave('callback-lost', 2)
  const paid = await started()
  assert.equal((await paid.cb.post(paid.page, { decision: 'pay' })).statusCode, 303)
  const cancelled = await started()
  assert.equal((await cancelled.cb.post(cancelled.page, { decision: 'cancel' })).statusCode, 303)
  const abandoned = await started()
  await new Promise(resolve => setTimeout(resolve, 300))
  assert.equal((await payment(paid.ref)).state, 'pending', 'no callback came')
  const later = new Date(Date.now() + 40 * 60_000)
  const r = await t.services.payments.reconcile(later)
  assert.ok(r.checked >= 3 && r.paid >= 1 && r.failed >= 1, JSON.stringify(r))
  assert.deepEqual([(await payment(paid.ref)).state, (await payment(cancelled.ref)).state, (await payment(abandoned.ref)).state], ['paid', 'failed', 'pending'])
  assert.equal((await t.services.dossiers.get(paid.c.id, paid.code)).status, 4)
  assert.equal((await t.services.dossiers.get(cancelled.c.id, cancelled.code)).status, 6)

  // The platform down: the citizen is told, the attempt is void, nothing pending is left.
  const d = await dossierAwaitingFees(t)
  const cb = browserSession(t, d.c.cookie)
  await misbehave('down', 1, 3000)
  const res = await cb.post(`/ca-nhan/ho-so/${enc(d.code)}/thanh-toan`, { bank: 'PAYGOV' })
  assert.equal(res.statusCode, 503)
  assert.match(res.body, /Hãy thử lại sau ít phút/)
  const attempts = await t.db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as x', 'x.id', 'r.dossierId').select('p.state').where('x.code', '=', d.code).execute()
  assert.deepEqual(attempts.map(a => a.state), ['failed'])
})
