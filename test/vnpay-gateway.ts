/**
 * A VNPay 2.1.0 gateway at the process edge, for the fault battery: a real HTTP server that checks the
 * portal's signed payment request, lets the citizen approve (the bank takes the money: that is when a
 * payment counts as made), sends the signed IPN to the portal and sends it again until the portal
 * answers with a RspCode (as VNPay does), and answers transaction queries (QueryDR) from its ledger.
 * It can go away for a while (connections refused, no IPN sent) or turn slow.
 */
import http from 'node:http'
import { IPN_PATH, sandboxAnswer } from '../src/modules/payments/payments.model.js'
import { signQueryDrAnswer, verifyParams, verifyQueryDr, vnpDate } from '../src/modules/payments/vnpay.js'
import { freePort } from './net.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export interface GatewayTransaction { txnRef: string, amount: number, transactionNo: string, payDate: string, info: string, answer: string, ipnAnswered: number, ipnSent: number }

export async function vnpayGateway (secret: string, portal: string) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  /** Approved payments by the portal's reference: the money the citizens gave. */
  const ledger = new Map<string, GatewayTransaction>()
  let sequence = 0
  let slowMs = 0
  let server: http.Server | undefined
  let isUp = false
  const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    if (slowMs > 0) await sleep(slowMs)
    const url = new URL(req.url ?? '/', base)
    const q = Object.fromEntries(url.searchParams)
    if (req.method === 'GET' && url.pathname === '/paymentv2/vpcpay.html') {
      // The payment page: only a request the portal signed, for its own return page.
      if (!verifyParams(secret, q)) return json(res, 400, { error: 'bad signature' })
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<form method="post" action="/approve?${url.searchParams.toString()}"><button>Thanh toán</button></form>`)
    }
    if (req.method === 'POST' && url.pathname === '/approve') {
      if (!verifyParams(secret, q)) return json(res, 400, { error: 'bad signature' })
      // Approved once per reference: a citizen pressing twice pays once.
      let tx = ledger.get(q['vnp_TxnRef']!)
      if (!tx) {
        const transactionNo = String(14_000_000 + ++sequence)
        const at = new Date()
        tx = { txnRef: q['vnp_TxnRef']!, amount: Number(q['vnp_Amount']) / 100, transactionNo, payDate: vnpDate(at), info: q['vnp_OrderInfo'] ?? '', answer: sandboxAnswer(secret, { txnRef: q['vnp_TxnRef']!, amount: q['vnp_Amount']!, info: q['vnp_OrderInfo'] ?? '', approve: true, at, transactionNo }), ipnAnswered: 0, ipnSent: 0 }
        ledger.set(tx.txnRef, tx)
        void notify(tx)
      }
      return res.writeHead(303, { location: `${q['vnp_ReturnUrl']}?${tx.answer}` }).end()
    }
    if (req.method === 'POST' && url.pathname === '/api') {
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>
      const head = { vnp_ResponseId: `G${Date.now()}`, vnp_Command: 'querydr', vnp_TmnCode: b['vnp_TmnCode'] ?? '', vnp_TxnRef: b['vnp_TxnRef'] ?? '' }
      if (!verifyQueryDr(secret, b)) return json(res, 200, signQueryDrAnswer(secret, { ...head, vnp_ResponseCode: '97', vnp_Message: 'Invalid Checksum' }))
      const tx = ledger.get(b['vnp_TxnRef'] ?? '')
      if (!tx) return json(res, 200, signQueryDrAnswer(secret, { ...head, vnp_ResponseCode: '91', vnp_Message: 'Transaction not found' }))
      return json(res, 200, signQueryDrAnswer(secret, {
        ...head, vnp_ResponseCode: '00', vnp_Message: 'QueryDR Success', vnp_Amount: String(tx.amount * 100), vnp_BankCode: 'NCB', vnp_PayDate: tx.payDate,
        vnp_TransactionNo: tx.transactionNo, vnp_TransactionType: '01', vnp_TransactionStatus: '00', vnp_OrderInfo: tx.info, vnp_PromotionCode: '', vnp_PromotionAmount: ''
      }))
    }
    json(res, 404, { error: 'not found' })
  }
  /** The IPN, to the address the merchant registered, until the portal answers. */
  const notify = async (tx: GatewayTransaction) => {
    const ipn = `${portal}${IPN_PATH}?${tx.answer}`
    for (let attempt = 0; attempt < 600; attempt++) {
      await sleep(attempt === 0 ? 50 : 1000)
      if (!isUp) continue
      if (slowMs > 0) await sleep(slowMs)
      tx.ipnSent++
      try {
        const res = await fetch(ipn, { signal: AbortSignal.timeout(10_000) })
        const body = await res.json().catch(() => undefined) as { RspCode?: string } | undefined
        if (body?.RspCode) { tx.ipnAnswered++; return }
      } catch { /* the portal is down: later */ }
    }
  }
  const up = async () => {
    server = http.createServer((req, res) => { handle(req, res).catch(() => { if (!res.headersSent) json(res, 500, { error: 'gateway error' }) }) })
    await new Promise<void>(resolve => server!.listen(port, '127.0.0.1', resolve))
    isUp = true
  }
  const close = async () => {
    isUp = false
    server!.closeAllConnections()
    await new Promise<void>(resolve => server!.close(() => resolve()))
  }
  await up()
  return {
    paymentUrl: `${base}/paymentv2/vpcpay.html`,
    apiUrl: `${base}/api`,
    ledger,
    async down (ms: number) { await close(); await sleep(ms); await up() },
    async slow (ms: number, forMs: number) { slowMs = ms; await sleep(forMs); slowMs = 0 },
    close
  }
}
