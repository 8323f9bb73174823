import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Form, TextInput } from '../../platform/html/components/form.js'
import { errorOf, type FieldError } from '../../platform/http/errors.js'
import type { Answers, FieldType, FormDefinition } from '../catalog/eforms/definition.js'
import { requireCitizen } from '../accounts/session.js'
import type { DossiersService } from './dossiers.service.js'
import { draftUrl } from './views/JourneyPages.js'

const HINTS: Partial<Record<FieldType, string>> = {
  date: 'Ngày/tháng/năm, ví dụ 15/08/1990', idNumber: 'Số định danh cá nhân (12 chữ số)', plate: 'Ví dụ 82C-123.45',
  phone: 'Ví dụ 0912345678', year: 'Năm có 4 chữ số', number: 'Chỉ nhập số'
}
const INPUT_TYPE: Partial<Record<FieldType, 'tel' | 'email'>> = { phone: 'tel', email: 'email' }

/** The line's wording with its blanks shown, above its fields: the form reads as the decision prints it. */
const wording = (parts: Array<{ text: string } | { field: string }>) => parts.map(p => 'text' in p ? p.text : '……').join('').trim()

function DeclarationPage ({ action, back, component, definition, answers, errors, prefilled }: { action: string, back: string, component: string, definition: FormDefinition, answers: Answers, errors: FieldError[], prefilled: boolean }) {
  const value = (id: string) => typeof answers[id] === 'string' ? answers[id] as string : ''
  const fieldsById = new Map(definition.fields.map(f => [f.id, f]))
  const officials = definition.officialsFrom ?? definition.blocks.length
  return (
    <>
      <a class='back-link' href={back}>Thành phần hồ sơ</a>
      <ErrorSummary errors={errors} />
      <span class='caption'>Khai trực tuyến: {component}</span>
      <h1 class='heading-l'>{definition.title}</h1>
      <p class='body'>Điền tờ khai ngay trên trang này thay cho việc in, ký và chụp lại. {prefilled ? 'Các ô đã điền sẵn từ thông tin người nộp và tờ khai bạn đã khai trước đây; hãy kiểm tra lại. ' : ''}Khi lưu, Cổng tạo tệp PDF đúng mẫu với nội dung bạn khai và đưa vào thành phần hồ sơ.</p>
      <Form action={action}>
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
        <button type='submit' class='button' name='action' value='save'>Lưu tờ khai và tạo tệp PDF</button>
      </Form>
    </>
  )
}

/** `/nop-ho-so/{id}/to-khai/{component}`: a declaration filled online (works without JavaScript: "Thêm dòng" is a submit). */
export async function declarationPages (app: FastifyInstance, { dossiers }: { dossiers: Pick<DossiersService, 'declaration' | 'saveDeclaration'> }) {
  const params = (request: FastifyRequest) => request.params as { id: string, component: string }
  const show = async (request: FastifyRequest, reply: FastifyReply, given?: { answers: Answers, errors: FieldError[] }) => {
    const { id, component } = params(request)
    const f = await dossiers.declaration(request.account!.id, id, component)
    const errors = given?.errors ?? []
    return reply.page(
      <DeclarationPage action={`/nop-ho-so/${id}/to-khai/${component}`} back={draftUrl(f.d, 'thanh-phan')} component={f.slot.name}
        definition={f.definition} answers={given?.answers ?? f.answers} errors={errors} prefilled={f.prefilled && !given} />,
      { title: `Khai trực tuyến: ${f.definition.title}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  app.get('/nop-ho-so/:id/to-khai/:component', { preHandler: requireCitizen }, async (request, reply) => show(request, reply))
  app.post('/nop-ho-so/:id/to-khai/:component', { preHandler: requireCitizen }, async (request, reply) => {
    const { id, component } = params(request)
    const form = (request.body ?? {}) as Record<string, string | undefined>
    const r = await dossiers.saveDeclaration(request.account!.id, id, component, form)
    if (!r.saved) return show(request, reply, { answers: r.answers, errors: r.errors })
    return reply.seeOther(`/nop-ho-so/${id}/thanh-phan`, 'Đã lưu tờ khai và tạo tệp PDF trong thành phần hồ sơ.')
  })
}
