import { AppError } from '../../../platform/http/errors.js'
import type { Person } from '../dossier-form.js'
import { RATING_LABELS } from '../model.js'
import type { DossierContext } from '../context.js'

/** The citizen rates the service once the result is returned. */
export function rateUseCases (ctx: DossierContext) {
  const { db, clock, citizen, ownDossier, recordStep } = ctx
  return {
    /** The applicant rates the handling once the result is returned (once). */
    async rate (accountId: string, code: string, rating: number, comment: string | undefined): Promise<void> {
      if (!(rating in RATING_LABELS)) throw new AppError('VALIDATION', 'rating required', [{ field: 'rating', message: 'Chọn mức độ hài lòng' }])
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        if (d.status !== 10) throw new AppError('CONFLICT', 'Chỉ đánh giá được khi đã nhận kết quả.')
        if (d.rating !== null) throw new AppError('CONFLICT', 'Hồ sơ này đã được đánh giá.')
        const text = (comment ?? '').trim().slice(0, 2000) || null
        await trx.updateTable('dossiers').set({ rating, ratingComment: text, ratedAt: clock() }).where('id', '=', d.id).execute()
        await recordStep(trx, d.id, {
          event: { action: 'rate', actor: citizen(accountId), actorName: (d.submitter as Person).fullName, message: `${RATING_LABELS[rating]}${text ? `: ${text}` : ''}` },
          audit: { actor: citizen(accountId), action: 'dossier.rate', targetType: 'dossier', targetId: d.id, details: { rating } }
        })
      })
    }
  }
}
