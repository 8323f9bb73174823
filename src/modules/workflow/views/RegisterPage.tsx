import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { Button, TextInput } from '../../../platform/html/components/form.js'
import { DataTable } from '../../../platform/html/components/layout-parts.js'
import type { Person } from '../../dossiers/dossier-form.js'
import type { DossierStatus } from '../../dossiers/status.js'
import { StatusTag } from '../../dossiers/views/DossierPages.js'
import { when } from '../../dossiers/views/parts.js'
import type { WorkflowService } from '../workflow.service.js'
import { staffDossierUrl } from './queues.js'

export type Register = Awaited<ReturnType<WorkflowService['register']>>

export function RegisterPage ({ agencies, query, errors, register }: { agencies: Array<{ code: string, name: string }>, query: Record<string, string | undefined>, errors: FieldError[], register?: Register | undefined }) {
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
            <DataTable caption='Hồ sơ tiếp nhận trong kỳ, theo thứ tự tiếp nhận' rows={register.rows.slice(0, 500)} rowKey={r => r.code!} columns={[
              { label: 'Mã hồ sơ', cell: r => <a href={staffDossierUrl(r.code!)}>{r.code}</a> },
              { label: 'Thủ tục', cell: r => r.procedureName },
              { label: 'Chủ hồ sơ', cell: r => (r.applicant as Person).fullName },
              { label: 'Tiếp nhận', cell: r => when(r.receivedAt) },
              { label: 'Hẹn trả', cell: r => when(r.dueAt) },
              { label: 'Có kết quả', cell: r => r.finishedAt ? when(r.finishedAt) : '—' },
              { label: 'Trạng thái', cell: r => <StatusTag status={r.status as DossierStatus} /> }
            ]} />
          )}
        </section>
      )}
    </>
  )
}
