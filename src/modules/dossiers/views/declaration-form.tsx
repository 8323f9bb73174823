import { Checkbox } from '../../../platform/html/components/Checkbox.js'
import { TextInput } from '../../../platform/html/components/form.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import type { Answers, FieldType, FormDefinition } from '../../catalog/eforms/definition.js'

const HINTS: Partial<Record<FieldType, string>> = {
  date: 'Ngày/tháng/năm, ví dụ 15/08/1990', idNumber: 'Số định danh cá nhân (12 chữ số)', plate: 'Ví dụ 82C-123.45',
  phone: 'Ví dụ 0912345678', year: 'Năm có 4 chữ số', number: 'Chỉ nhập số'
}
const INPUT_TYPE: Partial<Record<FieldType, 'tel' | 'email'>> = { phone: 'tel', email: 'email' }

/** The line's wording with its blanks shown, above its fields: the form reads as the decision prints it. */
const wording = (parts: Array<{ text: string } | { field: string }>) => parts.map(p => 'text' in p ? p.text : '……').join('').trim()

/**
 * A declaration's lines and fields as the citizen fills them (the decision's wording above each line's
 * fields, repeating tables as rows with "Thêm dòng"): the journey's form, and the preview of the form designer.
 */
export function DeclarationFields ({ definition, answers, errors }: { definition: FormDefinition, answers: Answers, errors: FieldError[] }) {
  const value = (id: string) => typeof answers[id] === 'string' ? answers[id] as string : ''
  const fieldsById = new Map(definition.fields.map(f => [f.id, f]))
  const officials = definition.officialsFrom ?? definition.blocks.length
  return (
    <>
      {definition.blocks.slice(0, officials).map((b, i) => {
        if (b.kind === 'table') return null
        if (b.kind === 'rows') {
          const rows = Array.isArray(answers[b.id]) ? answers[b.id] as Array<Record<string, string>> : []
          return (
            <fieldset class='fieldset' key={b.id}>
              <legend class='fieldset__legend'>Bảng kê ({rows.length} dòng)</legend>
              <input type='hidden' name={`${b.id}-count`} value={String(rows.length)} />
              {rows.map((row, r) => (
                <fieldset class='fieldset' key={r}>
                  <legend class='fieldset__legend'>Dòng {r + 1}</legend>
                  {b.columns.map(c => <TextInput key={c.id} name={`${b.id}-${r}-${c.id}`} label={c.label} value={row[c.id]} error={errorOf(errors, `${b.id}-${r}-${c.id}`)} {...(HINTS[c.type] ? { hint: HINTS[c.type]! } : {})} />)}
                </fieldset>
              ))}
              <button type='submit' class='button button--secondary' name='action' value={`add-row:${b.id}`}>Thêm dòng</button>
            </fieldset>
          )
        }
        const fields = b.parts.flatMap(p => 'field' in p ? [fieldsById.get(p.field)!] : [])
        if (fields.length === 0) return <p class={b.bold ? 'body declaration__heading' : 'body'} key={i}>{wording(b.parts)}</p>
        return (
          <div class='declaration__line' key={i}>
            <p class='hint'>{wording(b.parts)}</p>
            {fields.map(f => f.type === 'check'
              ? <Checkbox key={f.id} name={f.id} value='yes' checked={value(f.id) === 'yes'} error={errorOf(errors, f.id)}>{f.label}</Checkbox>
              : <TextInput key={f.id} name={f.id} label={f.label} value={value(f.id)} error={errorOf(errors, f.id)} {...(HINTS[f.type] ? { hint: HINTS[f.type]! } : {})} {...(INPUT_TYPE[f.type] ? { type: INPUT_TYPE[f.type]! } : {})} />)}
          </div>
        )
      })}
      {definition.officialsFrom !== null && <p class='body'>Phần còn lại của mẫu do cơ quan tiếp nhận ghi.</p>}
    </>
  )
}
