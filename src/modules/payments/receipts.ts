import { sql } from 'kysely'
import type { Executor } from '../../platform/db/db.js'

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
