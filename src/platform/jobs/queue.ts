import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db, Executor } from '../db/db.js'
import type { Write } from '../db/write-together.js'

export interface Job<P = unknown> {
  id: number
  name: string
  payload: P
  /** 1 on the first run. */
  attempt: number
  /** The last attempt: a handler that fails on it fails for good. */
  maxAttempts: number
}

/**
 * A handler must be idempotent: a job whose process died mid-run is run again, and a retry must
 * not repeat an effect that already happened (key effects on job.id or on the job's dedupe key).
 */
export type JobHandler<P = any> = (job: Job<P>, ctx: { log: Logger }) => Promise<void>

export interface EnqueueOptions {
  /** At most one job with this key ever exists; enqueueing it again does nothing. */
  dedupeKey?: string
  runAt?: Date
  maxAttempts?: number
}

/** Delay before retry number `attempt` (1-based): 5 s, 10 s, 20 s … capped at one hour. */
export function backoffMs (attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 3_600_000)
}

/**
 * A running job whose worker has not renewed it within the lease is assumed dead and claimed again.
 * A live worker renews its running jobs every HEARTBEAT_MS (however long they take), so a killed
 * process's jobs wait about a minute, not the length of the longest job.
 */
export const LEASE_SECONDS = 60
export const HEARTBEAT_MS = 15_000

export function createJobQueue (db: Db) {
  const handlers = new Map<string, JobHandler>()
  const periodic = new Map<string, number>()
  /** One job per period slot: several processes scheduling the same slot make one job. */
  const slotKey = (name: string, everyMs: number, at: number) => `${name}@${Math.floor(at / everyMs)}`

  return {
    register<P> (name: string, handler: JobHandler<P>) {
      if (handlers.has(name)) throw new Error(`job handler ${name} registered twice`)
      handlers.set(name, handler as JobHandler)
    },

    /** A job that runs every `everyMs` (housekeeping); each run schedules the next. */
    registerPeriodic (name: string, everyMs: number, handler: JobHandler<Record<string, never>>) {
      periodic.set(name, everyMs)
      this.register(name, async (job, ctx) => {
        await handler(job as Job<Record<string, never>>, ctx)
        const next = (Math.floor(Date.now() / everyMs) + 1) * everyMs
        await this.enqueue(db.kysely, name, {}, { dedupeKey: slotKey(name, everyMs, next), runAt: new Date(next) })
      })
    },

    /** Makes sure every periodic job has a run in the current slot (called when a worker starts). */
    async schedulePeriodic (): Promise<void> {
      for (const [name, everyMs] of periodic) {
        await this.enqueue(db.kysely, name, {}, { dedupeKey: slotKey(name, everyMs, Date.now()) })
      }
    },

    handlerFor (name: string): JobHandler | undefined { return handlers.get(name) },

    /**
     * Adds a job in the caller's transaction (the outbox pattern): if the transaction rolls back,
     * the job never existed. Returns the job id, or undefined when the dedupe key already exists.
     */
    async enqueue (trx: Executor, name: string, payload: unknown = {}, options: EnqueueOptions = {}): Promise<number | undefined> {
      const row = await trx.insertInto('jobs').values({
        name,
        payload: JSON.stringify(payload),
        dedupeKey: options.dedupeKey ?? null,
        ...(options.runAt ? { runAt: options.runAt } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {})
      }).onConflict(oc => oc.column('dedupeKey').doNothing()).returning('id').executeTakeFirst()
      return row?.id
    },

    /**
     * The insert of one job for each row an earlier write of the same statement returns (writeTogether):
     * its payload is `{ [key]: <that row's id> }` and its dedupe key `<dedupePrefix><id>`.
     */
    enqueueFor (trx: Executor, name: string, from: { as: string, key: string, dedupePrefix: string }, options: Omit<EnqueueOptions, 'dedupeKey'> = {}): Write {
      // The columns left out take their defaults (run now, the table's number of attempts).
      const extra = [...(options.runAt ? [['runAt', sql`${options.runAt}::timestamptz`] as const] : []), ...(options.maxAttempts ? [['maxAttempts', sql`${options.maxAttempts}::int`] as const] : [])]
      return {
        query: trx.insertInto('jobs').columns(['name', 'payload', 'dedupeKey', ...extra.map(([c]) => c)])
          .expression(eb => eb.selectFrom(sql.table(from.as).as('w')).select([
            sql`${name}::text`.as('name'),
            sql`jsonb_build_object(${from.key}::text, w.id)`.as('payload'),
            sql`${from.dedupePrefix}::text || w.id`.as('dedupeKey'),
            ...extra.map(([c, v]) => v.as(c))
          ]))
          .onConflict(oc => oc.column('dedupeKey').doNothing())
      }
    },

    /** Claims up to `limit` due jobs for `workerId` (none named in `held`); rows locked by another worker are skipped, not waited for. */
    async claim (workerId: string, limit: number, held: string[] = []): Promise<Job[]> {
      const result = await sql<{ id: number, name: string, payload: unknown, attempts: number, maxAttempts: number }>`
        update jobs set state = 'running', attempts = attempts + 1, locked_by = ${workerId}, locked_at = now()
        where id in (
          select id from jobs
          where ((state = 'pending' and run_at <= now())
             or (state = 'running' and locked_at < now() - make_interval(secs => ${LEASE_SECONDS})))
            and not (name = any(${held}::text[]))
          order by run_at, id
          limit ${limit}
          for update skip locked
        )
        returning id, name, payload, attempts, max_attempts`.execute(db.kysely)
      return result.rows.map(r => ({ id: r.id, name: r.name, payload: r.payload, attempt: r.attempts, maxAttempts: r.maxAttempts }))
    },

    /** Renews the lease of the jobs `workerId` is running (its heartbeat). */
    async renew (workerId: string): Promise<void> {
      await db.kysely.updateTable('jobs').set({ lockedAt: sql`now()` }).where('state', '=', 'running').where('lockedBy', '=', workerId).execute()
    },

    async complete (id: number, workerId: string): Promise<void> {
      await db.kysely.updateTable('jobs')
        .set({ state: 'done', finishedAt: sql`now()`, lockedBy: null, lockedAt: null, lastError: null })
        .where('id', '=', id).where('lockedBy', '=', workerId).execute()
    },

    /** Records a failure: back to pending with back-off, or failed for good after the last attempt. */
    async fail (job: Job, workerId: string, error: unknown): Promise<'retry' | 'failed'> {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      const final = job.attempt >= job.maxAttempts
      await db.kysely.updateTable('jobs').set({
        state: final ? 'failed' : 'pending',
        lastError: message.slice(0, 2000),
        lockedBy: null,
        lockedAt: null,
        ...(final
          ? { finishedAt: sql`now()` }
          : { runAt: sql`now() + make_interval(secs => ${backoffMs(job.attempt) / 1000})` })
      }).where('id', '=', job.id).where('lockedBy', '=', workerId).execute()
      return final ? 'failed' : 'retry'
    },

    async counts (): Promise<Record<string, number>> {
      const rows = await db.kysely.selectFrom('jobs').select(['state', sql<number>`count(*)::int`.as('n')]).groupBy('state').execute()
      return Object.fromEntries(rows.map(r => [r.state, r.n]))
    },

    async get (id: number) {
      return db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
    },

    /** Puts failed jobs back in the queue (admin CLI). */
    async retryFailed (): Promise<number> {
      const r = await db.kysely.updateTable('jobs').set({ state: 'pending', runAt: sql`now()`, attempts: 0, finishedAt: null })
        .where('state', '=', 'failed').executeTakeFirst()
      return Number(r.numUpdatedRows)
    }
  }
}

export type JobQueue = ReturnType<typeof createJobQueue>
