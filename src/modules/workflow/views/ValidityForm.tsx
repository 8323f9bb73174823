import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { dmy } from '../../../platform/vn-time.js'
import { validityPapers } from '../use-cases/validity.js'

/**
 * The papers' validity: a day for each current file of a component (prefilled with what is recorded), kept
 * open when one was refused.
 */
export function ValidityForm ({ action, d, errors, values }: { action: string, d: Parameters<typeof validityPapers>[0], errors: FieldError[], values: Record<string, unknown> }) {
  const papers = validityPapers(d)
  return (
    <details class='section' open={papers.some(f => errorOf(errors, `valid-${f.attachmentId}`))}>
      <summary>Ghi thời hạn hiệu lực của giấy tờ</summary>
      <p class='body'>Với giấy tờ có thời hạn (giấy phép, chứng chỉ, giấy khám sức khỏe), ghi ngày cuối cùng còn hiệu lực theo giấy tờ. Công dân thấy ngày này trong kho dữ liệu; giấy tờ hết hạn không được đề nghị dùng lại.</p>
      <Form action={action}>
        {papers.map(f => (
          <TextInput key={f.attachmentId} name={`valid-${f.attachmentId}`} label={`${f.slotName}: ${f.name}`} hint='Ngày/tháng/năm; để trống nếu không ghi thời hạn'
            value={(values[`valid-${f.attachmentId}`] as string | undefined) ?? (f.validUntil ? dmy(f.validUntil) : '')} error={errorOf(errors, `valid-${f.attachmentId}`)} />
        ))}
        <Button secondary>Lưu thời hạn hiệu lực</Button>
      </Form>
    </details>
  )
}
