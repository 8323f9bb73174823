import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { ErrorMessage, ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { DataTable, SummaryList, Tag } from '../../../platform/html/components/layout-parts.js'
import type { FieldError } from '../../../platform/http/errors.js'
import { ROLES, type OfficialRole, type OfficialRow } from '../officials.service.js'

export const ADMIN_PATH = '/can-bo/quan-tri/can-bo'

/** The officials of the agencies a system administrator manages, with a lock button for each active one. */
export function OfficialsListPage ({ officials, self }: { officials: OfficialRow[], self: string }) {
  return (
    <>
      <h1 class='heading-l'>Quản lý tài khoản cán bộ</h1>
      <div class='button-group'>
        <a class='button' href={`${ADMIN_PATH}/them`}>Thêm cán bộ</a>
        <a href={`${ADMIN_PATH}/phong`}>Phòng, ban của cơ quan</a>
      </div>
      <DataTable caption={`${officials.length} tài khoản cán bộ trong các cơ quan bạn quản trị`} captionHidden={false} rows={officials} rowKey={o => o.username} columns={[
        { label: 'Tên đăng nhập', cell: o => o.username },
        { label: 'Họ và tên', cell: o => o.fullName },
        { label: 'Cơ quan, phòng', cell: o => <>{o.agencyName}<br /><span class='hint'>{o.departmentName ?? 'Chưa thuộc phòng nào'}</span> <a href={`${ADMIN_PATH}/${encodeURIComponent(o.username)}/phong`}>Đổi phòng<span class='visually-hidden'> của {o.username}</span></a></> },
        { label: 'Vai trò', cell: o => <>{o.roles.map(r => ROLES[r]).join(', ')} <a href={`${ADMIN_PATH}/${encodeURIComponent(o.username)}/vai-tro`}>Sửa<span class='visually-hidden'> vai trò của {o.username}</span></a></> },
        {
          label: 'Trạng thái',
          cell: o => (
            <div>
              {o.status === 'active' ? <Tag kind='green'>Đang hoạt động</Tag> : <Tag kind='grey'>Đã khóa</Tag>}
              {o.status === 'active' && o.username !== self && (
                <Form action={`${ADMIN_PATH}/${encodeURIComponent(o.username)}/khoa`}>
                  <button type='submit' class='button button--secondary'>Khóa<span class='visually-hidden'> tài khoản {o.username}</span></button>
                </Form>
              )}
            </div>
          )
        }
      ]} />
      <p class='body'><a href='/can-bo'>Về không gian làm việc</a></p>
    </>
  )
}

/** The six roles as checkboxes; the first carries the id the error summary links to. */
function RolesField ({ roles, error, legend }: { roles: string[], error?: string | undefined, legend: string }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <fieldset class='fieldset' aria-describedby={error ? 'roles-error' : undefined}>
        <legend class='label'>{legend}</legend>
        <ErrorMessage id='roles' message={error} />
        {(Object.keys(ROLES) as OfficialRole[]).map((role, i) => (
          <div class='checkbox' key={role}>
            <input class='checkbox__input' id={i === 0 ? 'roles' : `roles-${role}`} type='checkbox' name='roles' value={role} checked={roles.includes(role)} />
            <label class='checkbox__label' for={i === 0 ? 'roles' : `roles-${role}`}>{ROLES[role]}</label>
          </div>
        ))}
      </fieldset>
    </div>
  )
}

/** Changing an official's roles (held at their agency and its units). */
export function EditRolesPage ({ official, roles, errors }: { official: OfficialRow, roles: string[], errors: FieldError[] }) {
  return (
    <>
      <h1 class='heading-l'>Vai trò của {official.fullName}</h1>
      <ErrorSummary errors={errors} />
      <SummaryList rows={[['Tên đăng nhập', official.username], ['Cơ quan', official.agencyName]]} />
      <Form action={`${ADMIN_PATH}/${encodeURIComponent(official.username)}/vai-tro`}>
        <RolesField roles={roles} error={errors.find(e => e.field === 'roles')?.message} legend='Vai trò (trong cơ quan trên và các đơn vị trực thuộc)' />
        <Button>Lưu vai trò</Button>
      </Form>
      <p class='body'><a href={ADMIN_PATH}>Quay lại danh sách</a></p>
    </>
  )
}

export type OfficialForm = Partial<Record<'username' | 'fullName' | 'agency' | 'email' | 'phone', string>> & { roles?: string | string[] }

/** The form to create an official: agency from those administered, roles as checkboxes. */
export function NewOfficialPage ({ agencies, values, errors }: { agencies: Array<{ code: string, name: string }>, values: OfficialForm, errors: FieldError[] }) {
  const err = (field: string) => errors.find(e => e.field === field)?.message
  const roles = ([] as string[]).concat(values.roles ?? [])
  return (
    <>
      <h1 class='heading-l'>Thêm cán bộ</h1>
      <ErrorSummary errors={errors} />
      <Form action={`${ADMIN_PATH}/them`}>
        <TextInput name='username' label='Tên đăng nhập' hint='Chữ cái không dấu, chữ số, dấu chấm; ví dụ: nguyen.van.an' value={values.username} error={err('username')} />
        <TextInput name='fullName' label='Họ và tên' value={values.fullName} error={err('fullName')} />
        <div class={`form-group${err('agency') ? ' form-group--error' : ''}`}>
          <label class='label' for='agency'>Cơ quan, đơn vị</label>
          <ErrorMessage id='agency' message={err('agency')} />
          <select class='select' id='agency' name='agency' aria-describedby={err('agency') ? 'agency-error' : undefined}>
            {agencies.map(a => <option value={a.code} selected={a.code === values.agency} key={a.code}>{a.name}</option>)}
          </select>
        </div>
        <RolesField roles={roles} error={err('roles')} legend='Vai trò (trong cơ quan trên và các đơn vị trực thuộc)' />
        <TextInput name='email' label='Thư điện tử công vụ' type='email' hint='Mã đăng nhập được gửi tới đây (hoặc tới số điện thoại nếu không có thư điện tử)' value={values.email} error={err('email')} />
        <TextInput name='phone' label='Số điện thoại di động' type='tel' value={values.phone} error={err('phone')} />
        <Button>Tạo tài khoản</Button>
      </Form>
      <p class='body'><a href={ADMIN_PATH}>Quay lại danh sách</a></p>
    </>
  )
}

/** The generated password, shown once, to be handed to the official. */
export function OfficialCreatedPage ({ username, fullName, password }: { username: string, fullName: string, password: string }) {
  return (
    <>
      <h1 class='heading-l'>Đã tạo tài khoản cán bộ</h1>
      <SummaryList rows={[['Họ và tên', fullName], ['Tên đăng nhập', username], ['Mật khẩu ban đầu', <code>{password}</code>]]} />
      <div class='notice'><p>Mật khẩu chỉ hiện một lần. Hãy trao trực tiếp cho cán bộ; không gửi qua thư điện tử hay tin nhắn.</p></div>
      <p class='body'><a href={ADMIN_PATH}>Về danh sách cán bộ</a></p>
    </>
  )
}
