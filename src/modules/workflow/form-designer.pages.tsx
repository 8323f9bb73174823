import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Form, Select, Textarea, TextInput } from '../../platform/html/components/form.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { ProcedureDetail } from '../catalog/catalog.types.js'
import { checkFormCorrection, MAX_ADDED_FIELDS, type FormCorrectionInput } from '../catalog/content-edit.js'
import { allFields, citizenLines, correctedDefinition, definitionIn, FIELD_TYPES, formDefinition, type FormCorrection, type FormDefinition } from '../catalog/eforms/definition.js'
import type { FormTemplate } from '../catalog/import/form-templates.js'
import { DeclarationFields } from '../dossiers/views/declaration-form.js'
import { editableProcedure } from './catalog-admin.js'
import type { ContentPagesDeps } from './content.pages.js'

type Values = Record<string, string | undefined>
const BASE = '/can-bo/thu-tuc'
const TYPE_OPTIONS = Object.entries(FIELD_TYPES).map(([value, label]) => ({ value, label }))

/** The form's values for a template's current definition: `label-{id}`, `type-{id}`, and `omit-{id}` for a field no longer asked. */
const valuesOf = (t: FormTemplate, d: FormDefinition, correction: FormCorrection | undefined): Values => {
  const current = new Map(allFields(d).map(f => [f.id, f]))
  const added = correction?.added ?? []
  return {
    ...Object.fromEntries(allFields(formDefinition(t)).flatMap(g => {
      const f = current.get(g.id)
      return f ? [[`label-${f.id}`, f.label], [`type-${f.id}`, f.type]] : [[`label-${g.id}`, g.label], [`type-${g.id}`, g.type], [`omit-${g.id}`, 'yes']]
    })),
    ...Object.fromEntries(added.flatMap((a, i) => [[`added-${i}-label`, a.label], [`added-${i}-type`, a.type], [`added-${i}-line`, String(a.line)]])),
    'added-count': String(added.length)
  }
}

/** How many rows of added fields the form sent (those saved, and the empty one for a new field). */
const addedRows = (form: Values) => Math.min(Math.max(Number(form['added-count']) || 0, 0), MAX_ADDED_FIELDS) + 1

/** What the administrator sent, as a correction of template `n`. */
function inputOf (n: number, t: FormTemplate, form: Values): FormCorrectionInput {
  const fields = Object.fromEntries(allFields(formDefinition(t)).map(f => [f.id, { label: form[`label-${f.id}`] ?? f.label, type: form[`type-${f.id}`] ?? f.type, omit: form[`omit-${f.id}`] === 'yes' }]))
  const added = Array.from({ length: addedRows(form) }, (_, i) => ({ label: form[`added-${i}-label`] ?? '', type: form[`added-${i}-type`] ?? 'text', line: form[`added-${i}-line`] ?? '', remove: form[`added-${i}-remove`] === 'yes' }))
  return { template: n, fields, added, reason: form['reason'] ?? '' }
}

function DesignerPage ({ p, n, t, preview, values, errors }: { p: ProcedureDetail, n: number, t: FormTemplate, preview: FormDefinition, values: Values, errors: FieldError[] }) {
  const initial = formDefinition(t)
  const generated = new Map(allFields(initial).map(f => [f.id, f]))
  const lineFields = new Set(initial.fields.map(f => f.id))
  const action = `${BASE}/${encodeURIComponent(p.code)}/to-khai/${n}`
  const lineOptions = citizenLines(initial).map(x => ({ value: String(x.line), label: x.text.length > 90 ? `${x.text.slice(0, 90)}…` : x.text }))
  const rows = addedRows(values)
  return (
    <>
      <a class='back-link' href={`${BASE}/${encodeURIComponent(p.code)}/thanh-phan`}>Thành phần hồ sơ và phí</a>
      <ErrorSummary errors={errors} />
      <span class='caption'>{p.name}</span>
      <h1 class='heading-l'>Sửa tờ khai điện tử: {t.title}</h1>
      <p class='body'>Các ô được tạo tự động từ mẫu in trong quyết định. Sửa nhãn cho đúng nội dung người dân cần khai và chọn kiểu dữ liệu để Cổng kiểm tra đúng (ngày, số định danh, biển số…). Nguyên văn mẫu giữ nguyên: tệp PDF vẫn in đúng lời văn của mẫu. Mỗi lần lưu là một phiên bản của thủ tục; hồ sơ đã nộp giữ tờ khai của phiên bản của mình.</p>
      <details class='section'>
        <summary>Nguyên văn mẫu trong quyết định</summary>
        <pre class='message-body'>{t.markdown}</pre>
      </details>
      <Form action={action}>
        {[...generated.values()].map((f, i) => (
          <fieldset class='fieldset section' key={f.id}>
            <legend class='label'>Ô {i + 1}</legend>
            <TextInput name={`label-${f.id}`} label='Nhãn' hint={`Tạo từ mẫu: “${generated.get(f.id)!.label}”`} value={values[`label-${f.id}`]} error={errorOf(errors, `label-${f.id}`)} />
            <Select name={`type-${f.id}`} label='Kiểu dữ liệu' options={TYPE_OPTIONS} value={values[`type-${f.id}`]} error={errorOf(errors, `type-${f.id}`)} />
            {lineFields.has(f.id) && <Checkbox name={`omit-${f.id}`} value='yes' checked={values[`omit-${f.id}`] === 'yes'} error={errorOf(errors, `omit-${f.id}`)}>Không hỏi người dân (ô để trống khi in, ví dụ phần cơ quan ghi)</Checkbox>}
          </fieldset>
        ))}
        <fieldset class='fieldset section'>
          <legend class='label'>Thêm ô mẫu tự động chưa nhận ra</legend>
          <p class='hint'>Ô mới đứng cuối dòng được chọn, trong phần người dân khai. Muốn chuyển một ô sang dòng khác: chọn “Không hỏi người dân” cho ô cũ và thêm ô mới ở dòng đúng.</p>
          <input type='hidden' name='added-count' value={String(rows - 1)} />
          {Array.from({ length: rows }, (_, i) => (
            <fieldset class='fieldset' key={i}>
              <legend class='label'>{i < rows - 1 ? `Ô thêm ${i + 1}` : 'Ô mới (để trống nếu không thêm)'}</legend>
              <TextInput name={`added-${i}-label`} label='Nhãn' value={values[`added-${i}-label`]} error={errorOf(errors, `added-${i}-label`)} />
              <Select name={`added-${i}-type`} label='Kiểu dữ liệu' options={TYPE_OPTIONS} value={values[`added-${i}-type`] ?? 'text'} error={errorOf(errors, `added-${i}-type`)} />
              <Select name={`added-${i}-line`} label='Đứng cuối dòng' options={lineOptions} empty='— Chọn dòng —' value={values[`added-${i}-line`] ?? ''} error={errorOf(errors, `added-${i}-line`)} />
              {i < rows - 1 && <Checkbox name={`added-${i}-remove`} value='yes' checked={values[`added-${i}-remove`] === 'yes'}>Bỏ ô này</Checkbox>}
            </fieldset>
          ))}
        </fieldset>
        <Textarea name='reason' label='Lý do sửa' hint='Ví dụ: nhãn tạo tự động lấy nhầm lời văn của dòng; ô ngày cấp cần kiểu Ngày' rows={2} value={values['reason']} error={errorOf(errors, 'reason')} />
        <div class='button-group'>
          <button type='submit' class='button button--secondary' name='action' value='preview'>Xem trước</button>
          <button type='submit' class='button' name='action' value='save'>Lưu thành phiên bản mới</button>
        </div>
      </Form>
      <section class='section' aria-labelledby='xem-truoc'>
        <h2 class='heading-m' id='xem-truoc'>Xem trước: tờ khai người dân điền</h2>
        <div class='inset'>
          <DeclarationFields definition={preview} answers={{}} errors={[]} />
        </div>
      </section>
    </>
  )
}

/**
 * `/can-bo/thu-tuc/{code}/to-khai/{n}`: the form designer. A catalog administrator of the procedure corrects
 * the labels and types of the declaration generated from the decision's template `n`, previews the form the
 * citizen fills, and saves it as a version of the procedure (audited; dossiers keep theirs).
 */
export async function formDesignerPages (app: FastifyInstance, { services, requireOfficial }: { services: ContentPagesDeps, requireOfficial: RequireOfficial }) {
  const { catalog, officials } = services
  const target = async (request: FastifyRequest) => {
    const p = await editableProcedure({ officials, catalog }, request)
    const n = Number((request.params as { n: string }).n)
    const t = Number.isInteger(n) ? p.templates?.[n] : undefined
    if (!t) throw new AppError('NOT_FOUND', `no form template ${n}`)
    return { p, n, t }
  }
  const show = (reply: FastifyReply, x: { p: ProcedureDetail, n: number, t: FormTemplate }, preview: FormDefinition, values: Values, errors: FieldError[]) =>
    reply.page(<DesignerPage {...x} preview={preview} values={values} errors={errors} />,
      { title: `Sửa tờ khai điện tử: ${x.t.title}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(`${BASE}/:code/to-khai/:n`, { preHandler: requireOfficial }, async (request, reply) => {
    const x = await target(request)
    const current = definitionIn(x.p, x.t)
    return show(reply, x, current, valuesOf(x.t, current, x.p.formCorrections?.[x.t.title]), [])
  })

  app.post(`${BASE}/:code/to-khai/:n`, { preHandler: requireOfficial }, async (request, reply) => {
    const x = await target(request)
    const form = { ...(request.body as Values) }
    const input = inputOf(x.n, x.t, form)
    // A filled new row becomes one of the added rows when the page is shown again, under a fresh empty one.
    const last = addedRows(form) - 1
    if ((form[`added-${last}-label`] ?? '').trim() !== '' && last < MAX_ADDED_FIELDS) form['added-count'] = String(last + 1)
    if (form['action'] === 'preview') {
      // The form as it would be, nothing saved; the reason is only asked when saving.
      const { errors, correction } = checkFormCorrection(x.t, input)
      return show(reply, x, correctedDefinition(x.t, correction), form, errors.filter(e => e.field !== 'reason'))
    }
    try {
      const version = await catalog.correctForm({ type: 'official', id: request.official!.id }, x.p.code, input)
      return reply.seeOther(`${BASE}/${encodeURIComponent(x.p.code)}/to-khai/${x.n}`, version === 0 ? 'Không có thay đổi nào.' : `Đã lưu phiên bản ${version} của thủ tục với tờ khai đã sửa. Hồ sơ nộp từ nay dùng tờ khai này.`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, x, correctedDefinition(x.t, checkFormCorrection(x.t, input).correction), form, err.fields)
      throw err
    }
  })
}
