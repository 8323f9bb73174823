/**
 * The app under benchmark, in its own process so that the load generator does not share its CPU.
 * Prints {"port": N} when ready. Cases may prepare data through `prepare` hooks in bench/cases.ts.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import inspector from 'node:inspector/promises'
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
// BENCH_TRACE_QUERIES=1: every query made after the data is prepared is written to stderr.
let trace = false
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++
  if (trace) process.stderr.write(`SQL ${String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text).slice(0, 160).replace(/\s+/g, ' ')}\n`)
  return query.apply(this, args)
} as typeof pg.Client.prototype.query

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-'))
// BENCH_DATABASE_URL: run on PostgreSQL (the dossier benchmark) instead of an in-memory PGlite.
const databaseUrl = process.env['BENCH_DATABASE_URL']
const config = loadConfig({
  SESSION_SECRET: 'bench-secret-0123456789abcdefghijkl', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'false',
  CAPTCHA: 'off', SECURE_COOKIES: 'false', MAX_FILE_MB: '2', PUBLIC_URL: 'http://localhost:3000', ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20' } : {})
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
trace = process.env['BENCH_TRACE_QUERIES'] === '1'

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
    // The baseline of uploads: the multipart body read, each file hashed and written to a new file of
    // its own, as cheaply as Node does it (chunks hashed as they come, one writev), and nothing else:
    // no session, no CSRF, no database, no type check. The floor of an upload on this machine.
    let bareFiles = 0
    a.post('/bench/upload', { config: { csrf: false } }, async (request, reply) => {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue
        const hash = crypto.createHash('sha256')
        const chunks: Buffer[] = []
        for await (const chunk of part.file as AsyncIterable<Buffer>) { hash.update(chunk); chunks.push(chunk) }
        hash.digest('hex')
        const file = await fs.promises.open(path.join(dataDir, `bare-${bareFiles++}`), 'wx', 0o600)
        try { await file.writev(chunks) } finally { await file.close() }
      }
      return reply.code(204).send()
    })
    // The baseline of the dossier benchmark: one row by primary key, as JSON.
    a.get('/bench/pk', async (request, reply) => {
      const row = await db.kysely.selectFrom('dossiers').select(['id', 'code', 'status', 'submittedAt']).where('id', '=', String((request.query as { id?: string }).id)).executeTakeFirst()
      return reply.send(row ?? {})
    })
    // The CPU profile of what happens between /bench/profile/start and /stop (BENCH_CPU_PROF; GET, so no CSRF token).
    let profiler: inspector.Session | undefined
    a.get('/bench/profile/start', async (_request, reply) => {
      profiler = new inspector.Session()
      profiler.connect()
      await profiler.post('Profiler.enable')
      await profiler.post('Profiler.start')
      return reply.send({})
    })
    a.get('/bench/profile/stop', async (_request, reply) => {
      const { profile } = await profiler!.post('Profiler.stop')
      profiler!.disconnect()
      return reply.send(profile)
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
