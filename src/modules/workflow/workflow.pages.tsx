import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import type { CounterPagesDeps } from './counter.pages.js'
import type { SettingsPagesDeps } from './settings.pages.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { STATUS_LABELS } from '../dossiers/status.js'
import { readUploads } from '../../platform/http/uploads.js'
import { downloadHeaders } from '../files/files.service.js'
import { pageNumber } from '../../platform/http/page-number.js'
import { when } from '../dossiers/views/parts.js'
import type { RegisterBy } from './model.js'
import { parseCriteria } from './search.js'
import { counterPages } from './counter.pages.js'
import { settingsPages } from './settings.pages.js'
import { contentPages } from './content.pages.js'
import { formDesignerPages } from './form-designer.pages.js'
import { resultTemplatePages } from './result-template.pages.js'
import { wordingPages } from './wording.pages.js'
import { parseDayRange } from '../../platform/http/day-range.js'
import { isIssuedForm } from '../dossiers/issued-forms.js'
import { staffDossierUrl, ReceptionQueuePage, STEP_QUEUES, TaskQueuePage, ConsultationQueuePage, DueQueuePage, SearchPage } from './views/queues.js'
import { StaffDossierPage } from './views/StaffDossierPage.js'
import { RegisterPage } from './views/RegisterPage.js'

type Body = Record<string, string | string[] | undefined>

/** What the back office's pages use (theirs and the counter's, settings' and wording's). */
export type WorkflowPagesDeps = CounterPagesDeps & SettingsPagesDeps

export async function workflowPages (app: FastifyInstance, { services, requireOfficial, feedbackOverdue }: { services: WorkflowPagesDeps, requireOfficial: RequireOfficial, feedbackOverdue?: (official: SignedInOfficial) => Promise<number> }) {
  const { workflow } = services
  const code = (request: FastifyRequest) => (request.params as { code: string }).code
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[], values?: Body } = {}) => {
    const o = await workflow.open(request.official!, code(request), String(request.id))
    const errors = extra.errors ?? []
    return reply.page(<StaffDossierPage o={o} errors={errors} values={extra.values ?? {}} />,
      { title: `Hồ sơ ${o.d.code}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  /**
   * An action on the dossier: done, the official is sent back to its page with what was done (post/
   * redirect/get: a reload never repeats it); validation errors and refusals of the state machine are
   * shown on the dossier page, with its fresh state.
   */
  const act = async (request: FastifyRequest, reply: FastifyReply, fn: () => Promise<string>) => {
    try {
      const notice = await fn()
      return reply.seeOther(staffDossierUrl(code(request)), notice)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return page(request, reply, { errors: err.fields, values: request.body as Body })
      if (err instanceof AppError && err.code === 'CONFLICT') return page(request, reply, { errors: [{ field: 'status', message: `${err.detail ?? 'Hồ sơ vừa được cán bộ khác xử lý.'} Trang đã được tải lại với trạng thái mới nhất.` }] })
      throw err
    }
  }

  app.get('/can-bo/ho-so', { preHandler: requireOfficial }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const queue = query['hang-doi']
    if (queue === 'cua-toi' || queue === 'cho-phe-duyet' || queue === 'cho-tra-ket-qua') {
      return reply.page(<TaskQueuePage queue={queue} rows={await workflow.taskQueue(request.official!, queue)} />, { title: STEP_QUEUES[queue].title })
    }
    if (queue === 'sap-den-han' || queue === 'qua-han') {
      // The overdue view also names the agency's feedback past its answer time (issue 24).
      const feedback = queue === 'qua-han' && feedbackOverdue ? await feedbackOverdue(request.official!) : 0
      return reply.page(<DueQueuePage kind={queue} rows={await workflow.dueQueue(request.official!, queue === 'qua-han' ? 'overdue' : 'due-soon')} feedbackOverdue={feedback} />, { title: queue === 'qua-han' ? 'Hồ sơ quá hạn' : 'Hồ sơ sắp đến hạn' })
    }
    if (queue === 'xin-y-kien') return reply.page(<ConsultationQueuePage rows={await workflow.consultationQueue(request.official!)} />, { title: 'Xin ý kiến' })
    if (queue === 'cho-tiep-nhan') {
      const page = pageNumber(query['trang'])
      return reply.page(<ReceptionQueuePage queue={await workflow.receptionQueue(request.official!, page)} />, { title: 'Hồ sơ chờ tiếp nhận' })
    }
    // No queue: the search (a GET form, so results can be bookmarked and work without JavaScript).
    const { criteria, errors, given } = parseCriteria(query)
    const found = given && errors.length === 0 ? await workflow.search(request.official!, criteria) : undefined
    return reply.page(<SearchPage query={query} errors={errors} found={found} page={criteria.page} />,
      { title: 'Tìm kiếm hồ sơ', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })
  /** The register's period and agency from the query: this month by default; errors name the field. */
  const registerQuery = async (request: FastifyRequest) => {
    const query = { ...(request.query as Record<string, string | undefined>) }
    const agencies = await workflow.registerAgencies(request.official!)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'no agency to keep a register for')
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
    query['tu'] ||= `${today.slice(0, 8)}01`
    query['den'] ||= today
    // The register opens on the official's own agency: the desk's by reception, a department's by processing.
    const own = request.official!.agency.code
    if (!agencies.some(a => a.code === query['co-quan'])) query['co-quan'] = agencies.some(a => a.code === own) ? own : agencies[0]!.code
    if (query['theo'] !== 'tiep-nhan' && query['theo'] !== 'giai-quyet') query['theo'] = request.official!.roles.some(r => r.role === 'receptionist' && r.agencyCode === query['co-quan']) ? 'tiep-nhan' : 'giai-quyet'
    const by: RegisterBy = query['theo'] === 'giai-quyet' ? 'processing' : 'receiving'
    const days = parseDayRange(query, { from: 'tu', to: 'den' })
    if (days.from && days.to && Date.parse(days.to) - Date.parse(days.from) > 366 * 86_400_000) days.errors.push({ field: 'den', message: 'Mỗi lần xem tối đa một năm' })
    return { query, agencies, days, by }
  }
  app.get('/can-bo/so-theo-doi', { preHandler: requireOfficial }, async (request, reply) => {
    const { query, agencies, days, by } = await registerQuery(request)
    const register = days.errors.length === 0 ? await workflow.register(request.official!, query['co-quan']!, days.from!, days.to!, by) : undefined
    return reply.page(<RegisterPage agencies={agencies} query={query} errors={days.errors} register={register} />, { title: 'Sổ theo dõi hồ sơ', ...(days.errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })
  app.get('/can-bo/so-theo-doi.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const { query, days, by } = await registerQuery(request)
    if (days.errors.length > 0) throw new AppError('VALIDATION', days.errors[0]!.message, days.errors)
    const pdf = await workflow.registerPdf(request.official!, query['co-quan']!, days.from!, days.to!, by)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="so-theo-doi-${query['co-quan']}-${days.from}-${days.to}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
  app.get('/can-bo/ho-so/:code', { preHandler: requireOfficial }, async (request, reply) =>
    page(request, reply))
  await app.register(counterPages, { services, requireOfficial })
  await app.register(settingsPages, { services, requireOfficial })
  await app.register(contentPages, { services, requireOfficial })
  await app.register(formDesignerPages, { services, requireOfficial })
  await app.register(resultTemplatePages, { services, requireOfficial })
  await app.register(wordingPages, { services, requireOfficial })
  app.post('/can-bo/ho-so/:code/tiep-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã tiếp nhận hồ sơ; hẹn trả kết quả ${when(await workflow.receive(request.official!, code(request), form(request)))}. Công dân đã được thông báo.`))
  app.post('/can-bo/ho-so/:code/yeu-cau-bo-sung', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.requestSupplement(request.official!, code(request), request.body as Body); return 'Đã gửi yêu cầu bổ sung; công dân đã được thông báo.' }))
  app.post('/can-bo/ho-so/:code/tu-choi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.refuse(request.official!, code(request), (request.body as Body)['reason'] as string | undefined); return 'Đã từ chối tiếp nhận; công dân đã được thông báo.' }))

  const form = (request: FastifyRequest) => request.body as Record<string, string | undefined>
  app.post('/can-bo/ho-so/:code/chuyen', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      // The page sends it as multipart (working papers may go with it); a plain form post works too.
      const { files, fields } = request.isMultipart() ? await readUploads(request, 'forward-files') : { files: [], fields: form(request) as Record<string, string> }
      return `Đã chuyển bước “${await workflow.forward(request.official!, code(request), fields, files)}”.`
    }))
  app.post('/can-bo/ho-so/:code/nhan-bo-sung', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const { files, fields } = await readUploads(request, 'nhan-bo-sung')
      const to = await workflow.recordSupplement(request.official!, code(request), fields, files)
      return `Đã ghi nhận hồ sơ bổ sung; hồ sơ trở lại trạng thái “${STATUS_LABELS[to]}”. Người nộp đã được thông báo.`
    }))
  app.post('/can-bo/ho-so/:code/giao-lai', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã giao bước cho ${await workflow.reassign(request.official!, code(request), { taskId: form(request)['taskId'], assignee: form(request)['reassign-to'], reason: form(request)['reassign-reason'] })}; người được giao đã được báo.`))
  app.post('/can-bo/ho-so/:code/tra-lai', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.sendBack(request.official!, code(request), { ...form(request), comment: form(request)['back-reason'] }); return 'Đã trả lại bước trước.' }))
  app.post('/can-bo/ho-so/:code/hieu-luc-giay-to', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const n = await workflow.recordValidity(request.official!, code(request), form(request))
      return n === 0 ? 'Không có thay đổi nào.' : `Đã ghi thời hạn hiệu lực của ${n} giấy tờ.`
    }))
  app.post('/can-bo/ho-so/:code/phe-duyet', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const { files, fields } = await readUploads(request, 'result')
      // What was typed comes back beside the errors (the files are chosen again).
      request.body = fields
      await workflow.approve(request.official!, code(request), fields, files)
      return 'Đã phê duyệt; kết quả chờ trả cho công dân.'
    }))
  app.post('/can-bo/ho-so/:code/xin-y-kien', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const f = form(request)
      const r = await workflow.consult(request.official!, code(request), { ...f, question: f['consult-question'], days: f['consult-days'], reason: f['consult-reason'] })
      return `Đã gửi xin ý kiến ${r.agency}; hạn trả lời ${when(r.due)}.`
    }))
  app.post('/can-bo/ho-so/:code/tra-loi-y-kien', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const f = form(request)
      await workflow.answerConsultation(request.official!, code(request), { ...f, answer: f[`answer-${f['consultation'] ?? ''}`] })
      return 'Đã gửi ý kiến; cơ quan hỏi đã nhận được.'
    }))
  app.post('/can-bo/ho-so/:code/yeu-cau-nop-phi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã yêu cầu nộp ${(await workflow.requestFees(request.official!, code(request), form(request))).toLocaleString('vi-VN')} đồng; công dân đã được thông báo.`))
  app.post('/can-bo/ho-so/:code/nop-tien-mat', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã ghi nhận nộp ${(await workflow.recordCash(request.official!, code(request))).toLocaleString('vi-VN')} đồng tiền mặt; hồ sơ tiếp tục được xử lý.`))
  const paymentId = (request: FastifyRequest) => Number((request.params as { id: string }).id)
  app.post('/can-bo/ho-so/:code/chung-tu/:id/xac-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.decideTransfer(request.official!, code(request), paymentId(request), true); return 'Đã xác nhận chuyển khoản; hồ sơ tiếp tục được xử lý.' }))
  app.post('/can-bo/ho-so/:code/chung-tu/:id/khong-chap-nhan', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.decideTransfer(request.official!, code(request), paymentId(request), false, form(request)[`reject-${paymentId(request)}`]); return 'Đã báo công dân chứng từ chưa được chấp nhận.' }))
  app.post('/can-bo/ho-so/:code/mien-phi', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.exemptFees(request.official!, code(request), { ...form(request), reason: form(request)['exempt-reason'] }); return 'Đã ghi nhận chủ hồ sơ được miễn phí, lệ phí.' }))
  app.post('/can-bo/ho-so/:code/hoan-tien/:id', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => {
      const r = await workflow.refund(request.official!, code(request), paymentId(request), form(request)[`refund-${paymentId(request)}`])
      return r.via === 'gateway'
        ? `Đã gửi yêu cầu hoàn ${r.amountVnd.toLocaleString('vi-VN')} đồng qua cổng thanh toán; kết quả sẽ hiện tại đây và công dân được báo khi cổng chấp nhận.`
        : `Đã ghi nhận hoàn ${r.amountVnd.toLocaleString('vi-VN')} đồng.`
    }))
  app.post('/can-bo/ho-so/:code/hen-lai', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => `Đã gửi phiếu xin lỗi và hẹn lại; ngày hẹn trả mới ${when(await workflow.postpone(request.official!, code(request), form(request)))}.`))
  app.post('/can-bo/ho-so/:code/dung', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.stop(request.official!, code(request), { ...form(request), reason: form(request)['stop-reason'] }); return 'Đã dừng giải quyết hồ sơ; công dân đã được thông báo (mẫu 05).' }))
  app.post('/can-bo/ho-so/:code/tu-choi-giai-quyet', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.refuseAfterReview(request.official!, code(request), { ...form(request), reason: form(request)['refuse-reason'] }); return 'Đã từ chối giải quyết; văn bản trả lời chờ trả cho công dân.' }))
  app.post('/can-bo/ho-so/:code/tra-ket-qua', { preHandler: requireOfficial }, async (request, reply) =>
    act(request, reply, async () => { await workflow.returnResult(request.official!, code(request), form(request)); return 'Đã trả kết quả; công dân đã được thông báo.' }))

  app.get('/can-bo/ho-so/:code/bien-lai/:id.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const pdf = await workflow.receiptPdf(request.official!, code(request), Number((request.params as { id: string }).id))
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="bien-lai.pdf"').header('cache-control', 'private, no-store').send(pdf)
  })
  app.get('/can-bo/ho-so/:code/tep/:fileId', { preHandler: requireOfficial }, async (request, reply) => {
    const { file, data } = await workflow.file(request.official!, code(request), (request.params as { fileId: string }).fileId)
    return reply.headers(downloadHeaders(file)).send(data)
  })
  app.get('/can-bo/ho-so/:code/mau-:form.pdf', { preHandler: requireOfficial }, async (request, reply) => {
    const form = (request.params as { form: string }).form
    if (!isIssuedForm(form) && form !== '06') throw new AppError('NOT_FOUND', 'no such form')
    const pdf = form === '06' ? await workflow.controlSheetPdf(request.official!, code(request)) : await workflow.formPdf({ official: request.official! }, code(request), form)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="mau-${form}-${code(request)}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
  // The leader reads the result the procedure's template makes before approving (unsigned, not kept).
  app.get('/can-bo/ho-so/:code/ket-qua-theo-mau', { preHandler: requireOfficial }, async (request, reply) => {
    const { name, data } = await workflow.previewResult(request.official!, code(request), Number((request.query as { taskId?: string }).taskId))
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${name}"`).header('cache-control', 'private, no-store').send(data)
  })
}
