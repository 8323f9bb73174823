import type { ComponentChildren } from 'preact'
import { formatVnd } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { PaymentsService } from './payments.service.js'
import { METHOD_LABELS, PAYMENT_STATE_LABELS } from './payments.service.js'

type Requests = Awaited<ReturnType<PaymentsService['ofDossier']>>
const REQUEST_STATES = { open: 'Chờ nộp', paid: 'Đã nộp', cancelled: 'Đã hủy', exempt: 'Được miễn' }
const REFUND_STATES = { requested: 'đang chờ cổng thanh toán xử lý', done: 'đã hoàn', refused: 'không hoàn được, cần hoàn bằng cách khác' }

/** The fees asked of a dossier and every attempt to pay them; `children` holds the actions of the page. */
export function PaymentsSection ({ requests, children, fileHref, receiptHref, decide, refund }: { requests: Requests, children?: ComponentChildren, fileHref?: (fileId: string) => string, receiptHref?: (receiptId: number) => string, decide?: (paymentId: number) => ComponentChildren, refund?: (p: { id: number, surplus: boolean, refundVia: 'gateway' | 'manual' | undefined }) => ComponentChildren }) {
  // Actions that render nothing (conditions not met) are no reason for an empty "Nộp phí, lệ phí" heading.
  const actions = [children].flat(Infinity as 1).some(c => c !== null && c !== undefined && c !== false && c !== true && c !== '')
  if (requests.length === 0 && !actions) return null
  return (
    <section class='section' aria-labelledby='phi-le-phi'>
      <h2 class='heading-m' id='phi-le-phi'>Nộp phí, lệ phí</h2>
      {requests.map(r => (
        <div class='inset' key={String(r.id)}>
          <p class='body'><strong>{formatVnd(r.amountVnd)}</strong> – {REQUEST_STATES[r.state]}{r.paidAt ? ` lúc ${formatInstant(r.paidAt)}` : ''}. Yêu cầu lúc {formatInstant(r.requestedAt)} ({r.requestedByName}){r.note ? `: ${r.note}` : ''}</p>
          {r.payments.length > 0 && (
            <ul class='list'>
              {r.payments.map(p => (
                <li key={String(p.id)}>
                  {METHOD_LABELS[p.method]}: {PAYMENT_STATE_LABELS[p.state]}{p.settledAt ? ` (${formatInstant(p.settledAt)})` : ''}{p.providerTxn ? `, mã giao dịch ${p.providerTxn}` : ''}{p.surplus ? ' – tiền nộp thừa, sẽ được hoàn lại' : ''}
                  {p.slipFileId && fileHref ? <> – <a href={fileHref(p.slipFileId)}>chứng từ chuyển khoản</a></> : null}
                  {p.decidedReason ? <> – {p.decidedReason}</> : null}
                  {p.billFileId && fileHref ? <> – <a href={fileHref(p.billFileId)}>biên lai điện tử của Nền tảng thanh toán quốc gia (PDF)</a></> : null}
                  {p.receiptId && receiptHref ? <> – <a href={receiptHref(p.receiptId)}>biên lai số {String(p.receiptNumber).padStart(7, '0')}, ký hiệu {p.receiptSeries} (PDF)</a></> : null}
                  {p.method === 'transfer' && p.state === 'pending' && decide ? decide(p.id) : null}
                  {p.refunds.map(f => (
                    <div key={String(f.id)} class='hint'>
                      {f.via === 'gateway' ? 'Hoàn qua cổng thanh toán' : 'Hoàn trực tiếp'} {formatVnd(f.amountVnd)} ({f.requestedByName}, {formatInstant(f.requestedAt)}): {REFUND_STATES[f.state]}{f.responseMessage && f.state === 'refused' ? ` – ${f.responseMessage}` : ''}
                    </div>
                  ))}
                  {p.state === 'paid' && refund && !p.refunds.some(f => f.state === 'requested') ? refund(p) : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {children}
    </section>
  )
}
