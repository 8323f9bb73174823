export type ErrorCode =
  | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'VALIDATION' | 'BAD_REQUEST'
  | 'CONFLICT' | 'CSRF' | 'TOO_LARGE' | 'RATE_LIMITED' | 'PAYMENT_FAILED' | 'UPSTREAM_UNAVAILABLE'

export interface FieldError { field: string, message: string }

/** The message to show next to a form field, if any error is about it. */
export const errorOf = (errors: FieldError[], field: string): string | undefined => errors.find(e => e.field === field)?.message

/** An operational error with a code; transports map the code to a status and render it their way. */
export class AppError extends Error {
  constructor (
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly fields?: FieldError[],
    options?: ErrorOptions
  ) {
    super(detail ?? code, options)
    this.name = 'AppError'
  }
}

export const statusOf: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PAYMENT_FAILED: 402,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  VALIDATION: 422,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 503
}

/** Vietnamese titles shown to people (pages) and in problem+json `title`. */
export const titleOf: Record<ErrorCode | 'INTERNAL', string> = {
  BAD_REQUEST: 'Yêu cầu không hợp lệ',
  UNAUTHENTICATED: 'Cần đăng nhập',
  PAYMENT_FAILED: 'Thanh toán không thành công',
  FORBIDDEN: 'Không có quyền truy cập',
  CSRF: 'Phiên làm việc của biểu mẫu đã hết hạn',
  NOT_FOUND: 'Không tìm thấy trang',
  CONFLICT: 'Thao tác không thực hiện được ở trạng thái hiện tại',
  TOO_LARGE: 'Dữ liệu gửi lên quá lớn',
  VALIDATION: 'Dữ liệu chưa hợp lệ',
  RATE_LIMITED: 'Quá nhiều yêu cầu',
  UPSTREAM_UNAVAILABLE: 'Dịch vụ liên kết tạm thời không phản hồi',
  INTERNAL: 'Hệ thống gặp sự cố'
}

/** Maps Fastify's own errors (schema validation, body limits, bad JSON) to an AppError, or undefined. */
export function fromFastifyError (err: { statusCode?: number, code?: string, validation?: Array<{ instancePath?: string, params?: Record<string, unknown>, message?: string }>, validationContext?: string, message: string }): AppError | undefined {
  if (err.validation) {
    const fields: FieldError[] = []
    for (const v of err.validation) {
      const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
      const missing = v.params?.['missingProperty'] ?? (v.params?.['requiredProperties'] as string[] | undefined)?.[0]
      // TypeBox reports an unknown property as "schema is false" at its path, plus a summary at the parent.
      if (v.message === 'schema is false') {
        fields.push({ field: path, message: 'unknown parameter' })
        continue
      }
      if ((v as { keyword?: string }).keyword === 'additionalProperties' || /additional properties/.test(v.message ?? '')) continue
      const name = [path, missing].filter(Boolean).join('.')
      fields.push({ field: name || (err.validationContext ?? 'request'), message: v.message ?? 'invalid' })
    }
    if (fields.length === 0) fields.push({ field: err.validationContext ?? 'request', message: 'invalid' })
    return new AppError('BAD_REQUEST', fields.map(f => `${f.field}: ${f.message}`).join('; '), fields)
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return new AppError('TOO_LARGE')
  if (err.statusCode === 404) return new AppError('NOT_FOUND')
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return new AppError('BAD_REQUEST', err.message)
  return undefined
}
