import type { OnlineProvider, Reported } from './provider.js'
import { fromVnpDate, paymentUrl, queryDrBody, REFUND_MESSAGES, refundBody, RESPONSE_MESSAGES, verifyParams, verifyQueryDrAnswer, verifyRefundAnswer, vnpDate } from './vnpay.js'

/** VNPay's ways to pay (vnp_BankCode): the citizen picks one, or leaves it to VNPay's page. */
export const VNPAY_CHOICES = [
  { code: 'VNBANK', label: 'Thẻ ATM hoặc tài khoản ngân hàng trong nước (chọn ngân hàng ở bước sau)' },
  { code: 'VNPAYQR', label: 'Quét mã VNPAY-QR bằng ứng dụng ngân hàng' },
  { code: 'INTCARD', label: 'Thẻ thanh toán quốc tế (Visa, MasterCard, JCB)' },
  { code: '', label: 'Chọn trên trang của VNPay' }
] as const

export interface VnpaySettings { tmnCode: string, secret: string, paymentUrl: string, apiUrl: string | undefined, sandbox: boolean }

/** The VNPay 2.1.0 adapter: pay URL, IPN and return, QueryDR and refund on its merchant API. */
export function vnpayProvider (g: VnpaySettings): OnlineProvider {
  /** A POST of a signed JSON body to the merchant API; the answer, whose signature the caller checks. */
  async function call (body: Record<string, string>): Promise<Record<string, string>> {
    if (!g.apiUrl) throw new Error('VNPAY_API_URL is not set')
    const res = await fetch(g.apiUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    const a = await res.json().catch(() => undefined) as Record<string, string> | undefined
    if (!a) throw new Error(`${body['vnp_Command']} of ${body['vnp_TxnRef']} not answered (HTTP ${res.status})`)
    return a
  }
  const reported = (q: Record<string, string | undefined>): Reported => ({
    txnRef: q['vnp_TxnRef'] ?? '',
    amountVnd: /^\d+$/.test(q['vnp_Amount'] ?? '') ? Number(q['vnp_Amount']) / 100 : NaN,
    success: q['vnp_ResponseCode'] === '00' && q['vnp_TransactionStatus'] === '00',
    providerTxn: q['vnp_TransactionNo'] ?? null,
    bankCode: q['vnp_BankCode'] ?? null,
    responseCode: q['vnp_ResponseCode'] ?? null,
    settledAt: fromVnpDate(q['vnp_PayDate'] ?? '') ?? new Date()
  })
  return {
    method: 'vnpay',
    name: 'VNPay',
    sandbox: g.sandbox,
    hasApi: Boolean(g.apiUrl),
    choices: VNPAY_CHOICES,
    checkout: async o => paymentUrl({
      tmnCode: g.tmnCode, secret: g.secret, paymentUrl: g.paymentUrl, txnRef: o.txnRef, amountVnd: o.amountVnd, info: o.info,
      returnUrl: o.returnUrl, ipAddr: o.ip.replace(/^::ffff:/, ''), createdAt: o.createdAt, expiresAt: o.expiresAt, bankCode: o.choice || undefined
    }),
    read (raw) {
      const q = raw as Record<string, string | undefined>
      if (!verifyParams(g.secret, q)) return 'bad-signature'
      if (q['vnp_TmnCode'] !== g.tmnCode) return 'other-merchant'
      return reported(q)
    },
    describe: code => RESPONSE_MESSAGES[code] ?? `Mã phản hồi ${code}`,
    async query (o, now) {
      const a = await call(queryDrBody({ secret: g.secret, tmnCode: g.tmnCode, txnRef: o.txnRef, transactionDate: vnpDate(o.createdAt), orderInfo: `Doi soat ${o.txnRef}`, ipAddr: '127.0.0.1', requestId: `Q${now.getTime()}${o.txnRef}`.slice(-32), now }))
      if (!verifyQueryDrAnswer(g.secret, a)) throw new Error(`transaction query for ${o.txnRef}: answer not signed`)
      if (a['vnp_ResponseCode'] === '91') return { kind: 'unknown' }
      if (a['vnp_ResponseCode'] !== '00') throw new Error(`transaction query for ${o.txnRef}: code ${a['vnp_ResponseCode']}`)
      if (a['vnp_TransactionStatus'] === '01') return { kind: 'open' }
      return { kind: 'settled', reported: reported(a) }
    },
    refund: g.apiUrl ? async (r) => {
      const a = await call(refundBody({
        secret: g.secret, tmnCode: g.tmnCode, txnRef: r.txnRef, amountVnd: r.amountVnd, full: r.full, transactionNo: r.providerTxn,
        transactionDate: vnpDate(r.paidAt), createdBy: r.by, orderInfo: `Hoan tien ${r.txnRef}`, ipAddr: '127.0.0.1', requestId: r.requestId, now: r.now
      }))
      const code = a['vnp_ResponseCode'] ?? ''
      // 97 and 99 say nothing of the refund: retried. Other codes are answers, and signed.
      if (code === '97' || code === '99' || !verifyRefundAnswer(g.secret, a)) throw new Error(`refund of ${r.txnRef}: code ${code || 'none'}${code ? '' : ', answer not signed'}`)
      // 94: asked before (an earlier try whose answer was lost) — the refund is under way.
      return { accepted: code === '00' || code === '94', code, message: REFUND_MESSAGES[code] ?? `Mã phản hồi ${code}` }
    } : undefined
  }
}
