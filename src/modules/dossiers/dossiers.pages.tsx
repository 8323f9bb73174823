import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DossiersService } from './dossiers.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { FilesService } from '../files/files.service.js'
import type { PaymentsService } from '../payments/payments.service.js'
import type { SiteService } from '../site/site.service.js'
import type { CaptchaService } from '../accounts/captcha.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { requireCitizen } from '../accounts/session.js'
import { readUploads } from '../../platform/http/uploads.js'
import { ErrorPage } from '../../platform/http/error-handlers.js'
import { addressFields, personFields, type Delivery, type Person } from './dossier-form.js'
import { deliveryOptions } from './model.js'
import { submissionPdf } from './receipt-pdf.js'
import { isDossierStatus, type DossierStatus } from './status.js'
import { AgencyPage, ComponentsPage, DeliveryPage, draftUrl, PartiesPage, ReviewPage, StartPage, stepsOf } from './views/JourneyPages.js'
import { DossierListPage, DossierPage, dossierUrl, NoticesPage } from './views/DossierPages.js'
import { LookupPage } from './views/LookupPage.js'
import { downloadHeaders } from '../files/files.service.js'
import { pageNumber } from '../../platform/http/page-number.js'
import { chosen } from '../files/bytes.js'

type Body = Record<string, string | undefined>
const PAGE_SIZE = 20

/** Validation errors are shown on the page; anything else goes to the error handler. */
function fieldsOf (err: unknown): FieldError[] {
  if (err instanceof AppError && (err.code === 'VALIDATION' || err.code === 'UPSTREAM_UNAVAILABLE') && err.fields) return err.fields
  throw err
}
/** The status of a page shown again with an error beside its field: refused input, or (503) storage away for now, to send again. */
const statusOfErrors = (err: unknown) => err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE' ? 503 : 422

/** What the citizen's dossier pages use. */
/** The field of an upload error that concerns the whole form; shown beside the first component. */
const ANY_COMPONENT = 'tp-'

export interface DossiersPagesDeps {
  dossiers: DossiersService
  catalog: CatalogService
  files: FilesService
  payments: PaymentsService
  site: SiteService
  captcha: CaptchaService
  config: { PUBLIC_URL: string, MAX_FILE_MB: number }
}

export async function dossiersPages (app: FastifyInstance, { services }: { services: DossiersPagesDeps }) {
  const { dossiers, catalog, config } = services
  const me = (request: FastifyRequest) => request.account!.id
  const from = (request: FastifyRequest) => (request.query as { tu?: string }).tu
  const after = (request: FastifyRequest, d: { id: string }, step: string, stepsList: string[]) => {
    if (from(request) === 'kiem-tra') return draftUrl(d, 'kiem-tra')
    return draftUrl(d, stepsList[stepsList.indexOf(step) + 1] ?? 'kiem-tra')
  }
  const draftOf = (request: FastifyRequest) => dossiers.draft(me(request), (request.params as { id: string }).id)
  // A draft's page opened after it was submitted (the browser's Back, a bookmark) answers CONFLICT: it
  // leads to the dossier instead. Looked up only then; any other error goes on to the app's handler.
  app.setErrorHandler(async (err, request, reply) => {
    const m = err instanceof AppError && err.code === 'CONFLICT' && request.method === 'GET' && request.account ? /^\/nop-ho-so\/([0-9a-f-]{36})\//.exec(request.url) : null
    const code = m ? await dossiers.submittedCode(me(request), m[1]!) : undefined
    if (code) return reply.redirect(dossierUrl(code), 303)
    throw err
  })

  // --- Start -------------------------------------------------------------------------------------
  app.get('/thu-tuc/:code/nop-ho-so', { preHandler: requireCitizen }, async (request, reply) => {
    const p = await catalog.getProcedure((request.params as { code: string }).code)
    if (p.onlineLevel === 'none') {
      return reply.page(<ErrorPage title='Thủ tục chưa nhận hồ sơ trực tuyến' message={`Thủ tục này chưa được cung cấp trực tuyến. Bạn có thể nộp hồ sơ trực tiếp hoặc qua bưu chính tại: ${p.agencies.receiving.map(a => a.name).join('; ') || p.place}.`} />, { title: 'Thủ tục chưa nhận hồ sơ trực tuyến' })
    }
    return reply.page(<StartPage p={p} drafts={await dossiers.drafts(me(request), p.code)} />, { title: `Nộp hồ sơ: ${p.name}` })
  })

  app.post('/thu-tuc/:code/nop-ho-so', { preHandler: requireCitizen }, async (request, reply) => {
    try {
      const id = await dossiers.startDraft(me(request), (request.params as { code: string }).code)
      return reply.redirect(`/nop-ho-so/${id}/nguoi-nop`, 303)
    } catch (err) {
      if (err instanceof AppError && (err.code === 'FORBIDDEN' || err.code === 'CONFLICT')) {
        return reply.page(<ErrorPage title='Chưa nộp được hồ sơ trực tuyến' message={err.detail ?? ''} />, { title: 'Chưa nộp được hồ sơ trực tuyến', status: err.code === 'FORBIDDEN' ? 403 : 409 })
      }
      throw err
    }
  })

  // --- Step 1: parties -----------------------------------------------------------------------------
  const partiesValues = (d: Awaited<ReturnType<typeof draftOf>>) => ({
    ...personFields(d.submitter as Person, 's-'),
    ...(d.onBehalf ? personFields(d.applicant as Person, 'a-') : {}),
    onBehalf: d.stepsDone.includes('nguoi-nop') ? (d.onBehalf ? 'yes' : 'no') : 'no'
  })
  app.get('/nop-ho-so/:id/nguoi-nop', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    return reply.page(<PartiesPage d={d} values={partiesValues(d)} errors={[]} from={from(request)} />, { title: 'Thông tin người nộp hồ sơ' })
  })
  app.post('/nop-ho-so/:id/nguoi-nop', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    const body = request.body as Body
    try {
      await dossiers.saveParties(me(request), d.id, body)
      return reply.redirect(after(request, d, 'nguoi-nop', stepsOf(d)), 303)
    } catch (err) {
      return reply.page(<PartiesPage d={d} values={body} errors={fieldsOf(err)} from={from(request)} />, { title: 'Thông tin người nộp hồ sơ', status: 422, hasErrors: true })
    }
  })

  // --- Step 2: receiving agency ---------------------------------------------------------------------
  app.get('/nop-ho-so/:id/co-quan', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    return reply.page(<AgencyPage d={d} errors={[]} from={from(request)} />, { title: 'Cơ quan tiếp nhận' })
  })
  app.post('/nop-ho-so/:id/co-quan', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    const { agency } = request.body as Body
    try {
      await dossiers.saveAgency(me(request), d.id, agency)
      return reply.redirect(after(request, d, 'co-quan', stepsOf(d)), 303)
    } catch (err) {
      return reply.page(<AgencyPage d={d} value={agency} errors={fieldsOf(err)} from={from(request)} />, { title: 'Cơ quan tiếp nhận', status: 422, hasErrors: true })
    }
  })

  // --- Step 3: components and files -------------------------------------------------------------------
  const componentsPage = async (request: FastifyRequest, reply: FastifyReply, given: FieldError[], status = 422) => {
    const d = await draftOf(request)
    // A form-wide upload error (too many files, not a form) is shown beside the first component.
    const errors = given.map(e => e.field === ANY_COMPONENT ? { ...e, field: `tp-${d.slots[0]?.key ?? ''}` } : e)
    const offers = await dossiers.reuseOffers(me(request), d.slots)
    return reply.page(<ComponentsPage d={d} errors={errors} offers={offers} maxFileMb={config.MAX_FILE_MB} from={from(request)} />,
      { title: 'Thành phần hồ sơ', ...(errors.length > 0 ? { status, hasErrors: true } : {}) })
  }
  app.get('/nop-ho-so/:id/thanh-phan', { preHandler: requireCitizen }, async (request, reply) => componentsPage(request, reply, []))
  app.post('/nop-ho-so/:id/thanh-phan/truong-hop', { preHandler: requireCitizen }, async (request, reply) => {
    const { id } = request.params as { id: string }
    try {
      await dossiers.saveCase(me(request), id, (request.body as Body)['caseGroup'])
      return reply.redirect(`/nop-ho-so/${id}/thanh-phan`, 303)
    } catch (err) { return componentsPage(request, reply, fieldsOf(err), statusOfErrors(err)) }
  })
  app.post('/nop-ho-so/:id/tep/:attachment/xoa', { preHandler: requireCitizen }, async (request, reply) => {
    const { id, attachment } = request.params as { id: string, attachment: string }
    await dossiers.removeFile(me(request), { id }, Number.parseInt(attachment, 10) || 0)
    return reply.redirect(`/nop-ho-so/${id}/thanh-phan`, 303)
  })
  // One form for every component: whatever files were chosen are uploaded, by either button.
  app.post('/nop-ho-so/:id/thanh-phan', { preHandler: requireCitizen }, async (request, reply) => {
    const { id } = request.params as { id: string }
    try {
      if (request.isMultipart()) {
        // The upload checks the draft itself (the owner's, still a draft): no page is built to upload.
        const { files, fields } = await readUploads(request, ANY_COMPONENT)
        const errors = await dossiers.addChosen(me(request), { id }, files, fields, { draft: true })
        if (errors.length > 0) return await componentsPage(request, reply, errors)
        if (fields['action'] === 'upload') return reply.redirect(`/nop-ho-so/${id}/thanh-phan`, 303)
      }
      const d = await draftOf(request)
      await dossiers.completeComponents(me(request), d.id)
      return reply.redirect(after(request, d, 'thanh-phan', stepsOf(d)), 303)
    } catch (err) { return componentsPage(request, reply, fieldsOf(err), statusOfErrors(err)) }
  })

  // --- Step 4: delivery ------------------------------------------------------------------------------
  app.get('/nop-ho-so/:id/nhan-ket-qua', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    const del = d.delivery as Partial<Delivery>
    const values = { submission: del.submission ?? 'office', result: del.result ?? 'office', ...addressFields(del.pickupAddress, 'p-'), ...addressFields(del.resultAddress, 'r-') }
    return reply.page(<DeliveryPage d={d} values={values} errors={[]} options={deliveryOptions(d.procedure)} from={from(request)} />, { title: 'Hình thức nộp và nhận kết quả' })
  })
  app.post('/nop-ho-so/:id/nhan-ket-qua', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    const body = request.body as Body
    try {
      await dossiers.saveDelivery(me(request), d.id, body)
      return reply.redirect(draftUrl(d, 'kiem-tra'), 303)
    } catch (err) {
      return reply.page(<DeliveryPage d={d} values={body} errors={fieldsOf(err)} options={deliveryOptions(d.procedure)} from={from(request)} />, { title: 'Hình thức nộp và nhận kết quả', status: 422, hasErrors: true })
    }
  })

  // --- Step 5: review and submit ------------------------------------------------------------------------
  const newCaptcha = (request: FastifyRequest) => services.captcha.forRequest(request)
  app.get('/nop-ho-so/:id/kiem-tra', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await draftOf(request)
    return reply.page(<ReviewPage d={d} errors={[]} captcha={await newCaptcha(request)} values={{}} />, { title: 'Kiểm tra và nộp hồ sơ' })
  })
  app.post('/nop-ho-so/:id/nop', { preHandler: requireCitizen }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = request.body as Body
    if (services.captcha.swapRequested(request)) return reply.page(<ReviewPage d={await draftOf(request)} errors={[]} captcha={await newCaptcha(request)} values={body} />, { title: 'Kiểm tra và nộp hồ sơ' })
    try {
      const errors: FieldError[] = []
      try { await services.captcha.verify(body['captchaId'], body['captcha']) } catch (err) { errors.push(...fieldsOf(err)) }
      if (body['declaration'] !== 'yes') errors.push({ field: 'declaration', message: 'Đánh dấu vào ô cam kết chịu trách nhiệm về lời khai để nộp hồ sơ' })
      // A second press (or a refresh) of a dossier already submitted goes straight to it.
      const { code, created } = await dossiers.submit(me(request), id, String(request.id), errors)
      return reply.redirect(created ? `${dossierUrl(code)}?moi=1` : dossierUrl(code), 303)
    } catch (err) {
      const errors = fieldsOf(err)
      const d = await draftOf(request)
      return reply.page(<ReviewPage d={d} errors={errors} captcha={await newCaptcha(request)} values={body} />, { title: 'Kiểm tra và nộp hồ sơ', status: 422, hasErrors: true })
    }
  })
  app.post('/nop-ho-so/:id/xoa', { preHandler: requireCitizen }, async (request, reply) => {
    await dossiers.deleteDraft(me(request), (request.params as { id: string }).id)
    return reply.redirect('/ca-nhan/ho-so', 303)
  })

  // --- The personal page: dossiers, a dossier, files, notices ------------------------------------------
  app.get('/ca-nhan/ho-so', { preHandler: requireCitizen }, async (request, reply) => {
    const q = request.query as { 'trang-thai'?: string, trang?: string }
    const s = Number.parseInt(q['trang-thai'] ?? '', 10)
    const status = isDossierStatus(s) && s > 0 ? s as DossierStatus : undefined
    const page = pageNumber(q.trang, 10_000)
    const [result, drafts] = await Promise.all([dossiers.list(me(request), { status, page, pageSize: PAGE_SIZE }), dossiers.drafts(me(request))])
    const href = (n: number) => `/ca-nhan/ho-so?${new URLSearchParams({ ...(status ? { 'trang-thai': String(status) } : {}), ...(n > 1 ? { trang: String(n) } : {}) }).toString()}`
    return reply.page(<DossierListPage items={result.items} total={result.total} page={page} pageSize={PAGE_SIZE} status={status} drafts={drafts} href={href} />, { title: 'Hồ sơ của tôi' })
  })

  const dossierPage = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[], values?: Body, notice?: string, status?: number } = {}) => {
    const { code } = request.params as { code: string }
    const d = await dossiers.get(me(request), code)
    const fresh = (request.query as { moi?: string }).moi === '1' && d.status === 1
    const query = request.query as Record<string, string | undefined>
    if (query['chung-tu'] === '1') extra = { ...extra, notice: 'Đã gửi chứng từ chuyển khoản; cơ quan sẽ kiểm tra và xác nhận.' }
    if (query['bo-sung'] === '1') extra = { ...extra, notice: 'Đã gửi hồ sơ bổ sung. Cơ quan sẽ tiếp tục xử lý.' }
    const errors = extra.errors ?? []
    const pay = { requests: await services.payments.ofDossier(d.id), online: d.status === 6 ? await services.payments.choicesFor(d) : [], transfer: d.status === 6 ? await services.payments.transferInfo(d) : undefined }
    return reply.page(<DossierPage d={d} fresh={fresh} errors={errors} values={extra.values ?? {}} notice={extra.notice} pay={pay} />,
      { title: fresh ? 'Nộp hồ sơ thành công' : `Hồ sơ ${d.code}`, ...(errors.length > 0 ? { status: extra.status ?? 422, hasErrors: true } : {}) })
  }
  const code = (request: FastifyRequest) => (request.params as { code: string }).code
  app.get('/ca-nhan/ho-so/:code', { preHandler: requireCitizen }, async (request, reply) => dossierPage(request, reply))

  app.get('/ca-nhan/ho-so/:code/bien-lai/:id.pdf', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await dossiers.get(me(request), code(request))
    const pdf = await services.payments.receiptPdf(d.id, Number((request.params as { id: string }).id), (await services.site.profile()).provinceName)
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="bien-lai.pdf"').header('cache-control', 'private, no-store').send(pdf)
  })

  // The bank transfer slip for the open fees: kept, then confirmed or rejected by an official.
  app.post('/ca-nhan/ho-so/:code/chung-tu', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await dossiers.get(me(request), code(request))
    if (d.status !== 6) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
    try {
      const { files } = await readUploads(request, 'slip')
      const present = files.filter(chosen)
      if (present.length !== 1) throw new AppError('VALIDATION', 'one slip', [{ field: 'slip', message: 'Chọn một tệp ảnh hoặc PDF của chứng từ chuyển khoản' }])
      const [stored] = await services.files.storeMany(me(request), present, 'slip')
      await services.payments.addSlip(d.id, stored!.id)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return dossierPage(request, reply, { errors: err.fields })
      throw err
    }
    return reply.redirect(`${dossierUrl(d.code!)}?chung-tu=1`, 303)
  })

  app.get('/ca-nhan/ho-so/:code/phieu.pdf', { preHandler: requireCitizen }, async (request, reply) => {
    const d = await dossiers.get(me(request), code(request))
    const pdf = await submissionPdf(d, await services.site.profile(), config.PUBLIC_URL)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="xac-nhan-nop-ho-so-${d.code}.pdf"`)
      .header('cache-control', 'private, no-store').send(pdf)
  })

  app.post('/ca-nhan/ho-so/:code/rut', { preHandler: requireCitizen }, async (request, reply) => {
    const body = request.body as Body
    try {
      await dossiers.withdraw(me(request), code(request), body['reason'])
      return reply.redirect(dossierUrl(code(request)), 303)
    } catch (err) { return dossierPage(request, reply, { errors: fieldsOf(err), values: body, status: statusOfErrors(err) }) }
  })

  app.post('/ca-nhan/ho-so/:code/bo-sung/tep/:attachment/xoa', { preHandler: requireCitizen }, async (request, reply) => {
    await dossiers.removeFile(me(request), { code: code(request) }, Number.parseInt((request.params as { attachment: string }).attachment, 10) || 0)
    return reply.redirect(`${dossierUrl(code(request))}#bo-sung`, 303)
  })
  // The supplement: the files chosen for every requested component and the note, in one form.
  app.post('/ca-nhan/ho-so/:code/bo-sung', { preHandler: requireCitizen }, async (request, reply) => {
    let body = request.body as Body
    try {
      if (request.isMultipart()) {
        const { files, fields } = await readUploads(request, 'note')
        body = fields
        const errors = await dossiers.addChosen(me(request), { code: code(request) }, files, fields)
        if (errors.length > 0) return await dossierPage(request, reply, { errors, values: body })
        // Only uploading: the typed note stays on the page (nothing to lose), otherwise back to the page.
        if (fields['action'] === 'upload') {
          return (fields['note'] ?? '').trim() === '' ? reply.redirect(`${dossierUrl(code(request))}#bo-sung`, 303) : await dossierPage(request, reply, { values: body, notice: 'Đã tải lên các tệp đã chọn. Bấm “Gửi bổ sung” khi đã đủ.' })
        }
      }
      await dossiers.answerSupplement(me(request), code(request), body['note'])
      return reply.redirect(`${dossierUrl(code(request))}?bo-sung=1`, 303)
    } catch (err) { return dossierPage(request, reply, { errors: fieldsOf(err), values: body, status: statusOfErrors(err) }) }
  })
  app.post('/ca-nhan/ho-so/:code/danh-gia', { preHandler: requireCitizen }, async (request, reply) => {
    const body = request.body as Body
    try {
      await dossiers.rate(me(request), code(request), Number(body['rating'] ?? 0), body['comment'])
      return dossierPage(request, reply, { notice: 'Cảm ơn bạn đã đánh giá.' })
    } catch (err) { return dossierPage(request, reply, { errors: fieldsOf(err), values: body, status: statusOfErrors(err) }) }
  })

  // Files are never static: each download checks that the signed-in account may read it.
  app.get('/ca-nhan/tep/:fileId', { preHandler: requireCitizen }, async (request, reply) => {
    const { file, data } = await dossiers.readFile(me(request), (request.params as { fileId: string }).fileId)
    return reply.headers(downloadHeaders(file)).send(data)
  })

  app.get('/ca-nhan/thong-bao', { preHandler: requireCitizen }, async (request, reply) => {
    const notices = await dossiers.notices(me(request), 50)
    await dossiers.markNoticesRead(me(request))
    return reply.page(<NoticesPage notices={notices} />, { title: 'Thông báo' })
  })


  // --- Public lookup -------------------------------------------------------------------------------------
  app.get('/tra-cuu-ho-so', async (request, reply) => {
    const q = request.query as { ma?: string, 'giay-to'?: string }
    const codeText = (q.ma ?? '').trim().slice(0, 60)
    const proof = (q['giay-to'] ?? '').trim().slice(0, 40)
    if (!codeText) return reply.page(<LookupPage errors={[]} />, { title: 'Tra cứu hồ sơ' })
    try {
      const result = await dossiers.lookup(codeText, proof || undefined, request.ip)
      if (!result) {
        return reply.page(<LookupPage code={codeText} proof={proof} errors={[{ field: 'ma', message: 'Không tìm thấy hồ sơ có mã này. Hãy kiểm tra lại mã trên giấy tiếp nhận, ví dụ 000.00.03.H34-220622-0001.' }]} />,
          { title: 'Tra cứu hồ sơ', status: 404, hasErrors: true })
      }
      return reply.header('cache-control', 'no-store').page(<LookupPage code={codeText} proof={proof} result={result} errors={[]} />, { title: `Tra cứu hồ sơ ${result.code}` })
    } catch (err) {
      if (err instanceof AppError && err.code === 'RATE_LIMITED') {
        const error = err.detail === 'proof required'
          ? { field: 'giay-to', message: 'Bạn đã tra cứu nhiều hồ sơ từ địa chỉ mạng này. Để xem tiếp, hãy nhập số định danh cá nhân (hoặc hộ chiếu, mã số thuế) hoặc số điện thoại của người nộp hồ sơ.' }
          : { field: 'ma', message: 'Bạn đã tra cứu sai quá nhiều lần. Hãy thử lại sau 15 phút.' }
        return reply.page(<LookupPage code={codeText} proof={proof} errors={[error]} />, { title: 'Tra cứu hồ sơ', status: 429, hasErrors: true })
      }
      throw err
    }
  })
}
