import { ErrorMessage } from './ErrorSummary.js'

/** The verification code field: the image (or the text question), and buttons for another code or the question instead. */
export function CaptchaField ({ id, question, notice, error }: { id: string, question: string | null, notice?: string | undefined, error?: string | undefined }) {
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
      {/* Buttons of the surrounding form: another code comes back with everything typed kept. The hidden
          first button keeps Enter in a field doing what the form's own button does. */}
      <button type='submit' class='visually-hidden' tabIndex={-1} aria-hidden='true'>Gửi</button>
      <p class='body captcha__swap'>
        <button type='submit' class='link-button' name='captchaSwap' value='new' formNoValidate>Đổi mã khác</button>
        {question
          ? <> · <button type='submit' class='link-button' name='captchaSwap' value='image' formNoValidate>Dùng mã hình ảnh</button></>
          : <> · <button type='submit' class='link-button' name='captchaSwap' value='question' formNoValidate>Không xem được hình? Trả lời câu hỏi thay thế</button></>}
      </p>
    </div>
  )
}
