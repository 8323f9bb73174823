import type { ComponentChildren } from 'preact'
import { ErrorMessage } from './ErrorSummary.js'

/** One checkbox with its label; `id` when the same name is in several forms of a page. */
export function Checkbox ({ name, value, checked, error, children, id = name }: { name: string, value: string, checked?: boolean, error?: string | undefined, children: ComponentChildren, id?: string }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <ErrorMessage id={id} message={error} />
      <div class='checkbox'>
        <input class='checkbox__input' id={id} name={name} type='checkbox' value={value} checked={checked}
          aria-describedby={error ? `${id}-error` : undefined} />
        <label class='checkbox__label' for={id}>{children}</label>
      </div>
    </div>
  )
}
