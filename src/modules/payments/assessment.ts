import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Fee as FeeLine } from '../catalog/catalog.types.js'

/**
 * What the one-stop desk says of a dossier's fees at reception: the procedure's amounts, an amount
 * for this case with how it was computed (per vehicle, per page), or the applicant's exemption.
 */
export type FeeAssessment =
  | { kind: 'standard' }
  | { kind: 'case', amountVnd: number, note: string }
  | { kind: 'exempt', reason: string }

export const FEE_MODES = { standard: 'Theo mức thu của thủ tục', case: 'Số tiền tính theo hồ sơ này', exempt: 'Chủ hồ sơ được miễn phí, lệ phí' } as const

/** Whether the procedure's fees leave an amount to the case (a line without a fixed amount). */
export const feesVary = (fees: FeeLine[]) => fees.some(f => f.amountVnd === null)

/** An amount in whole đồng as officials type it ("150.000", "150 000 đ"), between 1,000 and 1,000,000,000. */
export function parseVnd (raw: string | undefined, field: string): number {
  const digits = (raw ?? '').replace(/đồng|[.\s,đ]/g, '')
  const amount = Number(digits)
  if (!/^\d+$/.test(digits) || amount < 1000 || amount > 1_000_000_000) throw new AppError('VALIDATION', 'amount', [{ field, message: 'Số tiền là số nguyên đồng, từ 1.000 đến 1.000.000.000' }])
  return amount
}

/**
 * Reads the reception form's fees part. A procedure without fees needs nothing; one whose fee depends
 * on the case needs the amount and how it was computed (or the exemption); an amount other than the
 * procedure's needs its reason too.
 */
export function assessFees (fees: FeeLine[], form: Record<string, unknown>): FeeAssessment {
  if (fees.length === 0) return { kind: 'standard' }
  const text = (k: string) => { const v = form[k]; return typeof v === 'string' ? v.trim() : '' }
  const mode = text('fees-mode') || (feesVary(fees) ? '' : 'standard')
  if (mode === 'standard' && !feesVary(fees)) return { kind: 'standard' }
  if (mode === 'exempt') {
    const reason = text('exempt-reason').slice(0, 1000)
    if (reason.length < 5) throw new AppError('VALIDATION', 'exemption', [{ field: 'exempt-reason', message: 'Ghi rõ căn cứ miễn phí, lệ phí (đối tượng, văn bản quy định)' }])
    return { kind: 'exempt', reason }
  }
  if (mode !== 'case') throw new AppError('VALIDATION', 'fees mode', [{ field: 'fees-mode', message: 'Mức thu của thủ tục tùy trường hợp: nhập số tiền phải nộp của hồ sơ này, hoặc ghi nhận được miễn' }])
  const errors: FieldError[] = []
  let amountVnd = 0
  try { amountVnd = parseVnd(text('payable'), 'payable') } catch (err) { errors.push(...(err as AppError).fields ?? []) }
  const note = text('payable-note').slice(0, 1000)
  if (note.length < 5) errors.push({ field: 'payable-note', message: 'Ghi rõ cách tính số tiền (ví dụ: 2 xe × 150.000 đồng)' })
  if (errors.length > 0) throw new AppError('VALIDATION', 'payable amount', errors)
  return { kind: 'case', amountVnd, note }
}

/** The line the reception's timeline entry and notice carry about the fees. */
export function assessmentLine (a: FeeAssessment): string {
  if (a.kind === 'case') return ` Phí, lệ phí phải nộp: ${a.amountVnd.toLocaleString('vi-VN')} đồng (${a.note}).`
  if (a.kind === 'exempt') return ` Được miễn phí, lệ phí: ${a.reason}.`
  return ''
}
