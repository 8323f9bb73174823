import { Button, Form, Select as PlainSelect, Textarea, TextInput } from '../../../platform/html/components/form.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { DataTable, SummaryList } from '../../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { dmy } from '../../../platform/vn-time.js'
import type { OfficialRow } from '../officials.service.js'
import type { Delegation, Department } from '../people.js'
import { ADMIN_PATH } from './StaffAdminPages.js'

type Values = Record<string, string | undefined>

/** A select whose error is read from the page's errors by its name. */
const Select = ({ errors, ...p }: { name: string, label: string, options: Array<{ value: string, label: string }>, value?: string | undefined, errors: FieldError[], empty?: string }) =>
  <PlainSelect {...p} error={errorOf(errors, p.name)} />


/** `/can-bo/quan-tri/can-bo/phong`: the departments of the administered agencies, and a form to add one. */
export function DepartmentsPage ({ departments, agencies, values, errors }: { departments: Department[], agencies: Array<{ id: number, name: string }>, values: Values, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href={ADMIN_PATH}>Quản lý tài khoản cán bộ</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Phòng, ban của cơ quan</h1>
      <p class='body'>Hồ sơ chuyển cho một phòng chỉ hiện trong hàng đợi của cán bộ phòng đó (và của cán bộ cơ quan không thuộc phòng nào); lãnh đạo phòng giao việc cho cán bộ của phòng.</p>
      {departments.length === 0
        ? <p class='body'>Chưa có phòng nào.</p>
        : <DataTable caption='Các phòng' rows={departments} rowKey={d => String(d.id)} columns={[
          { label: 'Cơ quan', cell: d => d.agencyName },
          { label: 'Phòng', cell: d => d.name },
          { label: 'Số cán bộ', cell: d => String(d.members) }
        ]} />}
      <h2 class='heading-m'>Thêm phòng</h2>
      <Form action={`${ADMIN_PATH}/phong`}>
        <Select name='agency' label='Cơ quan' options={agencies.map(a => ({ value: String(a.id), label: a.name }))} value={values['agency']} errors={errors} />
        <TextInput name='name' label='Tên phòng' hint='Ví dụ: Phòng Quản lý vận tải, phương tiện và người lái' value={values['name']} error={errorOf(errors, 'name')} />
        <Button>Thêm phòng</Button>
      </Form>
    </>
  )
}

/** Which department of their agency an official belongs to. */
export function OfficialDepartmentPage ({ official, departments, errors }: { official: OfficialRow, departments: Department[], errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href={ADMIN_PATH}>Quản lý tài khoản cán bộ</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Phòng của {official.fullName}</h1>
      <SummaryList rows={[['Tên đăng nhập', official.username], ['Cơ quan', official.agencyName]]} />
      <Form action={`${ADMIN_PATH}/${encodeURIComponent(official.username)}/phong`}>
        <Select name='department' label='Phòng' empty='Không thuộc phòng nào (làm việc chung của cơ quan)' options={departments.map(d => ({ value: String(d.id), label: d.name }))} value={official.departmentId === null ? '' : String(official.departmentId)} errors={errors} />
        <Button>Lưu</Button>
      </Form>
    </>
  )
}

/** `/can-bo/uy-quyen`: the official's absences (who takes their steps) and the colleagues they stand in for. */
export function DelegationPage ({ given, received, delegates, values, errors }: { given: Delegation[], received: Delegation[], delegates: Array<{ id: string, fullName: string }>, values: Values, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Ủy quyền khi vắng mặt</h1>
      <p class='body'>Trong thời gian vắng mặt, các bước hồ sơ đã giao cho bạn hiện trong hàng đợi của người được ủy quyền; người đó xử lý bằng tên của mình và nhật ký ghi rõ là xử lý thay.</p>
      <h2 class='heading-m'>Bạn ủy quyền</h2>
      {given.length === 0
        ? <p class='body'>Không có ủy quyền nào đang hoặc sắp có hiệu lực.</p>
        : <DataTable caption='Ủy quyền của bạn' rows={given} rowKey={g => String(g.id)} columns={[
          { label: 'Người được ủy quyền', cell: g => g.delegateName },
          { label: 'Thời gian', cell: g => `${dmy(g.startsOn)} – ${dmy(g.endsOn)}` },
          { label: 'Lý do', cell: g => g.reason },
          {
            label: 'Thao tác',
            cell: g => <Form action={`/can-bo/uy-quyen/${g.id}/huy`}><button type='submit' class='button button--secondary'>Hủy<span class='visually-hidden'> ủy quyền cho {g.delegateName}</span></button></Form>
          }
        ]} />}
      {received.length > 0 && (
        <>
          <h2 class='heading-m'>Bạn xử lý thay</h2>
          <DataTable caption='Cán bộ ủy quyền cho bạn' rows={received} rowKey={g => String(g.id)} columns={[
            { label: 'Cán bộ vắng mặt', cell: g => g.officialName },
            { label: 'Thời gian', cell: g => `${dmy(g.startsOn)} – ${dmy(g.endsOn)}` },
            { label: 'Lý do', cell: g => g.reason }
          ]} />
        </>
      )}
      <h2 class='heading-m'>Ủy quyền mới</h2>
      {delegates.length === 0
        ? <p class='body'>Cơ quan chưa có cán bộ nào khác cùng vai trò xử lý hồ sơ với bạn.</p>
        : (
          <Form action='/can-bo/uy-quyen'>
            <Select name='delegate' label='Người xử lý thay' empty='Chọn cán bộ' options={delegates.map(d => ({ value: d.id, label: d.fullName }))} value={values['delegate']} errors={errors} />
            <TextInput name='from' label='Từ ngày' hint='Ví dụ: 02/01/2027' value={values['from']} error={errorOf(errors, 'from')} />
            <TextInput name='to' label='Đến ngày (kể cả ngày này)' hint='Ví dụ: 09/01/2027' value={values['to']} error={errorOf(errors, 'to')} />
            <Textarea name='reason' label='Lý do vắng mặt' rows={2} value={values['reason']} error={errorOf(errors, 'reason')} />
            <Button>Ủy quyền</Button>
          </Form>
          )}
    </>
  )
}
