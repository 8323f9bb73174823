import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { freePort } from '../../../test/net.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { SANDBOX_TMN_CODE } from './payments.service.js'
import { refundBody, verifyRefundAnswer } from './vnpay.js'

// The refund job and the sandbox's IPN go over HTTP, so the app listens where PUBLIC_URL says.
const port = await freePort()
const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const enc = encodeURIComponent
const drain = () => createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()

/** A dossier paid online through the sandbox (approved, IPN delivered by the job), then withdrawn by the citizen. */
async function paidOnlineThenWithdrawn () {
  const { c, code, desk } = await dossierAwaitingFees(t)
  const cb = browserSession(t, c.cookie)
  const gateway = new URL((await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`)).headers.location as string)
  assert.equal((await cb.post('/sandbox/vnpay/tra-loi', { request: gateway.searchParams.toString(), decision: 'approve' })).statusCode, 303)
  await drain()
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
  const payment = await t.db.kysely.selectFrom('payments').select(['id', 'state']).where('txnRef', '=', gateway.searchParams.get('vnp_TxnRef')!).executeTakeFirstOrThrow()
  assert.equal(payment.state, 'paid')
  return { c, code, cb, desk, paymentId: payment.id, txnRef: gateway.searchParams.get('vnp_TxnRef')!, url: `/can-bo/ho-so/${enc(code)}` }
}
const refundsOf = (paymentId: number) => t.db.kysely.selectFrom('paymentRefunds').select(['via', 'state', 'responseCode']).where('paymentId', '=', paymentId).orderBy('id').execute()

test('fees paid online are refunded through the gateway once the dossier is withdrawn: asked, accepted, receipt cancelled, the citizen told', async () => {
  const { c, code, desk, paymentId, txnRef, url } = await paidOnlineThenWithdrawn()
  // While the dossier goes on, its fees are not refunded.
  assert.equal((await desk.post(`${url}/hoan-tien/${paymentId}`, { [`refund-${paymentId}`]: 'Thử hoàn khi chưa rút' })).statusCode, 422)
  await t.services.dossiers.withdraw(c.id, code, 'Không còn nhu cầu đăng kiểm')
  const asked = await desk.post(`${url}/hoan-tien/${paymentId}`, { [`refund-${paymentId}`]: 'Công dân rút hồ sơ trước khi giải quyết' })
  assert.equal(asked.statusCode, 200, asked.body.slice(0, 300))
  assert.match(asked.body, /Đã gửi yêu cầu hoàn 230\.000 đồng qua cổng thanh toán/)
  assert.deepEqual(await refundsOf(paymentId), [{ via: 'gateway', state: 'requested', responseCode: null }])
  await drain()
  assert.deepEqual(await refundsOf(paymentId), [{ via: 'gateway', state: 'done', responseCode: '00' }])
  assert.equal((await t.db.kysely.selectFrom('payments').select('state').where('id', '=', paymentId).executeTakeFirstOrThrow()).state, 'refunded')
  const receipt = await t.db.kysely.selectFrom('receipts').select(['cancelledAt', 'cancelReason']).where('paymentId', '=', paymentId).executeTakeFirstOrThrow()
  assert.ok(receipt.cancelledAt)
  assert.match(receipt.cancelReason!, /rút hồ sơ/)
  // The gateway's ledger has the refund; asking again is answered 94 and changes nothing here.
  const ledger = await t.db.kysely.selectFrom('paymentSandboxTransactions').select(['refundedAmount', 'transactionStatus', 'transactionNo']).where('txnRef', '=', txnRef).executeTakeFirstOrThrow()
  assert.deepEqual([ledger.refundedAmount, ledger.transactionStatus], ['23000000', '05'])
  const again = refundBody({ secret: t.services.payments.sandboxSecret!, tmnCode: SANDBOX_TMN_CODE, txnRef, amountVnd: 230_000, full: true, transactionNo: ledger.transactionNo, transactionDate: '20261122100000', createdBy: 'x', orderInfo: 'x', ipAddr: '127.0.0.1', requestId: 'again', now: new Date() })
  const answer = await (await fetch(`${t.url}/sandbox/vnpay/merchant_webapi/api/transaction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(again) })).json() as Record<string, string>
  assert.equal(answer['vnp_ResponseCode'], '94')
  assert.ok(verifyRefundAnswer(t.services.payments.sandboxSecret!, answer))
  // The citizen sees it and was told.
  const mine = await browserSession(t, c.cookie).get(`/ca-nhan/ho-so/${enc(code)}`)
  assert.match(mine.body, /Đã hoàn tiền/)
  const mail = await t.db.kysely.selectFrom('messages').select('subject').where('subject', 'like', `%${code}%hoàn tiền%`).execute()
  assert.equal(mail.length, 1)
  const events = (await t.services.dossiers.get(c.id, code)).events.map(e => e.action)
  assert.deepEqual(events.slice(-2), ['refund-asked', 'refund'])
})

test('a refund the gateway refuses is told to the official, and the money is then returned by hand', async () => {
  const { c, code, desk, paymentId, txnRef, url } = await paidOnlineThenWithdrawn()
  await t.services.dossiers.withdraw(c.id, code, 'Không còn nhu cầu đăng kiểm')
  // The gateway no longer knows the transaction (answers 91): a refusal, not a retry.
  await t.db.kysely.deleteFrom('paymentSandboxTransactions').where('txnRef', '=', txnRef).execute()
  assert.equal((await desk.post(`${url}/hoan-tien/${paymentId}`, { [`refund-${paymentId}`]: 'Công dân rút hồ sơ' })).statusCode, 200)
  await drain()
  assert.deepEqual(await refundsOf(paymentId), [{ via: 'gateway', state: 'refused', responseCode: '91' }])
  assert.equal((await t.db.kysely.selectFrom('payments').select('state').where('id', '=', paymentId).executeTakeFirstOrThrow()).state, 'paid')
  const page = await desk.get(url)
  assert.match(page.body, /không hoàn được, cần hoàn bằng cách khác – Không tìm thấy giao dịch yêu cầu hoàn trả/)
  assert.match(page.body, /Ghi nhận đã hoàn tiền/)
  const manual = await desk.post(`${url}/hoan-tien/${paymentId}`, { [`refund-${paymentId}`]: 'Chuyển khoản trả lại tài khoản của công dân, UNC số 15' })
  assert.match(manual.body, /Đã ghi nhận hoàn 230\.000 đồng/)
  assert.deepEqual(await refundsOf(paymentId), [{ via: 'gateway', state: 'refused', responseCode: '91' }, { via: 'manual', state: 'done', responseCode: null }])
  assert.equal((await t.db.kysely.selectFrom('payments').select('state').where('id', '=', paymentId).executeTakeFirstOrThrow()).state, 'refunded')
})

test('cash is refunded by hand when the dossier is withdrawn: recorded with the reason at once', async () => {
  const { c, code, desk } = await dossierAwaitingFees(t)
  const url = `/can-bo/ho-so/${enc(code)}`
  assert.equal((await desk.post(`${url}/nop-tien-mat`)).statusCode, 200)
  const p = await t.db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId').select('p.id').where('d.code', '=', code).executeTakeFirstOrThrow()
  await t.services.dossiers.withdraw(c.id, code, 'Nộp nhầm thủ tục')
  assert.equal((await desk.post(`${url}/hoan-tien/${p.id}`, { [`refund-${p.id}`]: 'Trả lại tiền mặt tại quầy, công dân đã ký nhận' })).statusCode, 200)
  assert.deepEqual(await refundsOf(p.id), [{ via: 'manual', state: 'done', responseCode: null }])
  assert.equal((await t.db.kysely.selectFrom('receipts').select('cancelReason').where('paymentId', '=', p.id).executeTakeFirstOrThrow()).cancelReason, 'Hoàn tiền: Trả lại tiền mặt tại quầy, công dân đã ký nhận')
})
