import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, TextInput } from '../../platform/html/components/form.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { DossiersService } from './dossiers.service.js'
import { resultName } from './use-cases/store.js'

export const EQUIVALENCES_PATH = '/can-bo/ket-qua-thay-the'
type Rows = Awaited<ReturnType<DossiersService['listEquivalences']>>
type Values = Record<string, string | undefined>

function EquivalencesPage ({ rows, values, errors }: { rows: Rows, values: Values, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Kết quả dùng thay giấy tờ</h1>
      <p class='body'>Kết quả giải quyết của một thủ tục (ví dụ Giấy chứng nhận lưu hành) có thể thay một thành phần hồ sơ của thủ tục khác. Khi người dân nộp hồ sơ, thành phần có tên chứa cụm từ dưới đây được đề nghị dùng lại kết quả đó từ kho dữ liệu của họ, thay vì tải lên bản chụp.</p>
      <section class='section' aria-labelledby='them'>
        <h2 class='heading-m' id='them'>Thêm</h2>
        <Form action={EQUIVALENCES_PATH}>
          <TextInput name='procedure' label='Mã thủ tục có kết quả dùng thay' hint='Ví dụ: 1.004325.000.00.00.H34' value={values['procedure']} error={errorOf(errors, 'procedure')} />
          <TextInput name='phrase' label='Tên giấy tờ được thay (cụm từ trong tên thành phần hồ sơ)' hint='Ví dụ: giấy chứng nhận lưu hành. Có dấu hay không dấu đều được.' value={values['phrase']} error={errorOf(errors, 'phrase')} />
          <Button>Thêm</Button>
        </Form>
      </section>
      <section class='section' aria-labelledby='danh-sach'>
        <h2 class='heading-m' id='danh-sach'>Đang áp dụng ({rows.length})</h2>
        {rows.length === 0
          ? <p class='body'>Chưa có kết quả nào được dùng thay giấy tờ.</p>
          : <DataTable caption='Kết quả dùng thay giấy tờ' rows={rows} rowKey={r => String(r.id)} columns={[
            { label: 'Kết quả của thủ tục', cell: r => <>{resultName(r.result)}<br /><span class='hint'>{r.procedureName ?? 'thủ tục không còn trong danh mục'} ({r.resultProcedureCode})</span></> },
            { label: 'Thay giấy tờ', cell: r => r.componentPhrase },
            { label: 'Người thêm', cell: r => <>{r.createdBy}<br /><span class='hint'>{formatInstant(r.createdAt)}</span></> },
            { label: 'Xóa', cell: r => <Form action={`${EQUIVALENCES_PATH}/${r.id}/xoa`}><Button secondary>Xóa<span class='visually-hidden'> “{r.componentPhrase}”</span></Button></Form> }
          ]} />}
      </section>
    </>
  )
}

/** The table of results that stand in for components, for catalog administrators (audited). */
export async function equivalencesPages (app: FastifyInstance, o: {
  dossiers: Pick<DossiersService, 'listEquivalences' | 'addEquivalence' | 'removeEquivalence'>
  requireOfficial: (request: FastifyRequest, reply?: FastifyReply) => Promise<unknown>
  isCatalogAdmin: (request: FastifyRequest) => Promise<boolean>
  actor: (request: FastifyRequest) => { type: 'official', id: string, name: string }
}) {
  const admin = async (request: FastifyRequest) => {
    if (!(await o.isCatalogAdmin(request))) throw new AppError('FORBIDDEN', 'equivalences: catalog administrators only')
  }
  const show = async (reply: FastifyReply, values: Values = {}, errors: FieldError[] = []) =>
    reply.page(<EquivalencesPage rows={await o.dossiers.listEquivalences()} values={values} errors={errors} />,
      { title: 'Kết quả dùng thay giấy tờ', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(EQUIVALENCES_PATH, { preHandler: o.requireOfficial }, async (request, reply) => { await admin(request); return show(reply) })
  app.post(EQUIVALENCES_PATH, { preHandler: o.requireOfficial }, async (request, reply) => {
    await admin(request)
    const form = (request.body ?? {}) as Values
    try {
      await o.dossiers.addEquivalence(o.actor(request), form)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, form, err.fields)
      throw err
    }
    return reply.seeOther(EQUIVALENCES_PATH, `Đã thêm: kết quả của thủ tục ${form['procedure']?.trim()} dùng thay “${form['phrase']?.trim()}”.`)
  })
  app.post(`${EQUIVALENCES_PATH}/:id/xoa`, { preHandler: o.requireOfficial }, async (request, reply) => {
    await admin(request)
    const raw = (request.params as { id: string }).id
    await o.dossiers.removeEquivalence(o.actor(request), /^\d{1,15}$/.test(raw) ? Number(raw) : NaN)
    return reply.seeOther(EQUIVALENCES_PATH, 'Đã xóa.')
  })
}
