import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import type { FieldError } from '../../../platform/http/errors.js'

/** Current password, new password and its repetition: the change form of citizens and officials alike. */
export function PasswordChangeForm ({ action, errors }: { action: string, errors: FieldError[] }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  return (
    <Form action={action}>
      <TextInput name='current' label='Mật khẩu hiện tại' type='password' error={err('current')} autocomplete='current-password' />
      <TextInput name='password' label='Mật khẩu mới' type='password' error={err('password')} autocomplete='new-password' hint='Ít nhất 8 ký tự; không dùng mật khẩu phổ biến' />
      <TextInput name='passwordConfirm' label='Nhập lại mật khẩu mới' type='password' error={err('passwordConfirm')} autocomplete='new-password' />
      <Button>Đổi mật khẩu</Button>
    </Form>
  )
}
