import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Textarea, TextInput } from '../../platform/html/components/form.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { ProcedureDetail } from '../catalog/catalog.types.js'
import { checkResultTemplate, fillResult, resultPlaceholders } from '../catalog/result-template.js'
import { editableProcedure } from './catalog-admin.js'
import type { ContentPagesDeps } from './content.pages.js'

type Values = Record<string, string | undefined>
const BASE = '/can-bo/thu-tuc'
const urlOf = (p: ProcedureDetail) => `${BASE}/${encodeURIComponent(p.code)}/mau-ket-qua`

/** What the preview fills a placeholder with: what it stands for, in brackets. */
const sample = (p: ProcedureDetail) => Object.fromEntries(resultPlaceholders(p).map(x => [x.name, `[${x.label}]`]))

function TemplatePage ({ p, values, errors, preview }: { p: ProcedureDetail, values: Values, errors: FieldError[], preview?: { title: string, body: string[] } | undefined }) {
  const t = p.resultTemplate
  return (
    <>
      <a class='back-link' href={`${BASE}/${encodeURIComponent(p.code)}/thanh-phan`}>Thành phần hồ sơ, phí, lệ phí</a>
      <h1 class='heading-l'><span class='caption'>{p.code} – {p.name}</span> Mẫu văn bản kết quả</h1>
      <ErrorSummary errors={errors} />
      <p class='body'>Kết quả của thủ tục theo quyết định: {p.result || 'chưa ghi'}. Lãnh đạo phê duyệt có thể ban hành kết quả theo mẫu này (điền sẵn thông tin hồ sơ và tờ khai, ký số bằng chứng thư của cơ quan) thay vì tải lên văn bản soạn ở nơi khác. Mỗi lần lưu là một phiên bản của thủ tục và được ghi nhật ký.</p>
      <Form action={urlOf(p)}>
        <TextInput name='title' label='Tên văn bản (in hoa ở giữa trang)' value={values['title'] ?? t?.title} error={errorOf(errors, 'title')} />
        <Textarea name='body' label='Nội dung (mỗi đoạn một dòng; dòng bắt đầu bằng “- ” là một mục liệt kê)' rows={12} value={values['body'] ?? t?.body.join('\n')} error={errorOf(errors, 'body')}
          hint='Các trường trong ngoặc nhọn được điền từ hồ sơ khi ban hành; danh sách ở bảng bên dưới.' />
        <TextInput name='signerTitle' label='Chức danh người ký' hint='Ví dụ: Giám đốc, KT. Giám đốc – Phó Giám đốc. Để trống: Thủ trưởng cơ quan.' value={values['signerTitle'] ?? t?.signerTitle} error={errorOf(errors, 'signerTitle')} />
        <div class='button-group'>
          <button type='submit' class='button button--secondary' name='action' value='preview'>Xem trước</button>
          <Button>Lưu mẫu</Button>
        </div>
      </Form>
      {preview && (
        <section class='section' aria-labelledby='xem-truoc'>
          <h2 class='heading-m' id='xem-truoc'>Xem trước (chưa lưu)</h2>
          <div class='inset'>
            <p class='body'><strong>{preview.title.toUpperCase()}</strong></p>
            {preview.body.map((line, i) => <p class='body' key={i}>{line}</p>)}
          </div>
        </section>
      )}
      {t && <Form action={`${urlOf(p)}/xoa`}><Button secondary>Bỏ mẫu (lãnh đạo chỉ tải lên văn bản kết quả)</Button></Form>}
      <DataTable caption='Các trường dùng được' captionHidden={false} rows={resultPlaceholders(p)} rowKey={x => x.name} columns={[
        { label: 'Viết trong mẫu', cell: x => <code>{`{${x.name}}`}</code> },
        { label: 'Được điền bằng', cell: x => x.label }
      ]} />
    </>
  )
}

/**
 * `/can-bo/thu-tuc/{code}/mau-ket-qua`: a catalog administrator of the procedure writes the wording of its
 * result document (catalog/result-template.ts), previews it with the placeholders named, and saves it as a
 * version of the procedure (audited).
 */
export async function resultTemplatePages (app: FastifyInstance, { services, requireOfficial }: { services: ContentPagesDeps, requireOfficial: RequireOfficial }) {
  const { catalog, officials } = services
  const actor = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })
  const show = (reply: FastifyReply, p: ProcedureDetail, values: Values, errors: FieldError[], preview?: { title: string, body: string[] }) =>
    reply.page(<TemplatePage p={p} values={values} errors={errors} preview={preview} />,
      { title: `Mẫu văn bản kết quả: ${p.name}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(`${BASE}/:code/mau-ket-qua`, { preHandler: requireOfficial }, async (request, reply) =>
    show(reply, await editableProcedure({ officials, catalog }, request), {}, []))

  app.post(`${BASE}/:code/mau-ket-qua`, { preHandler: requireOfficial }, async (request, reply) => {
    const p = await editableProcedure({ officials, catalog }, request)
    const values = request.body as Values
    if (values['action'] === 'preview') {
      const { errors, template } = checkResultTemplate(p, values)
      const filled = sample(p)
      return show(reply, p, values, errors, { title: fillResult(template.title, filled), body: template.body.map(l => fillResult(l, filled)) })
    }
    try {
      const version = await catalog.setResultTemplate(actor(request), p.code, values)
      return reply.seeOther(urlOf(p), version === 0 ? 'Không có thay đổi nào.' : `Đã lưu mẫu văn bản kết quả (phiên bản ${version} của thủ tục).`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, p, values, err.fields)
      throw err
    }
  })

  app.post(`${BASE}/:code/mau-ket-qua/xoa`, { preHandler: requireOfficial }, async (request, reply) => {
    const p = await editableProcedure({ officials, catalog }, request)
    const version = await catalog.setResultTemplate(actor(request), p.code, { remove: true })
    return reply.seeOther(urlOf(p), version === 0 ? 'Thủ tục không có mẫu văn bản kết quả.' : 'Đã bỏ mẫu văn bản kết quả.')
  })
}
