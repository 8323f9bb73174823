import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../../platform/http/errors.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { Button, Form, TextInput } from '../../../platform/html/components/form.js'
import { DataTable } from '../../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../../platform/vn-time.js'
import type { SearchService } from './search.service.js'

export const SYNONYMS_PATH = '/can-bo/tu-dong-nghia'
type Synonyms = Awaited<ReturnType<SearchService['listSynonyms']>>
type Misses = Awaited<ReturnType<SearchService['misses']>>

function SynonymsPage ({ synonyms, misses, values, errors }: { synonyms: Synonyms, misses: Misses, values: Record<string, string | undefined>, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Từ đồng nghĩa cho tìm kiếm thủ tục</h1>
      <p class='body'>Người dân gọi thủ tục theo cách của mình ("bằng lái", "đăng kiểm", "xe xúc"). Mỗi cặp dưới đây cho công cụ tìm kiếm biết một cách gọi thường ngày tương ứng với cách viết trong danh mục; thay đổi có hiệu lực ngay (trong vài giây) và được ghi nhật ký. Chữ có dấu hay không dấu đều được.</p>
      <section class='section' aria-labelledby='them'>
        <h2 class='heading-m' id='them'>Thêm cặp từ đồng nghĩa</h2>
        <Form action={SYNONYMS_PATH}>
          <TextInput name='phrase' label='Cách người dân thường gọi' hint='Ví dụ: bằng lái' value={values['phrase']} error={errorOf(errors, 'phrase')} />
          <TextInput name='means' label='Cách viết trong danh mục thủ tục' hint='Ví dụ: giấy phép lái xe' value={values['means']} error={errorOf(errors, 'means')} />
          <TextInput name='note' label='Ghi chú (không bắt buộc)' value={values['note']} error={errorOf(errors, 'note')} />
          <Button>Thêm</Button>
        </Form>
      </section>
      <section class='section' aria-labelledby='tim-khong-thay'>
        <h2 class='heading-m' id='tim-khong-thay'>Tìm kiếm chưa hiệu quả (30 ngày)</h2>
        <p class='body'>Các từ khóa không có kết quả, hoặc có kết quả nhưng không ai mở: thường là thiếu một cặp từ đồng nghĩa. Từ khóa đã bỏ dấu, bỏ số dài (số định danh, điện thoại) và địa chỉ thư điện tử.</p>
        {misses.length === 0
          ? <p class='body'>Chưa có từ khóa nào.</p>
          : <DataTable caption='Từ khóa tìm kiếm chưa hiệu quả' rows={misses} rowKey={m => m.query} columns={[
            { label: 'Từ khóa', cell: m => <a href={`/thu-tuc?q=${encodeURIComponent(m.query)}`}>{m.query}</a> },
            { label: 'Lượt tìm', cell: m => String(m.searches) },
            { label: 'Không có kết quả', cell: m => String(m.empty) },
            { label: 'Lượt mở kết quả', cell: m => String(m.opened) }
          ]} />}
      </section>
      <section class='section' aria-labelledby='danh-sach'>
        <h2 class='heading-m' id='danh-sach'>Các cặp từ đồng nghĩa ({synonyms.length})</h2>
        <DataTable caption='Các cặp từ đồng nghĩa' rows={synonyms} rowKey={s => String(s.id)} columns={[
          { label: 'Người dân gọi', cell: s => s.phrase },
          { label: 'Danh mục viết', cell: s => s.means },
          { label: 'Người thêm', cell: s => <>{s.createdByName ?? '—'}<br /><span class='hint'>{formatInstant(s.createdAt)}</span>{s.note ? <><br /><span class='hint'>{s.note}</span></> : null}</> },
          { label: 'Xóa', cell: s => <Form action={`${SYNONYMS_PATH}/${s.id}/xoa`}><Button secondary>Xóa<span class='visually-hidden'> cặp “{s.phrase}” – “{s.means}”</span></Button></Form> }
        ]} />
      </section>
    </>
  )
}

/**
 * The synonyms page for catalog administrators (issue 21): the pairs, a form to add one, a button to
 * remove one, and the searches that found nothing useful. Who may use it and who they are come from
 * the back office (`isCatalogAdmin`, `actor`).
 */
export async function searchPages (app: FastifyInstance, o: {
  search: SearchService
  requireOfficial: (request: FastifyRequest, reply?: FastifyReply) => Promise<unknown>
  isCatalogAdmin: (request: FastifyRequest) => Promise<boolean>
  actor: (request: FastifyRequest) => { type: 'official', id: string, name: string }
}) {
  const { search, requireOfficial } = o
  const admin = async (request: FastifyRequest) => {
    if (!(await o.isCatalogAdmin(request))) throw new AppError('FORBIDDEN', 'synonyms: catalog administrators only')
  }
  const show = async (reply: FastifyReply, values: Record<string, string | undefined> = {}, errors: FieldError[] = []) =>
    reply.page(<SynonymsPage synonyms={await search.listSynonyms()} misses={await search.misses()} values={values} errors={errors} />,
      { title: 'Từ đồng nghĩa cho tìm kiếm thủ tục', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(SYNONYMS_PATH, { preHandler: requireOfficial }, async (request, reply) => { await admin(request); return show(reply) })
  app.post(SYNONYMS_PATH, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const form = (request.body ?? {}) as { phrase?: string, means?: string, note?: string }
    try {
      await search.addSynonym(o.actor(request), form)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, form, err.fields)
      throw err
    }
    return reply.seeOther(SYNONYMS_PATH, `Đã thêm: “${form.phrase?.trim()}” tương ứng “${form.means?.trim()}”.`)
  })
  app.post(`${SYNONYMS_PATH}/:id/xoa`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const raw = (request.params as { id: string }).id
    await search.removeSynonym(o.actor(request), /^\d{1,15}$/.test(raw) ? Number(raw) : NaN)
    return reply.seeOther(SYNONYMS_PATH, 'Đã xóa cặp từ đồng nghĩa.')
  })
}
