/**
 * The app under benchmark, in its own process so that the load generator does not share its CPU.
 * Prints {"port": N} when ready. Cases may prepare data through `prepare` hooks in bench/cases.ts.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDb } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { buildServices } from '../src/services.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import { prepareAll } from './cases.js'
import { prepareDossiers } from './dossiers.js'
import { prepareBackOffice } from './backoffice-sample.js'

// Every query sent to PostgreSQL is counted, so the benchmark can print queries per submission.
let queries = 0
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) { queries++; return query.apply(this, args) } as typeof pg.Client.prototype.query

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-'))
// BENCH_DATABASE_URL: run on PostgreSQL (the dossier benchmark) instead of an in-memory PGlite.
const databaseUrl = process.env['BENCH_DATABASE_URL']
const config = loadConfig({
  SESSION_SECRET: 'bench-secret-0123456789abcdefghijkl', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'false',
  CAPTCHA: 'off', SECURE_COOKIES: 'false', MAX_FILE_MB: '2', ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20' } : {})
})
const db = databaseUrl ? await openDb({ databaseUrl, dataDir, poolSize: 20 }) : await openDb({ memory: true })
await migrate(db)
const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
await services.site.loadProfileFile(systemActor, 'kon-tum')
const prepared = process.env['BENCH_DOSSIERS']
  ? await prepareDossiers(services, Number(process.env['BENCH_DOSSIERS']))
  : process.env['BENCH_BACKOFFICE'] ? undefined : (await prepareAll(services), undefined)
// BENCH_BACKOFFICE: the database is generated already; officials with sessions and samples to search for.
const sample = process.env['BENCH_BACKOFFICE'] ? await prepareBackOffice(services, db) : undefined

const bare = new Map<number, string>()
const app = await buildApp(services, {
  extraRoutes (a) {
    // The baseline: a route that does no work but send a prepared page of the requested size.
    a.get('/bench/bare', async (request, reply) => {
      const size = Math.min(Number((request.query as { size?: string }).size ?? 1000) || 1000, 5_000_000)
      let body = bare.get(size)
      if (!body) { body = '<!doctype html>' + 'x'.repeat(Math.max(0, size - 15)); bare.set(size, body) }
      return reply.type('text/html; charset=utf-8').send(body)
    })
    // The baseline of the dossier benchmark: one row by primary key, as JSON.
    a.get('/bench/pk', async (request, reply) => {
      const row = await db.kysely.selectFrom('dossiers').select(['id', 'code', 'status', 'submittedAt']).where('id', '=', String((request.query as { id?: string }).id)).executeTakeFirst()
      return reply.send(row ?? {})
    })
    a.get('/bench/memory', async (_request, reply) => {
      (globalThis as { gc?: () => void }).gc?.()
      const cpu = process.cpuUsage()
      return reply.send({ ...process.memoryUsage(), cpuMs: (cpu.user + cpu.system) / 1000, queries })
    })
  }
})
app.log.level = 'silent'
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, prepared, sample }) + '\n')
process.on('SIGTERM', () => { void app.close().then(() => services.close()).then(() => { fs.rmSync(dataDir, { recursive: true, force: true }); process.exit(0) }) })
