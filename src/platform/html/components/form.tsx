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

/**
 * A POST form that carries files. Multipart bodies are read as streams by the handler, after the
 * CSRF check has run, so the token travels in the query string (same-origin pages only: referrer-policy).
 */
export function MultipartForm ({ action, children }: { action: string, children: ComponentChildren }) {
  const { csrfToken } = usePage()
  return <form action={`${action}${action.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrfToken)}`} method='post' encType='multipart/form-data' noValidate>{children}</form>
}

export interface TextInputProps {
  name: string
  label: string
  value?: string | undefined
  error?: string | undefined
  hint?: string
  type?: 'text' | 'email' | 'tel' | 'search' | 'password' | 'date'
  autocomplete?: string
  required?: boolean
  /** The keyboard a phone shows: 'numeric' for codes. */
  inputmode?: 'numeric' | 'tel' | 'email'
}

export function TextInput ({ name, label, value, error, hint, type = 'text', autocomplete, required, inputmode }: TextInputProps) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}{required && <span class='required' aria-hidden='true'> (*)</span>}</label>
      {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
      <ErrorMessage id={name} message={error} />
      <input class={`input${error ? ' input--error' : ''}`} id={name} name={name} type={type} value={value ?? ''}
        autocomplete={autocomplete} inputMode={inputmode} aria-describedby={describedBy} aria-invalid={error ? 'true' : undefined}
        aria-required={required ? 'true' : undefined} />
    </div>
  )
}

export function Button ({ children, secondary }: { children: ComponentChildren, secondary?: boolean }) {
  return <button type='submit' class={`button${secondary ? ' button--secondary' : ''}`}>{children}</button>
}

export interface RadioOption { value: string, label: string, hint?: string }

/** A radio group: the first radio carries the group's id, so the error summary's link lands on it. */
export function Radios ({ name, legend, options, value, error, hint }: { name: string, legend: string, options: RadioOption[], value?: string | undefined, error?: string | undefined, hint?: string }) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <fieldset class='fieldset' aria-describedby={describedBy}>
        <legend class='label'>{legend}</legend>
        {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
        <ErrorMessage id={name} message={error} />
        {options.map((o, i) => {
          const id = i === 0 ? name : `${name}-${o.value}`
          return (
            <div class='radio' key={o.value}>
              <input id={id} type='radio' name={name} value={o.value} checked={value === o.value} />
              <label for={id}>{o.label}{o.hint && <span class='hint'> {o.hint}</span>}</label>
            </div>
          )
        })}
      </fieldset>
    </div>
  )
}

export function Textarea ({ name, label, value, error, hint, rows = 4 }: { name: string, label: string, value?: string | undefined, error?: string | undefined, hint?: string, rows?: number }) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}</label>
      {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
      <ErrorMessage id={name} message={error} />
      <textarea class='textarea' id={name} name={name} rows={rows} aria-describedby={describedBy}>{value ?? ''}</textarea>
    </div>
  )
}

/** A form that uploads files for one field. */
export function UploadForm ({ action, name, label, hint, accept, error, button = 'Tải lên' }: { action: string, name: string, label: string, hint?: string, accept: string, error?: string | undefined, button?: string }) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <MultipartForm action={action}>
      <div class={`form-group${error ? ' form-group--error' : ''}`}>
        <label class='label' for={name}>{label}</label>
        {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
        <ErrorMessage id={name} message={error} />
        <input class='file-upload' id={name} name='files' type='file' multiple accept={accept} aria-describedby={describedBy} />
      </div>
      <button type='submit' class='button button--secondary'>{button}</button>
    </MultipartForm>
  )
}
