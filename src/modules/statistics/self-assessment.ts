import { sql } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import { vnDayStart } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { toLocal } from '../../platform/vn-time.js'
import type { AuditService } from '../audit/audit.service.js'
import type { OfficialsService, SignedInOfficial } from '../accounts/officials.service.js'
import { form06Count, form06Rows, inReport, type Period } from './form06.js'

/**
 * The quarterly self-assessment of an agency on the nine indices of the evaluation of administrative
 * procedure handling (domain-research §6; docs/decisions/0012 §Self-assessment). Indices 1, 2, 3 and 9
 * are computed from the ledger, each the average over the quarter's dossiers of the 2 / 1 / 0 the index
 * gives one dossier (index 9: the agency's whole quarter); indices 4–8 are scored by the agency.
 */

export interface IndexDefinition { n: number, title: string, levels: [string, string, string], computed: boolean }

/** The nine indices, and what 0, 1 and 2 points mean for each. */
export const INDICES: IndexDefinition[] = [
  { n: 1, computed: true, title: 'Tổng thời gian giải quyết thủ tục hành chính so với thời gian quy định', levels: ['Dài hơn thời gian quy định (quá hạn)', 'Bằng thời gian quy định (đúng hạn)', 'Ngắn hơn thời gian quy định (trước hạn)'] },
  { n: 2, computed: true, title: 'Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết (kể cả phối hợp) so với quy định', levels: ['Có bước quá hạn', 'Các bước đúng hạn', 'Mọi bước xong trước hạn'] },
  { n: 3, computed: true, title: 'Số lần tổ chức, cá nhân phải liên hệ với nơi tiếp nhận để hoàn thiện hồ sơ (kể cả trực tuyến)', levels: ['Hơn một lần', 'Một lần', 'Không phải bổ sung'] },
  { n: 4, computed: false, title: 'Số cơ quan, đơn vị mà tổ chức, cá nhân phải liên hệ để hoàn thiện hồ sơ', levels: ['Hơn một cơ quan, đơn vị', 'Chỉ Bộ phận Một cửa (và cơ quan phải kiểm tra thực địa, hội đồng thẩm định theo quy định)', 'Không phải liên hệ'] },
  { n: 5, computed: false, title: 'Việc tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa', levels: ['Khác hai trường hợp trên', '100% thủ tục đủ điều kiện được tiếp nhận, trả kết quả tại Bộ phận Một cửa', 'Bộ phận Một cửa được giao thẩm định, phê duyệt từ 20% số thủ tục (cấp huyện 50%, cấp xã 100%)'] },
  { n: 6, computed: false, title: 'Công khai thủ tục hành chính', levels: ['Không công khai', 'Công khai bằng một trong hai hình thức niêm yết, trực tuyến', 'Công khai đầy đủ, chính xác, kịp thời cả niêm yết và trực tuyến'] },
  { n: 7, computed: false, title: 'Thái độ của cán bộ, công chức, viên chức khi hướng dẫn, tiếp nhận, giải quyết hồ sơ', levels: ['Có phản ánh, kiến nghị về nhũng nhiễu, gây phiền hà được xác minh là đúng', 'Đúng hạn và không có phản ánh, kiến nghị', 'Trước hạn và không có phản ánh, kiến nghị'] },
  { n: 8, computed: false, title: 'Tiếp nhận, xử lý phản ánh, kiến nghị', levels: ['Dưới 90% xử lý đúng hạn hoặc có phản ánh kéo dài', 'Từ 90% xử lý đúng hạn', 'Không có phản ánh, hoặc 100% xử lý đúng hạn, không kéo dài'] },
  { n: 9, computed: true, title: 'Cung cấp dịch vụ công trực tuyến', levels: ['Dưới 15% hồ sơ trực tuyến, hoặc có hồ sơ trực tuyến quá hạn', 'Từ 15% hồ sơ trực tuyến, không hồ sơ trực tuyến nào quá hạn', 'Từ 20% thủ tục có dịch vụ trực tuyến toàn trình, từ 30% hồ sơ trực tuyến, không hồ sơ trực tuyến nào quá hạn'] }
]

/** The indices the agency scores itself. */
export const ENTERED = INDICES.filter(i => !i.computed).map(i => i.n)

/** An index's points (0–2; an average over dossiers has two decimals; null: no dossier to judge by) and what they rest on. */
export interface IndexScore { n: number, score: number | null, basis: string }
export interface EnteredScore { n: number, score: number, note: string }

/** The classification on 18 points (DVC-TH's thresholds, its gap at exactly 15 closed upwards: decision 0012). */
export function selfBand (total: number): string {
  return total >= 15 ? 'Xuất sắc' : total >= 12 ? 'Tốt' : total >= 9 ? 'Khá' : total >= 6 ? 'Trung bình' : 'Yếu'
}

/** The total on 18: the points of the indices that have a score, scaled to 18 when some have none (no dossier in the quarter). */
export function selfTotal (scores: Array<{ score: number | null }>): number {
  const known = scores.filter(s => s.score !== null)
  if (known.length === 0) return 0
  const sum = known.reduce((n, s) => n + s.score!, 0)
  return Math.round(sum * INDICES.length / known.length * 100) / 100
}

/** A quarter as a period: its first day to the next quarter's, "as of" now for the current one. */
export function quarterPeriod (year: number, quarter: number, now: Date): Period {
  const start = vnDayStart(`${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`)
  const end = quarter === 4 ? vnDayStart(`${year + 1}-01-01`) : vnDayStart(`${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`)
  return { start, end, asOf: new Date(Math.min(end.getTime(), now.getTime())) }
}

const avg = (points: number, count: number) => count === 0 ? null : Math.round(points / count * 100) / 100
const pct = (part: number, whole: number) => whole === 0 ? 0 : part * 100 / whole
const pctText = (part: number, whole: number) => `${pct(part, whole).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`

/** Indices 1, 2, 3 and 9 of an agency (the resolving agency of its dossiers) for a quarter, from the ledger. */
export async function computedIndices (ex: Executor, p: Period, agency: string): Promise<IndexScore[]> {
  const rows = await form06Rows(ex, p, [agency], 'agency')
  const f = rows.find(r => r.key === agency)?.figures
  const early = f?.resolved.early ?? 0
  const onTime = f?.resolved.onTime ?? 0
  const late = f?.resolved.late ?? 0
  const vnDay = (col: string) => sql.raw(`((${col} at time zone 'UTC') + interval '7 hours')::date`)
  // The dossiers decided in the quarter: each one's steps against their own due times, and its supplement requests.
  const decided = (await sql<{ n: number, stepsLate: number, stepsEarly: number, none: number, once: number }>`
    select count(*)::int as n,
           count(*) filter (where s.late)::int as steps_late,
           count(*) filter (where not s.late and s.early)::int as steps_early,
           count(*) filter (where r.asked = 0)::int as none,
           count(*) filter (where r.asked = 1)::int as once
    from dossiers d
    cross join lateral (
      select coalesce(bool_or(t.finished_at > t.due_at), false) as late,
             coalesce(bool_and(${vnDay('t.finished_at')} < ${vnDay('t.due_at')}), false) as early
      from dossier_tasks t where t.dossier_id = d.id and t.due_at is not null and t.finished_at is not null) s
    cross join lateral (select count(*)::int as asked from supplement_requests r where r.dossier_id = d.id) r
    where d.status in (9, 10) and d.finished_at >= ${p.start} and d.finished_at < ${p.end}
      and coalesce(d.processing_agency_code, d.agency_code) = ${agency}`.execute(ex)).rows[0]!
  const received = (await sql<{ n: number, online: number }>`
    select count(*)::int as n, count(*) filter (where d.channel = 'online')::int as online
    from dossiers d
    where d.received_at >= ${p.start} and d.received_at < ${p.end} and coalesce(d.processing_agency_code, d.agency_code) = ${agency}`.execute(ex)).rows[0]!
  const procedures = (await sql<{ n: number, full: number }>`
    select count(distinct p.id)::int as n, count(distinct p.id) filter (where p.online_level = 'full')::int as full
    from procedures p join procedure_agencies pa on pa.procedure_id = p.id join agencies a on a.id = pa.agency_id
    where a.code = ${agency} and p.current_version_id is not null`.execute(ex)).rows[0]!
  const onlineLate = await form06Count(ex, p, [agency], 'agency', ['resolved-late', 'in-progress-overdue'], agency, 'online')

  const resolved = early + onTime + late
  const fullShare = pct(procedures.full, procedures.n)
  const onlineShare = pct(received.online, received.n)
  const index9 = received.n === 0
    ? null
    : onlineLate === 0 && fullShare >= 20 && onlineShare >= 30 ? 2 : onlineLate === 0 && onlineShare >= 15 ? 1 : 0
  return [
    { n: 1, score: avg(2 * early + onTime, resolved), basis: `${resolved} hồ sơ đã giải quyết: ${early} trước hạn, ${onTime} đúng hạn, ${late} quá hạn` },
    { n: 2, score: avg(2 * Number(decided.stepsEarly) + (Number(decided.n) - Number(decided.stepsEarly) - Number(decided.stepsLate)), Number(decided.n)), basis: `${decided.n} hồ sơ có kết quả: ${decided.stepsEarly} có mọi bước xong trước hạn, ${decided.stepsLate} có bước quá hạn` },
    { n: 3, score: avg(2 * Number(decided.none) + Number(decided.once), Number(decided.n)), basis: `${decided.n} hồ sơ có kết quả: ${decided.none} không phải bổ sung, ${decided.once} bổ sung một lần, ${Number(decided.n) - Number(decided.none) - Number(decided.once)} bổ sung hơn một lần` },
    { n: 9, score: index9, basis: `${procedures.full}/${procedures.n} thủ tục có dịch vụ trực tuyến toàn trình (${pctText(procedures.full, procedures.n)}); ${received.online}/${received.n} hồ sơ tiếp nhận trực tuyến (${pctText(received.online, received.n)}); ${onlineLate} hồ sơ trực tuyến quá hạn` }
  ]
}

/** Who saves an agency's self-assessment: its leader, or a system administrator over it. */
const SAVERS = ['agency_leader', 'system_admin'] as const
const READERS = ['agency_leader', 'department_head', 'system_admin'] as const

export interface SelfAssessmentQuery { agency?: string | undefined, year?: string | undefined, quarter?: string | undefined }

/** The self-assessment forms of the agencies an official reads statistics for. */
export function createSelfAssessment (deps: { db: Db, officials: OfficialsService, audit: AuditService, now: () => Date }) {
  const { db, officials, audit, now } = deps

  /** The agency, year and quarter asked for (by default the official's agency and the last finished quarter), checked. */
  async function target (o: SignedInOfficial, q: SelfAssessmentQuery) {
    const readable = await officials.scope(o, [...READERS])
    if (readable.length === 0) throw new AppError('FORBIDDEN', 'self-assessment: leaders and administrators only')
    const agencies = await db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', 'in', readable).orderBy('name').execute()
    const today = toLocal(now()).date
    const thisYear = Number(today.slice(0, 4))
    const thisQuarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1
    const lastYear = thisQuarter === 1 ? thisYear - 1 : thisYear
    const last = thisQuarter === 1 ? 4 : thisQuarter - 1
    const errors: FieldError[] = []
    const agency = q.agency?.trim() || (readable.includes(o.agency.code) ? o.agency.code : agencies[0]!.code)
    if (!readable.includes(agency)) errors.push({ field: 'co-quan', message: 'Chọn một cơ quan bạn được xem số liệu' })
    const year = q.year?.trim() ? Number(q.year) : lastYear
    const quarter = q.quarter?.trim() ? Number(q.quarter) : last
    if (!Number.isInteger(year) || year < 2000 || year > thisYear) errors.push({ field: 'nam', message: `Năm phải từ 2000 đến ${thisYear}` })
    else if (![1, 2, 3, 4].includes(quarter)) errors.push({ field: 'quy', message: 'Chọn quý I, II, III hoặc IV' })
    else if (year === thisYear && quarter > thisQuarter) errors.push({ field: 'quy', message: 'Quý này chưa bắt đầu' })
    if (errors.length > 0) throw new AppError('VALIDATION', 'invalid self-assessment target', errors)
    const savers = await officials.scope(o, [...SAVERS])
    return { agencies, agency, name: agencies.find(a => a.code === agency)!.name, year, quarter, canSave: savers.includes(agency) }
  }

  async function computed (agency: string, year: number, quarter: number) {
    return inReport(db, ex => computedIndices(ex, quarterPeriod(year, quarter, now()), agency))
  }

  return {
    /** The form of an agency's quarter: the computed indices as the ledger has them now, and what was saved. */
    async selfAssessment (o: SignedInOfficial, q: SelfAssessmentQuery) {
      const t = await target(o, q)
      const [scores, saved] = await Promise.all([
        computed(t.agency, t.year, t.quarter),
        db.kysely.selectFrom('agencySelfAssessments').selectAll().where('agencyCode', '=', t.agency).where('year', '=', t.year).where('quarter', '=', t.quarter).executeTakeFirst()
      ])
      return {
        ...t,
        computed: scores,
        saved: saved ? { computed: saved.computed as unknown as IndexScore[], entered: saved.entered as unknown as EnteredScore[], total: Number(saved.total), band: saved.band, savedAt: saved.savedAt, savedByName: saved.savedByName } : undefined
      }
    },

    /**
     * Saves the agency's scores of indices 4–8 (each 0, 1 or 2, with what it rests on) beside indices
     * 1, 2, 3 and 9 as the ledger gives them now, the total and the band; saved again, it replaces the
     * quarter's form. Audited. Throws VALIDATION naming the fields, FORBIDDEN for a reader who may not save.
     */
    async saveSelfAssessment (o: SignedInOfficial, q: SelfAssessmentQuery, form: Record<string, string | undefined>) {
      const t = await target(o, q)
      if (!t.canSave) throw new AppError('FORBIDDEN', 'self-assessment: the agency leader saves it')
      const errors: FieldError[] = []
      const entered: EnteredScore[] = ENTERED.map(n => {
        const raw = form[`chi-so-${n}`]
        const note = (form[`can-cu-${n}`] ?? '').trim()
        if (!['0', '1', '2'].includes(raw ?? '')) errors.push({ field: `chi-so-${n}`, message: `Chọn mức điểm của chỉ số ${n}` })
        if (note.length > 1000) errors.push({ field: `can-cu-${n}`, message: `Căn cứ của chỉ số ${n} dài tối đa 1.000 ký tự` })
        return { n, score: Number(raw), note }
      })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid self-assessment', errors)
      const scores = await computed(t.agency, t.year, t.quarter)
      const total = selfTotal([...scores, ...entered])
      const band = selfBand(total)
      const row = { computed: JSON.stringify(scores), entered: JSON.stringify(entered), total: String(total), band, savedBy: o.id, savedByName: o.fullName, savedAt: now() }
      await db.transaction(async trx => {
        await trx.insertInto('agencySelfAssessments').values({ agencyCode: t.agency, year: t.year, quarter: t.quarter, ...row })
          .onConflict(oc => oc.columns(['agencyCode', 'year', 'quarter']).doUpdateSet(row)).execute()
        await audit.record(trx, { actor: { type: 'official', id: o.id }, action: 'statistics.self-assessment', targetType: 'agency', targetId: t.agency, details: { year: t.year, quarter: t.quarter, total, band, entered: entered.map(e => e.score) } })
      })
      return { ...t, total, band }
    }
  }
}
