import { sql } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import { isOnlinePayment } from '../../platform/db/database.js'
import { vnDayStart } from '../../platform/http/day-range.js'
import { toLocal } from '../../platform/vn-time.js'
import { form06Rows, inReport, totalOf, type Form06Figures, type Period } from './form06.js'

/** What the public sees of an agency (or the province) for a period: aggregates only, never a name or a code. */
export interface PublicFigures {
  received: number
  resolved: number
  /** Resolved early or on time, of those resolved; null when none was resolved. */
  onTimeRate: number | null
  /** Received online, of those received in the period. */
  onlineRate: number | null
  /** Fees paid online (VNPay), of the fees paid in the period. */
  onlinePaymentRate: number | null
  /** The average of the 1–5 ratings given in the period, and how many. */
  rating: { average: number, count: number } | null
}

export interface PublicStatistics {
  asOf: Date
  year: { label: string, province: PublicFigures, agencies: Array<{ code: string, name: string, figures: PublicFigures }> }
  month: { label: string, province: PublicFigures }
  /** The province's on-time rate for each month of the year so far. */
  months: Array<{ month: string, label: string, resolved: number, onTimeRate: number | null }>
}

const rate = (part: number, whole: number) => whole === 0 ? null : part / whole

/** The public figures of the ledger's Biểu 06 counts, payments and ratings for a period. */
async function figures (db: Db, p: Period, scope: string[]) {
  const [rows, payments, ratings] = await Promise.all([
    inReport(db, ex => form06Rows(ex, p, scope, 'agency')),
    db.reader().selectFrom('payments as pay').innerJoin('paymentRequests as r', 'r.id', 'pay.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
      .select([sql<string>`coalesce(d.processing_agency_code, d.agency_code)`.as('agency'), sql<number>`count(*)::int`.as('paid'), sql<number>`count(*) filter (where ${isOnlinePayment('pay.method')})::int`.as('online')])
      .where('pay.state', '=', 'paid').where('pay.settledAt', '>=', p.start).where('pay.settledAt', '<', p.end).groupBy(sql`coalesce(d.processing_agency_code, d.agency_code)`).execute(),
    db.reader().selectFrom('dossiers as d')
      .select([sql<string>`coalesce(d.processing_agency_code, d.agency_code)`.as('agency'), sql<number>`count(*)::int`.as('count'), sql<number>`sum(d.rating)::int`.as('sum')])
      .where('d.ratedAt', '>=', p.start).where('d.ratedAt', '<', p.end).where('d.rating', 'is not', null).groupBy(sql`coalesce(d.processing_agency_code, d.agency_code)`).execute()
  ])
  const of = (f: Form06Figures, pay: { paid: number, online: number }, rated: { count: number, sum: number }): PublicFigures => ({
    received: f.received.total - f.received.carriedOver,
    resolved: f.resolved.total,
    onTimeRate: rate(f.resolved.early + f.resolved.onTime, f.resolved.total),
    onlineRate: rate(f.received.online, f.received.online + f.received.directOrPostal),
    onlinePaymentRate: rate(pay.online, pay.paid),
    rating: rated.count === 0 ? null : { average: rated.sum / rated.count, count: rated.count }
  })
  const byAgency = new Map(rows.map(r => [r.key, r.figures]))
  const agencies = [...new Set([...byAgency.keys(), ...payments.map(x => x.agency), ...ratings.map(x => x.agency)])]
  const zero = totalOf([])
  return {
    province: of(totalOf(rows),
      { paid: payments.reduce((n, x) => n + x.paid, 0), online: payments.reduce((n, x) => n + x.online, 0) },
      { count: ratings.reduce((n, x) => n + x.count, 0), sum: ratings.reduce((n, x) => n + x.sum, 0) }),
    agencies: agencies.map(code => ({
      code,
      figures: of(byAgency.get(code) ?? zero, payments.find(x => x.agency === code) ?? { paid: 0, online: 0 }, ratings.find(x => x.agency === code) ?? { count: 0, sum: 0 })
    }))
  }
}

/**
 * The public transparency page's figures (`/thong-ke`): this year and this month, for the province and
 * each agency, and the on-time rate month by month. Kept in memory for `ttlMs` per process: the page
 * is cheap under load and at most that old.
 */
export function createPublicStatistics (deps: { db: Db, now: () => Date, ttlMs?: number }) {
  const ttl = deps.ttlMs ?? 5 * 60_000
  let cached: { at: number, value: Promise<PublicStatistics> } | undefined

  async function compute (): Promise<PublicStatistics> {
    const now = deps.now()
    const today = toLocal(now).date
    const year = today.slice(0, 4)
    const agencies = await deps.db.reader().selectFrom('agencies').select(['code', 'name']).execute()
    const scope = agencies.map(a => a.code)
    const names = new Map(agencies.map(a => [a.code, a.name]))
    const period = (from: string, toExclusive: Date): Period => ({ start: vnDayStart(from), end: toExclusive, asOf: new Date(Math.min(toExclusive.getTime(), now.getTime())) })
    const tomorrow = vnDayStart(today, 1)
    const [y, m] = await Promise.all([figures(deps.db, period(`${year}-01-01`, tomorrow), scope), figures(deps.db, period(`${today.slice(0, 8)}01`, tomorrow), scope)])
    const months: PublicStatistics['months'] = []
    for (let n = 1; n <= Number(today.slice(5, 7)); n++) {
      const first = `${year}-${String(n).padStart(2, '0')}-01`
      const next = n === 12 ? `${Number(year) + 1}-01-01` : `${year}-${String(n + 1).padStart(2, '0')}-01`
      const f = totalOf(await inReport(deps.db, ex => form06Rows(ex, period(first, vnDayStart(next) < tomorrow ? vnDayStart(next) : tomorrow), scope, 'agency')))
      months.push({ month: first.slice(0, 7), label: `T${n}`, resolved: f.resolved.total, onTimeRate: rate(f.resolved.early + f.resolved.onTime, f.resolved.total) })
    }
    return {
      asOf: now,
      year: { label: `Năm ${year}`, province: y.province, agencies: y.agencies.map(a => ({ ...a, name: names.get(a.code) ?? a.code })).sort((a, b) => a.name.localeCompare(b.name, 'vi')) },
      month: { label: `Tháng ${Number(today.slice(5, 7))}/${year}`, province: m.province },
      months
    }
  }

  return {
    async get (): Promise<PublicStatistics> {
      if (!cached || Date.now() - cached.at > ttl) {
        const value = compute()
        cached = { at: Date.now(), value }
        value.catch(() => { cached = undefined })
      }
      return cached.value
    }
  }
}
