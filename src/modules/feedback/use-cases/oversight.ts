import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import { formatInstant } from '../../../platform/vn-time.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { HANDLERS, type FeedbackContext } from '../context.js'
import { RUNNING } from '../model.js'

export interface FeedbackFigures { agencyCode: string, agencyName: string, received: number, answered: number, onTime: number, late: number, notCompetent: number, openOverdue: number, satisfied: number, unsatisfied: number }

/** Counting the agencies' feedback work, and reminding them of what falls due. */
export function oversightUseCases (ctx: FeedbackContext) {
  const k = ctx.db.kysely

  return {
    /**
     * Per agency (the one answering now) for [from, to): received = sent in the period; answered = published
     * in it, on time when by the due time; not competent; still open and overdue now; ratings of the answers.
     */
    async figures (official: SignedInOfficial, from: Date, to: Date): Promise<FeedbackFigures[]> {
      const scope = await ctx.deps.officials.scope(official, HANDLERS)
      if (scope.length === 0) throw new AppError('FORBIDDEN', 'feedback figures: no handling role')
      const inPeriod = (col: string) => sql<boolean>`${sql.ref(col)} >= ${from} and ${sql.ref(col)} < ${to}`
      const rows = await k.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode')
        .select(['a.code as agencyCode', 'a.name as agencyName',
          sql<string>`count(*) filter (where ${inPeriod('f.submitted_at')})`.as('received'),
          sql<string>`count(*) filter (where f.status = 'published' and ${inPeriod('f.answered_at')})`.as('answered'),
          sql<string>`count(*) filter (where f.status = 'published' and ${inPeriod('f.answered_at')} and f.answered_at <= f.due_at)`.as('onTime'),
          sql<string>`count(*) filter (where f.status = 'not_competent' and ${inPeriod('f.answered_at')})`.as('notCompetent'),
          sql<string>`count(*) filter (where f.status in (${sql.join(RUNNING)}) and f.due_at < ${ctx.now()})`.as('openOverdue'),
          sql<string>`count(*) filter (where f.rating = 1 and ${inPeriod('f.answered_at')})`.as('satisfied'),
          sql<string>`count(*) filter (where f.rating = 2 and ${inPeriod('f.answered_at')})`.as('unsatisfied')])
        .where('f.agencyCode', 'in', scope).groupBy(['a.code', 'a.name']).orderBy('a.name').execute()
      return rows.map(r => {
        const answered = Number(r.answered)
        const onTime = Number(r.onTime)
        return { agencyCode: r.agencyCode, agencyName: r.agencyName, received: Number(r.received), answered, onTime, late: answered - onTime, notCompetent: Number(r.notCompetent), openOverdue: Number(r.openOverdue), satisfied: Number(r.satisfied), unsatisfied: Number(r.unsatisfied) }
      })
    },

    /**
     * Reminds handlers of feedback overdue or due within a day: the assigned official, or the agency's
     * leaders when nobody has taken it. One message per official and day (dedupe by day).
     */
    async remind (): Promise<number> {
      const at = ctx.now()
      const soon = new Date(at.getTime() + 86_400_000)
      const due = await k.selectFrom('feedback as f').select(['f.code', 'f.title', 'f.dueAt', 'f.agencyCode', 'f.assignedTo'])
        .where('f.status', 'in', RUNNING).where('f.dueAt', '<', soon).orderBy('f.dueAt').limit(1000).execute()
      if (due.length === 0) return 0
      const leaders = await k.selectFrom('officials as o').innerJoin('officialRoles as r', 'r.officialId', 'o.id').innerJoin('agencies as a', 'a.id', 'r.agencyId')
        .select(['o.id', 'a.code']).where('r.role', 'in', ['department_head', 'agency_leader']).where('o.status', '=', 'active')
        .where('a.code', 'in', [...new Set(due.map(d => d.agencyCode))]).execute()
      const byOfficial = new Map<string, typeof due>()
      for (const d of due) {
        const to = d.assignedTo ? [d.assignedTo] : leaders.filter(l => l.code === d.agencyCode).map(l => l.id)
        for (const id of to) byOfficial.set(id, [...(byOfficial.get(id) ?? []), d])
      }
      const day = at.toISOString().slice(0, 10)
      let sent = 0
      await ctx.db.transaction(async trx => {
        const contacts = await trx.selectFrom('officials').select(['id', 'email', 'phone']).where('id', 'in', [...byOfficial.keys(), '00000000-0000-0000-0000-000000000000']).execute()
        // Who was reminded today already (one message a day each), read once.
        const sentToday = await trx.selectFrom('messages').select('recipient').where('template', '=', `feedback-reminder:${day}`).execute()
        const reminded = new Set(sentToday.map(m => m.recipient))
        for (const c of contacts) {
          const items = byOfficial.get(c.id)!
          if ((c.email && reminded.has(c.email)) || (c.phone && reminded.has(c.phone))) continue
          const lines = items.map(d => `- ${d.code} “${d.title}”: ${d.dueAt < at ? 'QUÁ HẠN từ' : 'hạn'} ${formatInstant(d.dueAt)}`)
          const subject = `${items.length} phản ánh, kiến nghị sắp đến hạn hoặc quá hạn trả lời`
          if (c.email) await ctx.deps.notifications.enqueue(trx, { channel: 'email', recipient: c.email, template: `feedback-reminder:${day}`, subject, body: `${lines.join('\n')}\n\nMở hàng đợi: ${ctx.deps.publicUrl()}/can-bo/phan-anh?hang-doi=qua-han\n` })
          else if (c.phone) await ctx.deps.notifications.enqueue(trx, { channel: 'sms', recipient: c.phone, template: `feedback-reminder:${day}`, subject: '', body: `Cong DVC: ${items.length} phan anh sap den han hoac qua han tra loi.` })
          else continue
          sent++
        }
      })
      return sent
    }
  }
}
