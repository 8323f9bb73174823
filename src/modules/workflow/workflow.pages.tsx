import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { ErrorSummary, ErrorMessage } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, MultipartForm, Radios, Textarea, TextInput } from '../../platform/html/components/form.js'
import { readUploads } from '../../platform/http/uploads.js'
import { ACCEPT_ATTR, formatSize } from '../files/sniff.js'
import { downloadHeaders } from '../files/files.service.js'
import { pageNumber } from '../../platform/http/page-number.js'
import { ROLES } from '../accounts/officials.service.js'
import { DataTable, PrevNext, SummaryList, Tag } from '../../platform/html/components/layout-parts.js'
import type { Delivery, Person } from '../dossiers/dossier-form.js'
import { STATUS_LABELS, type DossierStatus } from '../dossiers/status.js'
import { CHANNEL_LABELS, INTERNAL_COMPONENT } from '../dossiers/dossiers.service.js'
import { StatusTag } from '../dossiers/views/DossierPages.js'
import { ComponentsTable, FeesTable, PersonList, when } from '../dossiers/views/parts.js'
import { AssessmentFields } from '../payments/AssessmentFields.js'
import type { RegisterBy, StepQueue, WorkflowService } from './workflow.service.js'
import { OUTCOME_LABELS, TIMING_LABELS } from './processing.js'
import { PaymentsSection } from '../payments/PaymentsSection.js'
import { parseCriteria } from './search.js'
import { counterPages } from './counter.pages.js'
import { settingsPages } from './settings.pages.js'
import { wordingPages } from './wording.pages.js'
import { parseDayRange } from '../../platform/http/day-range.js'
import { isIssuedForm } from '../dossiers/issued-forms.js'
import { IssuedFormLinks, ResultFiles, Timeline } from '../dossiers/views/parts.js'

type Opened = Awaited<ReturnType<WorkflowService['open']>>
type Queue = Awaited<ReturnType<WorkflowService['receptionQueue']>>
type TaskQueue = Awaited<ReturnType<WorkflowService['taskQueue']>>
type DueRows = Awaited<ReturnType<WorkflowService['dueQueue']>>
type Found = Awaited<ReturnType<WorkflowService['search']>>
type Body = Record<string, string | string[] | undefined>

export const staffDossierUrl = (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}`

function ReceptionQueuePage ({ queue: { rows, page, more } }: { queue: Queue }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Hồ sơ chờ tiếp nhận</h1>
      <p class='body'>Hồ sơ nộp trực tuyến cần được tiếp nhận, yêu cầu bổ sung hoặc từ chối trong thời hạn của từng thủ tục (thường là 8 giờ làm việc) kể từ khi nộp; hồ sơ nộp sớm nhất ở trên.</p>
      {rows.length === 0
        ? <p class='body'>Không có hồ sơ chờ tiếp nhận.</p>
        : (
          <DataTable caption='Hồ sơ chờ tiếp nhận, nộp sớm nhất trước' rows={rows} rowKey={r => r.code} rowClass={r => (r.left.overdue ? 'row--overdue' : undefined)} columns={[
            { label: 'Mã hồ sơ', cell: r => <a href={staffDossierUrl(r.code)}>{r.code}</a> },
            { label: 'Thủ tục', cell: r => r.procedureName },
            { label: 'Chủ hồ sơ', cell: r => r.applicant },
            { label: 'Nộp lúc', cell: r => when(r.submittedAt) },
            { label: 'Thời hạn tiếp nhận', cell: r => <>{r.left.overdue ? <Tag kind='grey'>{r.left.text}</Tag> : r.left.text}<br /><span class='hint'>hạn {when(r.decisionDue)}</span></> }
          ]} />
          )}
      <PrevNext page={page} more={more} href={n => `/can-bo/ho-so?hang-doi=cho-tiep-nhan&trang=${n}`} />
    </>
  )
}

const STEP_QUEUES: Record<StepQueue, { title: string, empty: string }> = {
  'cua-toi': { title: 'Hồ sơ cần xử lý', empty: 'Không có hồ sơ đang chờ bạn thẩm định hoặc xem xét.' },
  'cho-phe-duyet': { title: 'Hồ sơ chờ phê duyệt', empty: 'Không có hồ sơ chờ bạn phê duyệt.' },
  'cho-tra-ket-qua': { title: 'Hồ sơ chờ trả kết quả', empty: 'Không có kết quả chờ trả.' }
}

function TaskQueuePage ({ rows, queue }: { rows: TaskQueue, queue: StepQueue }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>{STEP_QUEUES[queue].title}</h1>
      {rows.length === 0
        ? <p class='body'>{STEP_QUEUES[queue].empty}</p>
        : (
          <DataTable caption='Bước xử lý đang chờ, hạn sớm nhất trước' rows={rows} rowKey={r => `${r.code}-${r.name}`} rowClass={r => (r.left?.overdue ? 'row--overdue' : undefined)} columns={[
            { label: 'Mã hồ sơ', cell: r => <a href={staffDossierUrl(r.code!)}>{r.code}</a> },
            { label: 'Thủ tục', cell: r => r.procedureName },
            { label: 'Bước', cell: r => <>{r.name}{r.assigneeId ? ' (giao cho bạn)' : ''}</> },
            { label: 'Hạn của bước', cell: r => (r.dueAt ? <>{when(r.dueAt)}<br /><span class='hint'>{r.left?.text ?? ''}</span></> : '—') },
            { label: 'Hẹn trả', cell: r => when(r.dossierDue) }
          ]} />
          )}
    </>
  )
}

/** A list of dossiers (search results, due queues): code, procedure, applicant, status, due date. */
function DossierTable ({ rows, caption, now }: { rows: Array<Found['rows'][number] & { left?: { overdue: boolean, text: string } | undefined }>, caption: string, now: Date }) {
  const late = (r: Found['rows'][number]) => r.dueAt !== null && [2, 4, 6].includes(r.status) && r.dueAt.getTime() < now.getTime()
  return (
    <DataTable caption={caption} rows={rows} rowKey={r => r.code} rowClass={r => (late(r) ? 'row--overdue' : undefined)} columns={[
      { label: 'Mã hồ sơ', cell: r => <a href={staffDossierUrl(r.code)}>{r.code}</a> },
      { label: 'Thủ tục', cell: r => r.procedureName },
      { label: 'Chủ hồ sơ', cell: r => r.applicant },
      { label: 'Trạng thái', cell: r => <StatusTag status={r.status} /> },
      { label: 'Nộp lúc', cell: r => when(r.submittedAt) },
      { label: 'Hẹn trả', cell: r => <>{r.dueAt ? when(r.dueAt) : '—'}{late(r) ? <><br /><strong class='tag tag--red'>Quá hạn</strong></> : null}{r.left && !late(r) ? <><br /><span class='hint'>{r.left.text}</span></> : null}</> }
    ]} />
  )
}

function ConsultationQueuePage ({ rows }: { rows: Awaited<ReturnType<WorkflowService['consultationQueue']>> }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Cơ quan khác xin ý kiến</h1>
      {rows.length === 0
        ? <p class='body'>Không có yêu cầu xin ý kiến đang chờ trả lời.</p>
        : (
          <DataTable caption='Yêu cầu xin ý kiến chờ trả lời, hạn sớm nhất trước' rows={rows} rowKey={r => `${r.code}-${String(r.askedAt.getTime())}`} rowClass={r => (r.left.overdue ? 'row--overdue' : undefined)} columns={[
            { label: 'Mã hồ sơ', cell: r => <a href={staffDossierUrl(r.code)}>{r.code}</a> },
            { label: 'Thủ tục', cell: r => r.procedureName },
            { label: 'Nội dung', cell: r => <>{r.question}<br /><span class='hint'>{r.askedByName}, {when(r.askedAt)}</span></> },
            { label: 'Hạn trả lời', cell: r => <>{when(r.dueAt)}<br /><span class='hint'>{r.left.text}</span></> }
          ]} />
          )}
    </>
  )
}

function DueQueuePage ({ rows, kind }: { rows: DueRows, kind: 'sap-den-han' | 'qua-han' }) {
  const title = kind === 'qua-han' ? 'Hồ sơ quá hạn' : 'Hồ sơ sắp đến hạn'
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>{title}</h1>
      <p class='body'>{kind === 'qua-han'
        ? 'Hồ sơ đang giải quyết đã quá ngày hẹn trả kết quả. Cơ quan phải gửi văn bản xin lỗi và hẹn lại (mẫu 04).'
        : 'Hồ sơ đang giải quyết đến hạn trả kết quả trước khi hết ngày làm việc tiếp theo.'}</p>
      {rows.length === 0 ? <p class='body'>Không có hồ sơ.</p> : <DossierTable rows={rows} caption={title} now={new Date()} />}
    </>
  )
}

const SEARCH_KEYS = ['ma', 'ten', 'giay-to', 'thu-tuc', 'trang-thai', 'tu', 'den'] as const

function SearchPage ({ query, errors, found, page }: { query: Record<string, string | undefined>, errors: FieldError[], found?: Found | undefined, page: number }) {
  const link = (p: number) => `/can-bo/ho-so?${new URLSearchParams([...SEARCH_KEYS.filter(k => query[k]).map(k => [k, query[k]!] as [string, string]), ['trang', String(p)]]).toString()}`
  const statusError = errorOf(errors, 'trang-thai')
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Tìm kiếm hồ sơ</h1>
      <ErrorSummary errors={errors} />
      <form action='/can-bo/ho-so' method='get' noValidate role='search' aria-label='Tìm kiếm hồ sơ'>
        <div class='grid-row'>
          <TextInput name='ma' label='Mã hồ sơ' value={query['ma']} />
          <TextInput name='ten' label='Tên chủ hồ sơ' value={query['ten']} error={errorOf(errors, 'ten')} hint='Có thể gõ không dấu' />
          <TextInput name='giay-to' label='Số định danh, hộ chiếu hoặc mã số thuế' value={query['giay-to']} />
          <TextInput name='thu-tuc' label='Mã hoặc tên thủ tục' value={query['thu-tuc']} error={errorOf(errors, 'thu-tuc')} />
          <div class={`form-group${statusError ? ' form-group--error' : ''}`}>
            <label class='label' for='trang-thai'>Trạng thái</label>
            <ErrorMessage id='trang-thai' message={statusError} />
            <select class='select' id='trang-thai' name='trang-thai' aria-describedby={statusError ? 'trang-thai-error' : undefined}>
              <option value=''>Tất cả</option>
              {([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as DossierStatus[]).map(n => <option key={n} value={String(n)} selected={query['trang-thai'] === String(n)}>{STATUS_LABELS[n]}</option>)}
            </select>
          </div>
          <TextInput name='tu' type='date' label='Nộp từ ngày' value={query['tu']} error={errorOf(errors, 'tu')} />
          <TextInput name='den' type='date' label='Đến ngày' value={query['den']} error={errorOf(errors, 'den')} />
        </div>
        <Button>Tìm kiếm</Button>
      </form>
      {found && (
        <section class='section' aria-labelledby='ket-qua'>
          <h2 class='heading-m' id='ket-qua'>Kết quả{found.rows.length === 0 ? ': không tìm thấy hồ sơ phù hợp' : ` (trang ${page})`}</h2>
          {found.rows.length > 0 && <DossierTable rows={found.rows} caption='Hồ sơ tìm được, nộp gần nhất trước' now={new Date()} />}
          <PrevNext page={page} more={found.more} href={link} />
        </section>
      )}
    </>
  )
}


/** The processing log: every step, who held it, when it started and ended, against its allotted time (form 06). */
function ProcessLog ({ log, url }: { log: Opened['log'], url: string }) {
  if (log.length === 0) return null
  return (
    <>
    <p class='body'><a href={`${url}/mau-06.pdf`}>In phiếu kiểm soát quá trình giải quyết (mẫu 06)</a></p>
    <div class='table-wrap'>
      <table class='table'>
        <caption class='table__caption'>Phiếu kiểm soát quá trình giải quyết</caption>
        <thead><tr><th scope='col'>Bước</th><th scope='col'>Người xử lý</th><th scope='col'>Bắt đầu</th><th scope='col'>Hạn</th><th scope='col'>Kết thúc</th><th scope='col'>Kết quả</th></tr></thead>
        <tbody>
          {log.map(r => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.finishedByName ?? r.assigneeName ?? ROLES[r.role as keyof typeof ROLES]}</td>
              <td>{when(r.startedAt)}</td>
              <td>{when(r.dueAt)}</td>
              <td>{r.finishedAt ? when(r.finishedAt) : 'Đang xử lý'}</td>
              <td>{r.outcome ? `${OUTCOME_LABELS[r.outcome] ?? r.outcome}${r.timing ? ` – ${TIMING_LABELS[r.timing]}` : ''}` : ''}{r.comment ? <><br /><span class='hint'>{r.comment}</span></> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    </>
  )
}

/** When the procedure's fees are neither paid nor exempted: said before the action, with the reason to go on. */
function UnsettledFees ({ amountVnd, error }: { amountVnd: number, error?: string | undefined }) {
  if (amountVnd <= 0) return null
  return (
    <>
      <div class='notice notice--warning'><p>Thủ tục thu phí, lệ phí {amountVnd.toLocaleString('vi-VN')} đồng nhưng hồ sơ chưa nộp và chưa được ghi nhận miễn. Nên yêu cầu nộp phí trước; nếu vẫn tiếp tục, ghi lý do.</p></div>
      <Textarea name='fees-reason' label='Lý do tiếp tục khi chưa thu phí, lệ phí' value={undefined} error={error} rows={2} />
    </>
  )
}

function ApproveForm ({ action, taskId, error, feesVnd = 0, feesError }: { action: string, taskId: number, error?: string | undefined, feesVnd?: number, feesError?: string | undefined }) {
  return (
    <MultipartForm action={action}>
      <input type='hidden' name='taskId' value={String(taskId)} />
      <UnsettledFees amountVnd={feesVnd} error={feesError} />
      <div class={`form-group${error ? ' form-group--error' : ''}`}>
        <label class='label' for='result'>Văn bản kết quả giải quyết (PDF hoặc bản quét)</label>
        <ErrorMessage id='result' message={error} />
        <input class='file-upload' id='result' name='files' type='file' multiple accept={ACCEPT_ATTR} aria-describedby={error ? 'result-error' : undefined} />
      </div>
      <div class='form-group'>
        <label class='label' for='approve-comment'>Ý kiến phê duyệt (nếu có)</label>
        <textarea class='textarea' id='approve-comment' name='comment' rows={2} />
      </div>
      <Checkbox name='comment-public' value='yes' id='approve-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
      <Button>Phê duyệt và ban hành kết quả</Button>
    </MultipartForm>
  )
}

/** The way of return the applicant asked for, as the desk's choice (the desk may still change it). */
const DELIVERY_METHOD: Record<string, string | undefined> = { office: 'counter', post: 'post', online: 'online' }

/** The back link of a dossier's page leads to the queue the official came from (by the step they hold). */
function BackToQueue ({ o }: { o: Opened }) {
  const [queue, label] = o.act?.approve
    ? ['cho-phe-duyet', STEP_QUEUES['cho-phe-duyet'].title]
    : o.act?.returnResult
      ? ['cho-tra-ket-qua', STEP_QUEUES['cho-tra-ket-qua'].title]
      : o.act
        ? ['cua-toi', STEP_QUEUES['cua-toi'].title]
        : o.d.status === 1 ? ['cho-tiep-nhan', 'Hồ sơ chờ tiếp nhận'] : [undefined, 'Tra cứu hồ sơ']
  return <a class='back-link' href={queue ? `/can-bo/ho-so?hang-doi=${queue}` : '/can-bo/ho-so'}>{label}</a>
}

function StaffDossierPage ({ o, errors = [], values = {} }: { o: Opened, errors?: FieldError[], values?: Body }) {
  const d = o.d
  const url = staffDossierUrl(d.code!)
  const ticked = ([] as string[]).concat(values['components'] ?? [])
  // What changed: the files of the supplement answered last, while the dossier is still being worked on.
  const lastAnswer = [2, 4, 6, 1].includes(d.status) ? [...d.supplements].reverse().find(x => x.answeredAt !== null) as (typeof d.supplements[number] & { items: Array<{ component: string }> }) | undefined : undefined
  return (
    <>
      <BackToQueue o={o} />
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Hồ sơ</span> {d.code}</h1>
      <SummaryList rows={[
        ['Thủ tục', d.procedure.name],
        ['Trạng thái', <StatusTag status={d.status} />],
        ['Kênh nộp', CHANNEL_LABELS[d.channel]],
        ['Cơ quan tiếp nhận', d.agency?.name ?? '—'],
        ['Nộp lúc', when(d.submittedAt)],
        ...(o.receptionDue ? [['Hạn quyết định tiếp nhận', `${when(o.receptionDue)} (${o.receptionLeft!.text})`] as [string, string]] : []),
        ['Ngày hẹn trả kết quả', d.dueAt ? <>{when(d.dueAt)}{d.postponedFrom ? <><br /><span class='hint'>đã hẹn lại, hẹn cũ {when(d.postponedFrom)}</span></> : null}{[2, 4, 6].includes(d.status) && d.dueAt.getTime() < Date.now() ? <> <strong class='tag tag--red'>Quá hạn</strong></> : null}</> : '—']
      ]} />
      <IssuedFormLinks url={url} events={d.events} />
      <h2 class='heading-m'>Chủ hồ sơ</h2>
      <PersonList p={d.applicant as Person} />
      {d.onBehalf && <><h2 class='heading-m'>Người nộp thay</h2><PersonList p={d.submitter as Person} /></>}
      {lastAnswer && (
        <div class='inset'>
          <p class='body'><strong>Công dân đã bổ sung lúc {when(lastAnswer.answeredAt)}</strong> (lần {lastAnswer.round}): {lastAnswer.items.map(i => d.slots.find(x => x.key === i.component)?.name ?? i.component).join('; ')}.</p>
          {lastAnswer.answerNote && <p class='body message-body'>Ghi chú của công dân: {lastAnswer.answerNote}</p>}
        </div>
      )}
      <ComponentsTable slots={d.slots} files={d.files} hrefFor={fileId => `${url}/tep/${fileId}`} newRound={lastAnswer?.round} paper={d.paper} />
      {d.files.some(f => f.component === INTERNAL_COMPONENT) && (
        <section class='section' aria-labelledby='noi-bo'>
          <h2 class='heading-m' id='noi-bo'>Tài liệu xử lý nội bộ</h2>
          <ul class='file-list'>{d.files.filter(f => f.component === INTERNAL_COMPONENT).map(f => <li key={f.attachmentId}><a href={`${url}/tep/${f.id}`}>{f.name}</a> ({formatSize(f.size)}, {when(f.attachedAt)})</li>)}</ul>
        </section>
      )}
      <ResultFiles files={d.files} hrefFor={fileId => `${url}/tep/${fileId}`}>
        {o.act?.returnResult && <p class='body'>In văn bản kết quả để trả tại bộ phận một cửa, hoặc gửi kèm bưu gửi.</p>}
      </ResultFiles>
      <FeesTable fees={d.fees} payable={d.payable} />
      <PaymentsSection requests={o.payments} fileHref={fileId => `${url}/tep/${fileId}`} receiptHref={id => `${url}/bien-lai/${id}.pdf`} decide={o.mayRecordCash ? (id => (
        <div class='inline-actions'>
          <Form action={`${url}/chung-tu/${id}/xac-nhan`}><Button>Xác nhận đã nhận tiền</Button></Form>
          <Form action={`${url}/chung-tu/${id}/khong-chap-nhan`}>
            <TextInput name={`reject-${id}`} label='Lý do không chấp nhận' value={values[`reject-${id}`] as string | undefined} error={errorOf(errors, `reject-${id}`)} />
            <Button secondary>Không chấp nhận chứng từ</Button>
          </Form>
        </div>
      )) : undefined} refund={o.mayRefund ? (p => p.surplus || o.feesReturnable ? (
        <Form action={`${url}/hoan-tien/${p.id}`}>
          <TextInput name={`refund-${p.id}`} label={p.refundVia === 'gateway' ? 'Lý do hoàn tiền' : 'Lý do, cách hoàn tiền'} value={values[`refund-${p.id}`] as string | undefined} error={errorOf(errors, `refund-${p.id}`)} />
          <Button secondary>{p.refundVia === 'gateway' ? 'Hoàn tiền qua cổng thanh toán' : 'Ghi nhận đã hoàn tiền'}</Button>
        </Form>
      ) : null) : undefined}>
        {o.mayRecordCash && <Form action={`${url}/nop-tien-mat`}><Button>Ghi nhận đã nộp tiền mặt</Button></Form>}
        {o.act?.requestFees !== undefined && (
          <details open={Boolean(errorOf(errors, 'amount'))}>
            <summary>Yêu cầu nộp phí, lệ phí</summary>
            <p class='body'>Hồ sơ chờ công dân nộp phí rồi mới xử lý tiếp. {d.payable ? 'Số tiền bộ phận một cửa xác định khi tiếp nhận' : 'Số tiền theo thủ tục'}: {o.act.requestFees.toLocaleString('vi-VN')} đồng; sửa khi mức thu tùy trường hợp (theo xe, theo trang) và ghi rõ cách tính.</p>
            <Form action={`${url}/yeu-cau-nop-phi`}>
              <input type='hidden' name='taskId' value={String(o.act.taskId)} />
              <TextInput name='amount' label='Số tiền (đồng)' value={(values['amount'] as string | undefined) ?? (o.act.requestFees > 0 ? String(o.act.requestFees) : '')} error={errorOf(errors, 'amount')} />
              <Textarea name='note' label='Ghi chú, cách tính (nếu có)' value={values['note'] as string | undefined} rows={2} />
              <Button secondary>Gửi yêu cầu nộp phí</Button>
            </Form>
            <Form action={`${url}/mien-phi`}>
              <input type='hidden' name='taskId' value={String(o.act.taskId)} />
              <TextInput name='exempt-reason' label='Hoặc: căn cứ miễn phí, lệ phí cho chủ hồ sơ' value={values['exempt-reason'] as string | undefined} error={errorOf(errors, 'exempt-reason')} />
              <Button secondary>Ghi nhận được miễn</Button>
            </Form>
          </details>
        )}
      </PaymentsSection>

      {o.task && (
        <div class='inset'>
          <p class='body'><strong>Bước hiện tại:</strong> {o.task.name} – {o.task.assigneeName ?? ROLES[o.task.role]}{o.task.dueAt ? `, hạn ${when(o.task.dueAt)}` : ''}</p>
        </div>
      )}
      {o.act?.forwardTo && (
        <section class='section' aria-labelledby='chuyen'>
          <h2 class='heading-m' id='chuyen'>Chuyển bước: {o.act.forwardTo.name}</h2>
          <MultipartForm action={`${url}/chuyen`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <div class={`form-group${errorOf(errors, 'assignee') ? ' form-group--error' : ''}`}>
              <label class='label' for='assignee'>Người xử lý</label>
              <ErrorMessage id='assignee' message={errorOf(errors, 'assignee')} />
              <select class='select' id='assignee' name='assignee'>
                <option value=''>Bất kỳ cán bộ có vai trò này</option>
                {o.act.forwardTo.candidates.map(c => <option key={c.id} value={c.id}>{c.fullName}</option>)}
              </select>
            </div>
            <Textarea name='comment' label='Ý kiến, nội dung chuyển' value={values['comment'] as string | undefined} rows={2} />
            <Checkbox name='comment-public' value='yes' id='forward-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
            <div class={`form-group${errorOf(errors, 'forward-files') ? ' form-group--error' : ''}`}>
              <label class='label' for='forward-files'>Tài liệu kèm theo (nếu có, chỉ cán bộ xem được)</label>
              <ErrorMessage id='forward-files' message={errorOf(errors, 'forward-files')} />
              <input class='file-upload' id='forward-files' name='files' type='file' multiple accept={ACCEPT_ATTR} aria-describedby={errorOf(errors, 'forward-files') ? 'forward-files-error' : undefined} />
            </div>
            <Button>Chuyển {o.act.forwardTo.name.toLowerCase()}</Button>
          </MultipartForm>
        </section>
      )}
      {o.act?.approve && (
        <section class='section' aria-labelledby='phe-duyet'>
          <h2 class='heading-m' id='phe-duyet'>Phê duyệt</h2>
          <ApproveForm action={`${url}/phe-duyet`} taskId={o.act.taskId} error={errorOf(errors, 'result')} feesVnd={o.unsettledFeesVnd} feesError={errorOf(errors, 'fees-reason')} />
        </section>
      )}
      {o.act?.sendBack && (
        <details class='section' open={Boolean(errorOf(errors, 'back-reason'))}>
          <summary>Trả lại bước trước</summary>
          <Form action={`${url}/tra-lai`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='back-reason' label='Lý do trả lại' value={values['back-reason'] as string | undefined} error={errorOf(errors, 'back-reason')} rows={2} />
            <Checkbox name='comment-public' value='yes' id='back-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
            <Button secondary>Trả lại</Button>
          </Form>
        </details>
      )}
      {o.act?.returnResult && (
        <section class='section' aria-labelledby='tra-kq'>
          <h2 class='heading-m' id='tra-kq'>Trả kết quả</h2>
          <Form action={`${url}/tra-ket-qua`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Radios name='method' legend='Cách trả kết quả' value={(values['method'] as string | undefined) ?? DELIVERY_METHOD[(d.delivery as Partial<Delivery>).result ?? '']} error={errorOf(errors, 'method')}
              options={Object.entries(o.act.returnMethods).map(([value, label]) => ({ value, label }))} />
            <TextInput name='tracking' label='Số hiệu bưu gửi (khi gửi qua bưu chính)' value={values['tracking'] as string | undefined} error={errorOf(errors, 'tracking')} />
            <UnsettledFees amountVnd={o.unsettledFeesVnd} error={errorOf(errors, 'fees-reason')} />
            <Button>Xác nhận đã trả kết quả</Button>
          </Form>
        </section>
      )}
      {(o.consultations.length > 0 || o.act?.consult) && (
        <section class='section' aria-labelledby='y-kien'>
          <h2 class='heading-m' id='y-kien'>Xin ý kiến cơ quan phối hợp</h2>
          {o.consultations.map(c => (
            <div key={String(c.id)} class='inset'>
              <p class='body'><strong>{c.agencyName ?? c.agencyCode}</strong> – hỏi bởi {c.askedByName} lúc {when(c.askedAt)}, hạn trả lời {when(c.dueAt)}{c.answeredAt === null && c.dueAt.getTime() < Date.now() ? <> <strong class='tag tag--red'>Quá hạn</strong></> : null}</p>
              <p class='body message-body'>{c.question}</p>
              {c.answeredAt
                ? <p class='body message-body'><strong>Trả lời</strong> ({c.answeredByName}, {when(c.answeredAt)}): {c.answer}</p>
                : c.mayAnswer
                  ? (
                    <Form action={`${url}/tra-loi-y-kien`}>
                      <input type='hidden' name='consultation' value={String(c.id)} />
                      <Textarea name={`answer-${c.id}`} label='Ý kiến của cơ quan' value={values[`answer-${c.id}`] as string | undefined} error={errorOf(errors, `answer-${c.id}`)} rows={3} />
                      <Button>Gửi ý kiến</Button>
                    </Form>
                    )
                  : <p class='body'><Tag kind='grey'>Chờ trả lời</Tag></p>}
            </div>
          ))}
          {o.act?.consult && (
            <details open={Boolean(errorOf(errors, 'consult-agency') || errorOf(errors, 'consult-question') || errorOf(errors, 'consult-days') || errorOf(errors, 'consult-reason'))}>
              <summary>Xin ý kiến một cơ quan khác</summary>
              <Form action={`${url}/xin-y-kien`}>
                <input type='hidden' name='taskId' value={String(o.act.taskId)} />
                <div class={`form-group${errorOf(errors, 'consult-agency') ? ' form-group--error' : ''}`}>
                  <label class='label' for='consult-agency'>Cơ quan được hỏi</label>
                  <ErrorMessage id='consult-agency' message={errorOf(errors, 'consult-agency')} />
                  <select class='select' id='consult-agency' name='agency'>
                    <option value=''>Chọn cơ quan</option>
                    {o.act.consult.map(a => <option key={a.code} value={a.code} selected={values['agency'] === a.code}>{a.name}</option>)}
                  </select>
                </div>
                <Textarea name='consult-question' label='Nội dung xin ý kiến' value={values['consult-question'] as string | undefined} error={errorOf(errors, 'consult-question')} rows={3} />
                <TextInput name='consult-days' label='Thời hạn trả lời (ngày làm việc)' value={(values['consult-days'] as string | undefined) ?? String(o.act.consultDays)} error={errorOf(errors, 'consult-days')} />
                <Textarea name='consult-reason' label='Lý do, nếu hạn trả lời muộn hơn hạn trả kết quả của hồ sơ (không bắt buộc)' value={values['consult-reason'] as string | undefined} error={errorOf(errors, 'consult-reason')} rows={2} />
                <Button secondary>Gửi xin ý kiến</Button>
              </Form>
            </details>
          )}
        </section>
      )}
      {o.act?.refuse && (
        <details class='section' open={Boolean(errorOf(errors, 'refuse-reason'))}>
          <summary>Từ chối giải quyết</summary>
          <p class='body'>Văn bản trả lời nêu rõ lý do được tạo tự động và là kết quả của hồ sơ; bộ phận một cửa trả cho công dân như mọi kết quả.</p>
          <Form action={`${url}/tu-choi-giai-quyet`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='refuse-reason' label='Lý do từ chối giải quyết' value={values['refuse-reason'] as string | undefined} error={errorOf(errors, 'refuse-reason')} rows={3} />
            <Button secondary>Từ chối giải quyết</Button>
          </Form>
        </details>
      )}
      {o.act?.postpone && (
        <details class='section' open={Boolean(errorOf(errors, 'reason') || errorOf(errors, 'date'))}>
          <summary>Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)</summary>
          <p class='body'>Chỉ được hẹn lại một lần, chậm nhất một ngày làm việc trước ngày hẹn trả ({d.dueAt ? when(d.dueAt) : ''}). Hồ sơ vẫn được tính là trễ hạn.</p>
          {o.act.postpone.late && <div class='inset'><p class='body'><strong>Đã quá thời hạn gửi phiếu xin lỗi.</strong> Phiếu vẫn phải gửi cho công dân; phiếu được ghi nhận là gửi muộn trong sổ theo dõi.</p></div>}
          <Form action={`${url}/hen-lai`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='reason' label='Lý do chậm trả kết quả' value={values['reason'] as string | undefined} error={errorOf(errors, 'reason')} rows={3} />
            <TextInput name='date' type='date' label='Ngày hẹn trả mới' value={values['date'] as string | undefined} error={errorOf(errors, 'date')} />
            <Button secondary>Gửi phiếu xin lỗi và hẹn lại</Button>
          </Form>
        </details>
      )}
      {o.act?.stop && (
        <details class='section' open={Boolean(errorOf(errors, 'stop-reason'))}>
          <summary>Dừng giải quyết hồ sơ (mẫu 05)</summary>
          <Form action={`${url}/dung`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='stop-reason' label='Lý do dừng giải quyết' value={values['stop-reason'] as string | undefined} error={errorOf(errors, 'stop-reason')} rows={3} />
            <Button secondary>Dừng giải quyết</Button>
          </Form>
        </details>
      )}
      <ProcessLog log={o.log} url={url} />

      {o.may.receive && (
        <section class='section' aria-labelledby='tiep-nhan'>
          <h2 class='heading-m' id='tiep-nhan'>Tiếp nhận hồ sơ</h2>
          <ErrorMessage id='receive' message={errorOf(errors, 'receive')} />
          <p class='body'>Ngày hẹn trả kết quả được tính theo thời hạn của thủ tục ({d.procedure.processingTime.text.split('\n')[0]}) và lịch làm việc, từ lúc bấm tiếp nhận.</p>
          <Form action={`${url}/tiep-nhan`}>
            <AssessmentFields fees={d.fees} values={values} errors={errors} />
            <Button>Tiếp nhận và in giấy hẹn (mẫu 01)</Button>
          </Form>
        </section>
      )}
      {(o.may.requestSupplement || o.act?.supplement) && (
        <section class='section' aria-labelledby='bo-sung'>
          <h2 class='heading-m' id='bo-sung'>Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)</h2>
          <p class='body'>{o.act?.supplement
            ? 'Chỉ được yêu cầu bổ sung một lần trong quá trình xử lý. Thời hạn giải quyết tạm dừng đến khi công dân bổ sung; hồ sơ quay lại đúng bước này.'
            : 'Nêu một lần đầy đủ mọi nội dung cần bổ sung. Thời hạn tiếp nhận chưa bắt đầu cho đến khi công dân bổ sung.'}</p>
          <Form action={`${url}/yeu-cau-bo-sung`}>
            {o.act?.supplement && <input type='hidden' name='taskId' value={String(o.act.taskId)} />}
            <div class={`form-group${errorOf(errors, 'components') ? ' form-group--error' : ''}`}>
              <fieldset class='fieldset' aria-describedby={errorOf(errors, 'components') ? 'components-error' : undefined}>
                <legend class='label'>Thành phần cần bổ sung</legend>
                <ErrorMessage id='components' message={errorOf(errors, 'components')} />
                {d.slots.map((s, i) => (
                  <div key={s.key} class='section'>
                    <div class='checkbox'>
                      <input class='checkbox__input' id={i === 0 ? 'components' : `components-${s.key}`} type='checkbox' name='components' value={s.key} checked={ticked.includes(s.key)} />
                      <label class='checkbox__label' for={i === 0 ? 'components' : `components-${s.key}`}>{s.name}</label>
                    </div>
                    <Textarea name={`note-${s.key}`} label={`Nội dung cần bổ sung: ${s.name}`} rows={2} value={values[`note-${s.key}`] as string | undefined} error={errorOf(errors, `note-${s.key}`)} />
                  </div>
                ))}
              </fieldset>
            </div>
            <Textarea name='message' label='Ghi chú chung gửi công dân (nếu có)' value={values['message'] as string | undefined} />
            <Button secondary>Gửi yêu cầu bổ sung</Button>
          </Form>
        </section>
      )}
      {o.may.refuse && (
        <details class='section' open={Boolean(errorOf(errors, 'reason'))}>
          <summary>Từ chối tiếp nhận (mẫu 03)</summary>
          <Form action={`${url}/tu-choi`}>
            <Textarea name='reason' label='Lý do từ chối' value={values['reason'] as string | undefined} error={errorOf(errors, 'reason')} />
            <Button secondary>Từ chối tiếp nhận</Button>
          </Form>
        </details>
      )}

      <Timeline events={d.events} internal />
    </>
  )
}

type Register = Awaited<ReturnType<WorkflowService['register']>>

function RegisterPage ({ agencies, query, errors, register }: { agencies: Array<{ code: string, name: string }>, query: Record<string, string | undefined>, errors: FieldError[], register?: Register | undefined }) {
  const pdf = `/can-bo/so-theo-doi.pdf?${new URLSearchParams({ 'co-quan': query['co-quan'] ?? '', theo: query['theo'] ?? '', tu: query['tu'] ?? '', den: query['den'] ?? '' }).toString()}`
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Sổ theo dõi hồ sơ (mẫu 07)</h1>
      <ErrorSummary errors={errors} />
      <form action='/can-bo/so-theo-doi' method='get' noValidate>
        <div class='grid-row'>
          <div class='form-group'>
            <label class='label' for='co-quan'>Cơ quan</label>
            <select class='select' id='co-quan' name='co-quan'>
              {agencies.map(a => <option key={a.code} value={a.code} selected={query['co-quan'] === a.code}>{a.name}</option>)}
            </select>
          </div>
          <div class='form-group'>
            <label class='label' for='theo'>Hồ sơ</label>
            <select class='select' id='theo' name='theo'>
              <option value='tiep-nhan' selected={query['theo'] === 'tiep-nhan'}>do cơ quan này tiếp nhận</option>
              <option value='giai-quyet' selected={query['theo'] === 'giai-quyet'}>do cơ quan này giải quyết</option>
            </select>
          </div>
          <TextInput name='tu' type='date' label='Tiếp nhận từ ngày' value={query['tu']} error={errorOf(errors, 'tu')} />
          <TextInput name='den' type='date' label='Đến ngày' value={query['den']} error={errorOf(errors, 'den')} />
        </div>
        <Button>Xem sổ</Button>
      </form>
      {register && (
        <section class='section' aria-labelledby='so'>
          <h2 class='heading-m' id='so'>{register.agency}: {register.rows.length} hồ sơ{register.truncated ? ' (chỉ hiện phần đầu; hãy chia nhỏ khoảng thời gian)' : ''}</h2>
          {register.rows.length > 0 && <p class='body'><a href={pdf}>Tải sổ theo dõi (PDF, mẫu 07)</a></p>}
          {register.rows.length > 0 && (
            <div class='table-wrap'>
              <table class='table'>
                <caption class='table__caption visually-hidden'>Hồ sơ tiếp nhận trong kỳ, theo thứ tự tiếp nhận</caption>
                <thead><tr><th scope='col'>Mã hồ sơ</th><th scope='col'>Thủ tục</th><th scope='col'>Chủ hồ sơ</th><th scope='col'>Tiếp nhận</th><th scope='col'>Hẹn trả</th><th scope='col'>Có kết quả</th><th scope='col'>Trạng thái</th></tr></thead>
                <tbody>
                  {register.rows.slice(0, 500).map(r => (
                    <tr key={r.code}>
                      <td><a href={staffDossierUrl(r.code!)}>{r.code}</a></td>
                      <td>{r.procedureName}</td>
                      <td>{(r.applicant as Person).fullName}</td>
                      <td>{when(r.receivedAt)}</td>
                      <td>{when(r.dueAt)}</td>
                      <td>{r.finishedAt ? when(r.finishedAt) : '—'}</td>
                      <td><StatusTag status={r.status as DossierStatus} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  )
}

/** The back office's dossier routes; registered inside the staff pages, whose hook signs the official in. */
export async function workflowPages (app: FastifyInstance, { services, requireOfficial }: { services: Services, requireOfficial: (request: FastifyRequest) => Promise<void> }) {
  const { workflow } = services
  const code = (request: FastifyRequest) => (request.params as { code: string }).code
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[], values?: Body } = {}) => {
    const o = await workflow.open(request.official!, code(request), String(request.id))
    const errors = extra.errors ?? []
    return reply.page(<StaffDossierPage o={o} errors={errors} values={extra.values ?? {}} />,
      { title: `Hồ sơ ${o.d.code}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  /**
   * An action on the dossier: done, the official is sent back to its page with what was done (post/
   * redirect/get: a reload never repeats it); validation errors and refusals of the state machine are
   * shown on the dossier page, with its fresh state.
   */
  const act = async (request: FastifyRequest, reply: FastifyReply, fn: () => Promise<string>) => {
    try {
      const notice = await fn()
      return reply.seeOther(staffDossierUrl(code(request)), notice)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return page(request, reply, { errors: err.fields, values: request.body as Body })
      if (err instanceof AppError && err.code === 'CONFLICT') return page(request, reply, { errors: [{ field: 'status', message: `${err.detail ?? 'Hồ sơ vừa được cán bộ khác xử lý.'} Trang đã được tải lại với trạng thái mới nhất.` }] })
      throw err
    }
  }

  app.get('/can-bo/ho-so', { preHandler: requireOfficial }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const queue = query['hang-doi']
    if (queue === 'cua-toi' || queue === 'cho-phe-duyet' || queue === 'cho-tra-ket-qua') {
      return reply.page(<TaskQueuePage queue={queue} rows={await workflow.taskQueue(request.official!, queue)} />, { title: STEP_QUEUES[queue].title })
    }
    if (queue === 'sap-den-han' || queue === 'qua-han') {
      return reply.page(<DueQueuePage kind={queue} rows={await workflow.dueQueue(request.official!, queue === 'qua-han' ? 'overdue' : 'due-soon')} />, { title: queue === 'qua-han' ? 'Hồ sơ quá hạn' : 'Hồ sơ sắp đến hạn' })
    }
    if (queue === 'xin-y-kien') return reply.page(<ConsultationQueuePage rows={await workflow.consultationQueue(request.official!)} />, { title: 'Xin ý kiến' })
    if (queue === 'cho-tiep-nhan') {
      const page = pageNumber(query['trang'])
      return reply.page(<ReceptionQueuePage queue={await workflow.receptionQueue(request.official!, page)} />, { title: 'Hồ sơ chờ tiếp nhận' })
    }
    // No queue: the search (a GET form, so results can be bookmarked and work without JavaScript).
    const { criteria, errors, given } = parseCriteria(query)
    const found = given && errors.length === 0 ? await workflow.search(request.official!, criteria) : undefined
    return reply.page(<SearchPage query={query} errors={errors} found={found} page={criteria.page} />,
      { title: 'Tìm kiếm hồ sơ', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })
  /** The register's period and agency from the query: this month by default; errors name the field. */
  const registerQuery = async (request: FastifyRequest) => {
    const query = { ...(request.query as Record<string, string | undefined>) }
    const agencies = await workflow.registerAgencies(request.official!)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'no agency to keep a register for')
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
    query['tu'] ||= `${today.slice(0, 8)}01`
    query['den'] ||= today
    // The register opens on the official's own agency: the desk's by reception, a department's by processing.
    const own = request.official!.agency.code
    if (!agencies.some(a => a.code === query['co-quan'])) query['co-quan'] = agencies.some(a => a.code === own) ? own : agencies[0]!.code
    if (query['theo'] !== 'tiep-nhan' && query['theo'] !== 'giai-quyet') query['theo'] = request.official!.roles.some(r => r.role === 'receptionist' && r.agencyCode === query['co-quan']) ? 'tiep-nhan' : 'giai-quyet'
    const by: RegisterBy = query['theo'] === 'giai-quyet' ? 'processing' : 'receiving'
    const days = parseDayRange(query, { from: 'tu', to: 'den' })
    if (days.from && days.to && Date.parse(days.to) - Date.parse(days.from) > 366 * 86_400_000) days.errors.push({ field: 'den', message: 'Mỗi lần xem tối đa một năm' })
    return { query, agencies, days, by }
  }
  app.get('/can-bo/so-theo-doi', { preHandler: requireOfficial }, async (request, reply) => {
    const { query, agencies, days, by } = await registerQuery(request)
    const register = days.errors.length === 0 ? await workflow.register(request.official!, query['co-quan']!, days.from!, days.to!, by) : undefined
    return reply.page(<RegisterPage agencies={agencies} query={query} errors={days.errors} register={register} />, { title: 'Sổ theo dõi hồ sơ', ...(days.errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })
  app.get('/can-bo/so-theo-doi.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const { query, days, by } = await registerQuery(request)
    if (days.errors.length > 0) throw new AppError('VALIDATION', days.errors[0]!.message, days.errors)
    const pdf = await workflow.registerPdf(request.official!, query['co-quan']!, days.from!, days.to!, by)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="so-theo-doi-${query['co-quan']}-${days.from}-${days.to}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
  app.get('/can-bo/ho-so/:code', { preHandler: requireOfficial }, async (request, reply) =>
    page(request, reply))
  await app.register(counterPages, { services, requireOfficial })
  await app.register(settingsPages, { services, requireOfficial })
  await app.register(wordingPages, { services, requireOfficial })
  app.post('/can-bo/ho-so/:code/tiep-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã tiếp nhận hồ sơ; hẹn trả kết quả ${when(await workflow.receive(request.official!, code(request), form(request)))}. Công dân đã được thông báo.`))
  app.post('/can-bo/ho-so/:code/yeu-cau-bo-sung', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.requestSupplement(request.official!, code(request), request.body as Body); return 'Đã gửi yêu cầu bổ sung; công dân đã được thông báo.' }))
  app.post('/can-bo/ho-so/:code/tu-choi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.refuse(request.official!, code(request), (request.body as Body)['reason'] as string | undefined); return 'Đã từ chối tiếp nhận; công dân đã được thông báo.' }))

  const form = (request: FastifyRequest) => request.body as Record<string, string | undefined>
  app.post('/can-bo/ho-so/:code/chuyen', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      // The page sends it as multipart (working papers may go with it); a plain form post works too.
      const { files, fields } = request.isMultipart() ? await readUploads(request, 'forward-files') : { files: [], fields: form(request) as Record<string, string> }
      return `Đã chuyển bước “${await workflow.forward(request.official!, code(request), fields, files)}”.`
    }))
  app.post('/can-bo/ho-so/:code/tra-lai', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.sendBack(request.official!, code(request), { ...form(request), comment: form(request)['back-reason'] }); return 'Đã trả lại bước trước.' }))
  app.post('/can-bo/ho-so/:code/phe-duyet', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const { files, fields } = await readUploads(request, 'result')
      await workflow.approve(request.official!, code(request), fields, files)
      return 'Đã phê duyệt; kết quả chờ trả cho công dân.'
    }))
  app.post('/can-bo/ho-so/:code/xin-y-kien', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const f = form(request)
      const r = await workflow.consult(request.official!, code(request), { ...f, question: f['consult-question'], days: f['consult-days'], reason: f['consult-reason'] })
      return `Đã gửi xin ý kiến ${r.agency}; hạn trả lời ${when(r.due)}.`
    }))
  app.post('/can-bo/ho-so/:code/tra-loi-y-kien', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const f = form(request)
      await workflow.answerConsultation(request.official!, code(request), { ...f, answer: f[`answer-${f['consultation'] ?? ''}`] })
      return 'Đã gửi ý kiến; cơ quan hỏi đã nhận được.'
    }))
  app.post('/can-bo/ho-so/:code/yeu-cau-nop-phi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã yêu cầu nộp ${(await workflow.requestFees(request.official!, code(request), form(request))).toLocaleString('vi-VN')} đồng; công dân đã được thông báo.`))
  app.post('/can-bo/ho-so/:code/nop-tien-mat', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã ghi nhận nộp ${(await workflow.recordCash(request.official!, code(request))).toLocaleString('vi-VN')} đồng tiền mặt; hồ sơ tiếp tục được xử lý.`))
  const paymentId = (request: FastifyRequest) => Number((request.params as { id: string }).id)
  app.post('/can-bo/ho-so/:code/chung-tu/:id/xac-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.decideTransfer(request.official!, code(request), paymentId(request), true); return 'Đã xác nhận chuyển khoản; hồ sơ tiếp tục được xử lý.' }))
  app.post('/can-bo/ho-so/:code/chung-tu/:id/khong-chap-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.decideTransfer(request.official!, code(request), paymentId(request), false, form(request)[`reject-${paymentId(request)}`]); return 'Đã báo công dân chứng từ chưa được chấp nhận.' }))
  app.post('/can-bo/ho-so/:code/mien-phi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.exemptFees(request.official!, code(request), { ...form(request), reason: form(request)['exempt-reason'] }); return 'Đã ghi nhận chủ hồ sơ được miễn phí, lệ phí.' }))
  app.post('/can-bo/ho-so/:code/hoan-tien/:id', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const r = await workflow.refund(request.official!, code(request), paymentId(request), form(request)[`refund-${paymentId(request)}`])
      return r.via === 'gateway'
        ? `Đã gửi yêu cầu hoàn ${r.amountVnd.toLocaleString('vi-VN')} đồng qua cổng thanh toán; kết quả sẽ hiện tại đây và công dân được báo khi cổng chấp nhận.`
        : `Đã ghi nhận hoàn ${r.amountVnd.toLocaleString('vi-VN')} đồng.`
    }))
  app.post('/can-bo/ho-so/:code/hen-lai', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã gửi phiếu xin lỗi và hẹn lại; ngày hẹn trả mới ${when(await workflow.postpone(request.official!, code(request), form(request)))}.`))
  app.post('/can-bo/ho-so/:code/dung', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.stop(request.official!, code(request), { ...form(request), reason: form(request)['stop-reason'] }); return 'Đã dừng giải quyết hồ sơ; công dân đã được thông báo (mẫu 05).' }))
  app.post('/can-bo/ho-so/:code/tu-choi-giai-quyet', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.refuseAfterReview(request.official!, code(request), { ...form(request), reason: form(request)['refuse-reason'] }); return 'Đã từ chối giải quyết; văn bản trả lời chờ trả cho công dân.' }))
  app.post('/can-bo/ho-so/:code/tra-ket-qua', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.returnResult(request.official!, code(request), form(request)); return 'Đã trả kết quả; công dân đã được thông báo.' }))

  app.get('/can-bo/ho-so/:code/bien-lai/:id.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const pdf = await workflow.receiptPdf(request.official!, code(request), Number((request.params as { id: string }).id))
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="bien-lai.pdf"').header('cache-control', 'private, no-store').send(pdf)
  })
  app.get('/can-bo/ho-so/:code/tep/:fileId', { preHandler: requireOfficial }, async (request, reply) => {
    const { file, data } = await workflow.file(request.official!, code(request), (request.params as { fileId: string }).fileId)
    return reply.headers(downloadHeaders(file)).send(data)
  })
  app.get('/can-bo/ho-so/:code/mau-:form.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const form = (request.params as { form: string }).form
    if (!isIssuedForm(form) && form !== '06') throw new AppError('NOT_FOUND', 'no such form')
    const pdf = form === '06' ? await workflow.controlSheetPdf(request.official!, code(request)) : await workflow.formPdf({ official: request.official! }, code(request), form)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="mau-${form}-${code(request)}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
}

/** The citizen's copies of forms 01–05 of their own dossier. */
export async function citizenFormRoutes (app: FastifyInstance, { services, requireCitizen }: { services: Services, requireCitizen: (request: FastifyRequest) => Promise<void> }) {
  app.get('/ca-nhan/ho-so/:code/mau-:form.pdf', { preHandler: requireCitizen }, async (request, reply) => {
    const { code, form } = request.params as { code: string, form: string }
    if (!isIssuedForm(form)) throw new AppError('NOT_FOUND', 'no such form')
    const pdf = await services.workflow.formPdf({ accountId: request.account!.id }, code, form)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="mau-${form}-${code}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
}
