import type { Db } from '../../platform/db/db.js'
import { parseDay, vnDayStart } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { AuditService } from '../audit/audit.service.js'
import type { SiteService } from '../site/site.service.js'
import { officialFormPdf } from '../../platform/pdf/forms-pdf.js'
import { dmy, formatInstant, toLocal } from '../../platform/vn-time.js'
import { ROLES, type OfficialRole, type OfficialsService, type SignedInOfficial } from '../accounts/officials.service.js'
import { sql } from 'kysely'
import { createPublicStatistics } from './public.js'
import { index766 } from './index766.js'
import { createSelfAssessment } from './self-assessment.js'
import { feedbackFigures, feedbackTotal } from '../feedback/figures.js'
import { cellsOf, FORM06_COLUMNS, FORM06_GROUPS, form06Dossiers, form06Rows, inReport, totalOf, type Form06By, type Form06Column, type Form06Figures, type Period } from './form06.js'

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
export function createStatisticsService (deps: { db: Db, officials: OfficialsService, audit: AuditService, site: Pick<SiteService, 'profile'>, now?: () => Date }) {
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

  /** Biểu 06 for the official's agencies: one row per sector (or agency) with dossiers, and the totals row. */
  async function form06 (o: SignedInOfficial, input: PeriodInput, by: Form06By) {
    const scope = await scopeOf(o)
    const { period, from, to } = periodOf(input)
    const [rows, names] = await Promise.all([inReport(db, ex => form06Rows(ex, period, scope, by)), labels(by)])
    const labelled: Form06Row[] = rows.map(r => ({ ...r, label: names.get(r.key) ?? r.key })).sort((a, b) => a.label.localeCompare(b.label, 'vi'))
    return { from, to, asOf: period.asOf, by, rows: labelled, total: totalOf(rows) }
  }

  const publicStatistics = createPublicStatistics({ db, now })

  async function reportPdf (o: SignedInOfficial, r: { number: string, title: string, period: string, columns: Array<{ title: string, share: number, group?: string }>, rows: string[][] }): Promise<Buffer> {
    const [site, agency] = await Promise.all([deps.site.profile(), db.kysely.selectFrom('agencies as a').leftJoin('agencies as p', 'p.id', 'a.parentId').select(['a.name', 'p.name as parentName']).where('a.code', '=', o.agency.code).executeTakeFirst()])
    return officialFormPdf({
      number: r.number,
      title: r.title,
      issuer: { parent: agency?.parentName ?? site.provinceName, agency: agency?.name ?? o.agency.name },
      province: site.provinceName,
      date: now(),
      body: [r.period],
      signatures: [{ title: 'Người lập biểu', note: '(Ký, ghi rõ họ tên)' }, { title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên, đóng dấu)' }],
      landscape: true,
      table: { columns: r.columns, rows: r.rows }
    })
  }

  return {
    periodOf,

    /** The quarterly self-assessment on the nine indices (self-assessment.ts). */
    ...createSelfAssessment({ db, officials, audit, now }),

    /**
     * Workload (issue 19): per official and step, the steps they got in the period, those they finished,
     * the average and 90th-percentile time taken (elapsed hours from the step's start to its end), and
     * those that ran over the step's own due time (finished late, or still open past it at the end).
     * A step nobody holds yet is listed under its role.
     */
    async workload (o: SignedInOfficial, input: PeriodInput) {
      const scope = await scopeOf(o)
      const { period: p, from, to } = periodOf(input)
      const handled = sql`(t.finished_at >= ${p.start} and t.finished_at < ${p.end} and t.finished_by is not null)`
      const hours = sql`extract(epoch from (t.finished_at - t.started_at)) / 3600`
      const rows = await inReport(db, async ex => (await sql<{ who: string | null, name: string | null, role: string, step: string, received: number, handled: number, avgHours: number | null, p90Hours: number | null, overdue: number }>`
        select coalesce(t.finished_by, t.assignee_id)::text as who, min(o.full_name) as name, min(t.role) as role, t.name as step,
               count(*) filter (where t.started_at >= ${p.start})::int as received,
               count(*) filter (where ${handled})::int as handled,
               avg(${hours}) filter (where ${handled})::float8 as avg_hours,
               percentile_cont(0.9) within group (order by ${hours}) filter (where ${handled}) as p90_hours,
               count(*) filter (where (${handled} and t.finished_at > t.due_at) or ((t.finished_at is null or t.finished_at >= ${p.end}) and t.due_at < ${p.asOf}))::int as overdue
        from dossier_tasks t
        left join officials o on o.id = coalesce(t.finished_by, t.assignee_id)
        where t.agency_code in (${sql.join(scope)}) and t.started_at < ${p.end} and (t.finished_at is null or t.finished_at >= ${p.start})
        group by coalesce(t.finished_by, t.assignee_id), t.role, t.name
        order by min(o.full_name) nulls last, t.name`.execute(ex)).rows)
      return {
        from, to, asOf: p.asOf,
        rows: rows.map(r => ({ ...r, label: r.name ?? `Chưa giao (${ROLES[r.role as OfficialRole]?.toLowerCase() ?? r.role})`, avgHours: r.avgHours === null ? null : Number(r.avgHours), p90Hours: r.p90Hours === null ? null : Number(r.p90Hours) }))
      }
    },

    /**
     * Satisfaction (issue 19): the 1–5 ratings applicants gave in the period, per resolving agency and
     * procedure — how many, the average, each level — and the latest comments with their dossiers.
     */
    async satisfaction (o: SignedInOfficial, input: PeriodInput) {
      const scope = await scopeOf(o)
      const { period: p, from, to } = periodOf(input)
      const agency = sql<string>`coalesce(d.processing_agency_code, d.agency_code)`
      const rated = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .where('d.ratedAt', '>=', p.start).where('d.ratedAt', '<', p.end).where('d.rating', 'is not', null)
        .where(eb => eb.or([eb(agency, 'in', scope), eb('d.agencyCode', 'in', scope)]))
      const [rows, comments] = await Promise.all([
        rated.leftJoin('agencies as a', join => join.on(sql<boolean>`a.code = coalesce(d.processing_agency_code, d.agency_code)`))
          .select(['a.name as agencyName', 'v.name as procedureName', sql<number>`count(*)::int`.as('count'), sql<number>`avg(d.rating)::float8`.as('average'),
            ...[1, 2, 3, 4, 5].map(n => sql<number>`count(*) filter (where d.rating = ${n})::int`.as(`r${n}`))])
          .groupBy(['a.name', 'v.name']).orderBy('a.name').orderBy('v.name').execute(),
        rated.select(['d.code', 'd.rating', 'd.ratingComment', 'd.ratedAt', 'v.name as procedureName']).where('d.ratingComment', 'is not', null).where('d.ratingComment', '<>', '')
          .orderBy('d.ratedAt', 'desc').limit(50).execute()
      ])
      const levels = (r: Record<string, unknown>) => [1, 2, 3, 4, 5].map(n => Number(r[`r${n}`] ?? 0))
      return { from, to, rows: rows.map(r => ({ agencyName: r.agencyName, procedureName: r.procedureName, count: r.count, average: Number(r.average), levels: levels(r) })), comments }
    },

    /**
     * The Decision 766 index of a month (YYYY-MM; this month by default) for the official's agencies
     * together and each of them, with the month before for the change (index766.ts). Throws VALIDATION.
     */
    async index766 (o: SignedInOfficial, month?: string) {
      const scope = await scopeOf(o)
      const today = toLocal(now()).date
      const typed = month?.trim() ?? ''
      const mmyyyy = /^(\d{1,2})\/(\d{4})$/.exec(typed)
      const m = mmyyyy ? `${mmyyyy[2]}-${mmyyyy[1]!.padStart(2, '0')}` : typed || today.slice(0, 7)
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m) || m > today.slice(0, 7) || m < '2000-01') throw new AppError('VALIDATION', 'invalid month', [{ field: 'thang', message: 'Chọn một tháng đã qua hoặc tháng này' }])
      const [y, mm] = m.split('-').map(Number) as [number, number]
      const previous = mm === 1 ? `${y - 1}-12` : `${y}-${String(mm - 1).padStart(2, '0')}`
      const [r, names, short] = await Promise.all([index766(db, m, previous, scope, now()), labels('agency'), db.kysely.selectFrom('agencies').select(['code', 'shortName']).execute()])
      const shortNames = new Map(short.map(a => [a.code, a.shortName]))
      return { month: m, previous, ...r, rows: r.rows.map(x => ({ ...x, name: names.get(x.code) ?? x.code, shortName: shortNames.get(x.code) ?? names.get(x.code) ?? x.code })) }
    },

    /**
     * Biểu 06 as a printable PDF (landscape, the form's two-row header repeated on each page), headed by
     * the official's agency under its parent, to be signed by whoever drew it up and the agency's head.
     */
    async form06Pdf (o: SignedInOfficial, input: PeriodInput, by: Form06By): Promise<Buffer> {
      const r = await form06(o, input, by)
      return reportPdf(o, {
        number: 'Biểu số 06/VPCP/KSTT',
        title: 'Tình hình, kết quả giải quyết thủ tục hành chính',
        period: `Kỳ báo cáo: từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)}; số liệu tính từ hồ sơ đến ${formatInstant(r.asOf)}.`,
        columns: [{ title: 'STT', share: 0.6 }, { title: r.by === 'agency' ? 'Cơ quan' : 'Lĩnh vực', share: 3.2 },
          ...FORM06_GROUPS.flatMap(g => g.columns.map(title => ({ title, share: 1, group: g.title })))],
        rows: [...r.rows.map((row, i) => [String(i + 1), row.label, ...cellsOf(row.figures).map(n => n.toLocaleString('vi-VN'))]), ['', 'Tổng cộng', ...cellsOf(r.total).map(n => n.toLocaleString('vi-VN'))]]
      })
    },

    /**
     * A report as a printable PDF (landscape, its header repeated on each page), headed by the official's
     * agency under its parent, to be signed by whoever drew it up and the agency's head.
     */
    reportPdf,

    /** The public page's aggregates (cached per process for five minutes). */
    publicFigures: () => publicStatistics.get(),

    /**
     * The overdue report (Biểu 07): dossiers of the period resolved late or still overdue at its end — the
     * same two columns of Biểu 06 — with the apology's reason, the first step that ran over its time and
     * who held it, and the days past the due instant (calendar days, begun days counted).
     */
    async overdue (o: SignedInOfficial, input: PeriodInput) {
      const scope = await scopeOf(o)
      const { period, from, to } = periodOf(input)
      const [late, open] = await inReport(db, ex => Promise.all([
        form06Dossiers(ex, period, scope, 'agency', 'resolved-late'),
        form06Dossiers(ex, period, scope, 'agency', 'in-progress-overdue')
      ]))
      const all = [...late, ...open]
      if (all.length === 0) return { from, to, asOf: period.asOf, rows: [] }
      const ids = all.map(x => x.id)
      const [dossiers, apologies, steps] = await Promise.all([
        db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
          .leftJoin('agencies as a', join => join.on(sql<boolean>`a.code = coalesce(d.processing_agency_code, d.agency_code)`))
          .select(['d.id', 'd.code', 'd.status', 'd.receivedAt', 'd.postponedFrom', 'v.name as procedureName', 'a.name as agencyName']).where('d.id', 'in', ids).execute(),
        db.kysely.selectFrom('dossierEvents').select(['dossierId', 'details']).where('dossierId', 'in', ids).where('action', '=', 'postpone').orderBy('id').execute(),
        db.kysely.selectFrom('dossierTasks').select(['dossierId', 'name', 'role', 'assigneeName', 'finishedByName', 'dueAt', 'finishedAt']).where('dossierId', 'in', ids)
          .where(eb => eb.or([eb('finishedAt', '>', eb.ref('dueAt')), eb.and([eb('finishedAt', 'is', null), eb('dueAt', '<', period.asOf)])])).orderBy('id').execute()
      ])
      const byId = new Map(dossiers.map(d => [d.id, d]))
      const rows = all.map(x => {
        const d = byId.get(x.id)!
        const step = steps.find(s => s.dossierId === x.id)
        const until = x.resolvedAt ?? period.asOf
        const reason = apologies.filter(a => a.dossierId === x.id).map(a => String((a.details as { reason?: string }).reason ?? '')).filter(Boolean).at(-1) ?? null
        return {
          ...d, dueAt: x.dueAt, resolvedAt: x.resolvedAt, resolved: x.resolvedAt !== null && x.resolvedAt < period.end,
          daysLate: Math.max(1, Math.ceil((until.getTime() - x.dueAt!.getTime()) / 86_400_000)),
          reason, step: step ? { name: step.name, holder: step.finishedByName ?? step.assigneeName ?? ROLES[step.role as OfficialRole] ?? step.role } : null
        }
      }).sort((a, b) => b.daysLate - a.daysLate || a.code!.localeCompare(b.code!))
      return { from, to, asOf: period.asOf, rows }
    },

    form06,

    /**
     * Feedback and petitions (issue 24) per agency for the period: received, answered on time or late,
     * not within competence, open and overdue now, the senders' ratings (feedback/figures.ts, the count
     * the feedback back office shows too), with the totals.
     */
    async feedback (o: SignedInOfficial, input: PeriodInput) {
      const scope = await scopeOf(o)
      const { period: p, from, to } = periodOf(input)
      const rows = await inReport(db, ex => feedbackFigures(ex, scope, p.start, p.end, now()))
      return { from, to, asOf: p.asOf, rows, total: feedbackTotal(rows) }
    },

    /**
     * The dossiers behind one figure of Biểu 06 (at most 500, by receipt), with what a leader checks by
     * hand. Audited: the list names applicants.
     */
    async form06Dossiers (o: SignedInOfficial, input: PeriodInput, by: Form06By, column: string, rowKey: string | undefined) {
      if (!FORM06_COLUMNS.includes(column as Form06Column)) throw new AppError('NOT_FOUND', `no column ${column}`)
      const scope = await scopeOf(o)
      const { period, from, to } = periodOf(input)
      const ids = await inReport(db, ex => form06Dossiers(ex, period, scope, by, column as Form06Column, rowKey || undefined))
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
