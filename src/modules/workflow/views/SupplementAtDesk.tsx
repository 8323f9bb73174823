import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { Checkbox } from '../../../platform/html/components/Checkbox.js'
import { ErrorMessage } from '../../../platform/html/components/ErrorSummary.js'
import { Button, MultipartForm, Textarea } from '../../../platform/html/components/form.js'
import { ACCEPT_ATTR } from '../../files/sniff.js'
import type { DossierView } from '../../dossiers/dossiers.service.js'

/**
 * The desk records a supplement the applicant brought in person or sent by post (any channel): a scan
 * of each requested component, or "received on paper"; the dossier then goes back where it was.
 */
export function SupplementAtDesk ({ d, url, errors, values }: { d: DossierView, url: string, errors: FieldError[], values: Record<string, unknown> }) {
  const open = d.openSupplement
  if (!open) return null
  return (
    <section class='section' aria-labelledby='nhan-bo-sung'>
      <h2 class='heading-m' id='nhan-bo-sung'>Nhận hồ sơ bổ sung trực tiếp, qua bưu chính</h2>
      <p class='body'>Khi người nộp mang giấy tờ bổ sung đến bộ phận một cửa hoặc gửi qua bưu chính: tải lên bản quét của từng thành phần được yêu cầu, hoặc đánh dấu đã nhận bản giấy. Hồ sơ trở lại bước đang xử lý và thời hạn tiếp tục tính.</p>
      <MultipartForm action={`${url}/nhan-bo-sung`}>
        {open.items.map(item => {
          const slot = d.slots.find(s => s.key === item.component)
          const field = `tp-${item.component}`
          const error = errorOf(errors, field)
          return (
            <div key={item.component} class={`form-group${error ? ' form-group--error' : ''}`}>
              <label class='label' for={field}>{slot?.name ?? item.component}</label>
              <div class='hint' id={`${field}-hint`}>Nội dung cần bổ sung: {item.note}</div>
              <ErrorMessage id={field} message={error} />
              <input class='file-upload' id={field} name={field} type='file' multiple accept={ACCEPT_ATTR} aria-describedby={`${field}-hint${error ? ` ${field}-error` : ''}`} />
              <Checkbox name={`giay-${item.component}`} value='yes' checked={values[`giay-${item.component}`] === 'yes'}>Đã nhận bản giấy, không quét</Checkbox>
            </div>
          )
        })}
        <Textarea name='note' label='Ghi chú (nếu có)' rows={2} value={values['note'] as string | undefined} />
        <Button>Ghi nhận đã nhận hồ sơ bổ sung</Button>
      </MultipartForm>
    </section>
  )
}
