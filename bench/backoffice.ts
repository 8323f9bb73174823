/**
 * The back-office benchmark (issue 7), on PostgreSQL with a generated database (BENCH_BACKOFFICE_DOSSIERS,
 * default a million dossiers over three years in 50 agencies): an official's queues and the search,
 * each request distinct where it can be (a new code, a new ID number), sent one after another, with
 * latency percentiles beside a bare primary-key route measured the same way in the same run.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { sql } from 'kysely'
import { pino } from 'pino'
import { ROOT } from '../src/platform/paths.js'
import { loadConfig } from '../src/config.js'
import { openDb } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { buildServices } from '../src/services.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import fs from 'node:fs'
import { keptDatabase, throwawayDatabase } from '../scripts/postgres.js'
import { generateDossiers } from './generate.js'

export interface BackOfficeSample { cookies: Record<'specialist' | 'head' | 'province' | 'desk', string>, codes: string[], idNumbers: string[], names: string[], pkId: string }

/** Latency of a series of GETs sent one at a time: p50, p99, max in ms, and how many were not 200. */
async function series (base: string, paths: string[], cookie?: string) {
  const times: number[] = []
  let bad = 0
  for (const p of paths) {
    const t = performance.now()
    const res = await fetch(base + p, cookie ? { headers: { cookie } } : {})
    await res.arrayBuffer()
    times.push(performance.now() - t)
    if (res.status !== 200) bad++
  }
  times.sort((a, b) => a - b)
  const pct = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: pct(0.5), p99: pct(0.99), max: times[times.length - 1]!, bad }
}

export async function benchBackOffice (): Promise<string[]> {
  const count = Number(process.env['BENCH_BACKOFFICE_DOSSIERS'] ?? 1_000_000)
  // BENCH_BACKOFFICE_KEEP=<dir>: the generated database is kept there and reused by the next run asking for
  // the same count (generated once: 10 M dossiers take half an hour and ~25 GB); newer migrations apply to it.
  const keep = process.env['BENCH_BACKOFFICE_KEEP']
  const database = keep ? await keptDatabase(keep, 'bench') : await throwawayDatabase('mc-bench-bo-', 'bench')
  const url = new URL(database.url)
  const work = database.work
  const out: string[] = []
  let server: ReturnType<typeof spawn> | undefined
  try {
    // Schema, catalog and the generated dossiers, before the server starts.
    const db = await openDb({ databaseUrl: url.toString(), dataDir: work, poolSize: 4 })
    await migrate(db)
    const marker = keep ? path.join(keep, 'generated.json') : undefined
    let g = marker && fs.existsSync(marker) ? JSON.parse(fs.readFileSync(marker, 'utf8')) as Awaited<ReturnType<typeof generateDossiers>> & { count: number, at: string } : undefined
    if (g && g.count !== count) throw new Error(`${keep} holds ${g.count} generated dossiers, not ${count}: use another directory`)
    const reused = g !== undefined
    const sizeOf = async () => Number((await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(db.kysely)).rows[0]!.n)
    let size: number
    if (!g) {
      const config = loadConfig({ SESSION_SECRET: 'bench-secret-0123456789abcdefghijkl', DATA_DIR: work, LOG_LEVEL: 'silent', WORKER_IN_PROCESS: 'false', DATABASE_URL: url.toString(), PUBLIC_URL: 'http://localhost:3000' })
      const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
      await services.catalog.loadDemoCatalog(systemActor)
      g = { ...await generateDossiers(db, { count, log: line => process.stderr.write(`${line}\n`) }), count, at: new Date().toISOString() }
      size = await sizeOf()
      await services.close()
      if (marker) fs.writeFileSync(marker, JSON.stringify(g))
    } else {
      size = await sizeOf()
      await db.close()
    }
    out.push(`Back office on PostgreSQL, ${reused ? `reused (generated ${g.at.slice(0, 10)}) ` : 'generated '}${g.dossiers.toLocaleString('en')} dossiers, ${g.tasks.toLocaleString('en')} tasks, ${g.events.toLocaleString('en')} events in ${g.agencies} agencies (${g.seconds.toFixed(0)} s to generate; ${(size / 2 ** 30).toFixed(1)} GB${keep ? ', kept' : ''}):`)

    server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_DATABASE_URL: url.toString(), BENCH_BACKOFFICE: '1' }
    })
    const line = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: server!.stdout! }).once('line', resolve)
      server!.once('exit', code => reject(new Error(`bench server exited with ${code}`)))
    })
    const { port, sample } = JSON.parse(line) as { port: number, sample: BackOfficeSample }
    const base = `http://127.0.0.1:${port}`
    const n = Math.min(200, sample.codes.length)
    const repeat = (p: string) => Array.from({ length: n }, () => p)
    const enc = encodeURIComponent
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
    const yearAgo = new Date(Date.now() + 7 * 3600_000 - 365 * 86_400_000).toISOString().slice(0, 10)
    // Warm both sides the same way (connections, plans), then measure.
    await series(base, repeat(`/bench/pk?id=${sample.pkId}`).slice(0, 20))
    await series(base, repeat('/can-bo').slice(0, 5), sample.cookies.head)
    const bare = await series(base, repeat(`/bench/pk?id=${sample.pkId}`))
    const cases: Array<[string, string[], string]> = [
      ['workspace with counts (department head)', repeat('/can-bo'), sample.cookies.head],
      ['queue: my steps (specialist)', repeat('/can-bo/ho-so?hang-doi=cua-toi'), sample.cookies.specialist],
      ['queue: waiting for reception (desk)', repeat('/can-bo/ho-so?hang-doi=cho-tiep-nhan'), sample.cookies.desk],
      ['queue: overdue (department head)', repeat('/can-bo/ho-so?hang-doi=qua-han'), sample.cookies.head],
      ['search by code (department head)', sample.codes.slice(0, n).map(c => `/can-bo/ho-so?ma=${enc(c)}`), sample.cookies.head],
      ['search by ID number (department head)', sample.idNumbers.slice(0, n).map(c => `/can-bo/ho-so?giay-to=${enc(c)}`), sample.cookies.head],
      ['search by code (province, all agencies)', sample.codes.slice(0, n).map(c => `/can-bo/ho-so?ma=${enc(c)}`), sample.cookies.province],
      ['search by ID number (province)', sample.idNumbers.slice(0, n).map(c => `/can-bo/ho-so?giay-to=${enc(c)}`), sample.cookies.province],
      ['search by full name (department head)', sample.names.slice(0, n).map(c => `/can-bo/ho-so?ten=${enc(c)}`), sample.cookies.head],
      ['status + last 30 days (department head)', repeat(`/can-bo/ho-so?trang-thai=4&tu=${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}`), sample.cookies.head],
      ['newest page, all statuses (province)', repeat('/can-bo/ho-so?tu=2000-01-01'), sample.cookies.province],
      // Statistics over the whole province for the last twelve months (target < 1 s; 20 requests).
      ['Biểu 06, 12 months by sector (province)', repeat(`/can-bo/thong-ke?tu=${yearAgo}&den=${today}`).slice(0, 20), sample.cookies.province],
      ['Biểu 06, 12 months by agency (province)', repeat(`/can-bo/thong-ke?tu=${yearAgo}&den=${today}&theo=co-quan`).slice(0, 20), sample.cookies.province],
      ['Decision 766 index, this month and the last (province)', repeat('/can-bo/thong-ke/chi-so-766').slice(0, 20), sample.cookies.province]
    ]
    out.push(`  ${'case'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}  (${n} requests one at a time; target p99 < 100 ms)`)
    out.push(`  ${'bare primary-key route'.padEnd(44)} ${bare.p50.toFixed(1).padStart(7)} ${bare.p99.toFixed(1).padStart(7)} ${bare.max.toFixed(1).padStart(7)}`)
    for (const [name, paths, cookie] of cases) {
      const r = await series(base, paths, cookie)
      out.push(`  ${name.padEnd(44)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${r.max.toFixed(1).padStart(7)}${r.bad ? `  ${r.bad} not 200` : ''}`)
    }
  } finally {
    if (server) {
      server.kill('SIGTERM')
      await new Promise(resolve => server!.once('exit', resolve))
    }
    database.stop()
  }
  return out
}
