import { ResendCode } from './ResendCode.js'
import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { CaptchaField } from '../../../platform/html/components/CaptchaField.js'
import type { Captcha } from '../captcha.js'
import type { FieldError } from '../../../platform/http/errors.js'

export interface SignInOptions { nationalIdentity: boolean, only: boolean }

/**
 * The way in through the national e-identity: a link styled as a button (a form would be held back by
 * the CSP's form-action when the answer redirects to the provider).
 */
function NationalIdentityButton () {
  return <p class='body'><a class='button' href='/dang-nhap/vneid'>Đăng nhập bằng tài khoản định danh điện tử VNeID</a></p>
}

export function SignInPage ({ username, next, errors, captcha, options }: { username?: string | undefined, next?: string | undefined, errors: FieldError[], captcha: Captcha, options: SignInOptions }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  if (options.only) {
    return (
      <>
        <h1 class='heading-l'>Đăng nhập</h1>
        <ErrorSummary errors={errors} />
        <p class='body' id='vneid'>Công dân đăng nhập bằng tài khoản định danh điện tử (VNeID) mức độ 2. Tài khoản được tạo tự động ở lần đăng nhập đầu tiên.</p>
        <NationalIdentityButton />
      </>
    )
  }
  return (
    <>
      <h1 class='heading-l'>Đăng nhập</h1>
      <ErrorSummary errors={errors} />
      {options.nationalIdentity && (
        <>
          <p class='body' id='vneid'>Cách nhanh nhất: dùng tài khoản định danh điện tử, không cần đăng ký.</p>
          <NationalIdentityButton />
          <h2 class='heading-m'>Hoặc đăng nhập bằng tài khoản của Cổng</h2>
        </>
      )}
      <Form action='/dang-nhap'>
        {next && <input type='hidden' name='tiep' value={next} />}
        <TextInput name='username' label='Tên đăng nhập' hint='Số định danh cá nhân, mã số thuế, số điện thoại hoặc thư điện tử' value={username} error={err('username')} autocomplete='username' />
        <TextInput name='password' label='Mật khẩu' type='password' error={err('password')} autocomplete='current-password' />
        <CaptchaField {...captcha} error={err('captcha')} />
        <Button>Đăng nhập</Button>
      </Form>
      <p class='body'><a href='/quen-mat-khau'>Quên mật khẩu?</a></p>
      <p class='body'>Chưa có tài khoản? <a href='/dang-ky'>Đăng ký</a></p>
    </>
  )
}

/** A local account already holds the ID number the e-identity proved: merge only once the person agrees. */
export function ConfirmMergePage ({ fullName }: { fullName: string }) {
  return (
    <>
      <h1 class='heading-l'>Gộp tài khoản đã đăng ký trước</h1>
      <p class='body'>Xin chào {fullName}. Số định danh cá nhân của bạn đã được dùng để đăng ký một tài khoản trên Cổng trước đây.</p>
      <p class='body'>Khi bạn đồng ý, tài khoản đó (cùng các hồ sơ của nó) thuộc về danh tính điện tử của bạn: từ nay chỉ đăng nhập bằng VNeID, mật khẩu cũ không còn dùng được và mọi phiên đăng nhập khác của tài khoản đó kết thúc.</p>
      <Form action='/dang-nhap/vneid/gop'>
        <Button>Đồng ý gộp và đăng nhập</Button>
      </Form>
      <p class='body'><a href='/'>Không đồng ý, quay về trang chủ</a></p>
    </>
  )
}

/** The one-time code after the password: citizens' (when the portal asks for it) and officials' (always). */
export function SignInCodePage ({ channel, next, error, action = '/dang-nhap/ma', again = '/dang-nhap' }: { channel: 'email' | 'sms', next?: string | undefined, error?: string | undefined, action?: string, again?: string }) {
  // The code's page answers at `action`; a new code is asked at `action`/gui-lai.
  return (
    <>
      <h1 class='heading-l'>Nhập mã đăng nhập</h1>
      {error && <ErrorSummary errors={[{ field: 'code', message: error }]} />}
      <p class='body'>Mã gồm 6 chữ số đã được gửi tới {channel === 'sms' ? 'số điện thoại' : 'thư điện tử'} của tài khoản; mã có hiệu lực 5 phút và chỉ được nhập sai 5 lần.</p>
      <Form action={action}>
        <input type='hidden' name='kenh' value={channel} />
        {next && <input type='hidden' name='tiep' value={next} />}
        <TextInput name='code' label='Mã đăng nhập' error={error} autocomplete='one-time-code' inputmode='numeric' />
        <Button>Đăng nhập</Button>
      </Form>
      <ResendCode action={`${action}/gui-lai`} fields={{ kenh: channel, tiep: next }} />
      <p class='body'><a href={again}>Hoặc đăng nhập lại từ đầu</a></p>
    </>
  )
}
