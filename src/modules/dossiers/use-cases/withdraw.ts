import { AppError } from '../../../platform/http/errors.js'
import type { Person } from '../dossier-form.js'
import type { DossierStatus } from '../status.js'
import type { DossierContext } from '../context.js'

/** The citizen withdraws a dossier. */
export function withdrawUseCases (ctx: DossierContext) {
  const { db, clock, hooks, citizen, ownDossier, recordStep, next } = ctx
  return {
    /** Withdraws a dossier while no decision has been issued. The reason is required. */
    async withdraw (accountId: string, code: string, reason: string | undefined): Promise<void> {
      const text = (reason ?? '').trim().slice(0, 1000)
      if (text.length < 5) throw new AppError('VALIDATION', 'reason required', [{ field: 'reason', message: 'Nhập lý do rút hồ sơ' }])
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        const to = next(d.status, 'withdraw', { decisionIssued: d.finishedAt !== null })
        const now = clock()
        await trx.updateTable('dossiers').set({ status: to, updatedAt: now, closedAt: now }).where('id', '=', d.id).execute()
        await hooks.closed?.(trx, d, to, { ...citizen(accountId), name: (d.submitter as Person).fullName })
        await recordStep(trx, d.id, {
          event: { at: now, action: 'withdraw', from: d.status as DossierStatus, to, actor: citizen(accountId), actorName: (d.submitter as Person).fullName, message: text },
          audit: { actor: citizen(accountId), action: 'dossier.withdraw', targetType: 'dossier', targetId: d.id },
          tell: { dossier: d, subject: `Hồ sơ ${code} đã được rút`, body: `Bạn đã rút hồ sơ ${code}. Lý do: ${text}` }
        })
      })
    }
  }
}
