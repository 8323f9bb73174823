import { formatInstant } from '../../../platform/vn-time.js'
import type { FeedbackContext } from '../context.js'
import { RUNNING } from '../model.js'

/** Reminding the agencies of the feedback that falls due (its figures: figures.ts, shown by the statistics pages). */
export function oversightUseCases (ctx: FeedbackContext) {
  const k = ctx.db.kysely

  return {
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
