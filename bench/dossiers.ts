/**
 * The dossier benchmark (issue 6), on PostgreSQL: submissions carrying three 1 MB files each, and
 * public lookups by code, each beside a bare primary-key route measured in the same run; memory of
 * the server process sampled along a soak run of submissions and lookups (BENCH_SOAK_SECONDS, e.g. 600
 * for ten minutes). Beside them, an upload baseline: the same files to a route that only reads, hashes
 * and writes them. BENCH_CPU_PROF=<file> writes the server's CPU profile of the submissions;
 * BENCH_CPU_PROF_PAGE=<file> that of the lookup page; BENCH_GC=1 prints the server's GC trace.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import autocannon from 'autocannon'
import { ROOT } from '../src/platform/paths.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import type { Services } from '../src/services.js'
import { newCitizen } from '../test/citizens.js'
import { serviceDraft } from '../test/dossiers.js'
import { multipart, samplePdf } from '../test/files.js'
import { throwawayDatabase } from '../scripts/postgres.js'

export const BENCH_PROCEDURE = '1.004325.000.00.00.H34'

export interface PreparedDossiers {
  drafts: Array<{ id: string, cookie: string, component: string }>
  codes: string[]
  /** The applicant's ID number of each code. */
  proofs: string[]
  pkId: string
}

/** In the bench server: citizens with sessions, drafts ready but for one component, and submitted dossiers to look up. */
export async function prepareDossiers (services: Services, count: number): Promise<PreparedDossiers> {
  await services.catalog.loadDemoCatalog(systemActor)
  const people = []
  for (let i = 0; i < 50; i++) people.push(await newCitizen({ services }))
  const first = (await services.dossiers.draft(people[0]!.id, await services.dossiers.startDraft(people[0]!.id, BENCH_PROCEDURE))).slots.find(s => s.required)!.key
  const drafts: PreparedDossiers['drafts'] = []
  for (let i = 0; i < count; i++) {
    const p = people[i % people.length]!
    drafts.push({ id: await serviceDraft(services, p.id, BENCH_PROCEDURE, { leaveEmpty: first }), cookie: p.cookie, component: first })
  }
  // Each dossier with its applicant's ID number: past a few lookups an address needs it (as the applicant has it).
  const codes: string[] = []
  const proofs: string[] = []
  let pkId = ''
  for (let i = 0; i < 200; i++) {
    const p = people[i % people.length]!
    const id = await serviceDraft(services, p.id, BENCH_PROCEDURE)
    codes.push((await services.dossiers.submit(p.id, id)).code)
    proofs.push(p.citizenId)
    pkId = id
  }
  return { drafts, codes, proofs, pkId }
}

interface Figures { rps: number, p50: number, p99: number, errors: number, total: number }

async function cannon (url: string, seconds: number, connections: number, request: Pick<autocannon.Options, 'method' | 'headers' | 'body'> = {}): Promise<Figures> {
  const r = await autocannon({ url, connections, duration: seconds, ...request })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, total: r.requests.total }
}

/** A session's CSRF cookie and token, as its browser would hold them. */
async function csrfOf (base: string, cookie: string): Promise<{ cookie: string, token: string }> {
  const res = await fetch(`${base}/ca-nhan/ho-so`, { headers: { cookie } })
  const csrf = /mc_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!
  return { cookie: `${cookie}; mc_csrf=${csrf}`, token }
}

const MB = samplePdf('1 MB', 1024 * 1024 - 300)
// The multipart body of three 1 MB PDFs, encoded once: the load generator shares the two cores with
// the server and PostgreSQL, and encoding 3 MB per request cost it about 18 ms of CPU per submission.
const UPLOAD = multipart([1, 2, 3].map(n => ({ name: `trang-${n}.pdf`, data: MB, type: 'application/pdf' })))
// The same files chosen for one component of the step-3 form ("Tải lên và ở lại trang này"), encoded once per component.
const forComponent = new Map<string, ReturnType<typeof multipart>>()
const componentUpload = (component: string) => {
  if (!forComponent.has(component)) forComponent.set(component, multipart([1, 2, 3].map(n => ({ name: `trang-${n}.pdf`, data: MB, type: 'application/pdf', field: `tp-${component}` })), { action: 'upload' }))
  return forComponent.get(component)!
}

/** Prepared drafts taken in turn (never one twice), and each citizen's session and CSRF token. */
interface Pool {
  drafts: PreparedDossiers['drafts']
  next: number
  auth: Map<string, { cookie: string, token: string }>
  /** Drafts whose files an 'upload' run sent, waiting for a 'submit' run. */
  uploaded: Array<{ id: string, cookie: string, token: string }>
}

/** Which part of the journey a run drives: the upload of three 1 MB files into the draft's missing component, the press of "Nộp hồ sơ", or both in turn. */
type Steps = 'both' | 'upload' | 'submit'

/**
 * Submissions through autocannon, which writes prepared request buffers on raw sockets (fetch cost the
 * load generator ~15 ms of the shared CPU per submission): each connection takes the next prepared
 * draft, uploads three 1 MB files for its missing component in one request, then presses "Nộp hồ sơ".
 * With `steps` 'upload' it only uploads, leaving the drafts in `pool.uploaded`; with 'submit' it
 * presses "Nộp hồ sơ" on those (each once; the run ends when they are all submitted).
 */
async function submissions (base: string, pool: Pool, seconds: number, connections: number, steps: Steps = 'both'): Promise<{ ok: number, failed: number, elapsed: number, times: number[] }> {
  let ok = 0
  let failed = 0
  const times: number[] = []
  interface Context { id?: string, cookie?: string, token?: string, t?: number, none?: boolean }
  const started = performance.now()
  let run: autocannon.Instance | undefined
  // Requests sent whose answers are awaited: a run out of drafts ends once they are all answered (autocannon
  // drops the answers still to come when it stops).
  let pending = 0
  const nothing = (req: autocannon.Request, context: Context) => {
    if (pending === 0) setImmediate(() => run?.stop())
    context.none = true
    context.id = undefined
    return { ...req, path: '/nop-ho-so/-/nop', body: '' }
  }
  const upload: autocannon.Request = {
    method: 'POST',
    setupRequest (req, context: Context) {
      const d = pool.drafts[pool.next++]
      // Every prepared draft used: stop here rather than upload to one twice.
      if (!d) return nothing(req, context)
      const a = pool.auth.get(d.cookie)!
      Object.assign(context, { id: d.id, cookie: a.cookie, token: a.token, t: performance.now(), none: false })
      pending++
      const body = componentUpload(d.component)
      return { ...req, path: `/nop-ho-so/${d.id}/thanh-phan`, headers: { cookie: a.cookie, 'x-csrf-token': a.token, ...body.headers }, body: body.payload }
    },
    onResponse (status, _body, context: Context) {
      if (context.none) return
      if (status !== 303 || steps === 'upload') pending--
      if (status !== 303) { failed++; context.id = undefined } else if (steps === 'upload') { ok++; times.push(performance.now() - context.t!); pool.uploaded.push({ id: context.id!, cookie: context.cookie!, token: context.token! }) }
    }
  }
  const submit: autocannon.Request = {
    method: 'POST',
    setupRequest (req, context: Context) {
      if (steps === 'submit') {
        const d = pool.uploaded.shift()
        if (!d) return nothing(req, context)
        Object.assign(context, { ...d, t: performance.now(), none: false })
        pending++
      }
      // An upload refused (or no draft left): submit nothing (a request to no dossier, whose answer is not counted).
      if (!context.id) return { ...req, path: '/nop-ho-so/-/nop', body: '' }
      return { ...req, path: `/nop-ho-so/${context.id}/nop`, headers: { cookie: context.cookie!, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: context.token!, declaration: 'yes' }).toString() }
    },
    onResponse (status, _body, context: Context, headers) {
      if (!context.id) return
      pending--
      if (status === 303 && /\/ca-nhan\/ho-so\//.test(String((headers as Record<string, string>)['location'] ?? ''))) { ok++; times.push(performance.now() - context.t!) } else failed++
    }
  }
  await new Promise<void>((resolve, reject) => { run = autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: steps === 'both' ? [upload, submit] : steps === 'upload' ? [upload] : [submit]
  }, err => { if (err) reject(err); else resolve() }) })
  return { ok, failed, elapsed: (performance.now() - started) / 1000, times }
}

/** CPU milliseconds used so far by each PostgreSQL process on this machine, by pid (Linux; none elsewhere). */
function postgresCpu (): Map<string, number> {
  const used = new Map<string, number>()
  try {
    for (const pid of fs.readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
        if (!stat.includes('(postgres)')) continue
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10) // USER_HZ is 100 on Linux
      } catch { /* the process has gone */ }
    }
  } catch { /* no /proc */ }
  return used
}

/**
 * PostgreSQL's CPU since `before`: what each process still running used since then (all of it for one
 * started since). A backend that ended meanwhile takes its last part with it: a slight undercount.
 */
function postgresCpuSince (before: Map<string, number>): number {
  let ms = 0
  for (const [pid, now] of postgresCpu()) ms += now - (before.get(pid) ?? 0)
  return ms
}

interface Costs { serverMs: number, clientMs: number, postgresMs: number, queries: number }
type Measured = Awaited<ReturnType<typeof submissions>> & Costs

/** A run with the CPU it cost the server, the load generator and PostgreSQL, and the server's queries. */
async function measured<T> (base: string, run: () => Promise<T>): Promise<T & Costs> {
  const before = await memory(base)
  const client = process.cpuUsage()
  const pgCpu = postgresCpu()
  const r = await run()
  const clientUsed = process.cpuUsage(client)
  const postgresMs = postgresCpuSince(pgCpu)
  const after = await memory(base)
  return { ...r, serverMs: after.cpuMs - before.cpuMs, clientMs: (clientUsed.user + clientUsed.system) / 1000, postgresMs, queries: after.queries - before.queries }
}

/** Lookups are measured in this many rounds (odd, for a median). */
const LOOKUP_ROUNDS = 3

/** Runs of one case together: mean rate, worst p99, and the sums of requests, errors and costs. */
function combined (runs: Array<Figures & Costs>): Figures & Costs {
  const sum = (f: (x: Figures & Costs) => number) => runs.reduce((n, x) => n + f(x), 0)
  return {
    rps: sum(x => x.rps) / runs.length, p50: Math.max(...runs.map(x => x.p50)), p99: Math.max(...runs.map(x => x.p99)), errors: sum(x => x.errors), total: sum(x => x.total),
    serverMs: sum(x => x.serverMs), clientMs: sum(x => x.clientMs), postgresMs: sum(x => x.postgresMs), queries: sum(x => x.queries)
  }
}

/** CPU of each part of the machine and queries, per item. */
function perItem (m: Costs, count: number, item: string): string {
  const n = Math.max(count, 1)
  return `CPU per ${item}: server ${(m.serverMs / n).toFixed(2)} ms, load generator ${(m.clientMs / n).toFixed(2)} ms, PostgreSQL ${(m.postgresMs / n).toFixed(2)} ms, all on ${os.cpus().length} cores; ${(m.queries / n).toFixed(1)} queries per ${item}`
}

/** Two lines of figures for a measured run of submissions: rate, latency, and CPU and queries per item. */
function described (label: string, item: string, m: Measured, target: string): string[] {
  const times = [...m.times].sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]?.toFixed(0) ?? '-'
  return [
    `  ${label} ${(m.ok / m.elapsed).toFixed(1)} /s over ${m.elapsed.toFixed(1)} s, ${m.ok} made, ${m.failed} failed; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms${target}`,
    `    ${perItem(m, m.ok, item)}`
  ]
}

async function memory (base: string): Promise<{ rss: number, heapUsed: number, cpuMs: number, queries: number }> {
  const m = await (await fetch(`${base}/bench/memory`)).json() as { rss: number, heapUsed: number, cpuMs: number, queries: number }
  return { rss: m.rss / 1048576, heapUsed: m.heapUsed / 1048576, cpuMs: m.cpuMs, queries: m.queries }
}

export async function benchDossiers (seconds: number, connections: number): Promise<string[]> {
  // BENCH_DOSSIERS_ENGINE=pglite: the same bench on the embedded engine (an in-memory PGlite in the server).
  const pglite = process.env['BENCH_DOSSIERS_ENGINE'] === 'pglite'
  const database = pglite ? undefined : await throwawayDatabase('mc-bench-pg-', 'bench')
  // BENCH_PG=socket: the server reaches PostgreSQL through its Unix socket (a database on the app's own
  // host), else over TCP on 127.0.0.1 (the kernel's loopback TCP costs the server ~0.4 ms per query here).
  const overSocket = process.env['BENCH_PG'] === 'socket'
  const url = database ? new URL(overSocket ? database.socketUrl : database.url) : undefined
  // Drafts for the submissions (at most 160/s) and for the soak's (a third of each 30-second round, at most 50/s; the pool may run dry, never submit twice).
  const soak = Number(process.env['BENCH_SOAK_SECONDS'] ?? 0)
  const count = Math.max(300, Math.ceil(seconds * 160)) + Math.ceil(soak / 3) * 50
  const server = spawn(process.execPath, ['--expose-gc', ...(process.env['BENCH_GC'] ? ['--trace-gc'] : []), '--import', 'tsx', path.join(ROOT, 'bench/server.ts')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...(url ? { BENCH_DATABASE_URL: url.toString() } : {}), BENCH_DOSSIERS: String(count) }
  })
  const out: string[] = []
  try {
    const line = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: server.stdout! }).on('line', l => { if (l.startsWith('{')) resolve(l); else if (process.env['BENCH_GC']) process.stderr.write(l + '\n') })
      server.once('exit', code => reject(new Error(`bench server exited with ${code}`)))
    })
    const { port, prepared } = JSON.parse(line) as { port: number, prepared: PreparedDossiers }
    const base = `http://127.0.0.1:${port}`
    const mem0 = await memory(base)

    const bare = await cannon(`${base}/bench/pk?id=${prepared.pkId}`, seconds, connections)
    // The upload baseline: the same three files to a route that only reads, hashes and writes them.
    const bareUpload = await measured(base, () => cannon(`${base}/bench/upload`, seconds, connections, { method: 'POST', headers: UPLOAD.headers, body: UPLOAD.payload }))

    // Submissions: `connections` citizens at once, each taking the next prepared draft.
    const pool: Pool = { drafts: prepared.drafts, next: 0, auth: new Map(), uploaded: [] }
    for (const d of prepared.drafts) if (!pool.auth.has(d.cookie)) pool.auth.set(d.cookie, await csrfOf(base, d.cookie))
    // BENCH_CPU_PROF=<file>: the server's CPU profile of the submissions alone.
    const profile = process.env['BENCH_CPU_PROF']
    const whole = await measured(base, async () => {
      if (profile) await fetch(`${base}/bench/profile/start`)
      const r = await submissions(base, pool, seconds, connections)
      if (profile) fs.writeFileSync(profile, await (await fetch(`${base}/bench/profile/stop`)).text())
      return r
    })
    const mem1 = await memory(base)
    // The two steps apart: uploads alone into fresh drafts, then "Nộp hồ sơ" alone on those drafts (which
    // now hold three 1 MB files each), until every one is submitted.
    // (Uploads for twice the time, so that the submit run lasts long enough to measure.)
    const uploadStep = await measured(base, () => submissions(base, pool, seconds * 2, connections, 'upload'))
    const submitStep = await measured(base, () => submissions(base, pool, seconds, connections, 'submit'))

    const code = encodeURIComponent(prepared.codes[0]!)
    const proof = prepared.proofs[0]!
    // Lookups in rounds of bare route, API and page in turn, so that each ratio compares runs made
    // moments apart and the median of the rounds stands against the machine's noise.
    const rounds: Record<'bare' | 'api' | 'page' | 'browser', Array<Figures & Costs>> = { bare: [], api: [], page: [], browser: [] }
    // The page as Chromium asks for it: compressed (the portal compresses pages over 1 KB).
    const asBrowser = { headers: { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, deflate, br, zstd' } }
    for (let r = 0; r < LOOKUP_ROUNDS; r++) {
      rounds.bare.push(await measured(base, () => cannon(`${base}/bench/pk?id=${prepared.pkId}`, seconds, connections)))
      rounds.api.push(await measured(base, () => cannon(`${base}/api/v1/dossiers/${code}/status?proof=${proof}`, seconds, connections)))
      rounds.page.push(await measured(base, async () => {
        // BENCH_CPU_PROF_PAGE=<file>: the server's CPU profile of the lookup page's first round.
        const pageProfile = r === 0 ? process.env['BENCH_CPU_PROF_PAGE'] : undefined
        if (pageProfile) await fetch(`${base}/bench/profile/start`)
        const result = await cannon(`${base}/tra-cuu-ho-so?ma=${code}&giay-to=${proof}`, seconds, connections)
        if (pageProfile) fs.writeFileSync(pageProfile, await (await fetch(`${base}/bench/profile/stop`)).text())
        return result
      }))
      rounds.browser.push(await measured(base, () => cannon(`${base}/tra-cuu-ho-so?ma=${code}&giay-to=${proof}`, seconds, connections, asBrowser)))
    }
    const [bare2, api, page] = [combined(rounds.bare), combined(rounds.api), combined(rounds.page)]
    const ratio = (runs: Array<Figures & Costs>) => {
      const each = runs.map((x, i) => x.rps / rounds.bare[i]!.rps)
      return `${[...each].sort((a, b) => a - b)[Math.floor(each.length / 2)]!.toFixed(2)} (rounds: ${each.map(x => x.toFixed(2)).join(', ')})`
    }
    const mem2 = await memory(base)

    out.push(`Dossiers on ${pglite ? 'PGlite (in-memory, in the server process)' : `PostgreSQL over ${overSocket ? 'its Unix socket' : 'TCP (127.0.0.1)'}`} (${connections} connections, ${seconds} s per measurement):`)
    out.push(`  bare primary-key route          ${bare.rps.toFixed(0)} req/s, p99 ${bare.p99} ms (after the submissions, by round: ${rounds.bare.map(x => x.rps.toFixed(0)).join(', ')} req/s)`)
    out.push(`    ${perItem(bare2, bare2.total, 'request')}`)
    out.push(...described('submissions (3 × 1 MB + submit)', 'submission', whole, ' (target ≥ 100/s)'))
    out.push(...described('  of which the upload alone    ', 'upload', uploadStep, ''))
    out.push(...described('  of which "Nộp hồ sơ" alone   ', 'submit', submitStep, ' (drafts holding the three 1 MB files)'))
    out.push(`  upload baseline (the same 3 × 1 MB read, hashed, written to new files; no session, no database) ${bareUpload.rps.toFixed(1)} /s, server CPU ${(bareUpload.serverMs / Math.max(bareUpload.total, 1)).toFixed(1)} ms per upload${bareUpload.errors ? `, ${bareUpload.errors} failed` : ''}`)
    out.push(`  lookup API by code              ${api.rps.toFixed(0)} req/s, p99 ${api.p99} ms, median ratio to bare ${ratio(rounds.api)} (target ≥ 0.5)${api.errors ? `, ${api.errors} errors` : ''}`)
    out.push(`    ${perItem(api, api.total, 'request')}`)
    out.push(`  lookup page by code             ${page.rps.toFixed(0)} req/s, p99 ${page.p99} ms, median ratio to bare ${ratio(rounds.page)}${page.errors ? `, ${page.errors} errors` : ''}`)
    out.push(`    ${perItem(page, page.total, 'request')}`)
    const browser = combined(rounds.browser)
    out.push(`  lookup page as a browser asks   ${browser.rps.toFixed(0)} req/s, p99 ${browser.p99} ms, median ratio to bare ${ratio(rounds.browser)} (accept-encoding: gzip, br; target ≥ 0.5)${browser.errors ? `, ${browser.errors} errors` : ''}`)
    out.push(`    ${perItem(browser, browser.total, 'request')}`)
    out.push(`  server memory after GC: start ${mem0.heapUsed.toFixed(0)} MB heap / ${mem0.rss.toFixed(0)} MB RSS; after submissions ${mem1.heapUsed.toFixed(0)} / ${mem1.rss.toFixed(0)}; after lookups ${mem2.heapUsed.toFixed(0)} / ${mem2.rss.toFixed(0)}`)

    // Soak: BENCH_SOAK_SECONDS in 30-second rounds of 10 s of submissions and 20 s of lookups (page and
    // API by turns), the server's heap after GC sampled after each round.
    if (soak > 0) {
      const samples: string[] = []
      let made = 0
      let failures = 0
      for (let t = 0; t < soak; t += 30) {
        const round = Math.min(30, soak - t)
        const r = await submissions(base, pool, Math.max(1, Math.round(round / 3)), connections)
        made += r.ok
        failures += r.failed
        const code = encodeURIComponent(prepared.codes[(t / 30) % prepared.codes.length]!)
        const proof = prepared.proofs[(t / 30) % prepared.codes.length]!
        const lookups = await cannon((t / 30) % 2 ? `${base}/api/v1/dossiers/${code}/status?proof=${proof}` : `${base}/tra-cuu-ho-so?ma=${code}&giay-to=${proof}`, Math.max(1, round - Math.round(round / 3)), connections)
        failures += lookups.errors
        samples.push((await memory(base)).heapUsed.toFixed(0))
      }
      const end = await memory(base)
      out.push(`  soak ${soak} s (${made} submissions, lookups between, ${failures} failed): heap MB after GC every 30 s: ${samples.join(' ')}; RSS at the end ${end.rss.toFixed(0)} MB`)
    }
  } finally {
    server.kill('SIGTERM')
    await new Promise(resolve => server.once('exit', resolve))
    database?.stop()
  }
  return out
}
