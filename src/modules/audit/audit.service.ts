import { sql, type SqlBool } from 'kysely'
import type { Executor } from '../../platform/db/db.js'

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

/** Audit rows are written by services inside their business transaction, never as log lines. */
export function createAuditService () {
  return {
    async record (trx: Executor, entry: AuditEntry): Promise<void> {
      await trx.insertInto('auditLog').values({
        actorType: entry.actor.type,
        actorId: entry.actor.id ?? null,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        details: JSON.stringify(entry.details ?? {}),
        requestId: entry.requestId ?? null
      }).execute()
    },

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
