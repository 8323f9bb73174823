import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { parseDay } from '../../../platform/http/day-range.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { INTERNAL_COMPONENT } from '../../dossiers/model.js'
import type { DossierView } from '../../dossiers/dossiers.service.js'
import type { WorkflowContext } from '../context.js'

/** The papers of a dossier whose validity an official may record: the current files of its components. */
export const validityPapers = (d: Pick<DossierView, 'files' | 'slots'>) =>
  d.files.filter(f => !f.superseded && f.component !== 'result' && f.component !== INTERNAL_COMPONENT)
    .map(f => ({ ...f, slotName: d.slots.find(s => s.key === f.component)?.name ?? f.component }))

/**
 * Validity of the papers handed in (issue 23): the desk that receives the dossier, or the official holding
 * its step, records the last valid day a paper states (a health certificate, a licence), so that the
 * citizen's document store shows it and stops offering the paper once it has expired.
 */
export function validityUseCases (ctx: Pick<WorkflowContext, 'dossiers' | 'actorOf' | 'visible' | 'deskOrStepHolder'>) {
  const { dossiers, actorOf, visible, deskOrStepHolder } = ctx
  return {
    /**
     * Records the days given in `valid-{attachment}` (day/month/year, or empty for none); only changed ones.
     * Returns how many changed. Errors are said beside each field.
     */
    async recordValidity (o: SignedInOfficial, code: string, form: Record<string, string | undefined>): Promise<number> {
      const d = await visible(o, code)
      if (!(await deskOrStepHolder(o, d))) throw new AppError('FORBIDDEN', 'validity: the desk or the step holder only')
      const errors: FieldError[] = []
      const changes: Array<{ attachmentId: number, name: string, validUntil: string | null }> = []
      for (const f of validityPapers(d)) {
        const text = form[`valid-${f.attachmentId}`]
        if (text === undefined) continue
        const day = text.trim() === '' ? null : parseDay(text)
        if (day === undefined || (day && (day < '1950-01-01' || day > '2199-12-31'))) {
          errors.push({ field: `valid-${f.attachmentId}`, message: `Nhập ngày hết hiệu lực của “${f.name}” theo dạng ngày/tháng/năm, ví dụ 31/12/2030, hoặc để trống nếu giấy tờ không ghi thời hạn` })
          continue
        }
        if (day !== (f.validUntil ?? null)) changes.push({ attachmentId: f.attachmentId, name: `${f.slotName} (${f.name})`, validUntil: day })
      }
      if (errors.length > 0) throw new AppError('VALIDATION', 'validity', errors)
      if (changes.length > 0) await dossiers.recordValidity(actorOf(o), code, changes)
      return changes.length
    }
  }
}
