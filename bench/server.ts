/**
 * The app under benchmark, in its own process so that the load generator does not share its CPU.
 * Prints {"port": N} when ready. Cases may prepare data through `prepare` hooks in bench/cases.ts.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDb } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { buildServices } from '../src/services.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import { prepareAll } from './cases.js'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-'))
const config = loadConfig({ SESSION_SECRET: 'bench-secret-0123456789abcdefghijkl', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'false' })
const db = await openDb({ memory: true })
await migrate(db)
const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
await services.site.loadProfileFile(systemActor, 'kon-tum')
await prepareAll(services)

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
  }
})
app.log.level = 'silent'
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n')
process.on('SIGTERM', () => { void app.close().then(() => services.close()).then(() => { fs.rmSync(dataDir, { recursive: true, force: true }); process.exit(0) }) })
