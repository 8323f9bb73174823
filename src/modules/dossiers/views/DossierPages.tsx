import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { Button, FileInput, Form, MultipartForm, Radios, Textarea, UploadForm } from '../../../platform/html/components/form.js'
import { DataTable, formatVnd, Pagination, SummaryList, Tag } from '../../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { ACCEPT_ATTR, formatSize } from '../../files/sniff.js'
import type { Delivery, Person } from '../dossier-form.js'
import type { DossierView } from '../dossiers.service.js'
import { RATING_LABELS } from '../model.js'
import { STATUS_LABELS, type DossierStatus } from '../status.js'
import { PaymentsSection } from '../../payments/PaymentsSection.js'
import type { PaymentsService } from '../../payments/payments.service.js'
import { ComponentsTable, DeliveryList, FeesTable, fileHref, FileList, issuedForms, PersonList, ResultFiles, Timeline, when } from './parts.js'


export const dossierUrl = (code: string) => `/ca-nhan/ho-so/${encodeURIComponent(code)}`

const STATUS_KIND: Partial<Record<DossierStatus, 'green' | 'blue' | 'grey'>> = { 3: 'grey', 7: 'grey', 8: 'grey', 9: 'green', 10: 'green' }
export function StatusTag ({ status }: { status: DossierStatus }) {
  return <Tag kind={STATUS_KIND[status] ?? 'blue'}>{STATUS_LABELS[status]}</Tag>
}

interface ListItem { id: string, code: string | null, status: DossierStatus, submittedAt: Date | null, dueAt: Date | null, procedureName: string }

export function DossierListPage ({ items, total, page, pageSize, status, drafts, href }: {
  items: ListItem[], total: number, page: number, pageSize: number, status?: DossierStatus | undefined
  drafts: Array<{ id: string, procedureName: string, updatedAt: Date, deleteAfter: Date }>, href: (page: number) => string
}) {
  return (
    <>
      <a class='back-link' href='/ca-nhan'>Trang cá nhân</a>
      <h1 class='heading-l'>Hồ sơ của tôi</h1>
      <form action='/ca-nhan/ho-so' method='get' class='filters'>
        <div class='form-group'>
          <label class='label' for='trang-thai'>Trạng thái</label>
          <select class='select' id='trang-thai' name='trang-thai'>
            <option value=''>Tất cả</option>
            {([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as DossierStatus[]).map(s => <option key={s} value={String(s)} selected={status === s}>{STATUS_LABELS[s]}</option>)}
          </select>
        </div>
        <button type='submit' class='button button--secondary'>Lọc</button>
      </form>
      <p class='result-count' role='status'>{total} hồ sơ</p>
      {items.length > 0 && (
        <DataTable caption='Hồ sơ đã nộp, mới nhất trước' rows={items} rowKey={i => i.id} columns={[
          { label: 'Mã hồ sơ', cell: i => <a href={dossierUrl(i.code!)}>{i.code}</a> },
          { label: 'Thủ tục', cell: i => i.procedureName },
          { label: 'Ngày nộp', cell: i => when(i.submittedAt) },
          { label: 'Hẹn trả', cell: i => (i.dueAt ? when(i.dueAt) : 'Sau khi tiếp nhận') },
          { label: 'Trạng thái', cell: i => <StatusTag status={i.status} /> }
        ]} />
      )}
      <Pagination page={page} pageSize={pageSize} total={total} href={href} />
      <h2 class='heading-m'>Hồ sơ nháp</h2>
      {drafts.length === 0
        ? <p class='body'>Không có hồ sơ nháp.</p>
        : (
          <ul class='list'>
            {drafts.map(d => <li key={d.id}><a href={`/nop-ho-so/${d.id}/kiem-tra`}>{d.procedureName}</a> – sửa lần cuối {when(d.updatedAt)}, tự xóa sau {when(d.deleteAfter)}</li>)}
          </ul>
          )}
    </>
  )
}

function TransferBox ({ url, transfer, errors }: { url: string, transfer: TransferInfo, errors: FieldError[] }) {
  const amount = transfer.amountVnd.toLocaleString('vi-VN')
  return (
    <div class='inset'>
      <h3 class='heading-s'>Chuyển khoản</h3>
      <SummaryList rows={[['Đơn vị thụ hưởng', transfer.account.name], ['Số tài khoản', transfer.account.number], ['Ngân hàng', transfer.account.bank], ['Số tiền', `${amount} đồng`], ['Nội dung chuyển khoản', transfer.message]]} />
      <p class='body'><img src={`${url}/vietqr.png`} width={240} height={240} alt={`Mã VietQR: chuyển ${amount} đồng đến tài khoản ${transfer.account.number}, nội dung ${transfer.message}`} /></p>
      <p class='body'>Quét mã bằng ứng dụng ngân hàng, rồi gửi ảnh hoặc tệp PDF của chứng từ chuyển khoản để cơ quan xác nhận.</p>
      <UploadForm action={`${url}/chung-tu`} name='slip' label='Chứng từ chuyển khoản' accept={ACCEPT_ATTR} error={errorOf(errors, 'slip')} button='Gửi chứng từ' />
    </div>
  )
}

/** A dossier's page: the confirmation box right after submission, what it holds, its timeline and its actions. */
type PaymentRequests = Awaited<ReturnType<PaymentsService['ofDossier']>>
type TransferInfo = NonNullable<Awaited<ReturnType<PaymentsService['transferInfo']>>>

export function DossierPage ({ d, fresh, errors = [], values = {}, notice, pay }: { d: DossierView, fresh: boolean, errors?: FieldError[], values?: Record<string, string | undefined>, notice?: string | undefined, pay?: { requests: PaymentRequests, online: ReadonlyArray<{ code: string, label: string }>, transfer?: TransferInfo | undefined } }) {
  const url = dossierUrl(d.code!)
  const open = d.openSupplement
  const owed = d.status === 6 ? pay?.requests.find(r => r.state === 'open') : undefined
  // A transfer slip sent and not yet decided: nothing that would pay a second time is offered meanwhile.
  const slipWaiting = owed?.payments.some(p => p.method === 'transfer' && p.state === 'pending') === true
  return (
    <>
      <a class='back-link' href='/ca-nhan/ho-so'>Hồ sơ của tôi</a>
      <ErrorSummary errors={errors} />
      {fresh && (
        <div class='panel' role='status'>
          <h1 class='panel__title'>Nộp hồ sơ thành công</h1>
          <p class='panel__body'>Mã số hồ sơ<br /><strong class='reference'>{d.code}</strong></p>
          <p class='panel__body'>Hồ sơ đang chờ tiếp nhận</p>
        </div>
      )}
      {notice && <div class='notice' role='status'><p>{notice}</p></div>}
      {fresh ? <h2 class='heading-l'>Hồ sơ {d.code}</h2> : <h1 class='heading-l'><span class='caption'>Hồ sơ</span> {d.code}</h1>}
      <SummaryList rows={[
        ['Thủ tục', d.procedure.name],
        ['Trạng thái', <><StatusTag status={d.status} />{slipWaiting && <> <Tag kind='grey'>Chờ xác nhận chứng từ</Tag></>}</>],
        ['Cơ quan tiếp nhận', d.agency?.name ?? '—'],
        ['Ngày nộp', when(d.submittedAt)],
        ['Ngày tiếp nhận', when(d.receivedAt)],
        ['Ngày hẹn trả kết quả', d.dueAt ? when(d.dueAt) : 'Có sau khi cơ quan tiếp nhận hồ sơ'],
        ...(d.finishedAt ? [['Ngày có kết quả', when(d.finishedAt)] as [string, string]] : [])
      ]} />
      <p class='body'>
        <a href={`${url}/phieu.pdf`}>Tải giấy xác nhận nộp hồ sơ (PDF)</a>
        {issuedForms(d.events).map(f => <span key={f.form}> · <a href={`${url}/mau-${f.form}.pdf`}>{f.label}</a></span>)}
        {' '}· <a href={`/tra-cuu-ho-so?ma=${encodeURIComponent(d.code!)}`}>Trang tra cứu công khai</a>
      </p>

      {owed && (
        <section class='section section--highlight' aria-labelledby='can-nop-phi'>
          <h2 class='heading-m' id='can-nop-phi'>{slipWaiting ? 'Chứng từ chuyển khoản đang chờ xác nhận' : 'Cơ quan yêu cầu nộp phí, lệ phí'}</h2>
          {slipWaiting
            ? <p class='body'>Bạn đã gửi chứng từ chuyển khoản {formatVnd(owed.amountVnd)}. Cơ quan sẽ kiểm tra và xác nhận; không cần nộp lại.</p>
            : <p class='body'>Số tiền cần nộp: <strong>{formatVnd(owed.amountVnd)}</strong>. Hồ sơ sẽ được tiếp tục giải quyết khi bạn nộp xong. <a href='#phi-le-phi'>Nộp phí, lệ phí</a></p>}
        </section>
      )}
      {open && (
        <section class='section section--highlight' aria-labelledby='bo-sung'>
          <h2 class='heading-m' id='bo-sung'>Cơ quan yêu cầu bổ sung hồ sơ</h2>
          <p class='body'>Yêu cầu lúc {when(open.requestedAt)}{open.requestedBy ? ` bởi ${open.requestedBy}` : ''}{open.dueAt ? `; hạn bổ sung: ${when(open.dueAt)}` : ''}.</p>
          {open.message && <p class='body message-body'>{open.message}</p>}
          <MultipartForm action={`${url}/bo-sung`}>
            {open.items.map(item => {
              const name = d.slots.find(s => s.key === item.component)?.name ?? item.component
              const fresh = d.files.filter(f => f.component === item.component && f.round === open.round)
              return (
                <div class='section' key={item.component} id={`tp-${item.component}-box`}>
                  <h3 class='heading-s'>{name}</h3>
                  <p class='body'><strong>Cần bổ sung:</strong> {item.note}</p>
                  <FileList files={fresh} removeHref={f => `${url}/bo-sung/tep/${f.attachmentId}/xoa`} />
                  <FileInput name={`tp-${item.component}`} label={`Tệp bổ sung cho “${name}”`} accept={ACCEPT_ATTR} error={errorOf(errors, `tp-${item.component}`)} />
                </div>
              )
            })}
            <Textarea name='note' label='Ghi chú gửi cơ quan (nếu có)' value={values['note']} error={errorOf(errors, 'note')} />
            <p class='body'>Các tệp đã chọn được tải lên khi bạn bấm một trong hai nút dưới đây.</p>
            <div class='button-group'>
              <button type='submit' class='button' name='action' value='send'>Gửi bổ sung</button>
              <button type='submit' class='button button--secondary' name='action' value='upload'>Tải lên, chưa gửi</button>
            </div>
          </MultipartForm>
        </section>
      )}

      <h2 class='heading-m'>Người nộp hồ sơ</h2>
      <PersonList p={d.submitter as Person} />
      {d.onBehalf && <><h2 class='heading-m'>Chủ hồ sơ</h2><PersonList p={d.applicant as Person} /></>}
      {d.caseGroup && <p class='body'>Trường hợp: {d.caseGroup}</p>}
      <ComponentsTable slots={d.slots} files={d.files} paper={d.paper} />
      <FeesTable fees={d.fees} payable={d.payable} />
      {pay && (
        <PaymentsSection requests={pay.requests} fileHref={fileHref} receiptHref={id => `${url}/bien-lai/${id}.pdf`}>
          {d.status === 6 && slipWaiting && (
            <>
              <p class='body'>Chứng từ chuyển khoản của bạn đang chờ cơ quan xác nhận.</p>
              {pay.transfer && (
                <details>
                  <summary>Gửi chứng từ khác (nếu đã gửi nhầm)</summary>
                  <UploadForm action={`${url}/chung-tu`} name='slip' label='Chứng từ chuyển khoản' accept={ACCEPT_ATTR} error={errorOf(errors, 'slip')} button='Gửi chứng từ thay thế' />
                </details>
              )}
            </>
          )}
          {d.status === 6 && !slipWaiting && (
            <>
              <p class='body'>Hồ sơ đang chờ bạn nộp phí, lệ phí để tiếp tục giải quyết. Bạn có thể nộp tiền mặt tại bộ phận một cửa{pay.transfer ? ', chuyển khoản' : ''}{pay.online.length > 0 ? ' hoặc thanh toán trực tuyến' : ''}.</p>
              {pay.online.length > 0 && (
                <Form action={`${url}/thanh-toan`}>
                  <Radios name='bank' legend='Thanh toán trực tuyến bằng' value={values['bank'] ?? pay.online[0]!.code} error={errorOf(errors, 'bank')} options={pay.online.map(c => ({ value: c.code, label: c.label }))} />
                  <Button>Thanh toán trực tuyến</Button>
                </Form>
              )}
              {pay.transfer && <TransferBox url={url} transfer={pay.transfer} errors={errors} />}
            </>
          )}
        </PaymentsSection>
      )}
      {'submission' in d.delivery && <><h2 class='heading-m'>Hình thức nộp và nhận kết quả</h2><DeliveryList d={d.delivery as Delivery} /></>}

      {(d.status === 10 || (d.status === 9 && (d.delivery as Partial<Delivery>).result === 'online')) && <ResultFiles files={d.files} hrefFor={fileHref} />}

      <Timeline events={d.events} />

      {d.canRate && (
        <section class='section' aria-labelledby='danh-gia'>
          <h2 class='heading-m' id='danh-gia'>Đánh giá mức độ hài lòng</h2>
          <Form action={`${url}/danh-gia`}>
            <Radios name='rating' legend='Bạn hài lòng thế nào với việc giải quyết hồ sơ này?' value={values['rating']} error={errorOf(errors, 'rating')}
              options={[5, 4, 3, 2, 1].map(n => ({ value: String(n), label: RATING_LABELS[n]! }))} />
            <Textarea name='comment' label='Góp ý (nếu có)' value={values['comment']} />
            <Button>Gửi đánh giá</Button>
          </Form>
        </section>
      )}
      {d.rating !== null && <p class='body'>Bạn đã đánh giá: <strong>{RATING_LABELS[d.rating]}</strong>{d.ratingComment ? ` – ${d.ratingComment}` : ''}</p>}
      {d.code && <p class='body'><a href={`/phan-anh-kien-nghi/gui?ho-so=${encodeURIComponent(d.code)}`}>Phản ánh, kiến nghị về hồ sơ này</a> (đòi thêm giấy tờ, trễ hẹn, thái độ cán bộ…)</p>}

      {d.canWithdraw && (
        <details class='section' open={Boolean(errorOf(errors, 'reason'))}>
          <summary>Rút hồ sơ</summary>
          <Form action={`${url}/rut`}>
            <Textarea name='reason' label='Lý do rút hồ sơ' hint='Hồ sơ đã rút không thể tiếp tục xử lý.' value={values['reason']} error={errorOf(errors, 'reason')} />
            <Button secondary>Rút hồ sơ</Button>
          </Form>
        </details>
      )}
    </>
  )
}

export function NoticesPage ({ notices }: { notices: Array<{ id: number, text: string, createdAt: Date, readAt: Date | null, code: string | null, href: string | null }> }) {
  return (
    <>
      <a class='back-link' href='/ca-nhan'>Trang cá nhân</a>
      <h1 class='heading-l'>Thông báo</h1>
      {notices.length === 0 && <p class='body'>Chưa có thông báo.</p>}
      <ul class='list notices'>
        {notices.map(n => (
          <li key={n.id}>{n.readAt === null && <Tag>Mới</Tag>} {n.code ? <a href={dossierUrl(n.code)}>{n.text}</a> : n.href ? <a href={n.href}>{n.text}</a> : n.text} <span class='hint'>{when(n.createdAt)}</span></li>
        ))}
      </ul>
    </>
  )
}
