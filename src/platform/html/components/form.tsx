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
 * A POST form that carries files. Its handler streams the body; the CSRF token is the first field, read
 * by the CSRF check before the files (never in the address, where history would keep it).
 */
export function MultipartForm ({ action, children }: { action: string, children: ComponentChildren }) {
  const { csrfToken } = usePage()
  return <form action={action} method='post' encType='multipart/form-data' noValidate><input type='hidden' name='_csrf' value={csrfToken} />{children}</form>
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

/** `reveals`: choosing this option shows the `<Conditional>` placed right after the group (CSS only, no JavaScript). */
export interface RadioOption { value: string, label: string, hint?: string, reveals?: boolean }

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
              <input id={id} type='radio' name={name} value={o.value} checked={value === o.value} class={o.reveals ? 'reveals' : undefined} />
              <label for={id}>{o.label}{o.hint && <span class='hint'> {o.hint}</span>}</label>
            </div>
          )
        })}
      </fieldset>
    </div>
  )
}

/**
 * Fields that matter only for one radio choice: placed right after the `<Radios>` group, shown while an option
 * marked `reveals` is checked. Browsers without `:has()` show it always, so nothing becomes unreachable;
 * the server ignores its fields unless that option was chosen.
 */
export function Conditional ({ children }: { children: ComponentChildren }) {
  return <div class='conditional'>{children}</div>
}

/** A field's group: label, hint and error around the control, which gets the ids to describe itself by. */
function Field ({ name, label, hint, error, control }: { name: string, label: string, hint?: string | undefined, error?: string | undefined, control: (describedBy: string | undefined) => ComponentChildren }) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}</label>
      {hint && <div class='hint' id={`${name}-hint`}>{hint}</div>}
      <ErrorMessage id={name} message={error} />
      {control(describedBy)}
    </div>
  )
}

/** A drop-down with its label, hint and error; `empty` is a first choice with no value (none chosen). */
export function Select ({ name, label, options, value, error, hint, empty }: { name: string, label: string, options: Array<{ value: string, label: string }>, value?: string | undefined, error?: string | undefined, hint?: string, empty?: string | undefined }) {
  return <Field name={name} label={label} hint={hint} error={error} control={d => (
    <select class='select' id={name} name={name} aria-describedby={d}>
      {empty !== undefined && <option value=''>{empty}</option>}
      {options.map(o => <option key={o.value} value={o.value} selected={o.value === value}>{o.label}</option>)}
    </select>
  )} />
}

export function Textarea ({ name, label, value, error, hint, rows = 4 }: { name: string, label: string, value?: string | undefined, error?: string | undefined, hint?: string, rows?: number }) {
  return <Field name={name} label={label} hint={hint} error={error} control={d => <textarea class='textarea' id={name} name={name} rows={rows} aria-describedby={d}>{value ?? ''}</textarea>} />
}

/** A file input with its label, hint and error (inside a `MultipartForm`). */
export function FileInput ({ name, label, hint, accept, error }: { name: string, label: string, hint?: string | undefined, accept: string, error?: string | undefined }) {
  return <Field name={name} label={label} hint={hint} error={error} control={d => <input class='file-upload' id={name} name={name} type='file' multiple accept={accept} aria-describedby={d} />} />
}

/**
 * A button inside a larger form that posts that form's token to another address (removing one file from
 * a list inside an upload form: forms cannot nest). Sent as an ordinary form, whatever the outer form's encoding.
 */
export function ActionButton ({ action, children }: { action: string, children: ComponentChildren }) {
  return <button type='submit' class='link-button' formAction={action} formEncType='application/x-www-form-urlencoded' formNoValidate>{children}</button>
}

/** A form that uploads files for one field. */
export function UploadForm ({ action, name, label, hint, accept, error, button = 'Tải lên' }: { action: string, name: string, label: string, hint?: string, accept: string, error?: string | undefined, button?: string }) {
  return (
    <MultipartForm action={action}>
      <FileInput name={name} label={label} hint={hint} accept={accept} error={error} />
      <button type='submit' class='button button--secondary'>{button}</button>
    </MultipartForm>
  )
}
