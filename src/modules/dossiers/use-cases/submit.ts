import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { Person } from '../dossier-form.js'
import { STATUS_LABELS } from '../status.js'
import type { DossierContext } from '../context.js'

/** Submitting a draft: the checks, the code, the first event and the notice. */
export function submitUseCases (ctx: DossierContext) {
  const { db, clock, catalog, citizen, recordStep, requireAssurance, next, catalogInfo, view, missingForSubmit, codeCounter, codeOf } = ctx
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
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('NOT_FOUND', 'no such dossier')
      return db.transaction(async (trx) => {
        // The draft (locked), with its account's assurance and contact and its agency, in one read.
        const row = await trx.selectFrom('dossiers as d').innerJoin('accounts as a', 'a.id', 'd.accountId').leftJoin('agencies as g', 'g.code', 'd.agencyCode')
          .selectAll('d').select(['a.assurance', 'a.email', 'a.phone', 'g.code as gCode', 'g.name as gName', 'g.address as gAddress'])
          .where('d.id', '=', id).where('d.accountId', '=', accountId).forUpdate('d').executeTakeFirst()
        // Another citizen's dossier is reported exactly like one that does not exist.
        if (!row) throw new AppError('NOT_FOUND', 'no such dossier')
        const { assurance, email, phone, gCode, gName, gAddress, ...d } = row
        if (d.status !== 0) return { code: d.code!, created: false }
        const info = await catalogInfo(d.procedureVersionId)
        const v = await view(trx, d, info, { agency: gCode === null ? undefined : { code: gCode, name: gName!, address: gAddress } })
        if (v.procedure.onlineLevel === 'none') throw new AppError('CONFLICT', 'Thủ tục này hiện không nhận hồ sơ trực tuyến.')
        // Checked again at submission: the procedure's minimum may have been raised since the draft began.
        if (info.procedure) requireAssurance(assurance, info.procedure.minAssurance)
        const errors = [...missingForSubmit(v), ...formErrors]
        if (errors.length > 0) throw new AppError('VALIDATION', 'draft incomplete', errors)
        const to = next(0, 'submit')
        const now = clock()
        // The code (the agency's counter for the day) and the dossier's new state in one statement.
        const { code } = (await sql<{ code: string }>`with ${codeCounter(d.agencyCode!, now)}
          update dossiers set code = ${codeOf(d.agencyCode!, now)}, status = ${to}, submitted_at = ${now}, fees = ${JSON.stringify(v.content.fees)}::jsonb,
            updated_at = ${now}, steps_done = '{}' from counter where dossiers.id = ${d.id} returning dossiers.code`.execute(trx)).rows[0]!
        await catalog.markVersionInUse(trx, d.procedureVersionId)
        await recordStep(trx, d.id, {
          event: { action: 'submit', from: 0, to, actor: citizen(accountId), actorName: (v.submitter as Person).fullName, agencyCode: d.agencyCode },
          audit: { actor: citizen(accountId), action: 'dossier.submit', targetType: 'dossier', targetId: d.id, details: { code }, ...(requestId ? { requestId } : {}) },
          tell: {
            dossier: { id: d.id, accountId, code },
            subject: `Hồ sơ ${code} đã được nộp`,
            body: `Hồ sơ “${v.procedure.name}” đã được nộp trực tuyến lúc ${now.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}.\nMã hồ sơ: ${code}\nTrạng thái: ${STATUS_LABELS[to]}.\nCơ quan tiếp nhận: ${v.agency?.name ?? ''}.`,
            account: { email, phone }
          }
        })
        return { code, created: true }
      })
    }
  }
}
