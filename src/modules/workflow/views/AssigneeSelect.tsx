import { Select } from '../../../platform/html/components/form.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'

/** Whom a step goes to: one of the officials who may take it (with their department), or (empty) any of them. */
export function AssigneeSelect ({ candidates, errors, values, label = 'Người xử lý', anyone = 'Bất kỳ cán bộ có vai trò này', name = 'assignee' }: { candidates: Array<{ id: string, fullName: string, departmentName?: string | null }>, errors: FieldError[], values: Record<string, string | string[] | undefined>, label?: string, anyone?: string | null, name?: string }) {
  const chosen = values[name]
  return (
    <Select name={name} label={label} error={errorOf(errors, name)} value={typeof chosen === 'string' ? chosen : ''} {...(anyone === null ? {} : { empty: anyone })}
      options={candidates.map(c => ({ value: c.id, label: `${c.fullName}${c.departmentName ? ` – ${c.departmentName}` : ''}` }))} />
  )
}
