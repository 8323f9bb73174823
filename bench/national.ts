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

export async function benchNational (): Promise<string[]> {
  const count = Number(process.env['BENCH_NATIONAL_DOSSIERS'] ?? 300)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-national-'))
  const port = await freePort()
  const config = loadConfig({
    ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}), DATA_DIR: dataDir, PORT: String(port), SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
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
    // 3. Both at once: the sync every second while dossiers keep coming; the lag sampled.
    const second = await drafts(count)
    let running = true
    let maxLag = 0
    const lags: number[] = []
    const syncing = (async () => {
      while (running) {
        await services.national.run(5)
        const o = await services.national.overview()
        lags.push(o.lagSeconds); maxLag = Math.max(maxLag, o.lagSeconds)
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    })()
    t = performance.now()
    for (const d of second) await services.dossiers.submit(d.account, d.id)
    const loadSeconds = (performance.now() - t) / 1000
    running = false
    await syncing
    const drained = await services.national.run(1000)
    const left = (await services.national.overview()).pending
    return [
      `national sync (${services.db.engine}), ${count} dossiers:`,
      `  submissions alone: ${submitRate.toFixed(1)}/s (baseline)`,
      `  pushes alone: ${pushRate.toFixed(1)}/s = ${(pushRate / submitRate).toFixed(2)} × the submission rate (≥ 1: the outbox keeps up)`,
      `  together for ${loadSeconds.toFixed(1)} s: lag sampled ${lags.length} times, max ${maxLag} s; ${drained.pushed} pushed after the load, ${left} left pending`
    ]
  } finally {
    await app.close()
    await services.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
