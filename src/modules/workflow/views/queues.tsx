import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { ErrorSummary, ErrorMessage } from '../../../platform/html/components/ErrorSummary.js'
import { Button, TextInput } from '../../../platform/html/components/form.js'
import { DataTable, PrevNext, Tag } from '../../../platform/html/components/layout-parts.js'
import { STATUS_LABELS, type DossierStatus } from '../../dossiers/status.js'
import { StatusTag } from '../../dossiers/views/DossierPages.js'
import { when } from '../../dossiers/views/parts.js'
import type { WorkflowService } from '../workflow.service.js'
import type { StepQueue } from '../model.js'

type Queue = Awaited<ReturnType<WorkflowService['receptionQueue']>>
type TaskQueue = Awaited<ReturnType<WorkflowService['taskQueue']>>
type DueRows = Awaited<ReturnType<WorkflowService['dueQueue']>>
type Found = Awaited<ReturnType<WorkflowService['search']>>

export const staffDossierUrl = (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}`

export function ReceptionQueuePage ({ queue: { rows, page, more } }: { queue: Queue }) {
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

export const STEP_QUEUES: Record<StepQueue, { title: string, empty: string }> = {
  'cua-toi': { title: 'Hồ sơ cần xử lý', empty: 'Không có hồ sơ đang chờ bạn thẩm định hoặc xem xét.' },
  'cho-phe-duyet': { title: 'Hồ sơ chờ phê duyệt', empty: 'Không có hồ sơ chờ bạn phê duyệt.' },
  'cho-tra-ket-qua': { title: 'Hồ sơ chờ trả kết quả', empty: 'Không có kết quả chờ trả.' }
}

export function TaskQueuePage ({ rows, queue }: { rows: TaskQueue, queue: StepQueue }) {
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
export function DossierTable ({ rows, caption, now }: { rows: Array<Found['rows'][number] & { left?: { overdue: boolean, text: string } | undefined }>, caption: string, now: Date }) {
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

export function ConsultationQueuePage ({ rows }: { rows: Awaited<ReturnType<WorkflowService['consultationQueue']>> }) {
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

export function DueQueuePage ({ rows, kind, feedbackOverdue = 0 }: { rows: DueRows, kind: 'sap-den-han' | 'qua-han', feedbackOverdue?: number }) {
  const title = kind === 'qua-han' ? 'Hồ sơ quá hạn' : 'Hồ sơ sắp đến hạn'
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>{title}</h1>
      <p class='body'>{kind === 'qua-han'
        ? 'Hồ sơ đang giải quyết đã quá ngày hẹn trả kết quả. Cơ quan phải gửi văn bản xin lỗi và hẹn lại (mẫu 04).'
        : 'Hồ sơ đang giải quyết đến hạn trả kết quả trước khi hết ngày làm việc tiếp theo.'}</p>
      {feedbackOverdue > 0 && <div class='notice notice--warning'><p>Đơn vị còn <a href='/can-bo/phan-anh?hang-doi=qua-han'>{feedbackOverdue} phản ánh, kiến nghị quá hạn trả lời</a>.</p></div>}
      {rows.length === 0 ? <p class='body'>Không có hồ sơ.</p> : <DossierTable rows={rows} caption={title} now={new Date()} />}
    </>
  )
}

export const SEARCH_KEYS = ['ma', 'ten', 'giay-to', 'thu-tuc', 'trang-thai', 'tu', 'den'] as const

export function SearchPage ({ query, errors, found, page }: { query: Record<string, string | undefined>, errors: FieldError[], found?: Found | undefined, page: number }) {
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
