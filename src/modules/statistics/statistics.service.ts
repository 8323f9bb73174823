import type { Db } from '../../platform/db/db.js'
import { parseDay, vnDayStart } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { toLocal } from '../../platform/vn-time.js'
import type { AuditService } from '../audit/audit.service.js'
import type { OfficialRole, OfficialsService, SignedInOfficial } from '../accounts/officials.service.js'
import { FORM06_COLUMNS, form06Dossiers, form06Rows, totalOf, type Form06By, type Form06Column, type Form06Figures, type Period } from './form06.js'

/** Who reads the statistics: leaders of an agency or a department, and system administrators, over their agencies and the units below. */
const READERS: OfficialRole[] = ['agency_leader', 'department_head', 'system_admin']
/** The longest period one report covers. */
const MAX_DAYS = 5 * 366

export interface PeriodInput { from?: string | undefined, to?: string | undefined }
export interface Form06Row { key: string, label: string, figures: Form06Figures }

/**
 * Statistics for leaders, read from the dossier ledger (docs/decisions/0012): Biểu 06 by sector or by
 * agency for any period, and the dossiers behind each of its figures.
 */
export function createStatisticsService (deps: { db: Db, officials: OfficialsService, audit: AuditService, now?: () => Date }) {
  const { db, officials, audit } = deps
  const now = deps.now ?? (() => new Date())

  async function scopeOf (o: SignedInOfficial): Promise<string[]> {
    const scope = await officials.scope(o, READERS)
    if (scope.length === 0) throw new AppError('FORBIDDEN', 'statistics: leaders and administrators only')
    return scope
  }

  /** A period from days (dd/mm/yyyy or yyyy-mm-dd), both included; by default this month so far. Throws VALIDATION naming the field. */
  function periodOf (input: PeriodInput): { period: Period, from: string, to: string } {
    const today = toLocal(now()).date
    const errors: FieldError[] = []
    const from = input.from?.trim() ? parseDay(input.from) : `${today.slice(0, 8)}01`
    const to = input.to?.trim() ? parseDay(input.to) : today
    if (!from) errors.push({ field: 'tu', message: 'Từ ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 01/01/2026' })
    if (!to) errors.push({ field: 'den', message: 'Đến ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/03/2026' })
    if (from && to && from > to) errors.push({ field: 'den', message: 'Đến ngày phải sau hoặc bằng Từ ngày' })
    if (from && to && from <= to && (Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS) errors.push({ field: 'den', message: 'Một báo cáo gồm tối đa 5 năm' })
    if (errors.length > 0) throw new AppError('VALIDATION', 'invalid period', errors)
    const start = vnDayStart(from!)
    const end = vnDayStart(to!, 1)
    return { period: { start, end, asOf: new Date(Math.min(end.getTime(), now().getTime())) }, from: from!, to: to! }
  }

  /** The labels of the rows: sector names by id, agency names by code. */
  async function labels (by: Form06By): Promise<Map<string, string>> {
    if (by === 'sector') return new Map((await db.kysely.selectFrom('sectors').select(['id', 'name']).execute()).map(s => [String(s.id), s.name]))
    return new Map((await db.kysely.selectFrom('agencies').select(['code', 'name']).execute()).map(a => [a.code, a.name]))
  }

  return {
    periodOf,

    /** Biểu 06 for the official's agencies: one row per sector (or agency) with dossiers, and the totals row. */
    async form06 (o: SignedInOfficial, input: PeriodInput, by: Form06By) {
      const scope = await scopeOf(o)
      const { period, from, to } = periodOf(input)
      const [rows, names] = await Promise.all([form06Rows(db.reader(), period, scope, by), labels(by)])
      const labelled: Form06Row[] = rows.map(r => ({ ...r, label: names.get(r.key) ?? r.key })).sort((a, b) => a.label.localeCompare(b.label, 'vi'))
      return { from, to, asOf: period.asOf, by, rows: labelled, total: totalOf(rows) }
    },

    /**
     * The dossiers behind one figure of Biểu 06 (at most 500, by receipt), with what a leader checks by
     * hand. Audited: the list names applicants.
     */
    async form06Dossiers (o: SignedInOfficial, input: PeriodInput, by: Form06By, column: string, rowKey: string | undefined) {
      if (!FORM06_COLUMNS.includes(column as Form06Column)) throw new AppError('NOT_FOUND', `no column ${column}`)
      const scope = await scopeOf(o)
      const { period, from, to } = periodOf(input)
      const ids = await form06Dossiers(db.reader(), period, scope, by, column as Form06Column, rowKey || undefined)
      const rows = ids.length === 0 ? [] : await db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.id', 'd.code', 'd.status', 'd.channel', 'd.applicant', 'd.receivedAt', 'd.dueAt', 'd.finishedAt', 'v.name as procedureName'])
        .where('d.id', 'in', ids.map(i => i.id)).execute()
      const order = new Map(ids.map((i, n) => [i.id, n]))
      rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
      await db.transaction(trx => audit.record(trx, { actor: { type: 'official', id: o.id }, action: 'statistics.drilldown', targetType: 'report', targetId: 'form-06', details: { from, to, by, column, row: rowKey ?? null, count: rows.length } }))
      const names = await labels(by)
      return { from, to, by, column: column as Form06Column, rowKey, rowLabel: rowKey ? names.get(rowKey) ?? rowKey : undefined, rows, truncated: ids.length === 500 }
    }
  }
}

export type StatisticsService = ReturnType<typeof createStatisticsService>
