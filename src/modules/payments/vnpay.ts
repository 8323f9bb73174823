import { compactVnTime, fromCompactVnTime } from '../../platform/vn-time.js'
import crypto from 'node:crypto'

/**
 * The VNPay 2.1.0 protocol (domain-research §9), shared by the real adapter and the local sandbox:
 * parameters without empty values, sorted by key, form-URL-encoded and joined with `&`, signed with
 * HMAC-SHA512 of the merchant's secret; amounts are VND × 100; dates are yyyyMMddHHmmss in GMT+7.
 */
export const VNP_VERSION = '2.1.0'

/** The signed string: non-empty parameters sorted by key, form-URL-encoded (space → `+`), joined with `&`. */
export function signedQuery (params: Record<string, string | undefined>): string {
  return Object.keys(params).filter(k => params[k] !== undefined && params[k] !== '').sort()
    .map(k => `${formEncode(k)}=${formEncode(params[k]!)}`).join('&')
}

/** application/x-www-form-urlencoded as PHP's urlencode writes it (what VNPay's reference code signs). */
function formEncode (s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*~]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export function hmacSha512 (secret: string, data: string): string {
  return crypto.createHmac('sha512', secret).update(data, 'utf8').digest('hex')
}

/** The parameters with `vnp_SecureHash` appended, as a query string. */
export function signParams (secret: string, params: Record<string, string | undefined>): string {
  const q = signedQuery(params)
  return `${q}&vnp_SecureHash=${hmacSha512(secret, q)}`
}

/** Whether a return or IPN query carries a valid signature (`vnp_SecureHash`, `vnp_SecureHashType` left out of the signed string). */
export function verifyParams (secret: string, query: Record<string, string | undefined>): boolean {
  const rest = Object.fromEntries(Object.entries(query).filter(([k]) => k.startsWith('vnp_') && k !== 'vnp_SecureHash' && k !== 'vnp_SecureHashType'))
  return hashEquals(hmacSha512(secret, signedQuery(rest)), query['vnp_SecureHash'])
}

/** yyyyMMddHHmmss in Vietnam's time (GMT+7), as VNPay dates are written, and back. */
export const vnpDate = compactVnTime
export const fromVnpDate = (s: string): Date | undefined => fromCompactVnTime(s)

/** Vietnamese without diacritics, letters, digits, spaces and . - only: what vnp_OrderInfo may carry safely. */
export function orderInfo (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9 .-]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255)
}

export interface PaymentUrlInput {
  tmnCode: string
  secret: string
  paymentUrl: string
  txnRef: string
  amountVnd: number
  info: string
  returnUrl: string
  ipAddr: string
  createdAt: Date
  expiresAt: Date
  bankCode?: string | undefined
}

/** The gateway URL the citizen's browser is sent to. */
export function paymentUrl (p: PaymentUrlInput): string {
  const params: Record<string, string | undefined> = {
    vnp_Version: VNP_VERSION,
    vnp_Command: 'pay',
    vnp_TmnCode: p.tmnCode,
    vnp_Amount: String(Math.round(p.amountVnd * 100)),
    vnp_CurrCode: 'VND',
    vnp_TxnRef: p.txnRef,
    vnp_OrderInfo: orderInfo(p.info),
    vnp_OrderType: 'other',
    vnp_Locale: 'vn',
    vnp_ReturnUrl: p.returnUrl,
    vnp_IpAddr: p.ipAddr,
    vnp_CreateDate: vnpDate(p.createdAt),
    vnp_ExpireDate: vnpDate(p.expiresAt),
    vnp_BankCode: p.bankCode
  }
  return `${p.paymentUrl}?${signParams(p.secret, params)}`
}

/** The IPN answers of VNPay's protocol. */
export const IPN_ANSWERS = {
  ok: { RspCode: '00', Message: 'Confirm Success' },
  notFound: { RspCode: '01', Message: 'Order not found' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  invalidAmount: { RspCode: '04', Message: 'Invalid amount' },
  badChecksum: { RspCode: '97', Message: 'Fail checksum' },
  unknown: { RspCode: '99', Message: 'Unknown error' }
} as const

/** What a payment response code means to the person paying. */
export const RESPONSE_MESSAGES: Record<string, string> = {
  '00': 'Giao dịch thành công',
  '07': 'Đã trừ tiền nhưng giao dịch bị nghi ngờ; cơ quan sẽ kiểm tra',
  '09': 'Thẻ hoặc tài khoản chưa đăng ký dịch vụ Internet Banking',
  10: 'Xác thực thông tin thẻ sai quá 3 lần',
  11: 'Hết thời gian chờ thanh toán',
  12: 'Thẻ hoặc tài khoản bị khóa',
  13: 'Nhập sai mật khẩu xác thực giao dịch (OTP)',
  24: 'Bạn đã hủy giao dịch',
  51: 'Tài khoản không đủ số dư',
  65: 'Tài khoản đã vượt quá hạn mức giao dịch trong ngày',
  75: 'Ngân hàng thanh toán đang bảo trì',
  79: 'Nhập sai mật khẩu thanh toán quá số lần quy định',
  99: 'Lỗi khác'
}

/** The fields of a transaction query (QueryDR), in the order its hash joins them with `|`. */
const QUERY_FIELDS = ['vnp_RequestId', 'vnp_Version', 'vnp_Command', 'vnp_TmnCode', 'vnp_TxnRef', 'vnp_TransactionDate', 'vnp_CreateDate', 'vnp_IpAddr', 'vnp_OrderInfo'] as const
/** The fields of its answer, in the order its hash joins them. */
const ANSWER_FIELDS = ['vnp_ResponseId', 'vnp_Command', 'vnp_ResponseCode', 'vnp_Message', 'vnp_TmnCode', 'vnp_TxnRef', 'vnp_Amount', 'vnp_BankCode', 'vnp_PayDate', 'vnp_TransactionNo', 'vnp_TransactionType', 'vnp_TransactionStatus', 'vnp_OrderInfo', 'vnp_PromotionCode', 'vnp_PromotionAmount'] as const

const pipeHash = (secret: string, fields: readonly string[], body: Record<string, string | undefined>) => hmacSha512(secret, fields.map(f => body[f] ?? '').join('|'))

/** A signed QueryDR body: what happened to the order `txnRef` created at `transactionDate` (yyyyMMddHHmmss). */
export function queryDrBody (p: { secret: string, tmnCode: string, txnRef: string, transactionDate: string, orderInfo: string, ipAddr: string, requestId: string, now: Date }): Record<string, string> {
  const body: Record<string, string> = {
    vnp_RequestId: p.requestId, vnp_Version: VNP_VERSION, vnp_Command: 'querydr', vnp_TmnCode: p.tmnCode, vnp_TxnRef: p.txnRef,
    vnp_TransactionDate: p.transactionDate, vnp_CreateDate: vnpDate(p.now), vnp_IpAddr: p.ipAddr, vnp_OrderInfo: p.orderInfo
  }
  return { ...body, vnp_SecureHash: pipeHash(p.secret, QUERY_FIELDS, body) }
}

export const verifyQueryDr = (secret: string, body: Record<string, string | undefined>) => hashEquals(pipeHash(secret, QUERY_FIELDS, body), body['vnp_SecureHash'])
export const verifyQueryDrAnswer = (secret: string, body: Record<string, string | undefined>) => hashEquals(pipeHash(secret, ANSWER_FIELDS, body), body['vnp_SecureHash'])
export const signQueryDrAnswer = (secret: string, body: Record<string, string>) => ({ ...body, vnp_SecureHash: pipeHash(secret, ANSWER_FIELDS, body) })

function hashEquals (expected: string, given: string | undefined): boolean {
  const g = (given ?? '').toLowerCase()
  return /^[0-9a-f]{128}$/.test(g) && crypto.timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(g, 'hex'))
}

/** The fields of a refund request, in the order its hash joins them with `|`. */
const REFUND_FIELDS = ['vnp_RequestId', 'vnp_Version', 'vnp_Command', 'vnp_TmnCode', 'vnp_TransactionType', 'vnp_TxnRef', 'vnp_Amount', 'vnp_TransactionNo', 'vnp_TransactionDate', 'vnp_CreateBy', 'vnp_CreateDate', 'vnp_IpAddr', 'vnp_OrderInfo'] as const
/** The fields of its answer (the transaction query's without the promotion), in the order its hash joins them. */
const REFUND_ANSWER_FIELDS = ANSWER_FIELDS.slice(0, 13)

/**
 * A signed refund body: `amountVnd` of the order `txnRef` paid at `transactionDate` (yyyyMMddHHmmss)
 * goes back, wholly (`02`) or in part (`03`); `createdBy` is the official who asked.
 */
export function refundBody (p: { secret: string, tmnCode: string, txnRef: string, amountVnd: number, full: boolean, transactionNo: string | null, transactionDate: string, createdBy: string, orderInfo: string, ipAddr: string, requestId: string, now: Date }): Record<string, string> {
  const body: Record<string, string> = {
    vnp_RequestId: p.requestId, vnp_Version: VNP_VERSION, vnp_Command: 'refund', vnp_TmnCode: p.tmnCode, vnp_TransactionType: p.full ? '02' : '03',
    vnp_TxnRef: p.txnRef, vnp_Amount: String(Math.round(p.amountVnd * 100)), vnp_TransactionNo: p.transactionNo ?? '0', vnp_TransactionDate: p.transactionDate,
    vnp_CreateBy: p.createdBy, vnp_CreateDate: vnpDate(p.now), vnp_IpAddr: p.ipAddr, vnp_OrderInfo: p.orderInfo
  }
  return { ...body, vnp_SecureHash: pipeHash(p.secret, REFUND_FIELDS, body) }
}

export const verifyRefund = (secret: string, body: Record<string, string | undefined>) => hashEquals(pipeHash(secret, REFUND_FIELDS, body), body['vnp_SecureHash'])
export const verifyRefundAnswer = (secret: string, body: Record<string, string | undefined>) => hashEquals(pipeHash(secret, REFUND_ANSWER_FIELDS, body), body['vnp_SecureHash'])
export const signRefundAnswer = (secret: string, body: Record<string, string>) => ({ ...body, vnp_SecureHash: pipeHash(secret, REFUND_ANSWER_FIELDS, body) })

/** What a refund answer's code means to the official. */
export const REFUND_MESSAGES: Record<string, string> = {
  '00': 'Yêu cầu hoàn tiền đã được chấp nhận',
  '02': 'Mã đơn vị (TmnCode) không hợp lệ',
  '03': 'Dữ liệu gửi sang không đúng định dạng',
  91: 'Không tìm thấy giao dịch yêu cầu hoàn trả',
  94: 'Giao dịch đã được gửi yêu cầu hoàn tiền trước đó',
  95: 'Giao dịch gốc không thành công, không thể hoàn tiền',
  97: 'Chữ ký không hợp lệ',
  99: 'Lỗi khác'
}
