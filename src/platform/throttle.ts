import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from './db/db.js'

export const FIRST_LOCK_MINUTES = 15

/** A counter and the failures in a row that lock it (5 for a user name; more for an address many people share). */
export interface ThrottleKey { key: string, max: number }

/** A key that does not keep the user name or address itself (they are personal data). */
export const throttleKey = (scope: string, value: string) => `${scope}:${crypto.createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 32)}`

/**
 * Progressive lock-out in the database: `max` failures in a row lock a key for 15 minutes, the next
 * run for 30, then 60… A success clears the key's failures (its lock history stays for a day).
 */
export function createThrottle (db: Db) {
  /** The time until which any of the keys is locked, if one is. */
  async function lockedUntil (keys: ThrottleKey[]): Promise<Date | undefined> {
    const rows = await db.kysely.selectFrom('throttles').select('lockedUntil').where('key', 'in', keys.map(k => k.key)).where('lockedUntil', '>', new Date()).execute()
    const times = rows.map(r => r.lockedUntil!.getTime())
    return times.length > 0 ? new Date(Math.max(...times)) : undefined
  }

  /** Records a failure on each key; returns the lock it caused, if any. */
  async function fail (keys: ThrottleKey[]): Promise<Date | undefined> {
    let until: Date | undefined
    for (const { key, max } of keys) {
      const row = await db.kysely.insertInto('throttles').values({ key, failures: 1 })
        .onConflict(oc => oc.column('key').doUpdateSet({
          // Failures older than a day, or after a lock ran out, start a new count.
          failures: sql`case when throttles.updated_at < now() - interval '1 day' then 1 else throttles.failures + 1 end`,
          locks: sql`case when throttles.updated_at < now() - interval '1 day' then 0 else throttles.locks end`,
          updatedAt: sql`now()`
        })).returning(['failures', 'locks']).executeTakeFirstOrThrow()
      if (row.failures >= max) {
        const minutes = FIRST_LOCK_MINUTES * 2 ** row.locks
        const lockEnd = new Date(Date.now() + minutes * 60_000)
        await db.kysely.updateTable('throttles').set({ failures: 0, locks: row.locks + 1, lockedUntil: lockEnd }).where('key', '=', key).execute()
        if (!until || lockEnd > until) until = lockEnd
      }
    }
    return until
  }

  return {
    lockedUntil,
    fail,

    /**
     * A rate limit on an action that costs something even when it succeeds (a registration, a
     * reset message): returns the lock in force, if any (the attempt is then refused and not
     * counted); otherwise counts the attempt, so that `max` of them in a row lock the key.
     */
    async admit (keys: ThrottleKey[]): Promise<Date | undefined> {
      const locked = await lockedUntil(keys)
      if (locked) return locked
      await fail(keys)
      return undefined
    },

    async succeed (keys: ThrottleKey[]): Promise<void> {
      await db.kysely.updateTable('throttles').set({ failures: 0 }).where('key', 'in', keys.map(k => k.key)).execute()
    },

    /** Takes the failures counted on `part` (a share of `whole`'s) off `whole`, and clears `part`. */
    async forgive (whole: string, part: string): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('throttles').select('failures').where('key', '=', part).forUpdate().executeTakeFirst()
        if (!row?.failures) return
        await trx.updateTable('throttles').set({ failures: 0 }).where('key', '=', part).execute()
        await trx.updateTable('throttles').set({ failures: sql`greatest(0, failures - ${row.failures})` }).where('key', '=', whole).execute()
      })
    }
  }
}

export type Throttle = ReturnType<typeof createThrottle>
