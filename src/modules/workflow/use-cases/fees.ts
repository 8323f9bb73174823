import { parseVnd } from '../../payments/assessment.js'
import { AppError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import type { WorkflowContext } from '../context.js'

/** Fees in the back office: ask, exempt, record cash, decide on a transfer slip, refund, print a receipt. */
export function feeUseCases (ctx: WorkflowContext) {
  const { dossiers, payments, deps, actorOf, myTask, visible, feesDue, feesReturnable, requireFeesHandler, downloaded, reasonFrom } = ctx
  return {
    /**
     * The official holding the step asks for the fees (4 → 6): the amount (from the procedure's fees,
     * or set for the case, with a note); the applicant is told and processing waits for the payment.
     */
    async requestFees (o: SignedInOfficial, code: string, form: { taskId?: string, amount?: string, note?: string }): Promise<number> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      const amount = parseVnd(form.amount, 'amount')
      const note = (form.note ?? '').trim().slice(0, 1000) || null
      await dossiers.act(actorOf(o), code, 'request-fees', {
        message: `Đề nghị nộp ${amount.toLocaleString('vi-VN')} đồng phí, lệ phí${note ? ` (${note})` : ''}. Nộp trực tuyến trên Cổng hoặc tại bộ phận một cửa.`,
        sms: `Số tiền phải nộp: ${amount.toLocaleString('vi-VN')} đồng`,
        details: { amount },
        within: trx => payments.request(trx, d.id, amount, note, { id: o.id, name: o.fullName })
      })
      return amount
    },

    /** The official holding the step records the applicant as exempt from the fees, with the reason (the dossier goes on). */
    async exemptFees (o: SignedInOfficial, code: string, form: { taskId?: string, reason?: string }): Promise<void> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      if (d.status !== 4) throw new AppError('CONFLICT', 'Chỉ ghi nhận miễn phí khi hồ sơ đang xử lý.')
      const reason = reasonFrom(form.reason, 'exempt-reason', 'Ghi rõ căn cứ miễn phí, lệ phí', 5, 1000)
      await dossiers.record(actorOf(o), code, { action: 'fees-exempt', message: `Miễn phí, lệ phí: ${reason}` }, trx => payments.exempt(trx, d.id, Math.max(1, feesDue(d)), reason, { id: o.id, name: o.fullName }))
    },

    /** The desk (or the step holder) records money returned to the payer, with the reason. */
    async refund (o: SignedInOfficial, code: string, paymentId: number, reason?: string): Promise<{ amountVnd: number, via: 'gateway' | 'manual' }> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      const text = reasonFrom(reason, `refund-${paymentId}`, 'Ghi rõ lý do và cách hoàn tiền', 5, 1000)
      let amountVnd = 0
      const route = await payments.refundRoute(d.id, paymentId)
      if (!route) throw new AppError('NOT_FOUND', 'no such payment')
      // Fees are returned when the dossier will not be decided (withdrawn, stopped, refused); a surplus always.
      if (!route.surplus && !feesReturnable(d)) throw new AppError('CONFLICT', 'Chỉ hoàn phí, lệ phí khi hồ sơ đã rút, dừng hoặc bị từ chối giải quyết, hoặc khoản nộp thừa.')
      // Paid online: asked of the gateway now, the applicant told when it accepts. Paid otherwise: already handed back.
      const byGateway = route.via === 'gateway'
      await dossiers.record(actorOf(o), code, byGateway
        ? { action: 'refund-asked', message: `Đã đề nghị cổng thanh toán hoàn tiền: ${text}` }
        : { action: 'refund', message: `Đã hoàn tiền: ${text}`, notify: { subject: `Hồ sơ ${code}: đã hoàn tiền phí, lệ phí`, body: `Cơ quan đã hoàn lại khoản tiền bạn nộp cho hồ sơ ${code}.\n${text}` } },
      async trx => { amountVnd = await payments.refund(trx, d.id, paymentId, route.via, text, { id: o.id, name: o.fullName }) })
      return { amountVnd, via: route.via }
    },

    /** Cash taken at the counter (6 → 4): the one-stop desk or the official holding the step records it. */
    async recordCash (o: SignedInOfficial, code: string): Promise<number> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      let amount = 0
      await dossiers.act(actorOf(o), code, 'fees-paid', {
        message: 'Đã nộp phí, lệ phí bằng tiền mặt tại bộ phận một cửa.',
        within: async trx => { amount = await payments.recordCash(trx, d.id, { id: o.id, name: o.fullName }) }
      })
      return amount
    },

    /** The desk or the step holder confirms a transfer slip (6 → 4), or rejects it with the reason (the fees stay due). */
    async decideTransfer (o: SignedInOfficial, code: string, paymentId: number, confirm: boolean, reason?: string): Promise<void> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      const by = { id: o.id, name: o.fullName }
      if (confirm) {
        await dossiers.act(actorOf(o), code, 'fees-paid', {
          message: 'Đã xác nhận chứng từ chuyển khoản phí, lệ phí.',
          within: async trx => { await payments.decideTransfer(trx, d.id, paymentId, true, null, by) }
        })
        return
      }
      const text = reasonFrom(reason, `reject-${paymentId}`, 'Ghi rõ lý do không chấp nhận chứng từ', 5, 1000)
      await dossiers.record(actorOf(o), code, {
        action: 'transfer-rejected', message: `Không chấp nhận chứng từ chuyển khoản: ${text}`,
        notify: { subject: `Hồ sơ ${code}: chứng từ chuyển khoản chưa được chấp nhận`, body: `Chứng từ chuyển khoản bạn gửi cho hồ sơ ${code} chưa được chấp nhận.\nLý do: ${text}\nBạn có thể gửi lại chứng từ hoặc nộp bằng cách khác.` }
      }, async trx => { await payments.decideTransfer(trx, d.id, paymentId, false, text, by) })
    },

    /** A fee receipt of a dossier the official may see, as a PDF. */
    async receiptPdf (o: SignedInOfficial, code: string, receiptId: number): Promise<Buffer> {
      const d = await visible(o, code)
      const pdf = await payments.receiptPdf(d.id, receiptId, (await deps.site.profile()).provinceName)
      await downloaded(o, d, 'dossier.receipt.download', { receipt: receiptId })
      return pdf
    }
  }
}
