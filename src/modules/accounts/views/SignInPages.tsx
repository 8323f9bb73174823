import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { CaptchaField } from '../../../platform/html/components/CaptchaField.js'
import type { Captcha } from '../captcha.js'
import type { FieldError } from '../../../platform/http/errors.js'

export function SignInPage ({ username, next, errors, captcha }: { username?: string | undefined, next?: string | undefined, errors: FieldError[], captcha: Captcha }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  return (
    <>
      <h1 class='heading-l'>Đăng nhập</h1>
      <ErrorSummary errors={errors} />
      <Form action='/dang-nhap'>
        {next && <input type='hidden' name='tiep' value={next} />}
        <TextInput name='username' label='Tên đăng nhập' hint='Số định danh cá nhân, mã số thuế, số điện thoại hoặc thư điện tử' value={username} error={err('username')} autocomplete='username' />
        <TextInput name='password' label='Mật khẩu' type='password' error={err('password')} autocomplete='current-password' />
        <CaptchaField id={captcha.id} question={captcha.question} error={err('captcha')} path={next ? `/dang-nhap?tiep=${encodeURIComponent(next)}` : '/dang-nhap'} />
        <Button>Đăng nhập</Button>
      </Form>
      <p class='body'><a href='/quen-mat-khau'>Quên mật khẩu?</a></p>
      <p class='body'>Chưa có tài khoản? <a href='/dang-ky'>Đăng ký</a></p>
    </>
  )
}
