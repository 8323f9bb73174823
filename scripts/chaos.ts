/**
 * The fault battery (issue 22): `npm run chaos` drives citizens' uploads and submissions, and officials
 * taking every n-th dossier through the process with the fees paid at a VNPay gateway, against real
 * server processes while faults hit at random moments, then checks from the database and the storage
 * that nothing acknowledged was lost or doubled and that the money reconciles.
 *   npm run chaos                         both engines; the counts of each fault (defaults):
 *     CHAOS_KILLS (100) app SIGKILL        CHAOS_STOPS (20) app SIGTERM with requests in flight
 *     CHAOS_MAIL_OUTAGES (20) SMTP + SMS   CHAOS_GATEWAY_OUTAGES (20) payment gateway down or slow
 *     CHAOS_SCANNER_OUTAGES (10) clamd     CHAOS_STORAGE_OUTAGES (10) S3 down (PostgreSQL run: files in S3)
 *     CHAOS_DISK_FULL (10) files' disk full (PGlite run: files on a tmpfs; needs root)
 *     CHAOS_DB_CRASHES (20) and CHAOS_POOL (10, every connection taken while the app restarts) on PostgreSQL
 *   npm run chaos -- pglite | postgres    one engine
 * CHAOS_SUBMISSIONS (default 20 per fault: the clients work until the last fault), CHAOS_CLIENTS (default 4),
 * CHAOS_THINK_MS (a citizen's pause between dossiers, default 400) and CHAOS_OFFICE_EVERY (every n-th
 * submission through the whole process, default 8) size the load.
 */
import { reportTable, runBattery, type BatteryReport } from '../test/chaos.js'

const engines = (process.argv.slice(2).filter(a => a === 'pglite' || a === 'postgres') as Array<'pglite' | 'postgres'>)
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const kills = count('CHAOS_KILLS', 100)
const stops = count('CHAOS_STOPS', 20)
const outages = count('CHAOS_MAIL_OUTAGES', 20)
const gateway = count('CHAOS_GATEWAY_OUTAGES', 20)
const scanner = count('CHAOS_SCANNER_OUTAGES', 10)
const storage = count('CHAOS_STORAGE_OUTAGES', 10)
const disk = count('CHAOS_DISK_FULL', 10)
const crashes = count('CHAOS_DB_CRASHES', 20)
const exhaustions = count('CHAOS_POOL', 10)
const reports: BatteryReport[] = []
for (const engine of engines.length > 0 ? engines : ['pglite', 'postgres'] as const) {
  const postgres = engine === 'postgres'
  const faults = kills + stops + outages + gateway + scanner + (postgres ? crashes + exhaustions + storage : disk)
  reports.push(await runBattery({
    engine,
    submissions: count('CHAOS_SUBMISSIONS', faults * 20),
    clients: count('CHAOS_CLIENTS', 4),
    thinkMs: count('CHAOS_THINK_MS', 400),
    officeEvery: count('CHAOS_OFFICE_EVERY', 8),
    appKills: kills,
    appStops: stops,
    databaseCrashes: crashes,
    poolExhaustions: exhaustions,
    messagingOutages: outages,
    gatewayOutages: gateway,
    scannerOutages: scanner,
    storage: postgres ? 's3' : 'local',
    storageOutages: storage,
    diskFull: disk,
    log: line => process.stderr.write(line + '\n')
  }))
}
process.stdout.write(reportTable(reports) + '\n')
for (const r of reports) for (const n of r.notInjected) process.stdout.write(`${r.engine}: not injected: ${n}\n`)
for (const r of reports) for (const p of r.problems) process.stdout.write(`${r.engine}: ${p}\n`)
process.exitCode = reports.some(r => r.lost > 0 || r.duplicated > 0 || r.cutByStop > 0 || r.problems.length > 0) ? 1 : 0
