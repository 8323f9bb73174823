import { ErrorMessage } from '../../../platform/html/components/ErrorSummary.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'

/** Whom a step goes to: one of the officials who may take it, or (empty) any of them. */
export function AssigneeSelect ({ candidates, errors, values, label = 'Người xử lý', anyone = 'Bất kỳ cán bộ có vai trò này', name = 'assignee' }: { candidates: Array<{ id: string, fullName: string, departmentName?: string | null }>, errors: FieldError[], values: Record<string, string | string[] | undefined>, label?: string, anyone?: string | null, name?: string }) {
  const chosen = typeof values[name] === 'string' ? values[name] : ''
  const error = errorOf(errors, name)
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}</label>
      <ErrorMessage id={name} message={error} />
      <select class='select' id={name} name={name} aria-describedby={error ? `${name}-error` : undefined}>
        {anyone !== null && <option value=''>{anyone}</option>}
        {candidates.map(c => <option key={c.id} value={c.id} selected={c.id === chosen}>{c.fullName}{c.departmentName ? ` – ${c.departmentName}` : ''}</option>)}
      </select>
    </div>
  )
}
