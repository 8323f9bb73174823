import { sql } from 'kysely'
import type { Executor } from '../../platform/db/db.js'

export interface NewMessage { channel: 'email' | 'sms', recipient: string, subject: string, body: string, template: string }

export function createNotificationsRepository () {
  return {
    async insertMessage (db: Executor, m: NewMessage): Promise<number> {
      return (await db.insertInto('messages').values(m).returning('id').executeTakeFirstOrThrow()).id
    },

    async findMessage (db: Executor, id: number) {
      return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst()
    },

    async markDelivered (db: Executor, id: number, state: 'sent' | 'captured', providerMessageId: string | null): Promise<void> {
      await db.updateTable('messages').set({ state, providerMessageId, sentAt: sql`now()`, error: null }).where('id', '=', id).execute()
    },

    async markError (db: Executor, id: number, error: string, final: boolean): Promise<void> {
      await db.updateTable('messages').set({ error: error.slice(0, 1000), ...(final ? { state: 'failed' as const } : {}) }).where('id', '=', id).execute()
    },

    async listRecent (db: Executor, limit: number) {
      return db.selectFrom('messages').selectAll().orderBy('id', 'desc').limit(limit).execute()
    }
  }
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>
