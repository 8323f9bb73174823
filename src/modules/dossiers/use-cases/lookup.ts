import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import { throttleKey } from '../../../platform/throttle.js'
import { maskId, type Person } from '../dossier-form.js'
import { STATUS_LABELS, type DossierStatus } from '../status.js'
import { ACTION_LABELS, LOOKUP_ALLOWANCE } from '../model.js'
import type { DossierContext } from '../context.js'

/** The public lookup by code (with the ID number or phone for details). */
export function lookupUseCases (ctx: DossierContext) {
  const { db, throttle } = ctx
  return {
    /**
     * Public lookup by code. Without proof: status, procedure, agency, dates and steps. With the
     * applicant's (or submitter's) ID number or phone also the applicant's name. Every lookup counts
     * against the visitor's address (docs/decisions/0009): failures (an unknown code, a wrong proof),
     * 20 in a row, lock it; lookups without a right proof, LOOKUP_ALLOWANCE in a row, are then refused
     * until the lock ends (RATE_LIMITED 'proof required'): walking sequential codes shows a handful.
     */
    async lookup (code: string, proof: string | undefined, ip: string) {
      const key = throttleKey('lookup-ip', ip)
      const allowance = throttleKey('lookup-anonymous-ip', ip)
      const clean = code.trim().toUpperCase()
      const wellFormed = /^[0-9A-Z.]{3,40}-\d{6}-\d{4,}$/.test(clean)
      // One round trip (a database function, so its plan is kept): the visitor's locks, the dossier,
      // its agency and procedure, and its steps.
      const r = await sql<{
        locked: Date | null, allowanceLocked: Date | null, code: string | null, status: number, applicant: Person, submitter: Person, procedureCode: string, procedureName: string,
        agencyCode: string | null, agencyName: string | null, submittedAt: Date | null, receivedAt: Date | null, dueAt: Date | null,
        finishedAt: Date | null, returnedAt: Date | null, steps: Array<{ at: string, action: string, to: number, unit: string | null }> | null
      }>`select * from dossier_lookup(${wellFormed ? clean : ''}, ${key}, ${allowance})`.execute(db.kysely)
      const row = r.rows[0]!
      if (row.locked) throw new AppError('RATE_LIMITED', `lookup locked until ${new Date(row.locked).toISOString()}`)
      const given = (proof ?? '').replace(/[\s.-]/g, '').toUpperCase()
      const proven = row.code !== null && given.length >= 9 && [row.applicant, row.submitter].some(p => p.idNumber?.replace(/-/g, '').toUpperCase() === given || p.phone === given || (p.phone && p.phone === `0${given.replace(/^\+?84/, '')}`))
      const keys = [{ key, max: 20 }]
      // A miss or a wrong proof is a failure, refused or not: a guesser ends up locked out altogether.
      const failed = !row.code || (given !== '' && !proven)
      if (!proven) {
        if (row.allowanceLocked) {
          if (failed) await throttle.fail(keys)
          throw new AppError('RATE_LIMITED', 'proof required')
        }
        await throttle.fail([{ key: allowance, max: LOOKUP_ALLOWANCE }])
      }
      if (failed) await throttle.fail(keys)
      if (!row.code) return undefined
      const status = row.status as DossierStatus
      return {
        code: row.code,
        status,
        statusLabel: STATUS_LABELS[status],
        procedure: { code: row.procedureCode, name: row.procedureName },
        agency: row.agencyCode ? { code: row.agencyCode, name: row.agencyName ?? '' } : null,
        submittedAt: row.submittedAt,
        receivedAt: row.receivedAt,
        dueAt: row.dueAt,
        finishedAt: row.finishedAt,
        returnedAt: row.returnedAt,
        steps: (row.steps ?? []).map(e => ({ at: new Date(e.at), label: ACTION_LABELS[e.action] ?? e.action, status: STATUS_LABELS[e.to as DossierStatus], unit: e.unit })),
        proofGiven: given !== '',
        applicant: proven ? { fullName: row.applicant.fullName, idNumber: maskId(row.applicant.idNumber) } : null
      }
    }
  }
}
