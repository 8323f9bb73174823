import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, TextInput } from '../../platform/html/components/form.js'
import { DataTable, SummaryList } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { AuditService } from '../audit/audit.service.js'
import type { FilesService } from '../files/files.service.js'
import type { Db } from '../../platform/db/db.js'
import type { NationalService } from './national.service.js'

const PATH = '/can-bo/dong-bo'
type Overview = Awaited<ReturnType<NationalService['overview']>>
type Reconciled = Awaited<ReturnType<NationalService['reconcile']>>
type Inbox = Awaited<ReturnType<NationalService['inbox']>>
type Changes = Awaited<ReturnType<NationalService['catalogChanges']>>
const CATALOG = '/can-bo/danh-muc-quoc-gia'

function CatalogChangesPage ({ changes, values, errors }: { changes: Changes, values: Record<string, string | undefined>, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Thay đổi từ Cơ sở dữ liệu quốc gia về thủ tục hành chính</h1>
      <p class='body'>Khi thủ tục trên Cơ sở dữ liệu quốc gia khác với danh mục của tỉnh, thay đổi chờ ở đây. Áp dụng tạo một phiên bản mới của thủ tục; hồ sơ đang giải quyết giữ phiên bản của mình. Không áp dụng thì ghi lý do.</p>
      <Form action={`${CATALOG}/lay-ngay`}><Button secondary>Lấy thay đổi ngay</Button></Form>
      {changes.length === 0
        ? <p class='body'>Không có thay đổi nào chờ xử lý.</p>
        : changes.map(c => (
          <section class='section' key={String(c.id)} aria-labelledby={`tt-${c.id}`}>
            <h2 class='heading-m' id={`tt-${c.id}`}>Thủ tục {c.procedureCode} <span class='caption'>nhận lúc {formatInstant(c.receivedAt)}</span></h2>
            <DataTable caption={`Khác biệt của thủ tục ${c.procedureCode}`} rows={c.differences} rowKey={d => d.field} columns={[
              { label: 'Nội dung', cell: d => d.label },
              { label: 'Danh mục của tỉnh', cell: d => d.ours },
              { label: 'Cơ sở dữ liệu quốc gia', cell: d => d.theirs }
            ]} />
            <Form action={`${CATALOG}/${c.id}`}>
              <TextInput name={`reason-${c.id}`} label='Ghi chú hoặc lý do không áp dụng' value={values[`reason-${c.id}`]} error={errorOf(errors, `reason-${c.id}`)} />
              <div class='button-group'>
                <button type='submit' class='button' name='decision' value='apply'>Áp dụng<span class='visually-hidden'> thay đổi của thủ tục {c.procedureCode}</span></button>
                <button type='submit' class='button button--secondary' name='decision' value='reject'>Không áp dụng<span class='visually-hidden'> thay đổi của thủ tục {c.procedureCode}</span></button>
              </div>
            </Form>
          </section>
        ))}
    </>
  )
}

function SyncPage ({ o, inbox, reconciled, values, errors }: { o: Overview, inbox: Inbox, reconciled?: Reconciled | undefined, values: Record<string, string | undefined>, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia</h1>
      {!o.enabled && <p class='body'>Chưa bật đồng bộ: đặt <code>DVCQG_URL</code> (và thông tin xác thực) trong cấu hình. Khi chưa bật, không hồ sơ nào được xếp hàng.</p>}
      <SummaryList rows={[
        ['Địa chỉ Cổng quốc gia', o.url || '—'],
        ['Chờ đồng bộ', `${o.pending.toLocaleString('vi-VN')} hồ sơ`],
        ['Đã đồng bộ', `${o.ok.toLocaleString('vi-VN')} hồ sơ`],
        ['Lỗi (chờ xử lý)', `${o.failed.toLocaleString('vi-VN')} hồ sơ`],
        ['Độ trễ', o.pending === 0 ? 'Không có hồ sơ chờ' : `hồ sơ chờ lâu nhất ${o.lagSeconds.toLocaleString('vi-VN')} giây`]
      ]} />
      <h2 class='heading-m'>Đồng bộ lại một hồ sơ</h2>
      <Form action={`${PATH}/day-lai`}>
        <TextInput name='code' label='Mã hồ sơ' value={values['code']} error={errorOf(errors, 'code')} />
        <Button>Đồng bộ lại</Button>
      </Form>
      <h2 class='heading-m'>Hồ sơ đồng bộ lỗi</h2>
      {o.failedRows.length === 0
        ? <p class='body'>Không có hồ sơ lỗi.</p>
        : (
          <>
            <DataTable caption='Hồ sơ đồng bộ lỗi, mới nhất trước' rows={o.failedRows} rowKey={r => r.code!} columns={[
              { label: 'Mã hồ sơ', cell: r => <a href={`/can-bo/ho-so/${encodeURIComponent(r.code!)}`}>{r.code}</a> },
              { label: 'Số lần thử', cell: r => String(r.attempts) },
              { label: 'Lỗi lần cuối', cell: r => r.lastError ?? '—' },
              { label: 'Lúc', cell: r => formatInstant(r.updatedAt) }
            ]} />
            <Form action={`${PATH}/day-lai-loi`}><Button secondary>Đồng bộ lại tất cả hồ sơ lỗi</Button></Form>
          </>
          )}
      <h2 class='heading-m'>Hồ sơ nộp trên Cổng quốc gia chưa nhận được</h2>
      <p class='body'>Hồ sơ công dân nộp trên Cổng Dịch vụ công quốc gia được lấy về mỗi phút và vào hàng chờ tiếp nhận. Hồ sơ không lấy về được nằm ở đây với lý do, chờ cán bộ xử lý (ví dụ nhập tại quầy và báo cho công dân).</p>
      <Form action={`${PATH}/lay-ho-so`}><Button secondary>Lấy hồ sơ ngay</Button></Form>
      {inbox.length === 0
        ? <p class='body'>Không có hồ sơ nào chờ xử lý.</p>
        : <DataTable caption='Hồ sơ chưa nhận được, mới nhất trước' rows={inbox} rowKey={r => r.nationalCode} columns={[
          { label: 'Mã trên Cổng quốc gia', cell: r => r.nationalCode },
          { label: 'Lấy về lúc', cell: r => formatInstant(r.pulledAt) },
          { label: 'Lý do', cell: r => r.reason },
          { label: 'Xử lý', cell: r => <Form action={`${PATH}/da-xu-ly`}><input type='hidden' name='nationalCode' value={r.nationalCode} /><Button secondary>Đã xử lý<span class='visually-hidden'> hồ sơ {r.nationalCode}</span></Button></Form> }
        ]} />}
      <h2 class='heading-m'>Đối chiếu</h2>
      <p class='body'>So sánh trạng thái Cổng quốc gia đang giữ với sổ hồ sơ của hệ thống (200 hồ sơ đồng bộ gần nhất).</p>
      <Form action={`${PATH}/doi-chieu`}><Button secondary>Đối chiếu</Button></Form>
      {reconciled && (reconciled.differences.length === 0
        ? <p class='body'>Đã đối chiếu {reconciled.checked} hồ sơ: không có chênh lệch.</p>
        : <DataTable caption={`Chênh lệch sau khi đối chiếu ${reconciled.checked} hồ sơ`} captionHidden={false} rows={reconciled.differences} rowKey={d => d.code} columns={[
          { label: 'Mã hồ sơ', cell: d => d.code },
          { label: 'Hệ thống', cell: d => d.ours },
          { label: 'Cổng quốc gia', cell: d => d.theirs }
        ]} />)}
    </>
  )
}

/**
 * `/can-bo/dong-bo` for province-wide system administrators: the sync's state, re-pushing one dossier or
 * every failed one, and a reconciliation with the national side. And `/api/v1/dvcqg/tep/:id`: a file the
 * national portal fetches by the signed, expiring address the push gave it (each fetch audited).
 */
export async function nationalPages (app: FastifyInstance, { sync, files, db, audit, isProvinceAdmin, isCatalogAdmin, requireOfficial }: { sync: NationalService, files: FilesService, db: Db, audit: AuditService, isProvinceAdmin: (request: FastifyRequest) => Promise<boolean>, isCatalogAdmin: (request: FastifyRequest) => Promise<boolean>, requireOfficial: RequireOfficial }) {
  const admin = async (request: FastifyRequest) => {
    if (!(await isProvinceAdmin(request))) throw new AppError('FORBIDDEN', 'national sync: province system administrators only')
  }
  const show = async (reply: FastifyReply, values: Record<string, string | undefined> = {}, errors: FieldError[] = [], reconciled?: Reconciled) =>
    reply.page(<SyncPage o={await sync.overview()} inbox={await sync.inbox()} reconciled={reconciled} values={values} errors={errors} />, { title: 'Đồng bộ với Cổng Dịch vụ công quốc gia', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  const actor = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })

  app.get(PATH, { preHandler: requireOfficial }, async (request, reply) => { await admin(request); return show(reply) })
  app.post(`${PATH}/day-lai`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const form = request.body as { code?: string }
    try {
      await sync.repush(actor(request), form.code ?? '')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, form, err.fields)
      throw err
    }
    return reply.seeOther(PATH, `Đã xếp hồ sơ ${form.code?.trim()} để đồng bộ lại.`)
  })
  app.post(`${PATH}/day-lai-loi`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const n = await sync.repushFailed(actor(request))
    return reply.seeOther(PATH, `Đã xếp ${n} hồ sơ lỗi để đồng bộ lại.`)
  })
  app.post(`${PATH}/lay-ho-so`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const r = await sync.pull().catch((err: Error) => { request.log.warn({ err }, 'national pull failed'); return undefined })
    return reply.seeOther(PATH, r ? `Đã lấy ${r.taken} hồ sơ mới; ${r.setAside} hồ sơ chưa nhận được; ${r.known} hồ sơ đã có.` : 'Không kết nối được Cổng quốc gia; hệ thống sẽ thử lại sau.')
  })
  app.post(`${PATH}/da-xu-ly`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    const code = String((request.body as { nationalCode?: string }).nationalCode ?? '')
    await sync.dismiss({ type: 'official', id: request.official!.id }, code)
    return reply.seeOther(PATH, `Đã đánh dấu hồ sơ ${code} là đã xử lý.`)
  })
  app.post(`${PATH}/doi-chieu`, { preHandler: requireOfficial }, async (request, reply) => {
    await admin(request)
    return show(reply, {}, [], await sync.reconcile(actor(request)))
  })

  // The national procedure database's changes, for catalog administrators.
  const catalogAdmin = async (request: FastifyRequest) => {
    if (!(await isCatalogAdmin(request))) throw new AppError('FORBIDDEN', 'national catalog changes: catalog administrators only')
  }
  const showChanges = async (reply: FastifyReply, values: Record<string, string | undefined> = {}, errors: FieldError[] = []) =>
    reply.page(<CatalogChangesPage changes={await sync.catalogChanges()} values={values} errors={errors} />, { title: 'Thay đổi từ Cơ sở dữ liệu quốc gia về thủ tục hành chính', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  app.get(CATALOG, { preHandler: requireOfficial }, async (request, reply) => { await catalogAdmin(request); return showChanges(reply) })
  app.post(`${CATALOG}/lay-ngay`, { preHandler: requireOfficial }, async (request, reply) => {
    await catalogAdmin(request)
    const r = await sync.pullCatalog().catch((err: Error) => { request.log.warn({ err }, 'national catalog feed failed'); return undefined })
    return reply.seeOther(CATALOG, r ? `Đã đọc ${r.read} bản ghi; ${r.waiting} thay đổi chờ xử lý.` : 'Không kết nối được Cơ sở dữ liệu quốc gia; hệ thống sẽ thử lại sau.')
  })
  app.post(`${CATALOG}/:id`, { preHandler: requireOfficial }, async (request, reply) => {
    await catalogAdmin(request)
    const raw = (request.params as { id: string }).id
    if (!/^\d{1,15}$/.test(raw)) throw new AppError('NOT_FOUND', 'no such change')
    const id = Number(raw)
    const form = request.body as Record<string, string | undefined>
    try {
      const r = await sync.decideCatalogChange({ type: 'official', id: request.official!.id }, id, form['decision'] === 'apply', form[`reason-${id}`] ?? '')
      return reply.seeOther(CATALOG, form['decision'] === 'apply' ? `Đã áp dụng thay đổi của thủ tục ${r.code}${r.version > 0 ? ` (phiên bản ${r.version})` : ''}.` : `Đã ghi không áp dụng thay đổi của thủ tục ${r.code}.`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return showChanges(reply, form, err.fields)
      throw err
    }
  })

  app.get('/api/v1/dvcqg/tep/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    const q = request.query as { 'het-han'?: string, 'chu-ky'?: string }
    if (!/^[0-9a-f-]{36}$/.test(id) || !sync.checkFileUrl(id, q['het-han'], q['chu-ky'])) throw new AppError('NOT_FOUND', 'no such file link')
    const { file, data } = await files.read(id)
    await db.transaction(trx => audit.record(trx, { actor: { type: 'system', id: null }, action: 'national.file.fetch', targetType: 'file', targetId: id, details: { ip: request.ip } }))
    return reply.type(file.mediaType).header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${encodeURIComponent(file.name)}"`).send(data)
  })
}
