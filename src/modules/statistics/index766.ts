import { sql } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import { isOnlinePayment } from '../../platform/db/database.js'
import { vnDayStart } from '../../platform/http/day-range.js'
import { form06Rows, inReport, totalOf, type Period } from './form06.js'

/**
 * The Decision 766/QĐ-TTg service-quality index, computed from the ledger for a month. The group weights
 * are configuration: the decision's summaries confirm 18 (publicity), 20 (progress) and 18
 * (satisfaction); 22 and 22 for digitisation and online service are inferred and must be checked
 * against the decision's annex (domain-research §5). Within a group, the counters share its points
 * equally. A counter the system does not record yet has no value ("chưa có dữ liệu") and no points:
 * the score is given over the points that have data, and the band is read on that share.
 */
export const WEIGHTS_766 = { publicity: 18, progress: 20, digitisation: 22, online: 22, satisfaction: 18 } as const
export type Group766 = keyof typeof WEIGHTS_766

export interface Counter766 { name: string, part: number | null, whole: number | null, ratio: number | null, points: number | null, max: number }
export interface Index766 { groups: Array<{ group: Group766, title: string, max: number, points: number | null, counters: Counter766[] }>, points: number, maxWithData: number, score: number | null, band: string | null }

export const GROUP_TITLES: Record<Group766, string> = {
  publicity: 'Công khai, minh bạch',
  progress: 'Tiến độ, kết quả giải quyết',
  digitisation: 'Số hóa hồ sơ',
  online: 'Cung cấp dịch vụ trực tuyến',
  satisfaction: 'Mức độ hài lòng'
}

/** The bands of the national index map: Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, else Yếu. */
export function band766 (score: number): string {
  return score >= 90 ? 'Xuất sắc' : score >= 80 ? 'Tốt' : score >= 70 ? 'Khá' : score >= 50 ? 'Trung bình' : 'Yếu'
}

/** The counters of each agency (resolving agency) for a period, in a few queries. */
async function countersOf (db: Db, p: Period, scope: string[]) {
  return inReport(db, async ex => {
    const rows = await form06Rows(ex, p, scope, 'agency')
    const inScope = sql`(coalesce(d.processing_agency_code, d.agency_code) in (${sql.join(scope)}) or d.agency_code in (${sql.join(scope)}))`
    const received = await sql<{ agency: string, received: number, digitised: number, reused: number, onlineCapable: number, onlineOfCapable: number, synced: number }>`
      select coalesce(d.processing_agency_code, d.agency_code) as agency, count(*)::int as received,
             count(*) filter (where exists (select 1 from national_sync s where s.dossier_id = d.id and s.pushed_seq > 0))::int as synced,
             count(*) filter (where d.channel = 'online' or not exists (select 1 from dossier_events e where e.dossier_id = d.id and e.action = 'enter' and jsonb_array_length(coalesce(e.details -> 'paper', '[]'::jsonb)) > 0))::int as digitised,
             count(*) filter (where exists (select 1 from dossier_files df where df.dossier_id = d.id and df.digitisation in (2, 3)))::int as reused,
             count(*) filter (where p.online_level in ('full', 'partial'))::int as online_capable,
             count(*) filter (where p.online_level in ('full', 'partial') and d.channel = 'online')::int as online_of_capable
      from dossiers d join procedures p on p.id = d.procedure_id
      where d.received_at >= ${p.start} and d.received_at < ${p.end} and ${inScope}
      group by 1`.execute(ex)
    const results = await sql<{ agency: string, decided: number, withFile: number }>`
      select coalesce(d.processing_agency_code, d.agency_code) as agency, count(*)::int as decided,
             count(*) filter (where exists (select 1 from dossier_files f where f.dossier_id = d.id and f.component = 'result'))::int as with_file
      from dossiers d
      where d.status in (9, 10) and d.finished_at >= ${p.start} and d.finished_at < ${p.end} and ${inScope}
      group by 1`.execute(ex)
    const fees = await sql<{ agency: string, paid: number, online: number }>`
      select coalesce(d.processing_agency_code, d.agency_code) as agency, count(distinct d.id)::int as paid,
             count(distinct d.id) filter (where ${isOnlinePayment('pay.method')})::int as online
      from payments pay join payment_requests r on r.id = pay.request_id join dossiers d on d.id = r.dossier_id
      where pay.state = 'paid' and pay.settled_at >= ${p.start} and pay.settled_at < ${p.end} and ${inScope}
      group by 1`.execute(ex)
    const ratings = await sql<{ agency: string, rated: number, satisfied: number }>`
      select coalesce(d.processing_agency_code, d.agency_code) as agency, count(*)::int as rated, count(*) filter (where d.rating >= 4)::int as satisfied
      from dossiers d where d.rated_at >= ${p.start} and d.rated_at < ${p.end} and d.rating is not null and ${inScope}
      group by 1`.execute(ex)
    // Feedback within the agencies' competence (issue 24, docs/feedback.md) that fell due in the period: answered
    // in it, or open past a due time in it. On time = approved by the due time; unhappy = late or rated "không hài lòng".
    const feedback = await sql<{ agency: string, due: number, onTime: number, unhappy: number }>`
      select f.agency_code as agency, count(*)::int as due,
             count(*) filter (where f.status = 'published' and f.answered_at <= f.due_at)::int as on_time,
             count(*) filter (where f.status <> 'published' or f.answered_at > f.due_at or f.rating = 2)::int as unhappy
      from feedback f
      where f.agency_code in (${sql.join(scope)}) and f.status not in ('not_competent', 'merged', 'waiting_citizen', 'spam')
        and ((f.status = 'published' and f.answered_at >= ${p.start} and f.answered_at < ${p.end})
          or (f.status <> 'published' and f.due_at >= ${p.start} and f.due_at < ${p.asOf}))
      group by 1`.execute(ex)
    // Synced to the national portal: counted once the sync is on (issue 20), "chưa có dữ liệu" before.
    const syncOn = (await sql<{ enabled: boolean }>`select enabled from national_sync_settings where id = 1`.execute(ex)).rows[0]?.enabled === true
    return { rows, received: received.rows, results: results.rows, fees: fees.rows, ratings: ratings.rows, feedback: feedback.rows, syncOn }
  })
}

type Counts = Awaited<ReturnType<typeof countersOf>>

/** The index of the agencies in `codes` (all of them together: the province's when every agency is given). */
function indexOf (c: Counts, codes: string[]): Index766 {
  const of = <T extends { agency: string }>(xs: T[]) => xs.filter(x => codes.includes(x.agency))
  const sum = <T extends { agency: string }>(xs: T[], k: keyof T) => of(xs).reduce((n, x) => n + Number(x[k]), 0)
  const f = totalOf(c.rows.filter(r => codes.includes(r.key)))
  const counter = (name: string, part: number | null, whole: number | null, max: number): Counter766 => {
    const ratio = part === null || whole === null || whole === 0 ? null : part / whole
    return { name, part, whole, ratio, points: ratio === null ? null : ratio * max, max }
  }
  const group = (g: Group766, counters: Array<[string, number | null, number | null]>) => {
    const share = WEIGHTS_766[g] / counters.length
    const cs = counters.map(([name, part, whole]) => counter(name, part, whole, share))
    const known = cs.filter(x => x.points !== null)
    return { group: g, title: GROUP_TITLES[g], max: WEIGHTS_766[g], points: known.length === 0 ? null : known.reduce((n, x) => n + x.points!, 0), counters: cs }
  }
  const groups = [
    group('publicity', [['Thủ tục hành chính cập nhật, công khai đúng hạn', null, null], ['Hồ sơ đồng bộ, công khai tiến độ trên Cổng Dịch vụ công quốc gia / tiếp nhận', c.syncOn ? sum(c.received, 'synced') : null, c.syncOn ? sum(c.received, 'received') : null]]),
    group('progress', [['Hồ sơ giải quyết trước hạn và đúng hạn / đã giải quyết', f.resolved.early + f.resolved.onTime, f.resolved.total]]),
    group('digitisation', [
      ['Hồ sơ tiếp nhận có thành phần được số hóa / tiếp nhận', sum(c.received, 'digitised'), sum(c.received, 'received')],
      ['Kết quả giải quyết được số hóa (có tệp kết quả) / đã có kết quả', sum(c.results, 'withFile'), sum(c.results, 'decided')],
      ['Hồ sơ tiếp nhận có thành phần dùng lại từ kho dữ liệu (giấy tờ, kết quả đã cấp) / tiếp nhận', sum(c.received, 'reused'), sum(c.received, 'received')]
    ]),
    group('online', [
      ['Hồ sơ nộp trực tuyến / tiếp nhận của thủ tục có dịch vụ trực tuyến', sum(c.received, 'onlineOfCapable'), sum(c.received, 'onlineCapable')],
      ['Hồ sơ thanh toán trực tuyến / hồ sơ đã nộp phí, lệ phí', sum(c.fees, 'online'), sum(c.fees, 'paid')]
    ]),
    group('satisfaction', [
      ['Đánh giá hài lòng (mức 4, 5) / số đánh giá về giải quyết thủ tục', sum(c.ratings, 'satisfied'), sum(c.ratings, 'rated')],
      ['Phản ánh, kiến nghị xử lý đúng hạn / thuộc thẩm quyền, đến hạn', sum(c.feedback, 'onTime'), sum(c.feedback, 'due')],
      ['Phản ánh, kiến nghị không bị quá hạn hoặc không hài lòng / thuộc thẩm quyền, đến hạn', sum(c.feedback, 'due') - sum(c.feedback, 'unhappy'), sum(c.feedback, 'due')]
    ])
  ]
  const counters = groups.flatMap(g => g.counters)
  const points = counters.reduce((n, x) => n + (x.points ?? 0), 0)
  const maxWithData = counters.filter(x => x.points !== null).reduce((n, x) => n + x.max, 0)
  const score = maxWithData === 0 ? null : points * 100 / maxWithData
  return { groups, points, maxWithData, score, band: score === null ? null : band766(score) }
}

/** A month (YYYY-MM) as a period: its first day to the next month's, "as of" now for the current one. */
export function monthPeriod (month: string, now: Date): Period {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
  const start = vnDayStart(`${month}-01`)
  const end = vnDayStart(next)
  return { start, end, asOf: new Date(Math.min(end.getTime(), now.getTime())) }
}

/** The index for a month and the month before: the whole scope, and each agency of it with dossiers, best first. */
export async function index766 (db: Db, month: string, previous: string, scope: string[], now: Date) {
  const [c, before] = await Promise.all([countersOf(db, monthPeriod(month, now), scope), countersOf(db, monthPeriod(previous, now), scope)])
  const agencies = [...new Set([...c.rows.map(r => r.key), ...c.received.map(r => r.agency), ...c.ratings.map(r => r.agency), ...c.fees.map(r => r.agency), ...c.results.map(r => r.agency), ...c.feedback.map(r => r.agency)])].filter(a => scope.includes(a))
  const rows = agencies.map(code => ({ code, index: indexOf(c, [code]), previous: indexOf(before, [code]) }))
    .sort((a, b) => (b.index.score ?? -1) - (a.index.score ?? -1))
  return { all: { index: indexOf(c, scope), previous: indexOf(before, scope) }, rows }
}
