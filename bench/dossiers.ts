/**
 * The dossier benchmark (issue 6), on PostgreSQL: submissions carrying three 1 MB files each, and
 * public lookups by code, each beside a bare primary-key route measured in the same run; memory of
 * the server process sampled along a soak run (BENCH_SOAK_SECONDS, e.g. 600 for ten minutes).
 */
import { spawn } from 'node:child_process'
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
  const codes: string[] = []
  let pkId = ''
  for (let i = 0; i < 200; i++) {
    const p = people[i % people.length]!
    const id = await serviceDraft(services, p.id, BENCH_PROCEDURE)
    codes.push((await services.dossiers.submit(p.id, id)).code)
    pkId = id
  }
  return { drafts, codes, pkId }
}

interface Figures { rps: number, p50: number, p99: number, errors: number }

async function cannon (url: string, seconds: number, connections: number): Promise<Figures> {
  const r = await autocannon({ url, connections, duration: seconds })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
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

/** One submission: three 1 MB files uploaded for the missing component in one request, then "Nộp hồ sơ". */
async function submitOne (base: string, d: { id: string, component: string }, auth: { cookie: string, token: string }): Promise<boolean> {
  const up = await fetch(`${base}/nop-ho-so/${d.id}/thanh-phan/tai-len?tp=${d.component}&_csrf=${encodeURIComponent(auth.token)}`, {
    method: 'POST', body: UPLOAD.payload, headers: { cookie: auth.cookie, ...UPLOAD.headers }, redirect: 'manual'
  })
  await up.arrayBuffer()
  if (up.status !== 303) return false
  const sub = await fetch(`${base}/nop-ho-so/${d.id}/nop`, {
    method: 'POST', redirect: 'manual', headers: { cookie: auth.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: auth.token, declaration: 'yes' }).toString()
  })
  await sub.arrayBuffer()
  return sub.status === 303 && /\/ca-nhan\/ho-so\//.test(sub.headers.get('location') ?? '')
}

async function memory (base: string): Promise<{ rss: number, heapUsed: number, cpuMs: number, queries: number }> {
  const m = await (await fetch(`${base}/bench/memory`)).json() as { rss: number, heapUsed: number, cpuMs: number, queries: number }
  return { rss: m.rss / 1048576, heapUsed: m.heapUsed / 1048576, cpuMs: m.cpuMs, queries: m.queries }
}

export async function benchDossiers (seconds: number, connections: number): Promise<string[]> {
  const database = await throwawayDatabase('mc-bench-pg-', 'bench')
  const url = new URL(database.url)
  const work = database.work
  const count = Math.max(300, Math.ceil(seconds * 160))
  const server = spawn(process.execPath, ['--expose-gc', ...(process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : []), '--import', 'tsx', path.join(ROOT, 'bench/server.ts')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_DATABASE_URL: url.toString(), BENCH_DOSSIERS: String(count) }
  })
  const out: string[] = []
  try {
    const line = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: server.stdout! }).once('line', resolve)
      server.once('exit', code => reject(new Error(`bench server exited with ${code}`)))
    })
    const { port, prepared } = JSON.parse(line) as { port: number, prepared: PreparedDossiers }
    const base = `http://127.0.0.1:${port}`
    const mem0 = await memory(base)

    const bare = await cannon(`${base}/bench/pk?id=${prepared.pkId}`, seconds, connections)

    // Submissions: `connections` citizens at once, each taking the next prepared draft.
    const auth = new Map<string, { cookie: string, token: string }>()
    for (const d of prepared.drafts) if (!auth.has(d.cookie)) auth.set(d.cookie, await csrfOf(base, d.cookie))
    const cpuBefore = await memory(base)
    const clientCpu = process.cpuUsage()
    let next = 0
    let ok = 0
    let failed = 0
    const times: number[] = []
    const started = performance.now()
    await Promise.all(Array.from({ length: connections }, async () => {
      while (next < prepared.drafts.length && performance.now() - started < seconds * 1000) {
        const d = prepared.drafts[next++]!
        const t = performance.now()
        if (await submitOne(base, d, auth.get(d.cookie)!)) ok++; else failed++
        times.push(performance.now() - t)
      }
    }))
    const elapsed = (performance.now() - started) / 1000
    times.sort((a, b) => a - b)
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]?.toFixed(0) ?? '-'
    const clientMs = (process.cpuUsage(clientCpu).user + process.cpuUsage(clientCpu).system) / 1000
    const mem1 = await memory(base)

    const code = encodeURIComponent(prepared.codes[0]!)
    const api = await cannon(`${base}/api/v1/dossiers/${code}/status`, seconds, connections)
    const page = await cannon(`${base}/tra-cuu-ho-so?ma=${code}`, seconds, connections)
    const bare2 = await cannon(`${base}/bench/pk?id=${prepared.pkId}`, seconds, connections)
    const mem2 = await memory(base)

    out.push(`Dossiers on PostgreSQL (${connections} connections, ${seconds} s per measurement):`)
    out.push(`  bare primary-key route          ${bare.rps.toFixed(0)} req/s, p99 ${bare.p99} ms (again after the submissions: ${bare2.rps.toFixed(0)} req/s)`)
    out.push(`  submissions (3 × 1 MB + submit) ${(ok / elapsed).toFixed(1)} /s over ${elapsed.toFixed(1)} s, ${ok} made, ${failed} failed; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms per submission (target ≥ 100/s)`)
    out.push(`    CPU per submission: server ${((mem1.cpuMs - cpuBefore.cpuMs) / Math.max(ok, 1)).toFixed(1)} ms, load generator ${(clientMs / Math.max(ok, 1)).toFixed(1)} ms, on ${os.cpus().length} cores shared with PostgreSQL; ${((mem1.queries - cpuBefore.queries) / Math.max(ok, 1)).toFixed(1)} queries per submission`)
    out.push(`  lookup API by code              ${api.rps.toFixed(0)} req/s, p99 ${api.p99} ms, ratio to bare ${(api.rps / bare2.rps).toFixed(2)} (target ≥ 0.5)${api.errors ? `, ${api.errors} errors` : ''}`)
    out.push(`  lookup page by code             ${page.rps.toFixed(0)} req/s, p99 ${page.p99} ms, ratio to bare ${(page.rps / bare2.rps).toFixed(2)}${page.errors ? `, ${page.errors} errors` : ''}`)
    out.push(`  server memory after GC: start ${mem0.heapUsed.toFixed(0)} MB heap / ${mem0.rss.toFixed(0)} MB RSS; after submissions ${mem1.heapUsed.toFixed(0)} / ${mem1.rss.toFixed(0)}; after lookups ${mem2.heapUsed.toFixed(0)} / ${mem2.rss.toFixed(0)}`)

    // Soak: lookups for BENCH_SOAK_SECONDS in 30-second rounds, heap sampled after each.
    const soak = Number(process.env['BENCH_SOAK_SECONDS'] ?? 0)
    if (soak > 0) {
      const samples: string[] = []
      for (let t = 0; t < soak; t += 30) {
        await cannon(`${base}/tra-cuu-ho-so?ma=${encodeURIComponent(prepared.codes[(t / 30) % prepared.codes.length]!)}`, Math.min(30, soak - t), connections)
        const m = await memory(base)
        samples.push(`${m.heapUsed.toFixed(0)}`)
      }
      out.push(`  soak ${soak} s of lookups, heap MB after GC every 30 s: ${samples.join(' ')}`)
    }
  } finally {
    server.kill('SIGTERM')
    await new Promise(resolve => server.once('exit', resolve))
    database.stop()
  }
  return out
}
