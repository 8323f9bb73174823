import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WorkflowService } from './workflow.service.js'
import type { OfficialsService } from '../accounts/officials.service.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Textarea, TextInput } from '../../platform/html/components/form.js'
import { FORM_WORDING, type FormKey } from './form-wording.js'
import { allowedPlaceholders, type Wording } from './wording.js'

const BASE = '/can-bo/mau-van-ban'
const FORMS = Object.keys(FORM_WORDING) as FormKey[]
const isForm = (s: string): s is FormKey => (FORMS as string[]).includes(s)

function ListPage ({ items }: { items: Array<{ form: FormKey, w: Wording }> }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Mẫu văn bản</h1>
      <p class='body'>Nội dung các mẫu phiếu theo Thông tư 03/2025/TT-VPCP và văn bản trả lời. Quản trị có thể điều chỉnh câu chữ; các trường trong ngoặc nhọn được điền từ hồ sơ.</p>
      <ul class='list'>
        {items.map(({ form, w }) => <li key={form}><a href={`${BASE}/${form}`}>{w.number ? `${w.number}: ` : ''}{w.title}</a>{w.custom ? ' (đã điều chỉnh)' : ''}</li>)}
      </ul>
    </>
  )
}

function EditPage ({ form, w, errors, values }: { form: FormKey, w: Wording, errors: FieldError[], values: Record<string, string | undefined> }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  return (
    <>
      <a class='back-link' href={BASE}>Mẫu văn bản</a>
      <h1 class='heading-l'><span class='caption'>{w.number || 'Văn bản'}</span> {w.title}</h1>
      <ErrorSummary errors={errors} />
      <Form action={`${BASE}/${form}`}>
        <TextInput name='title' label='Tên mẫu' value={values['title'] ?? w.title} error={err('title')} />
        <Textarea name='body' label='Nội dung (mỗi đoạn một dòng; dòng bắt đầu bằng “- ” là một mục liệt kê)' rows={14} value={values['body'] ?? w.body.join('\n')} error={err('body')}
          hint={`Các trường dùng được: ${allowedPlaceholders(form).map(p => `{${p}}`).join(', ')}`} />
        <Button>Lưu mẫu</Button>
      </Form>
      {w.custom && <Form action={`${BASE}/${form}/mac-dinh`}><Button secondary>Dùng lại nội dung gốc</Button></Form>}
    </>
  )
}

/** `/can-bo/mau-van-ban`: system administrators adjust the wording of the forms; every change audited. */
export async function wordingPages (app: FastifyInstance, { services, requireOfficial }: { services: { workflow: WorkflowService, officials: OfficialsService }, requireOfficial: RequireOfficial }) {
  const { wording } = services.workflow
  const requireAdmin = async (request: FastifyRequest) => {
    await requireOfficial(request)
    if (!(await services.officials.provinceWide(request.official!, 'system_admin'))) throw new AppError('FORBIDDEN', 'form wording: province-wide system administrators only')
  }
  const formOf = (request: FastifyRequest) => {
    const f = (request.params as { form: string }).form
    if (!isForm(f)) throw new AppError('NOT_FOUND', 'no such form')
    return f
  }
  const actor = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[], values?: Record<string, string | undefined> } = {}) => {
    const form = formOf(request)
    const errors = extra.errors ?? []
    return reply.page(<EditPage form={form} w={await wording.get(form)} errors={errors} values={extra.values ?? {}} />,
      { title: 'Mẫu văn bản', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  app.get(BASE, { preHandler: requireAdmin }, async (_request, reply) =>
    reply.page(<ListPage items={await Promise.all(FORMS.map(async form => ({ form, w: await wording.get(form) })))} />, { title: 'Mẫu văn bản' }))
  app.get(`${BASE}/:form`, { preHandler: requireAdmin }, async (request, reply) => page(request, reply))
  app.post(`${BASE}/:form`, { preHandler: requireAdmin }, async (request, reply) => {
    const values = request.body as Record<string, string | undefined>
    try {
      await wording.set(actor(request), formOf(request), values)
      return reply.seeOther(`${BASE}/${formOf(request)}`, 'Đã lưu mẫu; các phiếu in từ nay dùng nội dung mới.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return page(request, reply, { errors: err.fields, values })
      throw err
    }
  })
  app.post(`${BASE}/:form/mac-dinh`, { preHandler: requireAdmin }, async (request, reply) => {
    await wording.reset(actor(request), formOf(request))
    return reply.seeOther(`${BASE}/${formOf(request)}`, 'Đã dùng lại nội dung gốc của mẫu.')
  })
}
