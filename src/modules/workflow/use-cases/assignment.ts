import { AppError } from '../../../platform/http/errors.js'
import { formatInstant } from '../../../platform/vn-time.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import type { OpenTask } from '../processing.js'
import type { WorkflowContext } from '../context.js'

/**
 * Reassignment (issue 17.25): a department head hands an open step of their department (or of the whole
 * agency) to another official who may take it; an agency leader, any step of the agency. The reason is
 * kept as an internal note of the dossier's history, the new holder is told by e-mail, and the audit log
 * records it.
 */
export function assignmentUseCases (ctx: WorkflowContext) {
  const { db, deps, dossiers, tasks, actorOf, visible, scopeOf, reasonFrom, officials } = ctx

  /** Who the official may give the step to, or undefined when they may not reassign it. */
  async function reassignable (o: SignedInOfficial, t: OpenTask): Promise<Array<{ id: string, fullName: string, departmentId: number | null, departmentName: string | null }> | undefined> {
    const leader = (await scopeOf(o, 'agency_leader')).includes(t.agencyCode)
    const head = (await scopeOf(o, 'department_head')).includes(t.agencyCode)
    if (!leader && !head) return undefined
    const holderDepartment = t.assigneeId ? (await officials.departmentOf(t.assigneeId))?.id ?? null : t.departmentId
    // A department head reassigns within their department (or anything of an agency without departments in play).
    const mine = leader || !o.department || holderDepartment === null || holderDepartment === o.department.id
    if (!mine) return undefined
    const candidates = (await tasks.candidates(t.role, t.agencyCode)).filter(c => c.id !== t.assigneeId)
    return leader || !o.department ? candidates : candidates.filter(c => c.departmentId === o.department!.id)
  }

  return {
    reassignable,

    /** Gives the open step to another official, with a reason. Throws FORBIDDEN, VALIDATION, CONFLICT. */
    async reassign (o: SignedInOfficial, code: string, form: { taskId?: string, assignee?: string, reason?: string }): Promise<string> {
      const d = await visible(o, code)
      const t = await tasks.openTask(db.kysely, d.id)
      if (!t || String(t.id) !== form.taskId) throw new AppError('CONFLICT', 'Bước này vừa được cán bộ khác xử lý.')
      const candidates = await reassignable(o, t)
      if (!candidates) throw new AppError('FORBIDDEN', 'not a head over this step')
      const to = candidates.find(c => c.id === form.assignee)
      if (!to) throw new AppError('VALIDATION', 'assignee not allowed', [{ field: 'reassign-to', message: `Chọn một cán bộ có vai trò của bước “${t.name}”` }])
      const reason = reasonFrom(form.reason, 'reassign-reason', 'Ghi rõ lý do giao lại', 5)
      const contact = await db.kysely.selectFrom('officials').select(['email', 'phone']).where('id', '=', to.id).executeTakeFirstOrThrow()
      await dossiers.record(actorOf(o), code, { action: 'reassign', note: `Giao bước “${t.name}” ${t.assigneeName ? `từ ${t.assigneeName} ` : ''}cho ${to.fullName}: ${reason}`, details: { from: t.assigneeId, to: to.id } }, async trx => {
        const r = await trx.updateTable('dossierTasks').set({ assigneeId: to.id, assigneeName: to.fullName, departmentId: to.departmentId })
          .where('id', '=', t.id).where('finishedAt', 'is', null).executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Bước này vừa được cán bộ khác xử lý.')
        const subject = `Hồ sơ ${code}: bạn được giao bước “${t.name}”`
        const link = `${deps.publicUrl()}/can-bo/ho-so/${encodeURIComponent(code)}`
        if (contact.email) await deps.notifications.enqueue(trx, { channel: 'email', recipient: contact.email, subject, body: `${o.fullName} giao cho bạn bước “${t.name}” của hồ sơ ${code}${t.dueAt ? `, hạn ${formatInstant(t.dueAt)}` : ''}.\n\nLý do: ${reason}\n\nMở hồ sơ: ${link}`, template: 'step-reassigned' })
      })
      return to.fullName
    }
  }
}
