import { sql } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor } from '../audit/audit.service.js'
import type { AuditService } from '../audit/audit.service.js'
import { checkProcess, DEFAULT_PROCESS, processFrom, type ProcessStep } from './process.js'

/** The time limits of the domain guide for one procedure, and its internal process. */
export interface ProcedureSettings {
  /** The reception decision on an online dossier is due within this many working hours of submission. */
  receptionHours: number
  /** The applicant's time to supplement, in working days. */
  supplementDays: number
  /** After a supplement during processing the clock resumes where it stopped, or counts again from the answer. */
  afterSupplement: 'pause' | 'restart'
  process: ProcessStep[]
  /** Whether the process is the default one (no process configured). */
  defaultProcess: boolean
}

export const DEFAULT_SETTINGS: ProcedureSettings = { receptionHours: 8, supplementDays: 15, afterSupplement: 'pause', process: DEFAULT_PROCESS, defaultProcess: true }

/** Per-procedure settings a catalog administrator edits; every change audited. */
export function createProcedureSettings (deps: { db: Db, audit: AuditService }) {
  const { db, audit } = deps
  const procedureId = async (code: string) => {
    const p = await db.reader().selectFrom('procedures').select('id').where('code', '=', code).executeTakeFirst()
    if (!p) throw new AppError('NOT_FOUND', `no procedure ${code}`)
    return p.id
  }
  return {
    /** `ex`: where to read; by default the caller's transaction when inside one (see Db.reader). */
    async get (code: string, ex: Executor = db.reader()): Promise<ProcedureSettings> {
      const r = await ex.selectFrom('procedureSettings as s').innerJoin('procedures as p', 'p.id', 's.procedureId')
        .select(['s.receptionHours', 's.supplementDays', 's.afterSupplement', 's.process']).where('p.code', '=', code).executeTakeFirst()
      if (!r) return DEFAULT_SETTINGS
      return { receptionHours: r.receptionHours, supplementDays: r.supplementDays, afterSupplement: r.afterSupplement, process: processFrom(r.process), defaultProcess: r.process === null }
    },

    /** The time limits; throws VALIDATION naming the fields. */
    async setLimits (actor: Actor, code: string, form: Record<string, string | undefined>): Promise<void> {
      const errors: FieldError[] = []
      const int = (k: string, lo: number, hi: number, message: string) => {
        const v = Number((form[k] ?? '').trim())
        if (!Number.isInteger(v) || v < lo || v > hi) { errors.push({ field: k, message }); return lo }
        return v
      }
      const receptionHours = int('receptionHours', 1, 80, 'Số giờ làm việc từ 1 đến 80')
      const supplementDays = int('supplementDays', 1, 60, 'Số ngày làm việc từ 1 đến 60')
      const afterSupplement = form['afterSupplement']
      if (afterSupplement !== 'pause' && afterSupplement !== 'restart') errors.push({ field: 'afterSupplement', message: 'Chọn cách tính thời hạn sau khi bổ sung' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid limits', errors)
      const id = await procedureId(code)
      const values = { receptionHours, supplementDays, afterSupplement: afterSupplement as 'pause' | 'restart', updatedBy: actor.type === 'official' ? actor.id ?? null : null }
      await db.transaction(async (trx) => {
        await trx.insertInto('procedureSettings').values({ procedureId: id, process: null, ...values })
          .onConflict(oc => oc.column('procedureId').doUpdateSet({ ...values, updatedAt: sql`now()` })).execute()
        await audit.record(trx, { actor, action: 'catalog.limits.set', targetType: 'procedure', targetId: code, details: { receptionHours, supplementDays, afterSupplement } })
      })
    },

    /** The internal process (null: back to the default). Dossiers already received keep theirs. */
    async setProcess (actor: Actor, code: string, steps: ProcessStep[] | null): Promise<void> {
      if (steps) {
        const errors = checkProcess(steps)
        if (errors.length > 0) throw new AppError('VALIDATION', 'invalid process', errors)
      }
      const id = await procedureId(code)
      const process = steps ? JSON.stringify(steps) : null
      const updatedBy = actor.type === 'official' ? actor.id ?? null : null
      await db.transaction(async (trx) => {
        await trx.insertInto('procedureSettings').values({ procedureId: id, process, updatedBy })
          .onConflict(oc => oc.column('procedureId').doUpdateSet({ process, updatedBy, updatedAt: sql`now()` })).execute()
        await audit.record(trx, { actor, action: 'catalog.process.set', targetType: 'procedure', targetId: code, details: { steps: steps ?? 'default' } })
      })
    }
  }
}

export type ProcedureSettingsService = ReturnType<typeof createProcedureSettings>
