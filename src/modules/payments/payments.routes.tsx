import type { FastifyInstance } from 'fastify'
import type { Db } from '../../platform/db/db.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { DossierLedger, PaymentsService } from './payments.service.js'
import { AppError } from '../../platform/http/errors.js'
import { requireCitizen } from '../accounts/session.js'
import { Button, Form } from '../../platform/html/components/form.js'
import { formatVnd, SummaryList } from '../../platform/html/components/layout-parts.js'
import { IPN_PATH, PAYGOV_CONFIRM_PATH, PAYGOV_RETURN_PATH, PAYMENT_STATE_LABELS, RETURN_PATH, sandboxAnswer, SANDBOX_API_PATH, SANDBOX_IPN_JOB, SANDBOX_TMN_CODE } from './payments.service.js'
import { signQueryDrAnswer, signRefundAnswer, verifyParams, verifyQueryDr, verifyRefund, vnpDate } from './vnpay.js'
import QRCode from 'qrcode'
import { VNPAY_CHOICES } from './vnpay-provider.js'

type ReturnView = Awaited<ReturnType<PaymentsService['returnView']>>

function ReturnPage ({ v }: { v: ReturnView }) {
  if (!v.valid) {
    return (
      <>
        <h1 class='heading-l'>Không xác định được giao dịch</h1>
        <p class='body'>Thông tin trả về từ cổng thanh toán không hợp lệ. Nếu tài khoản của bạn đã bị trừ tiền, cơ quan sẽ đối soát và ghi nhận; bạn có thể xem lại tình trạng tại trang hồ sơ của mình.</p>
        <p class='body'><a href='/ca-nhan/ho-so'>Hồ sơ của tôi</a></p>
      </>
    )
  }
  const url = `/ca-nhan/ho-so/${encodeURIComponent(v.dossierCode)}`
  const title = v.state === 'paid' ? 'Thanh toán thành công' : v.gatewayOk ? 'Đang chờ ngân hàng xác nhận' : 'Thanh toán không thành công'
  return (
    <>
      <h1 class='heading-l'>{title}</h1>
      <SummaryList rows={[['Hồ sơ', v.dossierCode], ['Số tiền', formatVnd(v.amountVnd)], ['Cổng thanh toán báo', v.gatewaySays], ['Tình trạng trên Cổng', PAYMENT_STATE_LABELS[v.state]]]} />
      {v.state !== 'paid' && v.gatewayOk && <p class='body'>Cổng thanh toán báo đã trừ tiền nhưng chưa gửi xác nhận chính thức. Khoản phí sẽ được ghi nhận ngay khi có xác nhận (hệ thống tự đối soát nếu chậm); bạn không cần thanh toán lại.</p>}
      {v.state !== 'paid' && !v.gatewayOk && <p class='body'>Bạn chưa bị trừ tiền cho giao dịch này. Bạn có thể thanh toán lại tại trang hồ sơ.</p>}
      <p class='body'><a href={url}>Về trang hồ sơ</a></p>
    </>
  )
}

function SandboxPage ({ query, amount, info, choice }: { query: string, amount: number, info: string, choice: string }) {
  return (
    <>
      <p class='body'><strong class='tag tag--grey'>Cổng thanh toán thử nghiệm</strong> – chỉ dùng khi trình diễn và kiểm thử; không có tiền thật.</p>
      <h1 class='heading-l'>VNPay (thử nghiệm)</h1>
      <SummaryList rows={[['Nội dung', info], ['Số tiền', formatVnd(amount)], ['Cách thanh toán', choice], ['Ngân hàng', 'NCB (thử nghiệm)']]} />
      <div class='inline-actions'>
        <Form action='/sandbox/vnpay/tra-loi'>
          <input type='hidden' name='request' value={query} />
          <input type='hidden' name='decision' value='approve' />
          <Button>Xác nhận thanh toán</Button>
        </Form>
        <Form action='/sandbox/vnpay/tra-loi'>
          <input type='hidden' name='request' value={query} />
          <input type='hidden' name='decision' value='decline' />
          <Button secondary>Hủy giao dịch</Button>
        </Form>
      </div>
    </>
  )
}

/** Online payment: the citizen's button, the gateway's return page and IPN, and (demo, tests) the sandbox gateway. */
/** What the payment routes use (the sandbox bank keeps its transactions in the database). */
export interface PaymentsRoutesDeps { payments: PaymentsService, dossiers: Pick<DossierLedger, 'get'>, db: Db, jobs: JobQueue, config: { PUBLIC_URL: string } }

export async function paymentsRoutes (app: FastifyInstance, { services }: { services: PaymentsRoutesDeps }) {
  const { payments, jobs, config } = services

  app.post('/ca-nhan/ho-so/:code/thanh-toan', { preHandler: requireCitizen }, async (request, reply) => {
    const url = await payments.startOnline(request.account!.id, (request.params as { code: string }).code, request.ip, (request.body as { bank?: string } | undefined)?.bank ?? '')
    return reply.redirect(url, 303)
  })

  // Bank transfer: the VietQR code of the open fees (the slip is sent from the dossier page).
  app.get('/ca-nhan/ho-so/:code/vietqr.png', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await services.dossiers.get(request.account!.id, (request.params as { code: string }).code)
    const info = d.status === 6 ? await payments.transferInfo(d) : undefined
    if (!info) throw new AppError('NOT_FOUND', 'no transfer to make')
    return reply.type('image/png').header('cache-control', 'private, no-store').send(await QRCode.toBuffer(info.qr, { type: 'png', margin: 2, width: 240 }))
  })
  app.get(RETURN_PATH, async (request, reply) =>
    reply.page(<ReturnPage v={await payments.returnView(request.query as Record<string, string>)} />, { title: 'Kết quả thanh toán' }))

  // VNPay's server-to-server notification: its own JSON answer with HTTP 200, as the gateway requires
  // (the one route under /api that does not answer problem+json).
  app.get(IPN_PATH, async (request, reply) => reply.type('application/json').send(await payments.ipn(request.query as Record<string, string>)))

  // PayGov's confirm callback: JSON in, the message echoed with MaLoi and MoTaLoi out (its checksum is
  // its authorization); and the page its payer comes back to, which shows only what the callback recorded.
  app.post(PAYGOV_CONFIRM_PATH, { config: { csrf: false } }, async (request, reply) => {
    const body = request.body
    return reply.type('application/json').send(await payments.payGovConfirm(body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {}))
  })
  app.get(PAYGOV_RETURN_PATH, async (request, reply) =>
    reply.page(<ReturnPage v={await payments.returnView(request.query as Record<string, string>, 'paygov')} />, { title: 'Kết quả thanh toán' }))

  if (!payments.sandbox) return
  const secret = payments.sandboxSecret!
  /** A signed request is checked, and it may send the browser back only to this portal's return page. */
  const checked = (q: Record<string, string>, field: string) => {
    if (!verifyParams(secret, q)) throw new AppError('VALIDATION', 'sandbox: bad signature', [{ field, message: 'Chữ ký yêu cầu thanh toán không hợp lệ' }])
    let back: URL | undefined
    try { back = new URL(q['vnp_ReturnUrl'] ?? '') } catch { back = undefined }
    if (!back || back.origin !== new URL(config.PUBLIC_URL).origin || back.pathname !== RETURN_PATH) {
      throw new AppError('VALIDATION', 'sandbox: foreign return URL', [{ field, message: 'Địa chỉ trở về không thuộc cổng dịch vụ công này' }])
    }
    return `${back.origin}${back.pathname}`
  }

  // The sandbox gateway speaks the same protocol: it checks the request's signature, lets a tester
  // approve or decline, sends the signed IPN from a job (retried until answered), and returns the browser.
  app.get('/sandbox/vnpay/paymentv2/vpcpay.html', async (request, reply) => {
    const q = request.query as Record<string, string>
    checked(q, 'vnp_SecureHash')
    const query = new URLSearchParams(q).toString()
    return reply.page(<SandboxPage query={query} amount={Number(q['vnp_Amount']) / 100} info={q['vnp_OrderInfo'] ?? ''} choice={VNPAY_CHOICES.find(c => c.code === (q['vnp_BankCode'] ?? ''))?.label ?? q['vnp_BankCode'] ?? ''} />, { title: 'Cổng thanh toán thử nghiệm' })
  })
  let sequence = Date.now() % 100_000_000

  /** The sandbox accepts a refund of a successful transaction once, up to its amount; otherwise it answers as VNPay would. */
  async function sandboxRefund (b: Record<string, string>) {
    const base = { vnp_ResponseId: `S${Date.now()}`, vnp_Command: 'refund', vnp_TmnCode: SANDBOX_TMN_CODE, vnp_TxnRef: b['vnp_TxnRef'] ?? '', vnp_Amount: b['vnp_Amount'] ?? '' }
    const answer = (code: string, message: string, more: Record<string, string> = {}) => signRefundAnswer(secret, { ...base, vnp_ResponseCode: code, vnp_Message: message, ...more })
    if (!verifyRefund(secret, b)) return answer('97', 'Invalid Checksum')
    const tx = await services.db.kysely.selectFrom('paymentSandboxTransactions').selectAll().where('txnRef', '=', b['vnp_TxnRef'] ?? '').executeTakeFirst()
    if (!tx) return answer('91', 'Transaction not found')
    if (tx.transactionStatus !== '00' && tx.refundedAmount === null) return answer('95', 'Transaction failed, cannot refund')
    if (tx.refundedAmount !== null) return answer('94', 'Refund already requested')
    if (!/^\d+$/.test(b['vnp_Amount'] ?? '') || Number(b['vnp_Amount']) > Number(tx.amount) || (b['vnp_TransactionType'] === '02' && b['vnp_Amount'] !== tx.amount)) return answer('03', 'Invalid amount')
    const done = await services.db.kysely.updateTable('paymentSandboxTransactions').set({ refundedAmount: b['vnp_Amount']!, transactionStatus: '05' })
      .where('txnRef', '=', tx.txnRef).where('refundedAmount', 'is', null).executeTakeFirst()
    if (Number(done.numUpdatedRows) !== 1) return answer('94', 'Refund already requested')
    return answer('00', 'Refund success', { vnp_BankCode: 'NCB', vnp_PayDate: vnpDate(new Date()), vnp_TransactionNo: tx.transactionNo, vnp_TransactionType: b['vnp_TransactionType'] ?? '02', vnp_TransactionStatus: '05', vnp_OrderInfo: b['vnp_OrderInfo'] ?? '' })
  }
  app.post('/sandbox/vnpay/tra-loi', async (request, reply) => {
    const body = request.body as { request?: string, decision?: string }
    const q = Object.fromEntries(new URLSearchParams(body.request ?? ''))
    const back = checked(q, 'request')
    const approve = body.decision === 'approve'
    const at = new Date()
    const transactionNo = String(++sequence)
    const answer = sandboxAnswer(secret, { txnRef: q['vnp_TxnRef']!, amount: q['vnp_Amount']!, info: q['vnp_OrderInfo'] ?? '', approve, at, transactionNo })
    // The sandbox's ledger, for transaction queries.
    await services.db.kysely.insertInto('paymentSandboxTransactions').values({
      txnRef: q['vnp_TxnRef']!, amount: q['vnp_Amount']!, orderInfo: q['vnp_OrderInfo'] ?? '', responseCode: approve ? '00' : '24',
      transactionStatus: approve ? '00' : '02', transactionNo, payDate: vnpDate(at)
    }).onConflict(oc => oc.column('txnRef').doNothing()).execute()
    await jobs.enqueue(services.db.kysely, SANDBOX_IPN_JOB, { url: `${config.PUBLIC_URL}${IPN_PATH}?${answer}` }, { maxAttempts: 10 })
    return reply.redirect(`${back}?${answer}`, 303)
  })

  // The sandbox's merchant API: transaction query (QueryDR) and refund, JSON in, signed JSON out, from its ledger.
  app.post(SANDBOX_API_PATH, { config: { csrf: false } }, async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, string>
    if (b['vnp_Command'] === 'refund') return reply.send(await sandboxRefund(b))
    const base = { vnp_ResponseId: `S${Date.now()}`, vnp_Command: 'querydr', vnp_TmnCode: SANDBOX_TMN_CODE, vnp_TxnRef: b['vnp_TxnRef'] ?? '' }
    if (!verifyQueryDr(secret, b)) return reply.send(signQueryDrAnswer(secret, { ...base, vnp_ResponseCode: '97', vnp_Message: 'Invalid Checksum' }))
    const tx = await services.db.kysely.selectFrom('paymentSandboxTransactions').selectAll().where('txnRef', '=', b['vnp_TxnRef'] ?? '').executeTakeFirst()
    if (!tx) return reply.send(signQueryDrAnswer(secret, { ...base, vnp_ResponseCode: '91', vnp_Message: 'Transaction not found' }))
    return reply.send(signQueryDrAnswer(secret, {
      ...base, vnp_ResponseCode: '00', vnp_Message: 'QueryDR Success', vnp_Amount: tx.amount, vnp_BankCode: 'NCB', vnp_PayDate: tx.payDate,
      vnp_TransactionNo: tx.transactionNo, vnp_TransactionType: '01', vnp_TransactionStatus: tx.transactionStatus, vnp_OrderInfo: tx.orderInfo, vnp_PromotionCode: '', vnp_PromotionAmount: ''
    }))
  })
}
