import type { ComponentChildren } from 'preact'
import { usePage } from '../context.js'
import { ErrorMessage } from './ErrorSummary.js'

/** A POST form carrying the CSRF token; `novalidate` because validation is on the server. */
export function Form ({ action, children, method = 'post' }: { action: string, children: ComponentChildren, method?: 'post' | 'get' }) {
  const { csrfToken } = usePage()
  return (
    <form action={action} method={method} noValidate>
      {method === 'post' && <input type='hidden' name='_csrf' value={csrfToken} />}
      {children}
    </form>
  )
}

export interface TextInputProps {
  name: string
  label: string
  value?: string | undefined
  error?: string | undefined
  hint?: string
  type?: 'text' | 'email' | 'tel' | 'search' | 'password'
  autocomplete?: string
  required?: boolean
}

export function TextInput ({ name, label, value, error, hint, type = 'text', autocomplete, required }: TextInputProps) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}{required && <span class='required' aria-hidden='true'> (*)</span>}</label>
      {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
      <ErrorMessage id={name} message={error} />
      <input class={`input${error ? ' input--error' : ''}`} id={name} name={name} type={type} value={value ?? ''}
        autocomplete={autocomplete} aria-describedby={describedBy} aria-invalid={error ? 'true' : undefined}
        aria-required={required ? 'true' : undefined} />
    </div>
  )
}

export function Button ({ children, secondary }: { children: ComponentChildren, secondary?: boolean }) {
  return <button type='submit' class={`button${secondary ? ' button--secondary' : ''}`}>{children}</button>
}
