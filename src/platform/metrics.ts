import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Db } from './db/db.js'

/**
 * What this process counts as it works (Prometheus, issue 22): its requests by route pattern and
 * status, its sign-in failures, Node's own figures. Labels never hold personal data: a route is its
 * pattern (`/ho-so/:code`), never the address asked.
 */
export const processMetrics = new Registry()
collectDefaultMetrics({ register: processMetrics, prefix: 'mot_cua_' })

const requests = new Histogram({
  name: 'mot_cua_http_request_duration_seconds',
  help: 'Requests answered, by method, route pattern and status code, and how long they took.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processMetrics]
})

const signInFailures = new Counter({
  name: 'mot_cua_sign_in_failures_total',
  help: 'Password sign-ins refused, by who signs in (signin: citizens, staff: officials) and whether the failure locked the account or address.',
  labelNames: ['scope', 'outcome'] as const,
  registers: [processMetrics]
})

/** Counts a refused sign-in (accounts/lockout.ts). */
export function countSignInFailure (scope: string, locked: boolean): void {
  signInFailures.inc({ scope, outcome: locked ? 'locked' : 'failed' })
}

/** Times every request of the app by its route pattern (unmatched requests as one route). */
function observeRequests (app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    requests.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })
}

/** How long the database's figures are kept between scrapes (several scrapers, or a fast one, ask once). */
const DATABASE_FIGURES_MS = 5_000

/**
 * The figures read from the database when scraped, the same in every process: the job queue (due
 * jobs and the age of the oldest per job name, running, failed), payments by method and state, the
 * national portal sync (waiting, failed, the age of the oldest change not yet pushed), and this
 * process's connections.
 */
function databaseMetrics (db: Db): Registry {
  const registry = new Registry()
  let read: Promise<Figures> | undefined
  let readAt = 0
  const figures = () => {
    if (!read || Date.now() - readAt > DATABASE_FIGURES_MS) {
      readAt = Date.now()
      read = readFigures(db).catch((err: unknown) => { read = undefined; throw err })
    }
    return read
  }
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, f: Figures) => void) => new Gauge({
    name, help, labelNames, registers: [registry],
    async collect () { this.reset(); fill(this, await figures()) }
  })
  gauge('mot_cua_jobs', 'Jobs not finished, by job name and state (pending: waiting, due or not; running; failed: gave up).', ['name', 'state'],
    (g, f) => { for (const r of f.jobs) g.set({ name: r.name, state: r.state }, r.n) })
  gauge('mot_cua_jobs_oldest_due_seconds', 'Age of the oldest pending job whose time has come, by job name: how far the workers are behind.', ['name'],
    (g, f) => { for (const r of f.jobs) if (r.state === 'pending') g.set({ name: r.name }, r.oldestDue) })
  gauge('mot_cua_payments', 'Payments by method and state.', ['method', 'state'],
    (g, f) => { for (const r of f.payments) g.set({ method: r.method, state: r.state }, r.n) })
  gauge('mot_cua_national_sync_dossiers', 'Dossiers in the national portal sync by state (pending: a change waits to be pushed; failed: retries exhausted).', ['state'],
    (g, f) => { for (const r of f.sync) g.set({ state: r.state }, r.n) })
  gauge('mot_cua_national_sync_lag_seconds', 'Age of the oldest dossier change not yet pushed to the national portal (0: none waiting).', [],
    (g, f) => { g.set(f.syncLag) })
  gauge('mot_cua_db_connections', 'This process’s database connections (PostgreSQL pool: total, idle, waiting requests, max; PGlite: one).', ['state'],
    (g) => { for (const [state, n] of Object.entries(db.connections())) g.set({ state }, n) })
  return registry
}

interface Figures {
  jobs: Array<{ name: string, state: string, n: number, oldestDue: number }>
  payments: Array<{ method: string, state: string, n: number }>
  sync: Array<{ state: string, n: number }>
  syncLag: number
}

async function readFigures (db: Db): Promise<Figures> {
  const k = db.kysely
  const [jobs, payments, sync, lag] = await Promise.all([
    k.selectFrom('jobs').select(['name', 'state', sql<number>`count(*)::int`.as('n'),
      sql<number>`coalesce(extract(epoch from now() - min(run_at) filter (where run_at <= now())), 0)::float8`.as('oldestDue')])
      .where('state', 'in', ['pending', 'running', 'failed']).groupBy(['name', 'state']).execute(),
    k.selectFrom('payments').select(['method', 'state', sql<number>`count(*)::int`.as('n')]).groupBy(['method', 'state']).execute(),
    k.selectFrom('nationalSync').select(['state', sql<number>`count(*)::int`.as('n')]).where('state', 'in', ['pending', 'failed']).groupBy('state').execute(),
    k.selectFrom('nationalSync').select(sql<number>`coalesce(extract(epoch from now() - min(updated_at)), 0)::float8`.as('s'))
      .where('state', '=', 'pending').executeTakeFirstOrThrow()
  ])
  return { jobs, payments, sync, syncLag: lag.s }
}

/**
 * GET /metrics in Prometheus' text format, for a scraper holding `token` (`Authorization: Bearer …`);
 * without a token configured the route answers 404, as if it did not exist.
 */
export function registerMetrics (app: FastifyInstance, deps: { db: Db, token: string | undefined }): void {
  observeRequests(app)
  const fromDatabase = databaseMetrics(deps.db)
  const expected = deps.token ? crypto.createHash('sha256').update(`Bearer ${deps.token}`).digest() : undefined
  app.get('/metrics', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    if (!expected) return reply.callNotFound()
    const given = crypto.createHash('sha256').update(request.headers.authorization ?? '').digest()
    if (!crypto.timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('Cần mã truy cập (Authorization: Bearer …).\n')
    }
    const merged = Registry.merge([processMetrics, fromDatabase])
    return reply.type(merged.contentType).header('cache-control', 'no-store').send(await merged.metrics())
  })
}
