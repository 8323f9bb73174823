import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { TextInput } from '../../../platform/html/components/form.js'
import { DataTable, SummaryList } from '../../../platform/html/components/layout-parts.js'
import type { FieldError } from '../../../platform/http/errors.js'
import type { LookupResult } from '../dossiers.service.js'
import { StatusTag } from './DossierPages.js'
import { when } from './parts.js'

/** Public lookup by dossier code: no personal data unless the visitor also gives the applicant's ID or phone. */
export function LookupPage ({ code, proof, result, errors }: { code?: string | undefined, proof?: string | undefined, result?: LookupResult | undefined, errors: FieldError[] }) {
  return (
    <>
      <h1 class='heading-l'>Tra cứu hồ sơ</h1>
      <ErrorSummary errors={errors} />
      <form action='/tra-cuu-ho-so' method='get' noValidate>
        <TextInput name='ma' label='Mã hồ sơ' hint='Ví dụ: 000.00.03.H34-220622-0001 (in trên giấy tiếp nhận)' value={code} error={errors.find(e => e.field === 'ma')?.message} required />
        <TextInput name='giay-to' label='Số giấy tờ hoặc số điện thoại của chủ hồ sơ (không bắt buộc)' hint='Chỉ khi nhập đúng, trang mới hiện tên chủ hồ sơ.' value={proof} error={errors.find(e => e.field === 'giay-to')?.message} />
        <button type='submit' class='button'>Tra cứu</button>
      </form>
      {result && (
        <section class='section' aria-labelledby='ket-qua'>
          <h2 class='heading-m' id='ket-qua'>Hồ sơ {result.code}</h2>
          <SummaryList rows={[
            ['Trạng thái', <StatusTag status={result.status} />],
            ['Thủ tục', result.procedure.name],
            ['Cơ quan tiếp nhận', result.agency?.name ?? '—'],
            ...(result.applicant ? [['Chủ hồ sơ', `${result.applicant.fullName} (${result.applicant.idNumber})`] as [string, string]] : []),
            ['Ngày nộp', when(result.submittedAt)],
            ['Ngày tiếp nhận', when(result.receivedAt)],
            ['Ngày hẹn trả kết quả', when(result.dueAt)],
            ['Ngày có kết quả', when(result.finishedAt)]
          ]} />
          {result.proofGiven && !result.applicant && <p class='body'>Số giấy tờ hoặc số điện thoại không khớp với hồ sơ, nên thông tin cá nhân không được hiển thị.</p>}
          <h3 class='heading-s'>Quá trình xử lý</h3>
          <DataTable caption='Các bước xử lý' rows={result.steps} rowKey={(_, i) => String(i)} columns={[
            { label: 'Thời gian', cell: s => when(s.at) },
            { label: 'Bước', cell: s => s.label },
            { label: 'Đơn vị', cell: s => s.unit ?? '—' },
            { label: 'Trạng thái', cell: s => s.status }
          ]} />
        </section>
      )}
    </>
  )
}
