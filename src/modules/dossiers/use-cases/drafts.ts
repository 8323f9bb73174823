import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { readDelivery, readParties, type Person } from '../dossier-form.js'
import { type Step, MANDATE_KEY, deliveryOptions } from '../model.js'
import type { DossierContext } from '../context.js'

/** A draft from start to the review page: open, fill each step, list, delete, purge old ones. */
export function draftUseCases (ctx: DossierContext) {
  const { db, clock, catalog, files, audit, config, citizen, ownDraft, attachments, requireAssurance, view } = ctx
  return {
    /**
     * Opens a draft of a procedure for an account, pre-filled from the account. Refuses a procedure
     * not offered online and an account below the procedure's required identity assurance.
     */
    async startDraft (accountId: string, procedureCode: string): Promise<string> {
      const p = await catalog.getProcedure(procedureCode)
      if (p.onlineLevel === 'none') throw new AppError('CONFLICT', 'Thủ tục này chưa được cung cấp trực tuyến; hãy nộp hồ sơ trực tiếp hoặc qua bưu chính.')
      const account = await db.kysely.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow()
      requireAssurance(account.assurance, p.minAssurance)
      const person: Person = {
        kind: account.kind,
        fullName: account.fullName,
        dateOfBirth: account.dateOfBirth ? String(account.dateOfBirth).slice(0, 10) : null,
        idNumber: account.citizenId ?? account.taxCode ?? account.passportNumber ?? '',
        idIssuedBy: null,
        nationality: account.nationality,
        representative: account.representative,
        phone: account.phone ?? '',
        email: account.email,
        address: account.address
      }
      const procedureId = (await db.kysely.selectFrom('procedures').select('id').where('code', '=', p.code).executeTakeFirstOrThrow()).id
      const only = p.agencies.receiving.length === 1 ? p.agencies.receiving[0]!.code : null
      return db.transaction(async (trx) => {
        const row = await trx.insertInto('dossiers').values({
          procedureId, procedureVersionId: p.versionId, accountId, agencyCode: only,
          applicant: JSON.stringify(person), submitter: JSON.stringify(person), fees: '[]', delivery: '{}', createdAt: clock(), updatedAt: clock()
        }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.draft.start', targetType: 'dossier', targetId: row.id, details: { procedure: p.code } })
        return row.id
      })
    },

    /** The code of the account's dossier `id` once it is submitted (a draft's old address leads to it); undefined otherwise. */
    async submittedCode (accountId: string, id: string): Promise<string | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
      const row = await db.kysely.selectFrom('dossiers').select(['code', 'status']).where('id', '=', id).where('accountId', '=', accountId).executeTakeFirst()
      return row && row.status !== 0 && row.code ? row.code : undefined
    },

    /** A draft of the account, as the journey pages show it. NOT_FOUND for another's; CONFLICT once submitted. */
    async draft (accountId: string, id: string) {
      return view(db.kysely, await ownDraft(db.kysely, accountId, id))
    },

    /** Step 1. Throws VALIDATION with the fields to correct. */
    async saveParties (accountId: string, id: string, form: Record<string, string | undefined>): Promise<void> {
      const d = await ownDraft(db.kysely, accountId, id)
      const account = await db.kysely.selectFrom('accounts').select('kind').where('id', '=', accountId).executeTakeFirstOrThrow()
      const { submitter, applicant, onBehalf } = readParties(form, account.kind)
      await db.transaction(async (trx) => {
        await trx.updateTable('dossiers').set({
          submitter: JSON.stringify(submitter), applicant: JSON.stringify(applicant), onBehalf,
          stepsDone: sql`array(select distinct unnest(steps_done || array['nguoi-nop']))`, updatedAt: clock()
        }).where('id', '=', d.id).where('status', '=', 0).execute()
        // A mandate uploaded for a filing on someone's behalf goes when the citizen files for themselves.
        if (!onBehalf) await trx.deleteFrom('dossierFiles').where('dossierId', '=', d.id).where('component', '=', MANDATE_KEY).execute()
      })
    },

    /** Step 2: one of the procedure's receiving agencies; anything else (a tampered form) is refused. */
    async saveAgency (accountId: string, id: string, agencyCode: string | undefined): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      if (!v.procedure.receiving.some(a => a.code === agencyCode)) {
        throw new AppError('VALIDATION', 'agency not offered', [{ field: 'agency', message: 'Chọn một trong các cơ quan tiếp nhận của thủ tục này' }])
      }
      await db.kysely.updateTable('dossiers').set({ agencyCode: agencyCode!, stepsDone: sql`array(select distinct unnest(steps_done || array['co-quan']))`, updatedAt: clock() })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Step 3, for a procedure with cases: which case this dossier is. */
    async saveCase (accountId: string, id: string, group: string | undefined): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      if (!group || !v.caseGroups.includes(group)) throw new AppError('VALIDATION', 'unknown case', [{ field: 'caseGroup', message: 'Chọn trường hợp của hồ sơ' }])
      await db.kysely.updateTable('dossiers').set({ caseGroup: group, updatedAt: clock() }).where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Step 3 done: every required component has a file. Throws VALIDATION naming each missing one. */
    async completeComponents (accountId: string, id: string): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      const errors: FieldError[] = []
      if (v.caseGroups.length >= 2 && !v.caseGroup) errors.push({ field: 'caseGroup', message: 'Chọn trường hợp của hồ sơ' })
      for (const slot of v.slots) {
        if (slot.required && !v.files.some(f => f.component === slot.key)) errors.push({ field: `tp-${slot.key}`, message: `Tải lên “${slot.name}” (bắt buộc)` })
      }
      if (errors.length > 0) throw new AppError('VALIDATION', 'components missing', errors)
      await db.kysely.updateTable('dossiers').set({ stepsDone: sql`array(select distinct unnest(steps_done || array['thanh-phan']))`, updatedAt: clock() })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Step 4. Post and pick-up are offered only when the procedure accepts the postal method. */
    async saveDelivery (accountId: string, id: string, form: Record<string, string | undefined>): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      const delivery = readDelivery(form, deliveryOptions(v.procedure))
      await db.kysely.updateTable('dossiers').set({ delivery: JSON.stringify(delivery), stepsDone: sql`array(select distinct unnest(steps_done || array['nhan-ket-qua']))`, updatedAt: clock() })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Drafts of the account, most recently touched first, with the day each will be deleted. */
    async drafts (accountId: string, procedureCode?: string) {
      let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .innerJoin('procedures as p', 'p.id', 'd.procedureId')
        .select(['d.id', 'd.updatedAt', 'd.createdAt', 'v.name as procedureName', 'p.code as procedureCode'])
        .where('d.accountId', '=', accountId).where('d.status', '=', 0)
      if (procedureCode) q = q.where('p.code', '=', procedureCode)
      const rows = await q.orderBy('d.updatedAt', 'desc').limit(50).execute()
      return rows.map(r => ({ ...r, deleteAfter: new Date(r.updatedAt.getTime() + config.DRAFT_RETENTION_DAYS * 86400_000) }))
    },

    async deleteDraft (accountId: string, id: string): Promise<void> {
      const d = await ownDraft(db.kysely, accountId, id)
      const fileIds = (await attachments(db.kysely, d.id)).map(f => f.id)
      await db.transaction(async (trx) => {
        await trx.deleteFrom('dossiers').where('id', '=', d.id).where('status', '=', 0).execute()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.draft.delete', targetType: 'dossier', targetId: d.id })
      })
      await files.discard(fileIds)
    },

    /** Deletes drafts untouched for DRAFT_RETENTION_DAYS, and their files. Returns how many. */
    async deleteOldDrafts (): Promise<number> {
      const old = await db.kysely.selectFrom('dossiers').select('id').where('status', '=', 0)
        .where('updatedAt', '<', new Date(clock().getTime() - config.DRAFT_RETENTION_DAYS * 86400_000)).limit(500).execute()
      for (const { id } of old) {
        const fileIds = (await attachments(db.kysely, id)).map(f => f.id)
        await db.kysely.deleteFrom('dossiers').where('id', '=', id).where('status', '=', 0).execute()
        await files.discard(fileIds)
      }
      return old.length
    }
  }
}
