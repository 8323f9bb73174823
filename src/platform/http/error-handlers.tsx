import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, fromFastifyError, statusOf, titleOf, type FieldError } from './errors.js'

export const isApi = (request: FastifyRequest) => request.url === '/api' || request.url.startsWith('/api/')

/** RFC 9457 problem details; `detail` only for 4xx, `instance` is the request id. */
export function problem (request: FastifyRequest, reply: FastifyReply, status: number, code: string, title: string, detail?: string, errors?: FieldError[]) {
  return reply.code(status).type('application/problem+json; charset=utf-8').send({
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    ...(detail && status < 500 ? { detail } : {}),
    instance: `urn:request:${request.id}`,
    ...(errors?.length ? { errors } : {})
  })
}

const MESSAGES: Partial<Record<AppError['code'], string>> = {
  NOT_FOUND: 'Địa chỉ bạn nhập không có trên cổng, hoặc trang đã được chuyển đi. Hãy kiểm tra lại địa chỉ, hoặc tìm thủ tục từ trang chủ.',
  FORBIDDEN: 'Tài khoản của bạn không có quyền xem trang này.',
  CSRF: 'Biểu mẫu đã quá thời gian hoặc được gửi từ trang khác. Hãy tải lại trang và gửi lại; dữ liệu chưa được lưu.',
  TOO_LARGE: 'Tệp hoặc dữ liệu gửi lên vượt quá giới hạn cho phép.',
  BAD_REQUEST: 'Yêu cầu không đúng định dạng. Hãy quay lại trang trước và thử lại.',
  UNAUTHENTICATED: 'Bạn cần đăng nhập để tiếp tục.'
}

/** Said on a page when nothing more precise is known. */
const GENERIC: Partial<Record<AppError['code'], string>> = {
  CONFLICT: 'Hồ sơ hoặc dữ liệu đã thay đổi (có thể bạn hoặc người khác vừa thực hiện thao tác này). Hãy tải lại trang để xem trạng thái hiện tại.',
  VALIDATION: 'Dữ liệu gửi lên chưa hợp lệ. Hãy quay lại trang trước, kiểm tra và gửi lại.',
  RATE_LIMITED: 'Bạn đã gửi quá nhiều yêu cầu. Hãy thử lại sau ít phút.',
  PAYMENT_FAILED: 'Thanh toán chưa thực hiện được. Hãy thử lại hoặc chọn cách nộp phí khác.',
  UPSTREAM_UNAVAILABLE: 'Hệ thống liên kết đang tạm thời không phản hồi. Hãy thử lại sau ít phút; dữ liệu bạn đã lưu không bị ảnh hưởng.'
}

export function ErrorPage ({ title, message, reference }: { title: string, message: string, reference?: string }) {
  return (
    <>
      <h1 class='heading-l'>{title}</h1>
      <p class='body'>{message}</p>
      {reference && <p class='body'>Mã tham chiếu lỗi: <strong class='reference'>{reference}</strong>. Khi liên hệ đường dây nóng, hãy đọc mã này để được hỗ trợ nhanh hơn.</p>}
      <p class='body'><a href='/'>Về trang chủ</a></p>
    </>
  )
}

async function sendError (request: FastifyRequest, reply: FastifyReply, err: AppError | undefined) {
  if (!err) {
    if (isApi(request)) return problem(request, reply, 500, 'INTERNAL', titleOf.INTERNAL)
    return reply.page(<ErrorPage title={titleOf.INTERNAL} message='Hệ thống chưa xử lý được yêu cầu của bạn. Dữ liệu bạn đã lưu trước đó không bị ảnh hưởng. Xin vui lòng thử lại sau ít phút.' reference={String(request.id)} />,
      { title: titleOf.INTERNAL, status: 500 })
  }
  const status = statusOf[err.code]
  if (isApi(request)) return problem(request, reply, status, err.code, titleOf[err.code], err.detail, err.fields)
  // A page that needs a signed-in citizen sends the browser to sign in, and back afterwards.
  if (err.code === 'UNAUTHENTICATED' && request.method === 'GET') {
    return reply.redirect(request.url.startsWith('/can-bo') ? '/can-bo/dang-nhap' : `/dang-nhap?tiep=${encodeURIComponent(request.url)}`, 303)
  }
  // A page shows Vietnamese only: the code's message, else what the fields say; the detail is for the log and the API.
  // A conflict's detail says, in Vietnamese, why the action cannot be done now (test/messages.test.ts keeps it so).
  const message = MESSAGES[err.code] ?? (err.fields?.length ? err.fields.map(f => f.message).join(' ') : err.code === 'CONFLICT' && err.detail ? err.detail : GENERIC[err.code] ?? titleOf[err.code])
  return reply.page(<ErrorPage title={titleOf[err.code]} message={message} />,
    { title: titleOf[err.code], status })
}

/**
 * What the router itself refuses before any route runs (a malformed percent-encoding, a path parameter
 * longer than any code): the same Vietnamese page or problem+json as every other error, never Fastify's
 * raw JSON. Given to Fastify as `frameworkErrors`.
 */
export function frameworkError (error: { code?: string }, request: FastifyRequest, reply: FastifyReply) {
  // No code, user name or file id is that long: there is nothing at such an address.
  const appError = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new AppError('NOT_FOUND', 'path parameter too long') : new AppError('BAD_REQUEST', 'malformed address')
  // No route ran, so neither the cookie parser nor the onSend hooks did: the page is built without them.
  request.cookies ??= {}
  // The reply of a request no route took is Fastify's plain one, without the app's decorations.
  if (typeof reply.page !== 'function') reply.page = (body, options) => reply.server.sendPage(reply, body, options)
  reply.server.securityHeaders(request, reply)
  return sendError(request, reply, appError).catch((renderError: unknown) => {
    request.log.error({ err: renderError }, 'error page failed')
    return reply.code(statusOf[appError.code]).type('text/plain; charset=utf-8').send(titleOf[appError.code])
  })
}

/** Text PostgreSQL cannot store (a NUL character) anywhere in the address or the form: refused as a bad request. */
export function refuseUnstorableInput (app: FastifyInstance) {
  const hasNul = (value: unknown, depth = 0): boolean => typeof value === 'string'
    ? value.includes('\u0000')
    : depth < 5 && typeof value === 'object' && value !== null && Object.values(value).some(v => hasNul(v, depth + 1))
  app.addHook('preValidation', async (request) => {
    // The address is checked as sent (a malformed path encoding never reaches a route: frameworkError).
    if (/%00|\u0000/.test(request.url) || hasNul(request.body)) throw new AppError('BAD_REQUEST', 'NUL character in the request')
  })
}

/**
 * One error handler for the whole app: problem+json under /api, friendly pages elsewhere.
 * Non-AppErrors are programmer errors: logged with the stack, shown as a 500 with the request id only.
 */
export function registerErrorHandlers (app: FastifyInstance, options: { refused?: (request: FastifyRequest, error: AppError) => Promise<void> } = {}) {
  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    const appError = error instanceof AppError ? error : fromFastifyError(error as FastifyError)
    if (!appError) request.log.error({ err: error }, 'unhandled error')
    else if (statusOf[appError.code] >= 500) request.log.warn({ err: error }, 'upstream error')
    // A refusal (not allowed, or not among what the visitor may see) is recorded where the caller says.
    if (appError && (appError.code === 'FORBIDDEN' || appError.code === 'NOT_FOUND') && options.refused) {
      await options.refused(request, appError).catch((err: unknown) => request.log.error({ err }, 'refusal not recorded'))
    }
    try {
      return await sendError(request, reply, appError)
    } catch (renderError) {
      // The error page itself failed (e.g. the database is down and the layout needs the site profile).
      request.log.error({ err: renderError }, 'error page failed')
      return reply.code(500).type('text/plain; charset=utf-8').send(`Hệ thống gặp sự cố. Mã tham chiếu: ${request.id}`)
    }
  })

  app.setNotFoundHandler(async (request, reply) => sendError(request, reply, new AppError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)))
}
