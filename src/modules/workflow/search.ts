import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Database } from '../../platform/db/database.js'
import type { Db } from '../../platform/db/db.js'
import type { FieldError } from '../../platform/http/errors.js'
import { parseDayRange, vnDayStart } from '../../platform/http/day-range.js'
import { fold } from '../catalog/import/text.js'
import { isDossierStatus, type DossierStatus } from '../dossiers/status.js'
import type { Person } from '../dossiers/dossier-form.js'
import { pageNumber } from '../../platform/http/page-number.js'

/** What an official may search by; every field optional, all given ones must match. */
export interface DossierCriteria {
  code?: string
  name?: string
  idNumber?: string
  procedure?: string
  status?: DossierStatus
  /** yyyy-mm-dd, submission dates in Vietnam's time, both ends included. */
  from?: string
  to?: string
  page: number
}

/** The back office's lists beside the search: open dossiers near or past their due date. */
export type DueQueue = 'due-soon' | 'overdue'

export const PAGE_SIZE = 50

/** Reads the search form (a GET query); errors name the field, in Vietnamese. */
export function parseCriteria (query: Record<string, string | undefined>): { criteria: DossierCriteria, errors: FieldError[], given: boolean } {
  const text = (k: string, max = 100) => (query[k] ?? '').trim().slice(0, max)
  const errors: FieldError[] = []
  const criteria: DossierCriteria = { page: pageNumber(query['trang']) }
  const code = text('ma')
  if (code) criteria.code = code
  const name = text('ten')
  if (name) {
    if (fold(name).length < 2) errors.push({ field: 'ten', message: 'Nhập ít nhất 2 ký tự của tên chủ hồ sơ' })
    else criteria.name = name
  }
  const id = text('giay-to').replace(/\s+/g, '')
  if (id) criteria.idNumber = id
  const procedure = text('thu-tuc', 200)
  if (procedure) {
    if (fold(procedure).length < 2) errors.push({ field: 'thu-tuc', message: 'Nhập mã thủ tục hoặc ít nhất 2 ký tự của tên thủ tục' })
    else criteria.procedure = procedure
  }
  const status = text('trang-thai')
  if (status) {
    const n = Number(status)
    if (isDossierStatus(n) && n > 0) criteria.status = n
    else errors.push({ field: 'trang-thai', message: 'Chọn một trạng thái trong danh sách' })
  }
  const days = parseDayRange(query, { from: 'tu', to: 'den' })
  errors.push(...days.errors)
  if (days.from) criteria.from = days.from
  if (days.to) criteria.to = days.to
  const given = Boolean(criteria.code || criteria.name || criteria.idNumber || criteria.procedure || criteria.status || criteria.from || criteria.to)
  return { criteria, errors, given }
}


export interface FoundDossier {
  code: string
  status: DossierStatus
  procedureName: string
  applicant: string
  submittedAt: Date | null
  dueAt: Date | null
  channel: string
}

/**
 * Dossiers of the given agencies (received or processed there, or on which their opinion was asked), newest first, one page of
 * PAGE_SIZE; `more` says whether another page follows. Each criterion is served by an index
 * (migration 0019), so the cost stays flat as dossiers accumulate.
 */
export async function searchDossiers (db: Db, scope: string[], c: DossierCriteria): Promise<{ rows: FoundDossier[], more: boolean }> {
  if (scope.length === 0) return { rows: [], more: false }
  let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
    .select(['d.code', 'd.status', 'd.applicant', 'd.submittedAt', 'd.dueAt', 'd.channel', 'v.name as procedureName'])
    .where('d.status', '>', 0)
    .where(eb => eb.or([...ofAgencies(eb, scope),
      // Dossiers another agency is deciding on which the official's agency was asked for its opinion.
      eb.exists(eb.selectFrom('dossierConsultations as c').select('c.id').whereRef('c.dossierId', '=', 'd.id').where('c.agencyCode', 'in', scope))]))
  if (c.code) q = q.where('d.code', '=', c.code.toUpperCase())
  if (c.idNumber) q = q.where(sql`d.applicant ->> 'idNumber'`, '=', c.idNumber.toUpperCase())
  if (c.name) q = q.where(sql<SqlBool>`immutable_unaccent(lower(d.applicant ->> 'fullName')) like ${`%${likeEscape(fold(c.name))}%`}`)
  if (c.procedure) {
    const p = c.procedure
    const byName: Expression<SqlBool> = sql<SqlBool>`exists (select 1 from procedures p where p.id = d.procedure_id and (p.code = ${p} or p.search_name like ${`%${likeEscape(fold(p))}%`}))`
    q = q.where(byName)
  }
  if (c.status) q = q.where('d.status', '=', c.status)
  if (c.from) q = q.where('d.submittedAt', '>=', vnDayStart(c.from))
  if (c.to) q = q.where('d.submittedAt', '<', vnDayStart(c.to, 1))
  const rows = await q.orderBy('d.submittedAt', 'desc').orderBy('d.id').limit(PAGE_SIZE + 1).offset((c.page - 1) * PAGE_SIZE).execute()
  return { rows: rows.slice(0, PAGE_SIZE).map(toFound), more: rows.length > PAGE_SIZE }
}

/** Open dossiers (received, processing, waiting for fees) of the agencies due before `before`, earliest first. */
export async function dueDossiers (db: Db, scope: string[], before: Date, after?: Date): Promise<FoundDossier[]> {
  if (scope.length === 0) return []
  let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
    .select(['d.code', 'd.status', 'd.applicant', 'd.submittedAt', 'd.dueAt', 'd.channel', 'v.name as procedureName'])
    .where('d.status', 'in', [2, 4, 6])
    .where(eb => eb.or(ofAgencies(eb, scope)))
    .where('d.dueAt', '<', before)
  if (after) q = q.where('d.dueAt', '>=', after)
  return (await q.orderBy('d.dueAt').limit(200).execute()).map(toFound)
}

/** How many open dossiers of the agencies are overdue and due before `soon`. */
export async function dueCounts (db: Db, scope: string[], now: Date, soon: Date): Promise<{ overdue: number, dueSoon: number }> {
  if (scope.length === 0) return { overdue: 0, dueSoon: 0 }
  return db.kysely.selectFrom('dossiers as d').select([
    sql<number>`count(*) filter (where d.due_at < ${now})::int`.as('overdue'),
    sql<number>`count(*) filter (where d.due_at >= ${now})::int`.as('dueSoon')
  ]).where('d.status', 'in', [2, 4, 6])
    .where(eb => eb.or(ofAgencies(eb, scope)))
    .where('d.dueAt', '<', soon).executeTakeFirstOrThrow()
}

function toFound (r: { code: string | null, status: number, applicant: unknown, submittedAt: Date | null, dueAt: Date | null, channel: string, procedureName: string }): FoundDossier {
  return { code: r.code!, status: r.status as DossierStatus, procedureName: r.procedureName, applicant: (r.applicant as Person).fullName, submittedAt: r.submittedAt, dueAt: r.dueAt, channel: r.channel }
}

/** A dossier belongs to the agencies that received it or process it. */
const ofAgencies = (eb: ExpressionBuilder<Database & { d: Database['dossiers'] }, 'd'>, scope: string[]) => [eb('d.agencyCode', 'in', scope), eb('d.processingAgencyCode', 'in', scope)]

const likeEscape = (s: string) => s.replace(/[\\%_]/g, m => `\\${m}`)
