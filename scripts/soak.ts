/**
 * Sustained load (issue 22): `npm run soak` runs the battery's citizens and officials for SOAK_MINUTES
 * (default 30) on a throwaway PostgreSQL, against SOAK_PROCESSES app processes (default 2) behind HAProxy
 * (Debian's `haproxy`, started here) with a worker process of their own, and no faults (set CHAOS_KILLS
 * etc. as for `npm run chaos` to add some). It prints each route's answer times beside the bare route's
 * (GET /healthz through the balancer, sampled in the same run), each process's memory over the run, the
 * job queue's largest lag, and the errors; then the battery's invariants. Exit 1 on any error or problem,
 * or on a process whose memory in the last minute is more than a quarter above its settled figure.
 */
import { runBattery } from '../test/chaos.js'
import { reportTable } from '../test/chaos-report.js'

const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const minutes = count('SOAK_MINUTES', 30)
const thinkMs = count('CHAOS_THINK_MS', 1500)
const clients = count('CHAOS_CLIENTS', 4)
const r = await runBattery({
  engine: 'postgres',
  appProcesses: count('SOAK_PROCESSES', 2),
  durationMs: minutes * 60_000,
  // About one dossier per citizen every thinkMs, and some to spare.
  submissions: count('CHAOS_SUBMISSIONS', Math.ceil(minutes * 60_000 / thinkMs * clients * 1.3)),
  clients,
  thinkMs,
  officeEvery: count('CHAOS_OFFICE_EVERY', 8),
  appKills: count('CHAOS_KILLS', 0),
  appStops: count('CHAOS_STOPS', 0),
  databaseCrashes: count('CHAOS_DB_CRASHES', 0),
  poolExhaustions: count('CHAOS_POOL', 0),
  messagingOutages: count('CHAOS_MAIL_OUTAGES', 0),
  gatewayOutages: count('CHAOS_GATEWAY_OUTAGES', 0),
  scannerOutages: count('CHAOS_SCANNER_OUTAGES', 0),
  storageOutages: 0,
  diskFull: 0,
  log: line => process.stderr.write(line + '\n')
})
const bare = r.routes.find(x => x.route === 'GET /healthz (bare route)')
const lines = [
  `${minutes} min on PostgreSQL, ${count('SOAK_PROCESSES', 2)} app processes behind HAProxy and a worker process: ${r.requests} requests, ${r.serverErrors} answered 5xx or not at all, queue lag at most ${r.queueLagMaxSeconds.toFixed(1)} s`,
  '',
  'route                                              answers   p50 ms   p99 ms   p99 / bare p99',
  ...r.routes.map(x => `${x.route.padEnd(50)} ${String(x.count).padStart(7)} ${x.p50.toFixed(1).padStart(8)} ${x.p99.toFixed(1).padStart(8)} ${bare ? (x.p99 / bare.p99).toFixed(1).padStart(10) : ''}`),
  '',
  'process      first minute MB   settled MB   last minute MB   most MB',
  ...r.memory.map(m => `${m.process.padEnd(12)} ${m.firstMinuteMb.toFixed(0).padStart(15)} ${m.settledMb.toFixed(0).padStart(12)} ${m.lastMinuteMb.toFixed(0).padStart(16)} ${m.maxMb.toFixed(0).padStart(9)}`),
  '',
  reportTable([r]),
  ...r.problems
]
process.stdout.write(lines.join('\n') + '\n')
// Memory flat: the last minute within a quarter of the settled figure.
const grown = r.memory.filter(m => m.lastMinuteMb > m.settledMb * 1.25)
for (const m of grown) process.stdout.write(`${m.process}: memory grew from ${m.settledMb.toFixed(0)} MB settled to ${m.lastMinuteMb.toFixed(0)} MB in the last minute\n`)
const faults = Object.values(r.faults).reduce((a, b) => a + b, 0)
process.exitCode = r.problems.length > 0 || r.lost > 0 || r.duplicated > 0 || grown.length > 0 || (faults === 0 && r.serverErrors > 0) ? 1 : 0
