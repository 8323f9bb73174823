import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'

export function ForgotPage ({ errors = [] }: { errors?: FieldError[] }) {
  return (
    <>
      <a href='/dang-nhap' class='back-link'>Đăng nhập</a>
      <h1 class='heading-l'>Quên mật khẩu</h1>
      <ErrorSummary errors={errors} />
      <Form action='/quen-mat-khau'>
        <TextInput name='username' label='Tên đăng nhập' hint='Số định danh cá nhân, mã số thuế, số điện thoại hoặc thư điện tử' error={errors[0]?.message} autocomplete='username' />
        <Button>Gửi hướng dẫn đặt lại mật khẩu</Button>
      </Form>
    </>
  )
}


export function ResetSentPage ({ errors = [] }: { errors?: FieldError[] }) {
  return (
    <>
      <h1 class='heading-l'>Đặt lại mật khẩu</h1>
      <ErrorSummary errors={errors} />
      <p class='body'>Nếu tài khoản tồn tại, chúng tôi đã gửi hướng dẫn: một liên kết tới thư điện tử của tài khoản, hoặc một mã gồm 6 chữ số qua tin nhắn nếu tài khoản không có thư điện tử. Liên kết và mã có hiệu lực 60 phút.</p>
      <h2 class='heading-m'>Nhận được mã qua tin nhắn?</h2>
      <Form action='/quen-mat-khau/ma'>
        <TextInput name='code' label='Mã xác nhận' error={errorOf(errors, 'code')} autocomplete='one-time-code' inputmode='numeric' />
        <TextInput name='password' label='Mật khẩu mới' type='password' error={errorOf(errors, 'password')} autocomplete='new-password' hint='Ít nhất 8 ký tự; không dùng mật khẩu phổ biến' />
        <TextInput name='passwordConfirm' label='Nhập lại mật khẩu mới' type='password' error={errorOf(errors, 'passwordConfirm')} autocomplete='new-password' />
        <Button>Đặt lại mật khẩu</Button>
      </Form>
      <p class='body'>Không nhận được mã? <a href='/quen-mat-khau'>Yêu cầu lại bằng tên đăng nhập</a> (mã mới thay cho mã cũ).</p>
    </>
  )
}

export function ResetLinkPage ({ token, errors = [] }: { token: string, errors?: FieldError[] }) {
  return (
    <>
      <h1 class='heading-l'>Đặt mật khẩu mới</h1>
      <ErrorSummary errors={errors} />
      <Form action={`/dat-lai-mat-khau/${token}`}>
        <TextInput name='password' label='Mật khẩu mới' type='password' error={errorOf(errors, 'password')} autocomplete='new-password' hint='Ít nhất 8 ký tự; không dùng mật khẩu phổ biến' />
        <TextInput name='passwordConfirm' label='Nhập lại mật khẩu mới' type='password' error={errorOf(errors, 'passwordConfirm')} autocomplete='new-password' />
        <Button>Lưu mật khẩu mới</Button>
      </Form>
    </>
  )
}

export function ResetDonePage () {
  return (
    <>
      <h1 class='heading-l'>Đã đổi mật khẩu</h1>
      <p class='body'>Mật khẩu mới đã được lưu; mọi phiên đăng nhập cũ đã kết thúc.</p>
      <p class='body'><a class='button' href='/dang-nhap'>Đăng nhập</a></p>
    </>
  )
}
