import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { freePort } from '../../../test/net.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
import { queryDrBody, verifyQueryDrAnswer } from './vnpay.js'
import { sandboxAnswer, SANDBOX_TMN_CODE } from './payments.service.js'

// The reconciliation job asks the gateway over HTTP, so the app listens where PUBLIC_URL says; no job
// worker runs here, so the sandbox's IPN is never delivered and only the job can settle payments.
const port = await freePort()
const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const enc = encodeURIComponent

async function startedPayment () {
  const { c, code } = await dossierAwaitingFees(t)
  const cb = browserSession(t, c.cookie)
  const res = await cb.post(`/ca-nhan/ho-so/${enc(code)}/thanh-toan`)
  const gatewayUrl = new URL(res.headers.location as string)
  return { c, code, cb, query: gatewayUrl.searchParams.toString(), txnRef: gatewayUrl.searchParams.get('vnp_TxnRef')! }
}

const decide = async (cb: ReturnType<typeof browserSession>, query: string, decision: 'approve' | 'decline') =>
  assert.equal((await cb.post('/sandbox/vnpay/tra-loi', { request: query, decision })).statusCode, 303)
const stateOf = async (txnRef: string) => (await t.db.kysely.selectFrom('payments').select('state').where('txnRef', '=', txnRef).executeTakeFirstOrThrow()).state

test('reconciliation asks the gateway about payments left pending: paid ones are settled with their receipt, declined ones fail, unknown ones expire', async () => {
  const paid = await startedPayment()
  await decide(paid.cb, paid.query, 'approve')
  const declined = await startedPayment()
  await decide(declined.cb, declined.query, 'decline')
  const abandoned = await startedPayment()
  // Not yet: within their time at the gateway nothing is asked.
  assert.deepEqual(await t.services.payments.reconcile(), { checked: 0, paid: 0, failed: 0, expired: 0 })
  assert.equal(await stateOf(paid.txnRef), 'pending')
  const later = new Date(Date.now() + 30 * 60_000)
  assert.deepEqual(await t.services.payments.reconcile(later), { checked: 3, paid: 1, failed: 1, expired: 1 })
  assert.deepEqual([await stateOf(paid.txnRef), await stateOf(declined.txnRef), await stateOf(abandoned.txnRef)], ['paid', 'failed', 'expired'])
  assert.equal((await t.services.dossiers.get(paid.c.id, paid.code)).status, 4)
  assert.equal((await t.services.dossiers.get(declined.c.id, declined.code)).status, 6)
  const receipt = await t.db.kysely.selectFrom('receipts').select('number').where('content', 'like', `%${paid.code}%`).executeTakeFirst()
  assert.ok(receipt)
  // A second run finds nothing left; the late IPN, when it comes at last, is told it is already confirmed.
  assert.equal((await t.services.payments.reconcile(later)).checked, 0)
  const ledger = await t.db.kysely.selectFrom('paymentSandboxTransactions').selectAll().where('txnRef', '=', paid.txnRef).executeTakeFirstOrThrow()
  const late = sandboxAnswer(t.services.payments.sandboxSecret!, { txnRef: paid.txnRef, amount: ledger.amount, info: ledger.orderInfo, approve: true, at: new Date(), transactionNo: ledger.transactionNo })
  assert.equal((await (await fetch(`${t.url}/api/v1/payments/vnpay/ipn?${late}`)).json() as { RspCode: string }).RspCode, '02')
  assert.equal(await t.db.kysely.selectFrom('receipts').select('id').where('content', 'like', `%${paid.code}%`).execute().then(r => r.length), 1, 'one receipt')
})

test('the sandbox answers transaction queries signed, and refuses unsigned ones', async () => {
  const body = queryDrBody({ secret: t.services.payments.sandboxSecret!, tmnCode: SANDBOX_TMN_CODE, txnRef: 'MC000000NONE', transactionDate: '20261122100000', orderInfo: 'x', ipAddr: '127.0.0.1', requestId: 'r1', now: new Date() })
  const ask = async (b: Record<string, string>) => (await fetch(`${t.url}/sandbox/vnpay/merchant_webapi/api/transaction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })).json() as Promise<Record<string, string>>
  const notFound = await ask(body)
  assert.equal(notFound['vnp_ResponseCode'], '91')
  assert.ok(verifyQueryDrAnswer(t.services.payments.sandboxSecret!, notFound))
  assert.equal((await ask({ ...body, vnp_TxnRef: 'MC000000OTHER' }))['vnp_ResponseCode'], '97')
})
