import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/db.js'
import { migrationStatus } from '../db/migrate.js'

/** A dependency the portal can work without for a while (uploads wait, mail waits in the queue): reported, not fatal. */
export type DependencyCheck = () => Promise<void>

/** How long one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000
/** How long the dependencies' answers are kept: a load balancer asking every second does not become their load. */
const KEPT_MS = 5_000

interface Check { ok: boolean, ms: number, error?: string }

async function timed (fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([fn(), new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS) })])
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message.slice(0, 200) }
  } finally { clearTimeout(timer) }
}

/**
 * /healthz: the process answers. /readyz: whether this process can serve, and what it depends on,
 * each by name with how long it took: `database` and `migrations` decide (503 `unavailable` when
 * either fails: the load balancer sends nobody here); the others (file storage, clamd, the mail
 * server) only make it `degraded` (200), since every process shares them and the portal holds
 * their work until they are back.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The first step of a graceful stop: /readyz answers 503 "stopping" (the load balancer sends no
     * more), and every answer closes its connection (keep-alive clients come back through the
     * balancer), while the process goes on serving what reaches it until it closes.
     */
    stopAccepting(): void
  }
}

export function registerHealth (app: FastifyInstance, db: Db, dependencies: Record<string, DependencyCheck> = {}) {
  let migrated = false
  let stopping = false
  app.decorate('stopAccepting', () => { stopping = true })
  app.addHook('onSend', async (_request, reply) => { if (stopping) reply.header('connection', 'close') })
  let kept: { at: number, checks: Promise<Record<string, Check>> } | undefined
  const others = () => {
    if (!kept || Date.now() - kept.at > KEPT_MS) {
      kept = { at: Date.now(), checks: Promise.all(Object.entries(dependencies).map(async ([name, fn]) => [name, await timed(fn)] as const)).then(Object.fromEntries) }
    }
    return kept.checks
  }
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    if (stopping) return reply.code(503).header('cache-control', 'no-store').send({ status: 'stopping', engine: db.engine, checks: {} })
    const [database, rest] = await Promise.all([timed(() => db.ping()), others()])
    let migrations: Check & { pending?: string[] } = { ok: migrated, ms: 0 }
    if (database.ok && !migrated) {
      const started = performance.now()
      try {
        const status = await migrationStatus(db)
        migrated = status.pending.length === 0
        migrations = { ok: migrated, ms: Math.round(performance.now() - started), ...(migrated ? {} : { pending: status.pending }) }
      } catch (err) {
        migrations = { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message.slice(0, 200) }
      }
    }
    const checks = { database, migrations, ...rest }
    const status = !database.ok || !migrations.ok ? 'unavailable' : Object.values(rest).every(c => c.ok) ? 'ready' : 'degraded'
    if (status !== 'ready') request.log.warn({ checks }, `readiness: ${status}`)
    return reply.code(status === 'unavailable' ? 503 : 200).header('cache-control', 'no-store').send({ status, engine: db.engine, checks })
  })
}
