import { sql, type SqlBool } from 'kysely'
import type { FastifyRequest } from 'fastify'
import type { Db, Executor } from '../../platform/db/db.js'
import type { Write } from '../../platform/db/write-together.js'
import type { AppError } from '../../platform/http/errors.js'

export type ActorType = 'citizen' | 'official' | 'system' | 'cli' | 'anonymous'
export interface Actor { type: ActorType, id?: string | null }

export const systemActor: Actor = { type: 'system', id: null }
export const cliActor = (user: string): Actor => ({ type: 'cli', id: user })

export interface AuditEntry {
  actor: Actor
  action: string
  targetType?: string
  targetId?: string
  details?: Record<string, unknown>
  requestId?: string
}

export interface AuditFilter {
  official?: string
  dossierCode?: string
  action?: string
  from?: Date
  to?: Date
  page: number
  pageSize: number
}

export interface AuditRow {
  id: number
  at: Date
  actorType: ActorType
  actorId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  details: unknown
  requestId: string | null
  officialName: string | null
  username: string | null
  dossierCode: string | null
}

/**
 * What an official was refused (another agency's dossier, a page of a role they do not hold), GETs and
 * POSTs alike: an audit row, on the dossier when the address names one, so that the administrators of
 * both the official's agency and the dossier's see it. Given to the error handler by the composition root.
 */
export function refusalRecorder (db: Db, audit: AuditService) {
  return async (request: FastifyRequest, error: AppError): Promise<void> => {
    const official = (request as FastifyRequest & { official?: { id: string } }).official
    if (!official) return
    const code = (request.params as { code?: unknown } | undefined)?.code
    const dossier = typeof code === 'string' && code.length <= 60
      ? await db.kysely.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirst()
      : undefined
    await db.transaction(trx => audit.record(trx, {
      actor: { type: 'official', id: official.id },
      action: 'access.refused',
      targetType: dossier ? 'dossier' : 'route',
      targetId: dossier?.id ?? request.routeOptions.url ?? request.url.split('?')[0]!,
      details: { method: request.method, path: request.url.split('?')[0], refusal: error.code, ...(typeof code === 'string' ? { code } : {}) },
      requestId: String(request.id)
    }))
  }
}

/** Audit rows are written by services inside their business transaction, never as log lines. */
/** The row an audit entry is written as (also for statements that insert it themselves, in one round trip). */
export function auditRow (entry: AuditEntry, at: Date = new Date()) {
  return {
    at,
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    requestId: entry.requestId ?? null
  }
}

/** `now`: the instant a row is stamped with (the system clock; a simulated one for the demo's history). */
export function createAuditService (deps: { now?: () => Date } = {}) {
  const now = deps.now ?? (() => new Date())
  return {
    now,

    async record (trx: Executor, entry: AuditEntry): Promise<void> {
      await trx.insertInto('auditLog').values(auditRow(entry, now())).execute()
    },

    /** The same row as a write of one statement with others (writeTogether). */
    write: (trx: Executor, entry: AuditEntry): Write => ({ query: trx.insertInto('auditLog').values(auditRow(entry, now())) }),

    /**
     * One page of the log, newest first, for an administrator of the given agencies: actions of their
     * officials, and anything done to their agencies' dossiers (by officials, citizens or the system).
     */
    async browse (db: Executor, scope: { agencyIds: number[], agencyCodes: string[] }, f: AuditFilter): Promise<{ rows: AuditRow[], more: boolean }> {
      if (scope.agencyIds.length === 0) return { rows: [], more: false }
      let q = db.selectFrom('auditLog as l')
        .leftJoin('officials as o', join => join.on(sql<SqlBool>`l.actor_type = 'official' and l.actor_id = o.id::text`))
        .leftJoin('dossiers as d', join => join.on(sql<SqlBool>`l.target_type = 'dossier' and l.target_id = d.id::text`))
        .select(['l.id', 'l.at', 'l.actorType', 'l.actorId', 'l.action', 'l.targetType', 'l.targetId', 'l.details', 'l.requestId', 'o.fullName as officialName', 'o.username', 'd.code as dossierCode'])
        .where(eb => eb.or([eb('o.agencyId', 'in', scope.agencyIds), eb('d.agencyCode', 'in', scope.agencyCodes), eb('d.processingAgencyCode', 'in', scope.agencyCodes)]))
      if (f.official) q = q.where('o.username', '=', f.official)
      if (f.dossierCode) q = q.where('d.code', '=', f.dossierCode)
      if (f.action) q = q.where('l.action', 'like', `${f.action.replace(/[\\%_]/g, m => `\\${m}`)}%`)
      if (f.from) q = q.where('l.at', '>=', f.from)
      if (f.to) q = q.where('l.at', '<', f.to)
      const rows = await q.orderBy('l.at', 'desc').orderBy('l.id', 'desc').limit(f.pageSize + 1).offset((f.page - 1) * f.pageSize).execute()
      return { rows: rows.slice(0, f.pageSize), more: rows.length > f.pageSize }
    },

    async listFor (db: Executor, targetType: string, targetId: string) {
      return db.selectFrom('auditLog').selectAll()
        .where('targetType', '=', targetType).where('targetId', '=', targetId)
        .orderBy('at').orderBy('id').execute()
    }
  }
}

export type AuditService = ReturnType<typeof createAuditService>
