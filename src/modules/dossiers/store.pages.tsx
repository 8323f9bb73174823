import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Form } from '../../platform/html/components/form.js'
import { DataTable, Tag } from '../../platform/html/components/layout-parts.js'
import { AppError } from '../../platform/http/errors.js'
import { dmy, formatInstant } from '../../platform/vn-time.js'
import { requireCitizen } from '../accounts/session.js'
import { downloadHeaders } from '../files/files.service.js'
import { formatSize } from '../files/sniff.js'
import type { DossiersService } from './dossiers.service.js'
import { SHARE_DAYS_MAX, type StoreDocument } from './use-cases/store.js'
import { dossierUrl } from './views/DossierPages.js'
import { when } from './views/parts.js'

const PATH = '/ca-nhan/kho-du-lieu'
const SOURCE: Record<number, string> = { 1: 'Tải lên hoặc số hóa', 2: 'Dùng lại thành phần hồ sơ khác', 3: 'Dùng lại kết quả hồ sơ khác' }

function StorePage ({ docs, shared }: { docs: StoreDocument[], shared?: { doc: StoreDocument, url: string, until: Date } | undefined }) {
  return (
    <>
      <a class='back-link' href='/ca-nhan'>Trang cá nhân</a>
      <h1 class='heading-l'>Kho dữ liệu của tôi</h1>
      <p class='body'>Kết quả giải quyết đã cấp cho bạn và giấy tờ bạn đã nộp được cơ quan tiếp nhận. Khi nộp hồ sơ mới, Cổng đề nghị dùng lại các giấy tờ này thay vì tải lên lại.</p>
      {shared && (
        <div class='notice' role='status'>
          <p>Đường liên kết chia sẻ “{shared.doc.name}”, mở được đến {formatInstant(shared.until)}; ai có liên kết đều xem được giấy tờ này:</p>
          <p><a href={shared.url}>{shared.url}</a></p>
        </div>
      )}
      {docs.length === 0
        ? <p class='body'>Kho chưa có giấy tờ nào. Giấy tờ vào kho khi hồ sơ của bạn được tiếp nhận và khi có kết quả.</p>
        : <DataTable caption='Giấy tờ trong kho' captionHidden={false} rows={docs} rowKey={d => String(d.entryId)} columns={[
          { label: 'Giấy tờ', cell: d => <><a href={`${PATH}/${d.entryId}/tai-ve`}>{d.name}</a><br /><span class='hint'>{d.file.name}, {formatSize(d.file.size)}{d.signedId && <> · <a href={`/xac-thuc/${d.signedId}`}>đã ký số, kiểm tra</a></>}</span></> },
          { label: 'Thủ tục, hồ sơ', cell: d => <>{d.procedure.name}<br /><a href={dossierUrl(d.dossierCode)}>{d.dossierCode}</a></> },
          { label: 'Ngày cấp, ngày tiếp nhận', cell: d => when(d.issuedAt) },
          { label: 'Hiệu lực', cell: d => d.validUntil === null ? 'Không ghi thời hạn' : d.expired ? <Tag kind='red'>Hết hiệu lực từ {dmy(d.validUntil)}</Tag> : `Đến hết ngày ${dmy(d.validUntil)}` },
          { label: 'Nguồn', cell: d => SOURCE[d.digitisation] ?? '' },
          {
            label: 'Thao tác',
            cell: d => (
              <>
                <Form action={`${PATH}/${d.entryId}/chia-se`}>
                  <label class='label' for={`days-${d.entryId}`}>Chia sẻ trong</label>
                  <select class='select' id={`days-${d.entryId}`} name='days'>
                    {[1, 7, SHARE_DAYS_MAX].map(n => <option key={n} value={String(n)}>{n} ngày</option>)}
                  </select>
                  <button type='submit' class='button button--secondary'>Tạo liên kết chia sẻ</button>
                </Form>
                <Form action={`${PATH}/${d.entryId}/xoa`}>
                  <button type='submit' class='link-button'>Xóa khỏi kho<span class='visually-hidden'> {d.name}</span></button>
                </Form>
              </>
            )
          }
        ]} />}
    </>
  )
}

/** `/ca-nhan/kho-du-lieu`: the citizen's electronic document store; shared links open without signing in. */
export async function storePages (app: FastifyInstance, { dossiers, publicUrl }: { dossiers: Pick<DossiersService, 'storeDocuments' | 'readStoreDocument' | 'removeFromStore' | 'shareStoreDocument' | 'openShared'>, publicUrl: () => string }) {
  const me = (request: FastifyRequest) => request.account!.id
  const entry = (request: FastifyRequest) => Number((request.params as { id: string }).id)

  app.get(PATH, { preHandler: requireCitizen }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(<StorePage docs={await dossiers.storeDocuments(me(request))} />, { title: 'Kho dữ liệu của tôi' }))

  app.get(`${PATH}/:id/tai-ve`, { preHandler: requireCitizen }, async (request, reply) => {
    const { file, data } = await dossiers.readStoreDocument(me(request), entry(request))
    return reply.headers(downloadHeaders(file)).send(data)
  })

  app.post(`${PATH}/:id/chia-se`, { preHandler: requireCitizen }, async (request, reply) => {
    const days = Number((request.body as { days?: string }).days)
    const { token, until, doc } = await dossiers.shareStoreDocument(me(request), entry(request), Number.isInteger(days) ? days : 0)
    return reply.header('cache-control', 'no-store').page(<StorePage docs={await dossiers.storeDocuments(me(request))} shared={{ doc, url: `${publicUrl()}/kho-du-lieu/chia-se/${token}`, until }} />, { title: 'Kho dữ liệu của tôi' })
  })

  app.post(`${PATH}/:id/xoa`, { preHandler: requireCitizen }, async (request, reply) => {
    const doc = await dossiers.removeFromStore(me(request), entry(request))
    return reply.seeOther(PATH, `Đã xóa “${doc.name}” khỏi kho dữ liệu. Hồ sơ ${doc.dossierCode} vẫn giữ giấy tờ này.`)
  })

  // A shared link: the document itself, while the link is unexpired and the document still in its owner's store.
  app.get('/kho-du-lieu/chia-se/:token', async (request, reply) => {
    const token = (request.params as { token: string }).token
    const { file, data } = await dossiers.openShared(token).catch((err: unknown) => {
      if (err instanceof AppError && err.detail === 'link expired') throw new AppError('NOT_FOUND', 'Liên kết chia sẻ đã hết hạn.')
      throw err
    })
    return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').headers(downloadHeaders(file)).send(data)
  })
}
