import { ErrorMessage } from './ErrorSummary.js'

/** The verification code field: the image (or the text question), a link to another code and to the question. */
export function CaptchaField ({ id, question, notice, error, path }: { id: string, question: string | null, notice?: string | undefined, error?: string | undefined, path: string }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <input type='hidden' name='captchaId' value={id} />
      {question && <input type='hidden' name='captchaMode' value='question' />}
      <label class='label' for='captcha'>Mã xác thực</label>
      {question
        ? <div class='hint' id='captcha-hint'>{question}</div>
        : (
          <div class='hint' id='captcha-hint'>
            <img class='captcha' src={`/ma-xac-thuc/${id}.svg`} alt='Mã xác thực: hình ảnh gồm 5 chữ cái và chữ số' width={180} height={60} />
            <br />Nhập 5 ký tự trong hình (không phân biệt chữ hoa, chữ thường).
            {notice && <><br /><strong>{notice}</strong></>}
          </div>
          )}
      <ErrorMessage id='captcha' message={error} />
      <input class='input input--short' id='captcha' name='captcha' type='text' autocomplete='off' aria-describedby={`captcha-hint${error ? ' captcha-error' : ''}`} />
      <p class='body'>
        <a href={path}>Đổi mã khác</a>
        {!question && <> · <a href={`${path}${path.includes('?') ? '&' : '?'}cau-hoi=1`}>Không xem được hình? Trả lời câu hỏi thay thế</a></>}
      </p>
    </div>
  )
}
