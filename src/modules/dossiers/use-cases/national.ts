import type { Person } from '../dossier-form.js'
import { componentSlots, caseGroups } from '../model.js'
import type { DossierContext } from '../context.js'

export interface NationalDossierInput {
  nationalCode: string
  procedureCode: string
  agencyCode: string
  applicant: Person
  submittedAt: Date
  /** Files already stored (and scanned) by the caller, by our component key. */
  files: Array<{ component: string, fileId: string }>
}

/** Dossiers submitted on the National Public Service Portal, taken into our ledger. */
export function nationalUseCases (ctx: DossierContext) {
  const { db, catalog, recordStep, next, takeCode, unattachedScans } = ctx
  const system = { type: 'system' as const, id: null, name: 'Cổng Dịch vụ công quốc gia' }
  return {
    /** Our component keys of a procedure's current version (its first case group), with their names. */
    async nationalSlots (procedureCode: string) {
      const p = await catalog.getProcedure(procedureCode)
      const version = await catalog.getVersion(p.versionId)
      const groups = caseGroups(version.content)
      return { slots: componentSlots(version.content, groups.length >= 2 ? groups[0]! : null, false), caseGroup: groups.length >= 2 ? groups[0]! : null, p, version }
    },

    /**
     * A dossier submitted on the national portal, pulled in: it waits for reception like one submitted
     * here (status 1, channel online, submitted when it was there), with its national code, its files
     * attached to their components, and the account of the same ID number linked. The same national
     * code again gives the dossier already taken in (`created: false`), also when two pulls race.
     */
    async enterFromNational (input: NationalDossierInput): Promise<{ code: string, created: boolean }> {
      const known = async () => (await db.kysely.selectFrom('dossiers').select('code').where('nationalCode', '=', input.nationalCode).executeTakeFirst())?.code
      const already = await known()
      if (already) return { code: already, created: false }
      const { caseGroup, p, version } = await this.nationalSlots(input.procedureCode)
      const procedureId = (await db.kysely.selectFrom('procedures').select('id').where('code', '=', p.code).executeTakeFirstOrThrow()).id
      const account = input.applicant.kind === 'individual' ? await db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', input.applicant.idNumber).executeTakeFirst() : undefined
      try {
        return await db.transaction(async (trx) => {
          const code = await takeCode(trx, input.agencyCode, input.submittedAt)
          const to = next(0, 'submit')
          const row = await trx.insertInto('dossiers').values({
            code, status: to, procedureId, procedureVersionId: p.versionId, accountId: account?.id ?? null, agencyCode: input.agencyCode,
            channel: 'online', nationalCode: input.nationalCode, applicant: JSON.stringify(input.applicant), submitter: JSON.stringify(input.applicant), caseGroup,
            delivery: JSON.stringify({ submission: 'online', pickupAddress: null, result: account ? 'online' : 'office', resultAddress: null }), fees: JSON.stringify(version.content.fees),
            submittedAt: input.submittedAt, createdAt: ctx.clock(), updatedAt: ctx.clock()
          }).returning('id').executeTakeFirstOrThrow()
          const usable = await unattachedScans(trx, input.files.map(f => f.fileId))
          if (usable.length !== new Set(input.files.map(f => f.fileId)).size) throw new Error('national dossier: files not usable')
          if (input.files.length > 0) await trx.insertInto('dossierFiles').values(input.files.map(f => ({ dossierId: row.id, component: f.component, fileId: f.fileId }))).execute()
          await catalog.markVersionInUse(trx, p.versionId)
          await recordStep(trx, row.id, {
            event: { action: 'submit', from: 0, to, actor: system, actorName: system.name, agencyCode: input.agencyCode, message: `Hồ sơ nộp trên Cổng Dịch vụ công quốc gia (mã ${input.nationalCode}).`, details: { nationalCode: input.nationalCode } },
            audit: { actor: system, action: 'dossier.national-enter', targetType: 'dossier', targetId: row.id, details: { code, nationalCode: input.nationalCode } },
            ...(account ? { tell: { dossier: { id: row.id, accountId: account.id, code }, subject: `Hồ sơ ${code} đã được chuyển từ Cổng Dịch vụ công quốc gia`, body: `Hồ sơ “${version.content.name}” bạn nộp trên Cổng Dịch vụ công quốc gia (mã ${input.nationalCode}) đã được chuyển đến cơ quan tiếp nhận với mã ${code}.` } } : {})
          })
          return { code, created: true }
        })
      } catch (err) {
        // Two pulls of the same dossier at once: the second finds the first's.
        const first = await known()
        if (first) return { code: first, created: false }
        throw err
      }
    }
  }
}
