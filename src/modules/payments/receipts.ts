import { sql } from 'kysely'
import type { Executor } from '../../platform/db/db.js'
import { officialFormPdf } from '../../platform/pdf/forms-pdf.js'
import { METHOD_LABELS } from './payments.model.js'
import { vndInWords } from './vnd-words.js'

/**
 * Numbers fee receipts. Legally valid e-receipts go through a provider connected to the tax authority;
 * this interface is where such a provider replaces the local numbering.
 */
export interface ReceiptNumbering {
  /** The next number of the agency's template and series for the year, in the caller's transaction. */
  next (trx: Executor, key: { agencyCode: string, template: string, series: string, year: number }): Promise<number>
}

/** The receipt template symbol (ký hiệu mẫu) in use. */
export const RECEIPT_TEMPLATE = '01BLP0-001'
/** The series (ký hiệu): letters and the last two digits of the year the receipts are used. */
export const receiptSeries = (year: number) => `BL${String(year % 100).padStart(2, '0')}`

/** The year of an instant in Vietnam (UTC+7): receipts restart at 1 on 1 January there. */
export const vietnamYear = (t: Date) => new Date(t.getTime() + 7 * 3600_000).getUTCFullYear()

/**
 * Local numbering: a counter row per agency, template, series and year, incremented in the caller's
 * transaction — unique under concurrency (the row is locked by the upsert), no gap on rollback.
 */
export const localNumbering: ReceiptNumbering = {
  async next (trx, k) {
    const r = await sql<{ last: number }>`
      insert into receipt_counters (agency_code, template, series, year, last) values (${k.agencyCode}, ${k.template}, ${k.series}, ${k.year}, 1)
      on conflict (agency_code, template, series, year) do update set last = receipt_counters.last + 1
      returning last`.execute(trx)
    const n = Number(r.rows[0]!.last)
    if (n > 9_999_999) throw new Error('receipt numbers exhausted for the year (at most 7 digits)')
    return n
  }
}

/** What a receipt prints (a row of receipts with its payment's method and collector, and the agency). */
export interface ReceiptPrint {
  template: string, series: string, number: number, agencyName: string, issuedAt: Date, payerName: string, payerAddress: string | null, payerIdNumber: string | null
  content: string, amountVnd: number, method: keyof typeof METHOD_LABELS, cancelledAt: Date | null, cancelReason: string | null, recordedByName: string | null
}

/** The fee receipt (biên lai thu phí, lệ phí) as a PDF. */
export function receiptPdf (r: ReceiptPrint, province: string): Promise<Buffer> {
  return officialFormPdf({
    number: `Mẫu số: ${r.template}   Ký hiệu: ${r.series}   Số: ${String(r.number).padStart(7, '0')}`,
    title: 'Biên lai thu phí, lệ phí',
    issuer: { parent: province, agency: r.agencyName },
    province,
    date: r.issuedAt,
    body: [
      `Tên đơn vị thu phí, lệ phí: ${r.agencyName}`,
      `Tên người nộp: ${r.payerName}`,
      `Địa chỉ: ${r.payerAddress ?? '—'}${r.payerIdNumber ? `    Số định danh / mã số thuế: ${r.payerIdNumber}` : ''}`,
      `Nội dung thu: ${r.content}`,
      `Số tiền: ${r.amountVnd.toLocaleString('vi-VN')} đồng`,
      `(Viết bằng chữ: ${vndInWords(r.amountVnd)})`,
      `Hình thức thanh toán: ${METHOD_LABELS[r.method]}`,
      ...(r.cancelledAt ? [`ĐÃ HỦY ngày ${r.cancelledAt.toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}: ${r.cancelReason ?? ''}`] : [])
    ],
    // The collector: the official who took the cash or confirmed the transfer; an online payment was collected by the gateway.
    signatures: [
      { title: 'Người nộp tiền', note: '(Ký, ghi rõ họ tên)', name: r.payerName },
      { title: 'Người thu tiền', note: r.recordedByName ? '(Ký, ghi rõ họ tên)' : '(Thu qua cổng thanh toán trực tuyến)', name: r.recordedByName ?? '' }
    ]
  })
}

/**
 * The receipt of a payment just marked paid, in the same transaction: numbered for the collecting
 * agency (the processing agency, else the receiving one) and the Vietnam year of the payment.
 */
export async function issueReceiptFor (trx: Executor, numbering: ReceiptNumbering, paymentId: number): Promise<void> {
  const p = await trx.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
    .innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
    .select(['p.id', 'p.amountVnd', 'p.settledAt', 'd.code', 'd.applicant', 'd.agencyCode', 'd.processingAgencyCode', 'v.name as procedureName'])
    .where('p.id', '=', paymentId).executeTakeFirstOrThrow()
  const at = p.settledAt ?? new Date()
  const year = vietnamYear(at)
  const agencyCode = p.processingAgencyCode ?? p.agencyCode!
  const key = { agencyCode, template: RECEIPT_TEMPLATE, series: receiptSeries(year), year }
  const number = await numbering.next(trx, key)
  const payer = p.applicant as { fullName: string, address?: string, idNumber?: string }
  await trx.insertInto('receipts').values({
    paymentId: p.id, ...key, number, amountVnd: p.amountVnd, payerName: payer.fullName, payerAddress: payer.address ?? null, payerIdNumber: payer.idNumber ?? null,
    content: `Phí, lệ phí hồ sơ ${p.code}: ${p.procedureName}`.slice(0, 500), issuedAt: at
  }).execute()
}
