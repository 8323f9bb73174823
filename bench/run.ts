/**
 * `npm run bench`: each HTTP case is measured with autocannon right after the bare route serving a
 * page of the same size, in the same run, so the ratio holds on a noisy machine.
 *   BENCH_SECONDS=10 npm run bench      longer runs (default 5 s per measurement)
 *   npm run bench -- home               only cases whose name contains "home"
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import autocannon from 'autocannon'
import { ROOT } from '../src/platform/paths.js'
import { cases } from './cases.js'

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5)
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 10)
const filters = process.argv.slice(2)

interface Figures { rps: number, p50: number, p99: number, bytes: number, errors: number }

async function measure (url: string): Promise<Figures> {
  const r = await autocannon({ url, connections, duration: seconds })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bytes: r.throughput.average / Math.max(r.requests.average, 1), errors: r.errors + r.non2xx }
}

async function main () {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout! }).once('line', resolve)
    server.once('exit', code => reject(new Error(`bench server exited with ${code}`)))
  })
  const base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`
  const rows: string[][] = [['case', 'bytes', 'req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'bare p99', 'ratio']]
  try {
    for (const c of cases.filter(x => filters.length === 0 || filters.some(f => x.name.includes(f)))) {
      const size = (await (await fetch(base + c.path)).arrayBuffer()).byteLength
      const bare = await measure(`${base}/bench/bare?size=${size}`)
      const it = await measure(base + c.path)
      rows.push([c.name, String(size), it.rps.toFixed(0), String(it.p50), String(it.p99), bare.rps.toFixed(0), String(bare.p99), (it.rps / bare.rps).toFixed(2)])
      if (it.errors > 0 && !c.path.includes('khong-co')) process.stderr.write(`warning: ${c.name} had ${it.errors} errors or non-2xx answers\n`)
    }
  } finally {
    server.kill('SIGTERM')
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  process.stdout.write(`\n${connections} connections, ${seconds} s per measurement, Node ${process.version}\n`)
  for (const r of rows) process.stdout.write(r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join('  ') + '\n')
}

main().catch((err: unknown) => { process.stderr.write(String((err as Error).stack ?? err) + '\n'); process.exit(1) })
