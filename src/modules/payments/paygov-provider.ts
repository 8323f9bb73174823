import type { OnlineProvider, Reported } from './provider.js'
import { initMessage, queryMessage, readConfirm, readInitAnswer, readQueryAnswer } from './paygov.js'

export interface PayGovSettings { initUrl: string, queryUrl: string, billUrl: string, partner: string, secret: string, token: string | undefined, sandbox: boolean }

/** The one thing the citizen picks for PayGov: the platform's own page offers the banks and wallets. */
export const PAYGOV_CHOICE = 'PAYGOV'

/**
 * The national payment platform (PayGov 1.0.6) as a provider: INIT makes the order and gives the page to
 * send the payer to; the platform's confirm callback settles it; QUERY reconciles orders left pending;
 * GET_BILL fetches the e-receipt it issues. It has no refund message: money goes back by hand.
 */
export function payGovProvider (g: PayGovSettings): OnlineProvider {
  async function post (url: string, body: Record<string, unknown>): Promise<Response> {
    return fetch(url, {
      method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      headers: { 'content-type': 'application/json', ...(g.token ? { authorization: `Bearer ${g.token}` } : {}) }
    })
  }
  const reported = (c: NonNullable<ReturnType<typeof readConfirm>>): Reported => ({ txnRef: c.ref, amountVnd: c.amountVnd, success: c.success, providerTxn: c.providerTxn, bankCode: c.bankCode, responseCode: c.responseCode, settledAt: c.settledAt })
  return {
    method: 'paygov',
    name: 'PayGov',
    sandbox: g.sandbox,
    hasApi: true,
    choices: [{ code: PAYGOV_CHOICE, label: 'Nền tảng thanh toán của Cổng Dịch vụ công quốc gia (PayGov): thẻ, tài khoản ngân hàng, ví điện tử' }],
    async checkout (o) {
      const body = initMessage({ partner: g.partner, secret: g.secret, ref: o.txnRef, amountVnd: o.amountVnd, info: o.info, at: o.createdAt, ip: o.ip.replace(/^::ffff:/, ''), receipt: o.receipt })
      const res = await post(g.initUrl, body)
      const answer = readInitAnswer(await res.json().catch(() => undefined))
      if ('error' in answer) throw new Error(answer.error)
      return answer.url
    },
    read (body) {
      const c = readConfirm(g.secret, body)
      if (!c) return 'bad-signature'
      if (body['MaDoiTac'] !== g.partner) return 'other-merchant'
      return reported(c)
    },
    describe: code => code === '00' ? 'Giao dịch thành công' : `Giao dịch không thành công (mã ${code || 'không rõ'})`,
    async query (o, now) {
      const res = await post(g.queryUrl, queryMessage('QUERY', { partner: g.partner, secret: g.secret, ref: o.txnRef, at: now }))
      const known = readQueryAnswer(g.secret, await res.json().catch(() => undefined))
      if (known.kind !== 'settled') return known
      if (known.confirm.ref !== o.txnRef) throw new Error(`PayGov QUERY for ${o.txnRef} answered for ${known.confirm.ref}`)
      return { kind: 'settled', reported: reported(known.confirm) }
    },
    async bill (txnRef, now) {
      const res = await post(g.billUrl, queryMessage('GET_BILL', { partner: g.partner, secret: g.secret, ref: txnRef, at: now }))
      const pdf = Buffer.from(await res.arrayBuffer())
      if (!res.ok || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`PayGov GET_BILL for ${txnRef}: no PDF (HTTP ${res.status})`)
      return pdf
    }
  }
}
