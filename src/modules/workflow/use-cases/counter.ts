import { assessFees } from '../../payments/assessment.js'
import { AppError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { maskId, type Person } from '../../dossiers/dossier-form.js'
import type { DossiersService } from '../../dossiers/dossiers.service.js'
import { caseGroups, componentSlots, type ComponentSlot, type FeeLine } from '../../dossiers/model.js'
import type { WorkflowContext } from '../context.js'
import { receptionUseCases } from './reception.js'

/** Counter intake: a dossier brought in person or by post, entered and received by the desk. */
export function counterUseCases (ctx: WorkflowContext) {
  const { db, dossiers, catalog, audit, actorOf, receptionScope, settings, tasks } = ctx
  const reception = receptionUseCases(ctx)
  const useCases = {
    /** What a receptionist may enter at the counter: published procedures received by their desk's agencies. */
    async counterProcedures (o: SignedInOfficial) {
      const scope = await receptionScope(o)
      if (scope.length === 0) return []
      const rows = await db.kysely.selectFrom('procedureAgencies as pa').innerJoin('agencies as a', 'a.id', 'pa.agencyId').innerJoin('procedures as p', 'p.id', 'pa.procedureId')
        .select(['p.code', 'a.code as agencyCode', 'a.name as agencyName']).where('pa.role', '=', 'receiving').where('a.code', 'in', scope).orderBy('p.position').execute()
      const out: Array<{ code: string, name: string, agencyCode: string, agencyName: string, fees: FeeLine[], caseGroups: string[], slots: (group: string | undefined) => ComponentSlot[] }> = []
      for (const r of rows) {
        const p = await catalog.getProcedure(r.code).catch(() => undefined)
        if (p) out.push({ code: r.code, name: p.name, agencyCode: r.agencyCode, agencyName: r.agencyName, fees: p.fees, caseGroups: caseGroups(p), slots: (group: string | undefined) => componentSlots(p, group ?? null, false) })
      }
      return out
    },

    /**
     * The desk fills the applicant from what the portal knows of an ID number: the account with it, else
     * the latest dossier whose applicant gave it. Receptionists only; every lookup is audited.
     */
    async findApplicant (o: SignedInOfficial, idNumber: string): Promise<{ from: 'account' | 'dossier', person: Partial<Record<keyof Person, string | null>> } | undefined> {
      if ((await useCases.counterProcedures(o)).length === 0) throw new AppError('FORBIDDEN', 'counter intake: receptionists only')
      const id = idNumber.replace(/[\s.]/g, '').toUpperCase().slice(0, 20)
      const account = await db.kysely.selectFrom('accounts').select(['fullName', 'citizenId', 'passportNumber', 'taxCode', 'nationality', 'representative', 'dateOfBirth', 'phone', 'email', 'address'])
        .where(eb => eb.or([eb('citizenId', '=', id), eb('passportNumber', '=', id), eb('taxCode', '=', id.replace('-', ''))])).where('status', '=', 'active').executeTakeFirst()
      const earlier = account ? undefined : await db.kysely.selectFrom('dossiers').select('applicant').where('status', '>', 0).where('applicant', '@>', JSON.stringify({ idNumber: id })).orderBy('submittedAt', 'desc').limit(1).executeTakeFirst()
      const found = account
        ? { from: 'account' as const, person: { fullName: account.fullName, idNumber: account.citizenId ?? account.passportNumber ?? account.taxCode, nationality: account.nationality, representative: account.representative, dateOfBirth: account.dateOfBirth ? account.dateOfBirth.split('-').reverse().join('/') : null, phone: account.phone, email: account.email, address: account.address } }
        : earlier ? { from: 'dossier' as const, person: (({ kind: _kind, ...p }) => ({ ...p, dateOfBirth: p.dateOfBirth ? p.dateOfBirth.split('-').reverse().join('/') : null }))(earlier.applicant as Person) } : undefined
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'applicant.lookup', targetType: 'id-number', targetId: maskId(id), details: { found: found?.from ?? 'none' } }))
      return found
    },

    /** The first step of the procedure's process, and the officials the desk may hand it to at intake. */
    async counterFirstStep (procedureCode: string, agencyCode: string): Promise<{ name: string, candidates: Array<{ id: string, fullName: string, departmentName: string | null }> } | undefined> {
      const first = (await settings.get(procedureCode)).process[0]
      if (!first) return undefined
      const p = await catalog.getProcedure(procedureCode)
      const agency = first.at === 'receiving' ? agencyCode : p.agencies.processing[0]?.code ?? agencyCode
      return { name: first.name, candidates: await tasks.candidates(first.role, agency) }
    },

    /**
     * Counter or postal intake: the receptionist enters the dossier with its scanned files and
     * receives it at once (form 01 with the due date), as for an online one.
     */
    async enterAtCounter (o: SignedInOfficial, input: Omit<Parameters<DossiersService['enterAtCounter']>[1], 'agencyCode'> & { agencyCode?: string | undefined }): Promise<{ code: string, due: Date }> {
      const offered = (await useCases.counterProcedures(o)).filter(p => p.code === input.procedureCode)
      const agency = offered.find(p => p.agencyCode === input.agencyCode) ?? (offered.length === 1 ? offered[0] : undefined)
      if (!agency) throw new AppError('VALIDATION', 'no such procedure here', [{ field: 'thu-tuc', message: 'Chọn thủ tục do bộ phận một cửa của bạn tiếp nhận' }])
      // The fees part is checked before anything is written: a wrong amount never leaves a dossier half-entered.
      assessFees(agency.fees, input.form)
      const picked = typeof input.form['assignee'] === 'string' && input.form['assignee'] ? input.form['assignee'] : undefined
      const first = picked ? await useCases.counterFirstStep(input.procedureCode, agency.agencyCode) : undefined
      if (picked && !first?.candidates.some(c => c.id === picked)) throw new AppError('VALIDATION', 'assignee not allowed', [{ field: 'assignee', message: `Chọn một cán bộ có vai trò của bước “${first?.name ?? 'đầu tiên'}”` }])
      const { code } = await dossiers.enterAtCounter(actorOf(o), { ...input, agencyCode: agency.agencyCode })
      return { code, due: await reception.receive(o, code, input.form) }
    }
  }
  return useCases
}
