import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Form } from '../../platform/html/components/form.js'
import type { FieldError } from '../../platform/http/errors.js'
import type { Answers, FormDefinition } from '../catalog/eforms/definition.js'
import { DeclarationFields } from './views/declaration-form.js'
import { requireCitizen } from '../accounts/session.js'
import type { DossiersService } from './dossiers.service.js'
import { draftUrl } from './views/JourneyPages.js'

function DeclarationPage ({ action, back, component, definition, answers, errors, prefilled }: { action: string, back: string, component: string, definition: FormDefinition, answers: Answers, errors: FieldError[], prefilled: boolean }) {
  return (
    <>
      <a class='back-link' href={back}>Thành phần hồ sơ</a>
      <ErrorSummary errors={errors} />
      <span class='caption'>Khai trực tuyến: {component}</span>
      <h1 class='heading-l'>{definition.title}</h1>
      <p class='body'>Điền tờ khai ngay trên trang này thay cho việc in, ký và chụp lại. {prefilled ? 'Các ô đã điền sẵn từ thông tin người nộp và tờ khai bạn đã khai trước đây; hãy kiểm tra lại. ' : ''}Khi lưu, Cổng tạo tệp PDF đúng mẫu với nội dung bạn khai và đưa vào thành phần hồ sơ.</p>
      <Form action={action}>
        <DeclarationFields definition={definition} answers={answers} errors={errors} />
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
