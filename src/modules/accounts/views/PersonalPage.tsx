import { ResendCode } from './ResendCode.js'
import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { ErrorMessage, ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { DataTable, SummaryList } from '../../../platform/html/components/layout-parts.js'
import type { FieldError } from '../../../platform/http/errors.js'
import type { AccountsService } from '../accounts.service.js'
import { PasswordChangeForm } from './PasswordChangeForm.js'
import { formatInstant as when } from '../../../platform/vn-time.js'

type Profile = Awaited<ReturnType<AccountsService['profile']>>

const KIND = { individual: 'Công dân', organization: 'Tổ chức, doanh nghiệp', foreigner: 'Người nước ngoài' }
const REQUEST = { correction: 'Sửa dữ liệu', deletion: 'Xóa dữ liệu' }
const STATUS = { open: 'Đang xử lý', done: 'Đã thực hiện', refused: 'Từ chối' }

export interface PersonalPageProps {
  profile: Profile
  errors?: FieldError[]
  values?: Record<string, string | undefined>
  notice?: string | undefined
  /** Unread in-app notifications. */
  unread?: number
}

/** The personal page: the citizen's data, what they may change, and their rights over their data. */
export function PersonalPage ({ profile, errors = [], values = {}, notice, unread = 0 }: PersonalPageProps) {
  const a = profile.account
  const err = (f: string) => errors.find(e => e.field === f)?.message
  const dob = a.dateOfBirth ? a.dateOfBirth.split('-').reverse().join('/') : undefined
  return (
    <>
      <h1 class='heading-l'>Trang cá nhân</h1>
      {notice && <div class='notice' role='status'><p>{notice}</p></div>}
      <ul class='list cards'>
        <li class='card'><a class='heading-s' href='/ca-nhan/ho-so'>Hồ sơ của tôi</a><p class='body'>Hồ sơ đã nộp, hồ sơ nháp, bổ sung hồ sơ, kết quả.</p></li>
        <li class='card'><a class='heading-s' href='/ca-nhan/kho-du-lieu'>Kho dữ liệu của tôi</a><p class='body'>Kết quả đã cấp, giấy tờ đã nộp: tải về, chia sẻ, dùng lại khi nộp hồ sơ mới.</p></li>
        <li class='card'><a class='heading-s' href='/ca-nhan/phan-anh'>Phản ánh, kiến nghị của tôi</a><p class='body'>Theo dõi phản ánh đã gửi, bổ sung thông tin, đánh giá câu trả lời.</p></li>
        <li class='card'><a class='heading-s' href='/ca-nhan/thong-bao'>Thông báo{unread > 0 ? ` (${unread} mới)` : ''}</a><p class='body'>Mọi thay đổi của hồ sơ và phản ánh, kiến nghị.</p></li>
      </ul>
      <ErrorSummary errors={errors} />
      <SummaryList rows={[
        ['Loại tài khoản', KIND[a.kind]],
        [a.kind === 'organization' ? 'Tên tổ chức' : 'Họ và tên', a.fullName],
        ...(a.citizenId ? [['Số định danh cá nhân', a.citizenId] as [string, string]] : []),
        ...(a.passportNumber ? [['Hộ chiếu', `${a.passportNumber} (${a.nationality ?? ''})`] as [string, string]] : []),
        ...(a.taxCode ? [['Mã số thuế', a.taxCode] as [string, string], ['Người đại diện', a.representative ?? ''] as [string, string]] : []),
        ...(dob ? [['Ngày sinh', dob] as [string, string]] : [])
      ]} />
      <p class='body'>Số giấy tờ, họ tên và ngày sinh chỉ được sửa theo yêu cầu (mục “Dữ liệu cá nhân của bạn” bên dưới).</p>

      <h2 class='heading-m'>Thông tin liên hệ</h2>
      <Form action='/ca-nhan/thong-tin'>
        <TextInput name='phone' label='Số điện thoại di động' type='tel' value={values['phone'] ?? a.phone ?? ''} error={err('phone')} autocomplete='tel' required />
        <TextInput name='email' label='Thư điện tử' type='email' value={values['email'] ?? a.email ?? ''} error={err('email')} autocomplete='email' />
        <TextInput name='address' label='Địa chỉ' value={values['address'] ?? a.address} error={err('address')} autocomplete='street-address' required />
        <TextInput name='contactPassword' label='Mật khẩu hiện tại (khi đổi thư điện tử hoặc số điện thoại)' type='password' error={err('contactPassword')} autocomplete='current-password'
          hint='Mã đặt lại mật khẩu được gửi tới thư điện tử và số điện thoại này, nên cần mật khẩu để đổi. Địa chỉ mới chỉ có hiệu lực khi được xác nhận; thư điện tử và số điện thoại cũ sẽ nhận thông báo.' />
        <Button>Lưu thông tin liên hệ</Button>
      </Form>

      <h2 class='heading-m'>Đổi mật khẩu</h2>
      <PasswordChangeForm action='/ca-nhan/mat-khau' errors={errors} />

      <h2 class='heading-m' id='du-lieu'>Dữ liệu cá nhân của bạn</h2>
      <p class='body'><a href='/ca-nhan/du-lieu.json' download>Tải về toàn bộ dữ liệu của tôi (tệp JSON)</a></p>
      <p class='body'>Bạn có thể yêu cầu sửa hoặc xóa dữ liệu cá nhân. Cơ quan trả lời trong vòng 72 giờ.</p>
      <Form action='/ca-nhan/yeu-cau-du-lieu'>
        <div class={`form-group${err('kind') ? ' form-group--error' : ''}`}>
          <fieldset class='fieldset' aria-describedby={err('kind') ? 'kind-error' : undefined}>
            <legend class='label'>Loại yêu cầu</legend>
            <ErrorMessage id='kind' message={err('kind')} />
            <div class='radio'><input id='kind' type='radio' name='kind' value='correction' checked={values['kind'] === 'correction'} /><label for='kind'>Sửa dữ liệu</label></div>
            <div class='radio'><input id='kind-deletion' type='radio' name='kind' value='deletion' checked={values['kind'] === 'deletion'} /><label for='kind-deletion'>Xóa dữ liệu</label></div>
          </fieldset>
        </div>
        <div class={`form-group${err('details') ? ' form-group--error' : ''}`}>
          <label class='label' for='details'>Dữ liệu cần sửa hoặc xóa, và lý do</label>
          <ErrorMessage id='details' message={err('details')} />
          <textarea class='textarea' id='details' name='details' rows={4} aria-describedby={err('details') ? 'details-error' : undefined}>{values['details'] ?? ''}</textarea>
        </div>
        <Button secondary>Gửi yêu cầu</Button>
      </Form>
      {profile.requests.length > 0 && (
        <DataTable caption='Yêu cầu của bạn' captionHidden={false} rows={profile.requests} rowKey={r => String(r.id)} columns={[
          { label: 'Loại', cell: r => REQUEST[r.kind] },
          { label: 'Gửi lúc', cell: r => when(r.createdAt) },
          { label: 'Hạn trả lời', cell: r => when(r.dueAt) },
          { label: 'Trạng thái', cell: r => STATUS[r.status] }
        ]} />
      )}

      <h2 class='heading-m'>Bảo mật</h2>
      <p class='body'>Nếu bạn đăng nhập trên máy dùng chung hoặc nghi ngờ có người khác dùng tài khoản, hãy đăng xuất trên mọi thiết bị.</p>
      <Form action='/dang-xuat-tat-ca'>
        <Button secondary>Đăng xuất trên mọi thiết bị</Button>
      </Form>
    </>
  )
}

/** The code sent to the new phone number. */
export function PhoneChangePage ({ error, emailPending }: { error?: string | undefined, emailPending: boolean }) {
  return (
    <>
      <h1 class='heading-l'>Xác nhận số điện thoại mới</h1>
      {error && <ErrorSummary errors={[{ field: 'code', message: error }]} />}
      {emailPending && <div class='notice' role='status'><p>Liên kết xác nhận cũng đã được gửi tới thư điện tử mới; địa chỉ mới có hiệu lực khi bạn mở liên kết đó.</p></div>}
      <p class='body'>Mã gồm 6 chữ số đã được gửi tới số điện thoại mới; mã có hiệu lực 10 phút và chỉ được nhập sai 5 lần. Số mới chỉ được dùng cho tài khoản khi bạn nhập đúng mã.</p>
      <Form action='/ca-nhan/so-dien-thoai'>
        <TextInput name='code' label='Mã xác nhận' error={error} autocomplete='one-time-code' inputmode='numeric' />
        <Button>Xác nhận</Button>
      </Form>
      <ResendCode action='/ca-nhan/so-dien-thoai/gui-lai' />
      <p class='body'><a href='/ca-nhan'>Về trang cá nhân (giữ số điện thoại cũ)</a></p>
    </>
  )
}

export function EmailChangedPage () {
  return (
    <>
      <h1 class='heading-l'>Đã đổi thư điện tử</h1>
      <p class='body'>Từ nay thông báo và liên kết đặt lại mật khẩu được gửi tới địa chỉ này.</p>
      <p class='body'><a class='button' href='/ca-nhan'>Về trang cá nhân</a></p>
    </>
  )
}
