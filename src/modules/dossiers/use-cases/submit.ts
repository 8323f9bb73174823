import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { Person } from '../dossier-form.js'
import { STATUS_LABELS } from '../status.js'
import type { DossierContext } from '../context.js'

/** Submitting a draft: the checks, the code, the first event and the notice. */
export function submitUseCases (ctx: DossierContext) {
  const { db, catalog, audit, citizen, ownDossier, event, tell, requireAssurance, next, catalogInfo, view, missingForSubmit, takeCode } = ctx
  return {
    /** The account a dossier belongs to (tests and the back office). */
    async ownerOf (id: string): Promise<string | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
      return (await db.kysely.selectFrom('dossiers').select('accountId').where('id', '=', id).executeTakeFirst())?.accountId ?? undefined
    },

    /**
     * Submits a draft: the dossier gets its code and status 1 in one transaction. Submitting a dossier
     * already submitted (a second press, a refresh) returns its code and changes nothing. `formErrors`
     * (the review page's verification code and declaration) are reported with what the draft misses.
     */
    async submit (accountId: string, id: string, requestId?: string, formErrors: FieldError[] = []): Promise<{ code: string, created: boolean }> {
      // No read before the transaction: a second press is rare, and the locked read below answers it.
      return db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { id }, true)
        if (d.status !== 0) return { code: d.code!, created: false }
        const info = await catalogInfo(d.procedureVersionId)
        const v = await view(trx, d, info)
        if (v.procedure.onlineLevel === 'none') throw new AppError('CONFLICT', 'Thủ tục này hiện không nhận hồ sơ trực tuyến.')
        // Checked again at submission: the procedure's minimum may have been raised since the draft began.
        const account = await trx.selectFrom('accounts').select(['assurance', 'email', 'phone']).where('id', '=', accountId).executeTakeFirstOrThrow()
        if (info.procedure) requireAssurance(account.assurance, info.procedure.minAssurance)
        const errors = [...missingForSubmit(v), ...formErrors]
        if (errors.length > 0) throw new AppError('VALIDATION', 'draft incomplete', errors)
        const to = next(0, 'submit')
        const now = new Date()
        const code = await takeCode(trx, d.agencyCode!, now)
        await trx.updateTable('dossiers').set({
          code, status: to, submittedAt: now, fees: JSON.stringify(v.content.fees), updatedAt: sql`now()`, stepsDone: []
        }).where('id', '=', d.id).execute()
        await catalog.markVersionInUse(trx, d.procedureVersionId)
        await event(trx, d.id, { action: 'submit', from: 0, to, actor: citizen(accountId), actorName: (v.submitter as Person).fullName, agencyCode: d.agencyCode })
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.submit', targetType: 'dossier', targetId: d.id, details: { code }, ...(requestId ? { requestId } : {}) })
        await tell(trx, { id: d.id, accountId, code }, `Hồ sơ ${code} đã được nộp`,
          `Hồ sơ “${v.procedure.name}” đã được nộp trực tuyến lúc ${now.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}.\nMã hồ sơ: ${code}\nTrạng thái: ${STATUS_LABELS[to]}.\nCơ quan tiếp nhận: ${v.agency?.name ?? ''}.`, account)
        return { code, created: true }
      })
    }
  }
}
