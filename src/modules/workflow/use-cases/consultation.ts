import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { formatInstant } from '../../../platform/vn-time.js'
import { CASE_ROLES } from '../model.js'
import type { WorkflowContext } from '../context.js'

/** Consulting another agency, and answering a consultation. */
export function consultationUseCases (ctx: WorkflowContext) {
  const { db, dossiers, officials, calendar, catalog, clock, actorOf, myTask, visible, reasonFrom } = ctx
  return {
    /**
     * Asks another agency's opinion (a sub-task with its own deadline, in working days): the official
     * holding a work step; that agency's officials then see the dossier and answer.
     */
    /**
     * Asks another agency's opinion on the step the official holds. Never the official's own agency (or
     * its units: that is internal work) nor the receiving one; a reply due after the dossier's own due
     * date needs a reason, recorded with the request. Throws VALIDATION naming the field.
     */
    async consult (o: SignedInOfficial, code: string, form: { taskId?: string, agency?: string, question?: string, days?: string, reason?: string }): Promise<{ agency: string, due: Date }> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'work') throw new AppError('CONFLICT', 'Chỉ xin ý kiến ở các bước xử lý, trước khi phê duyệt.')
      const errors: FieldError[] = []
      const own = new Set([...(await officials.scope(o, CASE_ROLES)), o.agency.code, t.agencyCode])
      const agency = (await catalog.listAgencies()).find(a => a.code === form.agency && a.code !== d.agency?.code)
      if (!agency) errors.push({ field: 'consult-agency', message: 'Chọn cơ quan cần xin ý kiến' })
      else if (own.has(agency.code)) errors.push({ field: 'consult-agency', message: 'Không xin ý kiến cơ quan, đơn vị của chính mình; hãy chọn cơ quan khác' })
      const question = (form.question ?? '').trim().slice(0, 4000)
      if (question.length < 10) errors.push({ field: 'consult-question', message: 'Nêu rõ nội dung xin ý kiến (ít nhất 10 ký tự)' })
      const days = Number((form.days ?? '').trim())
      if (!Number.isInteger(days) || days < 1 || days > 30) errors.push({ field: 'consult-days', message: 'Thời hạn trả lời từ 1 đến 30 ngày làm việc' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'consultation incomplete', errors)
      const due = (await calendar.computeDue(clock(), { value: days, unit: 'working_days' }, {}, agency!.code)).due
      const reason = (form.reason ?? '').trim().slice(0, 1000)
      if (d.dueAt && due > d.dueAt && reason.length < 10) {
        throw new AppError('VALIDATION', 'reply due after the dossier', [{ field: 'consult-reason', message: `Hạn trả lời (${formatInstant(due)}) muộn hơn hạn trả kết quả của hồ sơ (${formatInstant(d.dueAt)}). Rút ngắn thời hạn trả lời, hoặc ghi lý do (ít nhất 10 ký tự) để vẫn gửi.` }])
      }
      const late = d.dueAt && due > d.dueAt ? ` Hạn trả lời sau hạn trả kết quả; lý do: ${reason}` : ''
      await dossiers.record(actorOf(o), code, { action: 'consult', note: `Xin ý kiến ${agency!.name}, hạn trả lời ${formatInstant(due)}.${late}`, agencyCode: t.agencyCode, details: { agency: agency!.code } }, async (trx, row) => {
        await trx.insertInto('dossierConsultations').values({ dossierId: row.id, agencyCode: agency!.code, question, askedBy: o.id, askedByName: o.fullName, dueAt: due, askedAt: clock() }).execute()
      })
      return { agency: agency!.name, due }
    },

    /** An official of the consulted agency answers; once. */
    async answerConsultation (o: SignedInOfficial, code: string, form: { consultation?: string, answer?: string }): Promise<void> {
      const d = await visible(o, code)
      const id = Number(form.consultation)
      const c = Number.isInteger(id) ? await db.kysely.selectFrom('dossierConsultations').selectAll().where('id', '=', id).where('dossierId', '=', d.id).executeTakeFirst() : undefined
      if (!c) throw new AppError('NOT_FOUND', 'no such consultation')
      if (!(await officials.scope(o, CASE_ROLES)).includes(c.agencyCode)) throw new AppError('FORBIDDEN', 'not the consulted agency')
      const answer = reasonFrom(form.answer, `answer-${c.id}`, 'Nhập ý kiến trả lời', 5, 4000)
      await dossiers.record(actorOf(o), code, { action: 'consult-answer', note: `Ý kiến của cơ quan được hỏi đã có.`, agencyCode: c.agencyCode, details: { consultation: c.id } }, async (trx) => {
        const r = await trx.updateTable('dossierConsultations').set({ answer, answeredBy: o.id, answeredByName: o.fullName, answeredAt: clock() })
          .where('id', '=', c.id).where('answeredAt', 'is', null).executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Ý kiến này vừa được cán bộ khác trả lời.')
      })
    },

    /** Questions other agencies asked of the official's agencies, not yet answered, earliest due first. */
    async consultationQueue (o: SignedInOfficial) {
      const scope = await officials.scope(o, CASE_ROLES)
      if (scope.length === 0) return []
      const rows = await db.kysely.selectFrom('dossierConsultations as c').innerJoin('dossiers as d', 'd.id', 'c.dossierId').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.code', 'v.name as procedureName', 'c.question', 'c.askedByName', 'c.askedAt', 'c.dueAt'])
        .where('c.agencyCode', 'in', scope).where('c.answeredAt', 'is', null).orderBy('c.dueAt').limit(200).execute()
      const now = clock()
      return Promise.all(rows.map(async r => ({ ...r, code: r.code!, left: await calendar.remaining(now, r.dueAt) })))
    }
  }
}
