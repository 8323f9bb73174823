import type { FieldError } from '../../http/errors.js'

/** GOV.UK error summary: a linked list of every problem, shown above the form. */
export function ErrorSummary ({ errors }: { errors: FieldError[] }) {
  if (errors.length === 0) return null
  return (
    <div class='error-summary' role='alert' tabIndex={-1} aria-labelledby='error-summary-title'>
      <h2 class='error-summary__title' id='error-summary-title'>Có lỗi cần sửa</h2>
      <ul class='error-summary__list'>
        {errors.map(e => <li key={e.field}><a href={`#${e.field}`}>{e.message}</a></li>)}
      </ul>
    </div>
  )
}

export function ErrorMessage ({ id, message }: { id: string, message?: string | undefined }) {
  if (!message) return null
  return <p class='error-message' id={`${id}-error`}><span class='visually-hidden'>Lỗi:</span> {message}</p>
}
