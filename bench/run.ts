/**
 * `npm run bench`: each HTTP case is measured with autocannon right after the bare route serving a
 * page of the same size, in the same run, so the ratio holds on a noisy machine.
 *   BENCH_SECONDS=10 npm run bench      longer runs (default 5 s per measurement)
 *   npm run bench -- home               only cases whose name contains "home" ("startup": the start-up times; "dossiers": submissions and lookups on PostgreSQL)
 *   BENCH_SOAK_SECONDS=600 npm run bench -- dossiers   adds a ten-minute soak, memory sampled every 30 s
 *   npm run bench -- backoffice   queues and search on a generated PostgreSQL database (BENCH_BACKOFFICE_DOSSIERS, default 1,000,000)
 *   npm run bench -- national     whether the national sync's outbox keeps up with submissions (BENCH_NATIONAL_DOSSIERS, default 300)
 *   npm run bench -- signing      signing a result and checking it, beside making and reading the same PDF
 */
import { spawn } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import readline from 'node:readline'
import autocannon from 'autocannon'
import { ROOT } from '../src/platform/paths.js'
import { CATALOG_SIZE, cases } from './cases.js'
import { measureStartup } from './startup.js'
import { benchDue } from './due.js'
import { benchSigning } from './signing.js'
import { benchDossiers } from './dossiers.js'
import { benchBackOffice } from './backoffice.js'
import { benchNational } from './national.js'

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5)
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 10)
const filters = process.argv.slice(2)

interface Figures { rps: number, p50: number, p99: number, bytes: number, errors: number }

async function measure (url: string): Promise<Figures> {
  const r = await autocannon({ url, connections, duration: seconds })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bytes: r.throughput.average / Math.max(r.requests.average, 1), errors: r.errors + r.non2xx }
}

/**
 * Search as a citizen meets it: distinct queries, each the first of its kind (nothing cached),
 * sent one after another; latency percentiles over all of them.
 */
async function searchLatency (base: string, count: number): Promise<string> {
  const names: string[] = []
  for (let page = 1; page <= 5; page++) {
    const r = await (await fetch(`${base}/api/v1/procedures?pageSize=100&page=${page * 20}`)).json() as { items: Array<{ name: string }> }
    names.push(...r.items.map(i => i.name))
  }
  const queries = new Set<string>()
  let seed = 7
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  while (queries.size < count) {
    const words = names[rand(names.length)]!.replace(/[()]/g, '').split(/\s+/)
    const len = 1 + rand(3)
    const start = rand(Math.max(1, words.length - len))
    queries.add(words.slice(start, start + len).join(' ').toLowerCase())
  }
  const times: number[] = []
  for (const q of queries) {
    const t = performance.now()
    const res = await fetch(`${base}/api/v1/procedures?q=${encodeURIComponent(q)}`)
    await res.arrayBuffer()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1)
  return `uncached search over the API, ${count} distinct queries one at a time: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${times[times.length - 1]!.toFixed(1)} ms (target p99 < 50 ms)`
}

/** The bytes a response takes on the wire when the client accepts `encoding` ('identity': none). */
function wireBytes (url: string, encoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let n = 0
      res.on('data', (chunk: Buffer) => { n += chunk.length })
      res.on('end', () => resolve(n))
    }).on('error', reject)
  })
}

async function main () {
  const selected = cases.filter(x => filters.length === 0 || filters.some(f => x.name.includes(f)))
  if (selected.length > 0 || filters.includes('search')) await httpCases(selected)
  if (filters.length === 0 || filters.includes('due')) process.stdout.write('\n' + benchDue().join('\n') + '\n')
  if (filters.length === 0 || filters.includes('signing')) process.stdout.write('\n' + (await benchSigning()).join('\n') + '\n')
  if (filters.length === 0 || filters.includes('dossiers')) {
    process.stdout.write('\n' + (await benchDossiers(seconds, connections)).join('\n') + '\n')
  }
  if (filters.length === 0 || filters.includes('backoffice')) {
    process.stdout.write('\n' + (await benchBackOffice()).join('\n') + '\n')
  }
  if (filters.length === 0 || filters.includes('national')) {
    process.stdout.write('\n' + (await benchNational()).join('\n') + '\n')
  }
  if (filters.length === 0 || filters.includes('startup')) {
    process.stdout.write('\n' + (await measureStartup()).join('\n') + '\n')
  }
}

/** The catalog and page cases, on an in-memory PGlite with a catalog of CATALOG_SIZE procedures. */
async function httpCases (selected: typeof cases) {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout! }).once('line', resolve)
    server.once('exit', code => reject(new Error(`bench server exited with ${code}`)))
  })
  const base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`
  const notes: string[] = []
  const rows: string[][] = [['case', 'bytes', 'gzip', 'br', 'req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'bare p99', 'ratio']]
  try {
    for (const c of selected) {
      const size = (await (await fetch(base + c.path)).arrayBuffer()).byteLength
      const bare = await measure(`${base}/bench/bare?size=${size}`)
      const it = await measure(base + c.path)
      const [gzip, br] = [await wireBytes(base + c.path, 'gzip'), await wireBytes(base + c.path, 'br')]
      rows.push([c.name, String(size), String(gzip), String(br), it.rps.toFixed(0), String(it.p50), String(it.p99), bare.rps.toFixed(0), String(bare.p99), (it.rps / bare.rps).toFixed(2)])
      if (it.errors > 0 && !c.path.includes('khong-co')) process.stderr.write(`warning: ${c.name} had ${it.errors} errors or non-2xx answers\n`)
    }
    if (filters.length === 0 || filters.includes('search')) notes.push(await searchLatency(base, 300))
    // What compressing costs: the home page as browsers ask for it (brotli) beside the same page uncompressed.
    if (selected.some(c => c.path === '/')) {
      const plain = await measure(`${base}/`)
      const r = await autocannon({ url: `${base}/`, connections, duration: seconds, headers: { 'accept-encoding': 'br, gzip' } })
      notes.push(`home page compressed (br): ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, ${(await wireBytes(`${base}/`, 'br'))} bytes; uncompressed ${plain.rps.toFixed(0)} req/s, p99 ${plain.p99} ms, ${await wireBytes(`${base}/`, 'identity')} bytes`)
    }
  } finally {
    server.kill('SIGTERM')
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  process.stdout.write(`\n${connections} connections, ${seconds} s per measurement, Node ${process.version}, catalog of ${CATALOG_SIZE} procedures (${process.env['BENCH_DATABASE_URL'] ? 'PostgreSQL' : 'PGlite'})\n`)
  for (const r of rows) process.stdout.write(r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join('  ') + '\n')
  for (const note of notes) process.stdout.write('\n' + note + '\n')
}

main().catch((err: unknown) => { process.stderr.write(String((err as Error).stack ?? err) + '\n'); process.exit(1) })
