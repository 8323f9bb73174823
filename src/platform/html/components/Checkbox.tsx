import type { ComponentChildren } from 'preact'
import { ErrorMessage } from './ErrorSummary.js'

export function Checkbox ({ name, value, checked, error, children }: { name: string, value: string, checked?: boolean, error?: string | undefined, children: ComponentChildren }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <ErrorMessage id={name} message={error} />
      <div class='checkbox'>
        <input class='checkbox__input' id={name} name={name} type='checkbox' value={value} checked={checked}
          aria-describedby={error ? `${name}-error` : undefined} />
        <label class='checkbox__label' for={name}>{children}</label>
      </div>
    </div>
  )
}
