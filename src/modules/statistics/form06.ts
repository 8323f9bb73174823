import { sql, type RawBuilder } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'

/**
 * Biểu số 06/VPCP/KSTT read from the dossier ledger, with the definitions of docs/decisions/0012: every
 * figure is a count of dossiers classified by one SQL expression (`classified`), so the table and the
 * list behind any of its numbers (the drill-down) can never disagree.
 */

/** A period: from a Vietnam day at 00:00 (inclusive) to a Vietnam day at 00:00 (exclusive); `asOf` = min(end, now). */
export interface Period { start: Date, end: Date, asOf: Date }

/** The cells of a row, in the form's three column groups. */
export interface Form06Figures {
  received: { total: number, online: number, directOrPostal: number, carriedOver: number }
  resolved: { total: number, early: number, onTime: number, late: number }
  inProgress: { total: number, withinDue: number, overdue: number }
}

/** Each column of the form, as the name a drill-down link carries. */
export const FORM06_COLUMNS = [
  'received', 'received-online', 'received-direct', 'carried-over',
  'resolved', 'resolved-early', 'resolved-on-time', 'resolved-late',
  'in-progress', 'in-progress-within', 'in-progress-overdue'
] as const
export type Form06Column = typeof FORM06_COLUMNS[number]

export type Form06By = 'sector' | 'agency'

/**
 * One row per dossier counted in the period (received in it, or carried over into it), with its row
 * key and its class in each column group. Resolved = decided (9, 10: `finished_at`, a refusal after
 * review included) or closed after receipt (7 withdrawn, 8 stopped: `closed_at`, the instant of that
 * event). Every column read is in the index `dossiers_statistics` (an index-only scan).
 */
function classified (p: Period, scope: string[], by: Form06By): RawBuilder<unknown> {
  const key = by === 'sector' ? sql`p.sector_id::text` : sql`coalesce(d.processing_agency_code, d.agency_code)`
  return sql`
    select d.id, d.code, ${key} as k, d.channel, d.received_at, d.due_at,
           (d.received_at >= ${p.start}) as received_in,
           r.resolved_at,
           (r.resolved_at is not null and r.resolved_at >= ${p.start} and r.resolved_at < ${p.end}) as resolved_in,
           case when r.resolved_at is null or d.due_at is null then null
                -- Vietnam's day (UTC+7 all year, no daylight saving), on both engines without a time-zone database.
                when ((r.resolved_at at time zone 'UTC') + interval '7 hours')::date < ((d.due_at at time zone 'UTC') + interval '7 hours')::date then 'early'
                when r.resolved_at <= d.due_at then 'on-time' else 'late' end as timing
    from dossiers d
    join procedures p on p.id = d.procedure_id
    cross join lateral (select case when d.status in (9, 10) then d.finished_at when d.status in (7, 8) then d.closed_at end as resolved_at) r
    where d.received_at is not null and d.received_at < ${p.end}
      and (coalesce(d.processing_agency_code, d.agency_code) in (${sql.join(scope)}) or d.agency_code in (${sql.join(scope)}))
      and (r.resolved_at is null or r.resolved_at >= ${p.start})`
}

/** The condition that puts a classified dossier in a column (the drill-down uses exactly this). */
function inColumn (column: Form06Column, p: Period): RawBuilder<boolean> {
  const open = sql`(c.resolved_at is null or c.resolved_at >= ${p.end})`
  switch (column) {
    case 'received': return sql<boolean>`true`
    case 'received-online': return sql<boolean>`(c.received_in and c.channel = 'online')`
    case 'received-direct': return sql<boolean>`(c.received_in and c.channel <> 'online')`
    case 'carried-over': return sql<boolean>`(not c.received_in)`
    case 'resolved': return sql<boolean>`c.resolved_in`
    case 'resolved-early': return sql<boolean>`(c.resolved_in and c.timing = 'early')`
    case 'resolved-on-time': return sql<boolean>`(c.resolved_in and c.timing = 'on-time')`
    case 'resolved-late': return sql<boolean>`(c.resolved_in and c.timing = 'late')`
    case 'in-progress': return sql<boolean>`${open}`
    case 'in-progress-within': return sql<boolean>`(${open} and not (c.due_at < ${p.asOf}))`
    case 'in-progress-overdue': return sql<boolean>`(${open} and c.due_at < ${p.asOf})`
  }
}

/** Each column's alias in the query: short, lower case and without underscores, so that no plugin renames it. */
const CELL = Object.fromEntries(FORM06_COLUMNS.map((c, i) => [c, `n${i}`])) as Record<Form06Column, string>

/**
 * Runs report queries in one read transaction without PostgreSQL's JIT: compiling the expressions of a
 * query over a year of dossiers costs more (~0.4 s measured at a million) than evaluating them.
 */
export async function inReport<T> (db: Db, fn: (ex: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async trx => {
    await sql`set local jit = off`.execute(trx)
    return fn(trx)
  })
}

/** The form's rows (one per sector or agency with any dossier) in one query. */
export async function form06Rows (ex: Executor, p: Period, scope: string[], by: Form06By): Promise<Array<{ key: string, figures: Form06Figures }>> {
  if (scope.length === 0) return []
  const counts = FORM06_COLUMNS.map(col => sql`count(*) filter (where ${inColumn(col, p)})::int as ${sql.ref(CELL[col])}`)
  const r = await sql<Record<string, number> & { k: string }>`
    with c as (${classified(p, scope, by)})
    select c.k, ${sql.join(counts)} from c group by c.k order by c.k`.execute(ex)
  return r.rows.map(row => ({ key: row.k, figures: figuresOf(row) }))
}

/** The dossiers behind one figure: the row (a sector id or agency code; none: the totals row) and the column. */
export async function form06Dossiers (ex: Executor, p: Period, scope: string[], by: Form06By, column: Form06Column, rowKey?: string, limit = 500): Promise<Array<{ id: string, code: string, resolvedAt: Date | null, dueAt: Date | null }>> {
  if (scope.length === 0) return []
  const r = await sql<{ id: string, code: string, resolvedAt: Date | null, dueAt: Date | null }>`
    with c as (${classified(p, scope, by)})
    select c.id, c.code, c.resolved_at, c.due_at from c where ${inColumn(column, p)} ${rowKey === undefined ? sql`` : sql`and c.k = ${rowKey}`}
    order by c.received_at, c.code limit ${limit}`.execute(ex)
  return r.rows
}

/** How many dossiers of one row are in any of the columns, online ones only when asked (the self-assessment's index 9). */
export async function form06Count (ex: Executor, p: Period, scope: string[], by: Form06By, columns: Form06Column[], rowKey: string, channel?: 'online'): Promise<number> {
  if (scope.length === 0 || columns.length === 0) return 0
  const r = await sql<{ n: number }>`
    with c as (${classified(p, scope, by)})
    select count(*)::int as n from c where c.k = ${rowKey} and (${sql.join(columns.map(col => inColumn(col, p)), sql` or `)})
      ${channel ? sql`and c.channel = ${channel}` : sql``}`.execute(ex)
  return Number(r.rows[0]?.n ?? 0)
}

function figuresOf (row: Record<string, number>): Form06Figures {
  const f = totalOf([])
  for (const col of FORM06_COLUMNS) {
    const [group, key] = FIELD_OF[col];
    (f[group] as Record<string, number>)[key] = Number(row[CELL[col]] ?? 0)
  }
  return f
}

/** The totals row: the sum of the rows (each dossier is in exactly one row). */
export function totalOf (rows: Array<{ figures: Form06Figures }>): Form06Figures {
  const zero: Form06Figures = { received: { total: 0, online: 0, directOrPostal: 0, carriedOver: 0 }, resolved: { total: 0, early: 0, onTime: 0, late: 0 }, inProgress: { total: 0, withinDue: 0, overdue: 0 } }
  for (const { figures: f } of rows) {
    for (const group of ['received', 'resolved', 'inProgress'] as const) {
      const into = zero[group] as Record<string, number>
      for (const [k, v] of Object.entries(f[group])) into[k] = (into[k] ?? 0) + v
    }
  }
  return zero
}

/** A row's eleven figures in the form's column order (FORM06_COLUMNS), for exports. */
export const cellsOf = (f: Form06Figures): number[] => FORM06_COLUMNS.map(c => figureOf(f, c))

/** The form's two header rows: the three groups, and the columns under them. */
export const FORM06_GROUPS: Array<{ title: string, columns: string[] }> = [
  { title: 'Số hồ sơ nhận giải quyết', columns: ['Tổng số', 'Trực tuyến', 'Trực tiếp, dịch vụ bưu chính', 'Từ kỳ trước'] },
  { title: 'Số hồ sơ đã giải quyết', columns: ['Tổng số', 'Trước hạn', 'Đúng hạn', 'Quá hạn'] },
  { title: 'Số hồ sơ đang giải quyết', columns: ['Tổng số', 'Trong hạn', 'Quá hạn'] }
]

/** Where each column's figure sits in a row's figures: the one table the rows, exports and links read. */
export const FIELD_OF: Record<Form06Column, [keyof Form06Figures, string]> = {
  received: ['received', 'total'], 'received-online': ['received', 'online'], 'received-direct': ['received', 'directOrPostal'], 'carried-over': ['received', 'carriedOver'],
  resolved: ['resolved', 'total'], 'resolved-early': ['resolved', 'early'], 'resolved-on-time': ['resolved', 'onTime'], 'resolved-late': ['resolved', 'late'],
  'in-progress': ['inProgress', 'total'], 'in-progress-within': ['inProgress', 'withinDue'], 'in-progress-overdue': ['inProgress', 'overdue']
}

/** A column's figure in a row. */
export const figureOf = (f: Form06Figures, column: Form06Column): number => {
  const [group, key] = FIELD_OF[column]
  return (f[group] as Record<string, number>)[key]!
}
