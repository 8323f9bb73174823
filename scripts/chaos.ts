/**
 * The fault battery (issue 22): `npm run chaos` drives citizens' uploads and submissions against real
 * server processes while the app is killed (SIGKILL) and PostgreSQL crash-restarted at random moments,
 * then checks from the database and the storage that nothing acknowledged was lost or doubled.
 *   npm run chaos                         both engines, CHAOS_KILLS app kills (default 100) and CHAOS_MAIL_OUTAGES
 *                                         (SMTP and SMS gateway down, default 20) and CHAOS_STOPS (SIGTERM, default 20)
 *                                         each, CHAOS_DB_CRASHES (default 20) and CHAOS_POOL (every connection taken
 *                                         while the app restarts, default 10) on PostgreSQL
 *   npm run chaos -- pglite | postgres    one engine
 * CHAOS_SUBMISSIONS (default 20 per fault: the clients work until the last fault), CHAOS_CLIENTS (default 4) and
 * CHAOS_THINK_MS (a citizen's pause between dossiers, default 400) size the load.
 */
import { reportTable, runBattery, type BatteryReport } from '../test/chaos.js'

const engines = (process.argv.slice(2).filter(a => a === 'pglite' || a === 'postgres') as Array<'pglite' | 'postgres'>)
const kills = Number(process.env['CHAOS_KILLS'] ?? 100)
const crashes = Number(process.env['CHAOS_DB_CRASHES'] ?? 20)
const outages = Number(process.env['CHAOS_MAIL_OUTAGES'] ?? 20)
const stops = Number(process.env['CHAOS_STOPS'] ?? 20)
const exhaustions = Number(process.env['CHAOS_POOL'] ?? 10)
const reports: BatteryReport[] = []
for (const engine of engines.length > 0 ? engines : ['pglite', 'postgres'] as const) {
  const faults = kills + stops + outages + (engine === 'postgres' ? crashes + exhaustions : 0)
  reports.push(await runBattery({
    engine,
    submissions: Number(process.env['CHAOS_SUBMISSIONS'] ?? faults * 20),
    clients: Number(process.env['CHAOS_CLIENTS'] ?? 4),
    thinkMs: Number(process.env['CHAOS_THINK_MS'] ?? 400),
    appKills: kills,
    appStops: stops,
    databaseCrashes: crashes,
    poolExhaustions: exhaustions,
    messagingOutages: outages,
    log: line => process.stderr.write(line + '\n')
  }))
}
process.stdout.write(reportTable(reports) + '\n')
for (const r of reports) for (const p of r.problems) process.stdout.write(`${r.engine}: ${p}\n`)
process.exitCode = reports.some(r => r.lost > 0 || r.duplicated > 0 || r.cutByStop > 0 || r.problems.length > 0) ? 1 : 0
