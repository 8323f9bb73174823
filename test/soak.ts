/**
 * The parts of the battery's sustained-load run (`npm run soak`): a real load balancer (HAProxy, from
 * Debian) in front of several app processes, and what is measured while the load runs: each route's
 * answer times beside the bare route's, each process's memory, and the job queue's lag.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** HAProxy listening on `port`, round robin over the app processes, each checked on /readyz every second. */
export async function startBalancer (work: string, port: number, backends: number[]): Promise<ChildProcess> {
  let haproxy: string
  try { haproxy = execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() } catch { haproxy = '' }
  if (!haproxy) throw new Error('HAProxy is needed for the run with several processes: apt-get install haproxy')
  const config = path.join(work, 'haproxy.cfg')
  fs.writeFileSync(config, [
    'global', '  maxconn 2000',
    'defaults', '  mode http', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s', '  option http-server-close', '  retries 0',
    'frontend portal', `  bind 127.0.0.1:${port}`, '  default_backend apps',
    'backend apps', '  balance roundrobin', '  option httpchk GET /readyz', '  http-check expect status 200',
    ...backends.map((p, i) => `  server app${i + 1} 127.0.0.1:${p} check inter 1s fall 2 rise 1`)
  ].join('\n') + '\n')
  const child = spawn(haproxy, ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-2000) })
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`HAProxy exited: ${stderr}`)
    try { await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) }); return child } catch { await sleep(100) }
  }
  throw new Error(`HAProxy did not answer: ${stderr}`)
}

/** Answer times by route (the route's pattern, not the address asked), in milliseconds. */
export class Timings {
  readonly byRoute = new Map<string, number[]>()
  add (method: string, url: string, ms: number) {
    const route = `${method} ${url.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id').replace(/\/ho-so\/[^/]+/, '/ho-so/:code').replace(/\/MC\d+/, '/:ref')}`
    const list = this.byRoute.get(route) ?? []
    list.push(ms)
    this.byRoute.set(route, list)
  }

  summary (): Array<{ route: string, count: number, p50: number, p99: number }> {
    const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
    return [...this.byRoute].map(([route, list]) => {
      const sorted = [...list].sort((a, b) => a - b)
      return { route, count: list.length, p50: at(sorted, 0.5), p99: at(sorted, 0.99) }
    }).sort((a, b) => b.count - a.count)
  }
}

/** Resident memory of a process, in megabytes (Linux /proc), or undefined when it is gone. */
export function residentMb (pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) / 1024 : undefined
  } catch { return undefined }
}

/**
 * Each process's memory over the run: the first and the last minute's median, the most, and the median
 * once settled (minutes 5 to 10 of a run of 15 minutes or more: caches filled, code compiled; else the
 * first minute), which the last minute's is compared with.
 */
export function memoryTrend (samples: Array<{ at: number, mb: Record<string, number> }>) {
  if (samples.length === 0) return []
  const start = samples[0]!.at
  const end = samples[samples.length - 1]!.at
  const median = (xs: number[]) => xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const names = [...new Set(samples.flatMap(s => Object.keys(s.mb)))]
  return names.map(name => {
    const of = (from: number, to: number) => samples.filter(s => s.at >= from && s.at <= to && s.mb[name] !== undefined).map(s => s.mb[name]!)
    const settled = end - start >= 15 * 60_000 ? of(start + 5 * 60_000, start + 10 * 60_000) : of(start, start + 60_000)
    return { process: name, firstMinuteMb: median(of(start, start + 60_000)), settledMb: median(settled), lastMinuteMb: median(of(end - 60_000, end)), maxMb: Math.max(...of(start, end)) }
  })
}

/** The largest `mot_cua_jobs_oldest_due_seconds` in a /metrics answer: how far the workers are behind. */
export function queueLagSeconds (metrics: string): number {
  let most = 0
  for (const m of metrics.matchAll(/^mot_cua_jobs_oldest_due_seconds\{[^}]*\} ([\d.e+-]+)$/gm)) most = Math.max(most, Number(m[1]))
  return most
}
