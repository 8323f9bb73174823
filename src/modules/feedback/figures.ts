import { sql } from 'kysely'
import type { Executor } from '../../platform/db/db.js'
import { RUNNING } from './model.js'

/** One agency's feedback work in a period (the agency answering now). */
export interface FeedbackFigures { agencyCode: string, agencyName: string, received: number, answered: number, onTime: number, late: number, notCompetent: number, openOverdue: number, satisfied: number, unsatisfied: number }

/**
 * Per agency of `scope` for [start, end): received = sent in the period (but not what a leader rejected as advertising); answered = published in it, on
 * time when approved by the due time, late otherwise; not within competence (closed in it); still open
 * and overdue at `at`; the senders' ratings of the answers published in it. The one count the feedback
 * back office and the statistics pages (and their exports) show; agencies with nothing are left out.
 */
export async function feedbackFigures (ex: Executor, scope: string[], start: Date, end: Date, at: Date): Promise<FeedbackFigures[]> {
  if (scope.length === 0) return []
  const inPeriod = (col: string) => sql<boolean>`${sql.ref(col)} >= ${start} and ${sql.ref(col)} < ${end}`
  const rows = await ex.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode')
    .select(['a.code as agencyCode', 'a.name as agencyName',
      sql<string>`count(*) filter (where ${inPeriod('f.submitted_at')} and f.status <> 'spam')`.as('received'),
      sql<string>`count(*) filter (where f.status = 'published' and ${inPeriod('f.answered_at')})`.as('answered'),
      sql<string>`count(*) filter (where f.status = 'published' and ${inPeriod('f.answered_at')} and f.answered_at <= f.due_at)`.as('onTime'),
      sql<string>`count(*) filter (where f.status = 'not_competent' and ${inPeriod('f.answered_at')})`.as('notCompetent'),
      sql<string>`count(*) filter (where f.status in (${sql.join(RUNNING)}) and f.due_at < ${at})`.as('openOverdue'),
      sql<string>`count(*) filter (where f.rating = 1 and ${inPeriod('f.answered_at')})`.as('satisfied'),
      sql<string>`count(*) filter (where f.rating = 2 and ${inPeriod('f.answered_at')})`.as('unsatisfied')])
    .where('f.agencyCode', 'in', scope).groupBy(['a.code', 'a.name']).orderBy('a.name').execute()
  return rows.map(r => {
    const answered = Number(r.answered)
    const onTime = Number(r.onTime)
    return { agencyCode: r.agencyCode, agencyName: r.agencyName, received: Number(r.received), answered, onTime, late: answered - onTime, notCompetent: Number(r.notCompetent), openOverdue: Number(r.openOverdue), satisfied: Number(r.satisfied), unsatisfied: Number(r.unsatisfied) }
  }).filter(r => r.received + r.answered + r.notCompetent + r.openOverdue > 0)
}

/** The totals of the agencies' rows. */
export const feedbackTotal = (rows: FeedbackFigures[]): Omit<FeedbackFigures, 'agencyCode' | 'agencyName'> => {
  const keys = ['received', 'answered', 'onTime', 'late', 'notCompetent', 'openOverdue', 'satisfied', 'unsatisfied'] as const
  return Object.fromEntries(keys.map(k => [k, rows.reduce((n, r) => n + r[k], 0)])) as Omit<FeedbackFigures, 'agencyCode' | 'agencyName'>
}
