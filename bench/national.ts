/**
 * The national sync benchmark (issue 20): does the outbox keep up with submissions? On the engine of
 * DATABASE_URL (PGlite without it), with the stand-in national portal listening over HTTP:
 *  1. the baseline: dossiers submitted through the services one after another (submissions per second);
 *  2. the same number pushed by the sync from the ledger (pushes per second), as the ratio to (1);
 *  3. both at once: submissions while the periodic sync runs every second, the lag (age of the oldest
 *     dossier waiting to be pushed) sampled all along — it stays bounded when the outbox keeps up.
 *   BENCH_NATIONAL_DOSSIERS (default 300)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { buildServices } from '../src/services.js'
import { buildApp } from '../src/app.js'
import { openDb } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import { newCitizen } from '../test/citizens.js'
import { serviceDraft } from '../test/dossiers.js'
import { freePort } from '../test/net.js'
import { BENCH_PROCEDURE } from './dossiers.js'
import { throwawayDatabase } from '../scripts/postgres.js'

/** The bench on PGlite, then on a throwaway PostgreSQL cluster (or DATABASE_URL's). */
export async function benchNational (): Promise<string[]> {
  const lines = await benchOn(undefined)
  const database = process.env['DATABASE_URL'] ? undefined : await throwawayDatabase('mc-bench-national-pg-', 'bench')
  try {
    lines.push(...await benchOn(process.env['DATABASE_URL'] ?? database!.url))
  } finally { database?.stop() }
  return lines
}

async function benchOn (databaseUrl: string | undefined): Promise<string[]> {
  const count = Number(process.env['BENCH_NATIONAL_DOSSIERS'] ?? 300)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-national-'))
  const port = await freePort()
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), DATA_DIR: dataDir, PORT: String(port), SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    PUBLIC_URL: `http://127.0.0.1:${port}`, DVCQG_URL: `http://127.0.0.1:${port}/sandbox/dvcqg`, DVCQG_STANDIN: 'true', LOG_LEVEL: 'silent', CAPTCHA: 'off'
  })
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir, poolSize: config.DATABASE_POOL_SIZE })
  await migrate(db)
  const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
  await services.national.prepare()
  const app = await buildApp(services)
  await app.listen({ port, host: '127.0.0.1' })
  try {
    await services.catalog.loadDemoCatalog(systemActor)
    const people: Array<Awaited<ReturnType<typeof newCitizen>>> = []
    for (let i = 0; i < 20; i++) people.push(await newCitizen({ services }))
    const drafts = async (n: number) => {
      const out: Array<{ account: string, id: string }> = []
      for (let i = 0; i < n; i++) { const p = people[i % people.length]!; out.push({ account: p.id, id: await serviceDraft(services, p.id, BENCH_PROCEDURE) }) }
      return out
    }
    // 1. Submissions alone.
    const first = await drafts(count)
    let t = performance.now()
    for (const d of first) await services.dossiers.submit(d.account, d.id)
    const submitRate = count / ((performance.now() - t) / 1000)
    // 2. Pushes alone: the same dossiers, from the ledger to the stand-in.
    t = performance.now()
    const pushed = await services.national.run(1000)
    const pushRate = pushed.pushed / ((performance.now() - t) / 1000)
    // 3. Both at once: a worker's loop (push what is due, rest half a second) while dossiers keep coming
    // at the rate measured alone; the lag (the oldest dossier waiting) sampled every 200 ms.
    const second = await drafts(count * 2)
    let running = true
    const lags: number[] = []
    const worker = (async () => { while (running) { await services.national.run(5); await new Promise(resolve => setTimeout(resolve, 500)) } })()
    const sampler = (async () => { while (running) { lags.push((await services.national.overview()).lagSeconds); await new Promise(resolve => setTimeout(resolve, 200)) } })()
    t = performance.now()
    for (const d of second) await services.dossiers.submit(d.account, d.id)
    const loadSeconds = (performance.now() - t) / 1000
    running = false
    await Promise.all([worker, sampler])
    const drained = await services.national.run(1000)
    const left = (await services.national.overview()).pending
    const maxLag = Math.max(0, ...lags)
    return [
      `national sync (${services.db.engine}), ${count} dossiers:`,
      `  submissions alone, through the services without files: ${submitRate.toFixed(1)}/s (baseline; whole submissions over HTTP with three 1 MB files run at 22–37/s in the dossiers bench)`,
      `  pushes alone: ${pushRate.toFixed(1)}/s = ${(pushRate / submitRate).toFixed(2)} × the submission rate (≥ 1: the outbox keeps up)`,
      `  together: ${second.length} submissions in ${loadSeconds.toFixed(1)} s with the worker pushing, lag sampled ${lags.length} times, max ${maxLag} s; ${drained.pushed} left to push when the load stopped, ${left} pending after`
    ]
  } finally {
    await app.close()
    await services.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
