import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { can } from '../status.js'
import type { CounterInput, OfficeActor } from '../model.js'
import type { DossierContext } from '../context.js'

/** A dossier entered at the counter (in person or by post) by the desk. */
export function counterUseCases (ctx: DossierContext) {
  const { db, clock, catalog, files, recordStep, next, unattachedScans, checkCounter, takeCode } = ctx
  return {
    /** What is wrong with a counter dossier as entered so far (shown all at once, with a bad scan's message). */
    async counterErrors (input: CounterInput): Promise<FieldError[]> {
      return (await checkCounter(input)).errors
    },

    /**
     * A dossier entered by a receptionist for someone at the counter or received by post: the
     * applicant's particulars, the procedure's components with their scanned files (already stored),
     * and how the result goes back. Created submitted (status 1) with the same codes as online ones;
     * the caller receives it next. Linked to the applicant's account when one exists. Throws
     * VALIDATION naming the fields, with nothing written.
     */
    async enterAtCounter (actor: OfficeActor, input: CounterInput): Promise<{ code: string, id: string }> {
      const { errors, applicant, caseGroup, slots, p, version } = await checkCounter(input)
      if (errors.length > 0) throw new AppError('VALIDATION', 'counter dossier incomplete', errors)
      const result = input.form['result'] as 'office' | 'post'
      const ids = slots.flatMap(s => (input.files[s.key] ?? []).map(fileId => ({ component: s.key, fileId })))
      const procedureId = (await db.kysely.selectFrom('procedures').select('id').where('code', '=', p.code).executeTakeFirstOrThrow()).id
      const account = applicant.kind === 'organization'
        ? await db.kysely.selectFrom('accounts').select('id').where('taxCode', '=', applicant.idNumber.replace('-', '')).executeTakeFirst()
        : applicant.kind === 'individual' ? await db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', applicant.idNumber).executeTakeFirst() : undefined
      return db.transaction(async (trx) => {
        const now = clock()
        const code = await takeCode(trx, input.agencyCode, now)
        const to = next(0, 'submit')
        const row = await trx.insertInto('dossiers').values({
          code, status: to, procedureId, procedureVersionId: p.versionId, accountId: account?.id ?? null, agencyCode: input.agencyCode,
          channel: input.channel, applicant: JSON.stringify(applicant), submitter: JSON.stringify(applicant), caseGroup,
          delivery: JSON.stringify({ submission: 'office', pickupAddress: null, result, resultAddress: null }), fees: JSON.stringify(version.content.fees),
          submittedAt: now, createdAt: now, updatedAt: now, enteredBy: actor.type === 'official' ? actor.id ?? null : null
        }).returning('id').executeTakeFirstOrThrow()
        // Only files stored by the back office and not yet in any dossier can be attached.
        const usable = await unattachedScans(trx, ids.map(i => i.fileId))
        if (usable.length !== new Set(ids.map(i => i.fileId)).size) throw new AppError('VALIDATION', 'files not usable', [{ field: 'files', message: 'Một số tệp đã tải lên không còn dùng được; hãy tải lên lại.' }])
        if (ids.length > 0) await trx.insertInto('dossierFiles').values(ids.map(i => ({ dossierId: row.id, component: i.component, fileId: i.fileId }))).execute()
        await catalog.markVersionInUse(trx, p.versionId)
        const paper = slots.filter(s => (input.paper ?? []).includes(s.key))
        await recordStep(trx, row.id, {
          event: {
            action: 'enter', from: 0, to, actor, actorName: actor.name, agencyCode: input.agencyCode,
            message: `${input.channel === 'postal' ? 'Hồ sơ nhận qua bưu chính.' : 'Hồ sơ nộp trực tiếp tại bộ phận một cửa.'}${paper.length > 0 ? ` Nhận bản giấy: ${paper.map(s => s.name).join('; ')}.` : ''}`,
            details: { paper: paper.map(s => s.key) }
          },
          audit: { actor, action: 'dossier.enter', targetType: 'dossier', targetId: row.id, details: { code, channel: input.channel } }
        })
        return { code, id: row.id }
      })
    },

    /** Scans stored for a counter dossier not entered yet (kept across a form shown again with errors). */
    pendingScans: (ids: string[]) => unattachedScans(db.kysely, ids)
  }
}
