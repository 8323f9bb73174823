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

    async listFor (db: Executor, targetType: string, targetId: string) {
      return db.selectFrom('auditLog').selectAll()
        .where('targetType', '=', targetType).where('targetId', '=', targetId)
        .orderBy('at').orderBy('id').execute()
    }
  }
}

export type AuditService = ReturnType<typeof createAuditService>
