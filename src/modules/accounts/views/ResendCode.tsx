import { Button, Form } from '../../../platform/html/components/form.js'
import { MAX_RESENDS, RESEND_AFTER_SECONDS } from '../codes.js'

/** "Gửi lại mã" under a one-time code form: its own small form (forms cannot nest), no script needed. */
export function ResendCode ({ action, fields = {} }: { action: string, fields?: Record<string, string | undefined> }) {
  return (
    <Form action={action}>
      {Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => <input key={k} type='hidden' name={k} value={v} />)}
      <p class='body'>Chưa nhận được mã? Tin nhắn có thể đến chậm vài phút. Có thể yêu cầu gửi lại sau {RESEND_AFTER_SECONDS} giây, tối đa {MAX_RESENDS} lần; mã mới thay cho mã cũ.</p>
      <Button secondary>Gửi lại mã</Button>
    </Form>
  )
}
