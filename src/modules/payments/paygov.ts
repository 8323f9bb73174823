import crypto from 'node:crypto'
import { compactVnTime as payGovTime, fromCompactVnTime } from '../../platform/vn-time.js'
import type { OrderReceipt } from './provider.js'

/**
 * The messages of the national payment platform (PayGov, version 1.0.6; domain-research §10), as a
 * production integration (DVC-TH) sends them: JSON over HTTPS with a bearer token, each message checked
 * by `MaXacThuc` = hex(SHA-256(its fields joined by "|", then "|" and the secret)) — a plain SHA-256 with
 * the secret appended, not an HMAC. The protocol only: `paygov-provider.ts` uses it, and the stand-in
 * national portal answers it.
 *
 * Not in the source this follows (so chosen here, and to verify with the platform before going live):
 * the QUERY answer is `{error_code: "0", message: "<JSON>"}` whose inner JSON is a confirm message
 * (same fields, same checksum) plus `TrangThaiGD` ("00" paid, "01" not yet paid, "02" failed); an
 * order the platform does not know answers error_code "91".
 */

export const PAYGOV_VERSION = '1.0.6'

const INIT_FIELDS = ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'SoTien', 'LoaiHinhThanhToan', 'MaKenhThanhToan', 'MaThietBi', 'NgonNgu', 'MaTienTe', 'MaNganHang', 'ThongTinGiaoDich', 'ThoiGianGD', 'Ip'] as const
const CONFIRM_FIELDS = ['LoaiBanTin', 'MaLoi', 'MaDoiTac', 'MaThamChieu', 'SoTien', 'MaTienTe', 'MaGiaoDich', 'MaNganHang', 'ThoiGianGD', 'ThongTinGiaoDich'] as const
const QUERY_FIELDS = ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'] as const

/** `MaXacThuc` of a message: its fields in the protocol's order, then the secret, joined by "|". */
export function payGovChecksum (fields: readonly string[], body: Record<string, unknown>, secret: string): string {
  return crypto.createHash('sha256').update([...fields.map(f => String(body[f] ?? '')), secret].join('|'), 'utf8').digest('hex')
}

const sameHex = (a: string, b: unknown) => typeof b === 'string' && a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b.toLowerCase()))


/** INIT: create a payment of `amountVnd` for the order `ref` (unique per attempt). */
export function initMessage (p: { partner: string, secret: string, ref: string, amountVnd: number, info: string, at: Date, ip: string, receipt: OrderReceipt }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    LoaiBanTin: 'INIT', PhienBan: PAYGOV_VERSION, MaDoiTac: p.partner, MaThamChieu: p.ref, SoTien: String(p.amountVnd), LoaiHinhThanhToan: 'PAY',
    MaKenhThanhToan: '1', MaThietBi: '1', NgonNgu: 'vi-VN', MaTienTe: 'VND', MaNganHang: 'PAYMENT', ThongTinGiaoDich: p.info, ThoiGianGD: payGovTime(p.at), Ip: p.ip,
    ThongTinBienLai: {
      MaDichVu: '2', MaTTHC: p.receipt.procedureCode, TenTTHC: p.receipt.procedureName, MaDonVi: p.receipt.agencyCode, TenDonVi: p.receipt.agencyName, MaHoSo: p.receipt.dossierCode,
      TKThuHuong: p.receipt.account.number, MaNHThuHuong: p.receipt.account.bank, TenTKThuHuong: p.receipt.account.name,
      HoTenNguoiNop: p.receipt.payer.name, SoCMNDNguoiNop: p.receipt.payer.idNumber, DiaChiNguoiNop: p.receipt.payer.address, NoiDungThanhToan: p.info,
      PhiLePhi: p.receipt.fees.map((f, i) => ({ LoaiPhiLePhi: '1', MaPhiLePhi: String(i + 1), TenPhiLePhi: f.name, SoTien: String(f.amountVnd) })),
      DSKhoanNop: p.receipt.fees.map(f => ({ NoiDung: f.name, SoTien: String(f.amountVnd) }))
    }
  }
  body['MaXacThuc'] = payGovChecksum(INIT_FIELDS, body, p.secret)
  return body
}

/** Whether an INIT carries a good checksum (the platform's side, and the stand-in's). */
export const verifyInit = (secret: string, body: Record<string, unknown>) => sameHex(payGovChecksum(INIT_FIELDS, body, secret), body['MaXacThuc'])

/** The platform's answer to an INIT: the page to send the payer to, or why not. */
export function readInitAnswer (answer: unknown): { url: string } | { error: string } {
  const a = answer as { error_code?: unknown, message?: unknown } | undefined
  if (!a || String(a.error_code) !== '0') return { error: `PayGov từ chối (${String(a?.error_code ?? '?')}): ${String(a?.message ?? '')}` }
  try {
    const inner = JSON.parse(String(a.message)) as { UrlThanhToan?: unknown }
    if (typeof inner.UrlThanhToan === 'string' && /^https?:\/\//.test(inner.UrlThanhToan)) return { url: inner.UrlThanhToan }
  } catch { /* not JSON: below */ }
  return { error: 'PayGov trả lời không có địa chỉ thanh toán' }
}

/** The confirm callback, checked and read; undefined when its checksum does not hold (forged or altered). */
export function readConfirm (secret: string, body: Record<string, unknown>): { ref: string, amountVnd: number, success: boolean, providerTxn: string | null, bankCode: string | null, responseCode: string, settledAt: Date } | undefined {
  if (!sameHex(payGovChecksum(CONFIRM_FIELDS, body, secret), body['MaXacThuc'])) return undefined
  const amount = Number(body['SoTien'])
  if (!Number.isInteger(amount) || amount < 0) return undefined
  return {
    ref: String(body['MaThamChieu'] ?? ''), amountVnd: amount, success: body['MaLoi'] === '00', providerTxn: body['MaGiaoDich'] ? String(body['MaGiaoDich']) : null,
    bankCode: body['MaNganHang'] ? String(body['MaNganHang']) : null, responseCode: String(body['MaLoi'] ?? ''), settledAt: fromCompactVnTime(body['ThoiGianGD']) ?? new Date()
  }
}

/** A confirm callback as the platform sends it (the stand-in's side). */
export function confirmMessage (p: { partner: string, secret: string, ref: string, amountVnd: number, success: boolean, txn: string, at: Date, info: string }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    LoaiBanTin: 'CONFIRM', MaLoi: p.success ? '00' : '24', MaDoiTac: p.partner, MaThamChieu: p.ref, SoTien: String(p.amountVnd), MaTienTe: 'VND',
    MaGiaoDich: p.txn, MaNganHang: 'PAYMENT', ThoiGianGD: payGovTime(p.at), ThongTinGiaoDich: p.info
  }
  body['MaXacThuc'] = payGovChecksum(CONFIRM_FIELDS, body, p.secret)
  return body
}

/** QUERY (the state of an order) or GET_BILL (its e-receipt as PDF): the same fields and checksum. */
export function queryMessage (kind: 'QUERY' | 'GET_BILL', p: { partner: string, secret: string, ref: string, at: Date }): Record<string, unknown> {
  const body: Record<string, unknown> = { LoaiBanTin: kind, PhienBan: PAYGOV_VERSION, MaDoiTac: p.partner, MaThamChieu: p.ref, ThoiGianGD: payGovTime(p.at) }
  body['MaXacThuc'] = payGovChecksum(QUERY_FIELDS, body, p.secret)
  return body
}

export const verifyQuery = (secret: string, body: Record<string, unknown>) => sameHex(payGovChecksum(QUERY_FIELDS, body, secret), body['MaXacThuc'])

/** The state of an order in a QUERY answer. */
export const TRANSACTION_STATES = { paid: '00', open: '01', failed: '02' } as const

/** The platform's answer to a QUERY (the stand-in's side): the confirm message of the order and its state; or "91", unknown. */
export function queryAnswer (p: Parameters<typeof confirmMessage>[0] & { state: keyof typeof TRANSACTION_STATES } | undefined): { error_code: string, message: string } {
  if (!p) return { error_code: '91', message: 'Không tìm thấy giao dịch' }
  return { error_code: '0', message: JSON.stringify({ ...confirmMessage(p), TrangThaiGD: TRANSACTION_STATES[p.state] }) }
}

/** A QUERY answer read: the order settled (its confirm checked), still open, or unknown; throws when it cannot be trusted. */
export function readQueryAnswer (secret: string, answer: unknown): { kind: 'settled', confirm: NonNullable<ReturnType<typeof readConfirm>> } | { kind: 'open' } | { kind: 'unknown' } {
  const a = answer as { error_code?: unknown, message?: unknown } | undefined
  if (a && String(a.error_code) === '91') return { kind: 'unknown' }
  if (!a || String(a.error_code) !== '0') throw new Error(`PayGov QUERY: error ${String(a?.error_code ?? 'none')}`)
  let inner: Record<string, unknown>
  try { inner = JSON.parse(String(a.message)) as Record<string, unknown> } catch { throw new Error('PayGov QUERY: the answer is not JSON') }
  if (inner['TrangThaiGD'] === TRANSACTION_STATES.open) return { kind: 'open' }
  const confirm = readConfirm(secret, inner)
  if (!confirm) throw new Error('PayGov QUERY: the answer\'s checksum does not hold')
  if ((inner['TrangThaiGD'] === TRANSACTION_STATES.paid) !== confirm.success) throw new Error('PayGov QUERY: state and error code disagree')
  return { kind: 'settled', confirm }
}
