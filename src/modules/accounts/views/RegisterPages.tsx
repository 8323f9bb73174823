import { ResendCode } from './ResendCode.js'
import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { Checkbox } from '../../../platform/html/components/Checkbox.js'
import { CaptchaField } from '../../../platform/html/components/CaptchaField.js'
import type { Captcha } from '../captcha.js'
import { ErrorMessage, ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import type { FieldError } from '../../../platform/http/errors.js'
import type { AccountKind, RegistrationForm } from '../accounts.service.js'

export const KIND_SLUGS: Record<string, AccountKind> = { 'ca-nhan': 'individual', 'to-chuc': 'organization', 'nguoi-nuoc-ngoai': 'foreigner' }
const KIND_TITLES: Record<AccountKind, string> = {
  individual: 'Đăng ký tài khoản cá nhân',
  organization: 'Đăng ký tài khoản tổ chức, doanh nghiệp',
  foreigner: 'Đăng ký tài khoản người nước ngoài'
}
export const kindTitle = (k: AccountKind) => KIND_TITLES[k]

export function RegisterChoosePage () {
  return (
    <>
      <h1 class='heading-l'>Đăng ký tài khoản</h1>
      <p class='body'>Tài khoản dùng để nộp hồ sơ trực tuyến, theo dõi hồ sơ và thanh toán phí, lệ phí. Chọn loại tài khoản:</p>
      <ul class='choices'>
        <li><a href='/dang-ky/ca-nhan'>Công dân Việt Nam (có số định danh cá nhân, căn cước)</a></li>
        <li><a href='/dang-ky/to-chuc'>Tổ chức, doanh nghiệp (có mã số thuế)</a></li>
        <li><a href='/dang-ky/nguoi-nuoc-ngoai'>Người nước ngoài (đăng ký bằng hộ chiếu)</a></li>
      </ul>
      <p class='body'>Đã có tài khoản? <a href='/dang-nhap'>Đăng nhập</a></p>
    </>
  )
}

function PrivacyNotice () {
  return (
    <div class='notice' id='thong-bao-du-lieu'>
      <h2 class='heading-s'>Thông báo xử lý dữ liệu cá nhân</h2>
      <p><strong>Thu thập:</strong> họ tên, số giấy tờ (số định danh, hộ chiếu hoặc mã số thuế), ngày sinh, số điện thoại, thư điện tử, địa chỉ.</p>
      <p><strong>Mục đích:</strong> xác định người nộp hồ sơ, liên hệ và thông báo kết quả giải quyết thủ tục hành chính.</p>
      <p><strong>Thời gian lưu:</strong> trong thời gian tài khoản còn hoạt động và thời hạn lưu trữ hồ sơ theo quy định.</p>
      <p><strong>Quyền của bạn:</strong> xem, tải về, yêu cầu sửa hoặc xóa dữ liệu tại trang cá nhân; cơ quan trả lời trong 72 giờ. Liên hệ: đường dây nóng ở cuối trang.</p>
    </div>
  )
}

export function RegisterFormPage ({ kind, slug, values, errors, captcha }: { kind: AccountKind, slug: string, values: RegistrationForm, errors: FieldError[], captcha: Captcha }) {
  const err = (field: string) => errors.find(e => e.field === field)?.message
  const field = (name: keyof RegistrationForm, label: string, options: { hint?: string, type?: 'text' | 'email' | 'tel' | 'password', autocomplete?: string, required?: boolean } = {}) => (
    <TextInput name={name} label={label} value={options.type === 'password' ? '' : values[name]} error={err(name)} hint={options.hint}
      type={options.type ?? 'text'} autocomplete={options.autocomplete} required={options.required ?? true} />
  )
  return (
    <>
      <a href='/dang-ky' class='back-link'>Chọn loại tài khoản</a>
      <h1 class='heading-l'>{kindTitle(kind)}</h1>
      <ErrorSummary errors={errors} />
      <p class='body'>Các mục có dấu (*) là bắt buộc.</p>
      <Form action={`/dang-ky/${slug}`}>
        {kind === 'organization'
          ? <>
            {field('fullName', 'Tên tổ chức', { autocomplete: 'organization' })}
            {field('taxCode', 'Mã số thuế', { hint: '10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc (ví dụ 0100109106-001)' })}
            {field('representative', 'Họ và tên người đại diện theo pháp luật', { autocomplete: 'name' })}
          </>
          : <>
            {field('fullName', 'Họ và tên', { autocomplete: 'name' })}
            {kind === 'individual'
              ? field('citizenId', 'Số định danh cá nhân (số căn cước)', { hint: '12 chữ số' })
              : <>{field('passportNumber', 'Số hộ chiếu')}{field('nationality', 'Quốc tịch', { autocomplete: 'country-name' })}</>}
            {field('dateOfBirth', 'Ngày sinh', { hint: 'Ngày/tháng/năm, ví dụ 04/03/1999', autocomplete: 'bday' })}
          </>}
        {field('phone', 'Số điện thoại di động', { type: 'tel', autocomplete: 'tel', hint: 'Dùng để nhận mã xác nhận nếu không có thư điện tử' })}
        {field('email', 'Thư điện tử', { type: 'email', autocomplete: 'email', required: kind === 'organization', hint: kind === 'organization' ? undefined : 'Không bắt buộc; nếu có, liên kết xác nhận được gửi vào đây' })}
        {field('address', 'Địa chỉ', { autocomplete: 'street-address' })}
        {field('password', 'Mật khẩu', { type: 'password', autocomplete: 'new-password', hint: 'Ít nhất 8 ký tự; không dùng mật khẩu phổ biến hay số giấy tờ của bạn' })}
        {field('passwordConfirm', 'Nhập lại mật khẩu', { type: 'password', autocomplete: 'new-password' })}
        <PrivacyNotice />
        <Checkbox name='consent' value='yes' checked={values.consent === 'yes'} error={err('consent')}>
          Tôi đã đọc thông báo xử lý dữ liệu cá nhân và đồng ý để cơ quan xử lý dữ liệu của tôi cho mục đích nêu trên.
        </Checkbox>
        <CaptchaField {...captcha} error={err('captcha')} />
        <Button>Đăng ký</Button>
      </Form>
    </>
  )
}

export function CheckInboxPage ({ channel, ref, error }: { channel: 'email' | 'sms', ref?: string | undefined, error?: string | undefined }) {
  return (
    <>
      <h1 class='heading-l'>{channel === 'email' ? 'Kiểm tra thư điện tử của bạn' : 'Nhập mã xác nhận'}</h1>
      {error && <ErrorSummary errors={[{ field: 'code', message: error }]} />}
      {channel === 'email'
        ? <p class='body'>Nếu thông tin hợp lệ, chúng tôi đã gửi một liên kết xác nhận tới thư điện tử bạn khai. Mở liên kết trong vòng 24 giờ để hoàn tất đăng ký. Không thấy thư? Hãy xem cả mục thư rác.</p>
        : (
          <>
            <p class='body'>Nếu thông tin hợp lệ, chúng tôi đã gửi mã gồm 6 chữ số tới số điện thoại bạn khai. Mã có hiệu lực 10 phút.</p>
            <Form action='/dang-ky/xac-nhan-ma'>
              <input type='hidden' name='ref' value={ref ?? ''} />
              <div class={`form-group${error ? ' form-group--error' : ''}`}>
                <label class='label' for='code'>Mã xác nhận</label>
                <ErrorMessage id='code' message={error} />
                <input class='input input--short' id='code' name='code' type='text' inputMode='numeric' autocomplete='one-time-code' maxLength={6} aria-describedby={error ? 'code-error' : undefined} />
              </div>
              <Button>Xác nhận</Button>
            </Form>
            <ResendCode action='/dang-ky/gui-lai-ma' />
          </>
          )}
    </>
  )
}

export function ConfirmedPage () {
  return (
    <>
      <h1 class='heading-l'>Tài khoản đã được xác nhận</h1>
      <p class='body'>Bạn có thể đăng nhập để nộp hồ sơ trực tuyến.</p>
      <p class='body'><a class='button' href='/dang-nhap'>Đăng nhập</a></p>
    </>
  )
}

export function ConfirmFailedPage ({ reset }: { reset?: boolean }) {
  return (
    <>
      <h1 class='heading-l'>Liên kết không dùng được</h1>
      {reset
        ? <p class='body'>Liên kết đặt lại mật khẩu đã được dùng, đã hết hạn hoặc không đúng. Hãy <a href='/quen-mat-khau'>yêu cầu đặt lại mật khẩu</a> lần nữa.</p>
        : <p class='body'>Liên kết đã được dùng, đã hết hạn hoặc không đúng. Nếu tài khoản đã xác nhận, hãy <a href='/dang-nhap'>đăng nhập</a>; nếu chưa, hãy <a href='/dang-ky'>đăng ký lại</a>.</p>}
    </>
  )
}
