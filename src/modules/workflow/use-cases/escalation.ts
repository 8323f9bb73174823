import { ROLES, type OfficialRole } from '../../accounts/officials.service.js'
import { formatInstant } from '../../../platform/vn-time.js'
import { systemActor } from '../../audit/audit.service.js'
import type { WorkflowContext } from '../context.js'

/** Dossiers whose steps run on a clock: received, in processing, decided and waiting to be returned. */
const RUNNING = [2, 4, 9] as const
const BATCH = 200

/**
 * Who is told when a step is about to run out: the department head above a specialist (or a desk
 * official); the agency's leader above a head, and when the agency has no head.
 */
const ABOVE: Partial<Record<OfficialRole, OfficialRole[]>> = {
  specialist: ['department_head', 'agency_leader'],
  receptionist: ['department_head', 'agency_leader'],
  department_head: ['agency_leader']
}

/**
 * Escalation (issue 17.30): a step with one working day or less left, or already late, is told once to
 * the officials above the one holding it, by e-mail (or SMS when they have no e-mail), with an audit row.
 * Each step is claimed by setting its `escalated_at` in the transaction that queues the messages, so two
 * processes running the job never tell twice.
 */
export function escalationUseCases (ctx: WorkflowContext) {
  const { db, deps, tasks, calendar, audit, clock, dueSoonBefore } = ctx
  return {
    async escalateDueSteps (): Promise<number> {
      const now = clock()
      const soon = await dueSoonBefore(now)
      const steps = await db.kysely.selectFrom('dossierTasks as t').innerJoin('dossiers as d', 'd.id', 't.dossierId')
        .innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['t.id', 't.name', 't.role', 't.agencyCode', 't.assigneeId', 't.assigneeName', 't.dueAt', 'd.id as dossierId', 'd.code', 'v.name as procedureName'])
        .where('t.finishedAt', 'is', null).where('t.escalatedAt', 'is', null).where('t.dueAt', '<=', soon)
        .where('d.status', 'in', [...RUNNING]).orderBy('t.dueAt').limit(BATCH).execute()
      // Who is above each step: the officials of a role at an agency are asked once per run, their
      // addresses once for the whole batch.
      const known = new Map<string, ReturnType<typeof tasks.candidates>>()
      const candidatesOf = (role: OfficialRole, agency: string) => {
        const key = `${role}|${agency}`
        if (!known.has(key)) known.set(key, tasks.candidates(role, agency))
        return known.get(key)!
      }
      const above = new Map<number, string[]>()
      for (const s of steps) {
        for (const role of ABOVE[s.role as OfficialRole] ?? []) {
          const ids = (await candidatesOf(role, s.agencyCode)).filter(c => c.id !== s.assigneeId).map(c => c.id)
          if (ids.length > 0) { above.set(s.id, ids); break }
        }
      }
      const everyone = [...new Set([...above.values()].flat())]
      const addresses = new Map((everyone.length === 0 ? [] : await db.kysely.selectFrom('officials').select(['id', 'fullName', 'email', 'phone']).where('id', 'in', everyone).execute()).map(o => [o.id, o]))
      let told = 0
      for (const s of steps) {
        const contacts = (above.get(s.id) ?? []).map(id => addresses.get(id)!).filter(Boolean)
        const late = s.dueAt!.getTime() <= now.getTime()
        const left = await calendar.remaining(now, s.dueAt!, s.agencyCode)
        const holder = s.assigneeName ?? `cán bộ có vai trò ${ROLES[s.role as OfficialRole]?.toLowerCase() ?? s.role}`
        const subject = `Hồ sơ ${s.code}: bước “${s.name}” ${late ? 'đã quá hạn' : 'sắp hết hạn'}`
        const body = [
          `Bước “${s.name}” của hồ sơ ${s.code} (${s.procedureName}), do ${holder} xử lý, có hạn ${formatInstant(s.dueAt!)} (${left.text}).`,
          late ? 'Đề nghị đôn đốc xử lý và, nếu hồ sơ sẽ trễ hẹn, gửi văn bản xin lỗi và hẹn lại ngày trả kết quả (mẫu 04).' : 'Đề nghị đôn đốc để bước này hoàn thành đúng hạn.',
          `Mở hồ sơ: ${deps.publicUrl()}/can-bo/ho-so/${encodeURIComponent(s.code!)}`
        ].join('\n\n')
        await db.transaction(async trx => {
          const claimed = await trx.updateTable('dossierTasks').set({ escalatedAt: now })
            .where('id', '=', s.id).where('escalatedAt', 'is', null).where('finishedAt', 'is', null).executeTakeFirst()
          if (Number(claimed.numUpdatedRows) !== 1) return
          const to: string[] = []
          for (const c of contacts) {
            if (c.email) await deps.notifications.enqueue(trx, { channel: 'email', recipient: c.email, subject, body, template: 'step-escalation' })
            else if (c.phone) await deps.notifications.enqueue(trx, { channel: 'sms', recipient: c.phone, subject: '', body: `${subject}, hạn ${formatInstant(s.dueAt!)}.`, template: 'step-escalation' })
            else continue
            to.push(c.fullName)
          }
          await audit.record(trx, { actor: systemActor, action: 'task.escalate', targetType: 'dossier', targetId: s.dossierId, details: { code: s.code, step: s.name, dueAt: s.dueAt!.toISOString(), late, to } })
          told++
        })
      }
      return told
    }
  }
}
