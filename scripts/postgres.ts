import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from '../test/net.js'

/** The newest Debian PostgreSQL server binaries, if installed. */
export function pgBinDir (): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!fs.existsSync(base)) return undefined
  const versions = fs.readdirSync(base).filter(v => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined
}

/**
 * A throwaway cluster under `work` (tests and benchmarks): trust auth on loopback only, tuned for
 * speed over durability. As root the cluster belongs to the postgres user (initdb refuses root).
 */
export async function startThrowawayPostgres (work: string, options: { durable?: boolean, kept?: boolean } = {}): Promise<{ adminUrl: string, socketUrl: (database: string) => string, stop: () => void, crashRestart: (downMs?: number) => Promise<void> }> {
  const bin = pgBinDir()
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql')
  const dir = path.join(work, 'pg')
  // `kept` (a generated benchmark database reused between runs): started again from its directory when
  // it exists, and stopped cleanly (a checkpoint) rather than as a crash.
  const exists = options.kept === true && fs.existsSync(path.join(dir, 'data', 'PG_VERSION'))
  if (!exists) fs.mkdirSync(dir, { recursive: options.kept === true })
  const isRoot = process.getuid?.() === 0
  const asUser = isRoot ? ['runuser', '-u', 'postgres', '--'] : []
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', work])
  fs.chmodSync(work, 0o755)
  const run = (cmd: string, cmdArgs: string[]) => {
    const [exe, ...rest] = [...asUser, path.join(bin, cmd), ...cmdArgs]
    const r = spawnSync(exe!, rest, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`)
  }
  if (!exists) run('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
  const port = await freePort()
  // `durable` (the fault battery): PostgreSQL's own crash safety on, as in production.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.durable ? '' : '-c fsync=off -c synchronous_commit=off -c full_page_writes=off '}-c max_connections=${options.durable ? 60 : 300} -c shared_buffers=128MB`
  run('pg_ctl', ['-D', path.join(dir, 'data'), '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start'])
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** The same server through its Unix socket (as an app on the database's own host would connect). */
    socketUrl: (database: string) => `postgres://postgres@localhost/${database}?host=${encodeURIComponent(dir)}&port=${port}`,
    stop: () => {
      try { run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', options.kept ? 'fast' : 'immediate', '-w', 'stop']) } catch (err) { process.stderr.write(`${String(err)}\n`) }
    },
    /** Stops the server as a crash would (immediate: no checkpoint, connections cut), leaves it down `downMs`, and starts it again (recovery from the WAL). */
    crashRestart: async (downMs = 0) => {
      run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop'])
      if (downMs > 0) await new Promise(resolve => setTimeout(resolve, downMs))
      run('pg_ctl', ['-D', path.join(dir, 'data'), '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start'])
    }
  }
}

/**
 * A benchmark cluster kept in `dir` between runs (a 10 M-dossier database takes half an hour to generate):
 * started from the directory when it is there, created with an empty database `name` when it is not.
 * `fresh` says which; stopping leaves the directory in place.
 */
export async function keptDatabase (dir: string, name: string): Promise<{ url: string, work: string, fresh: boolean, stop: () => void }> {
  const fresh = !fs.existsSync(path.join(dir, 'pg', 'data', 'PG_VERSION'))
  fs.mkdirSync(dir, { recursive: true })
  const cluster = await startThrowawayPostgres(dir, { kept: true })
  if (fresh) await createDatabase(cluster.adminUrl, name)
  return { url: databaseUrl(cluster.adminUrl, name), work: dir, fresh, stop: cluster.stop }
}

async function createDatabase (adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
}

const databaseUrl = (adminUrl: string, name: string) => { const url = new URL(adminUrl); url.pathname = `/${name}`; return url.toString() }

/** A throwaway cluster with an empty database `name` (benchmarks): its URL, and how to stop and remove it. */
export async function throwawayDatabase (prefix: string, name: string): Promise<{ url: string, socketUrl: string, work: string, stop: () => void }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const cluster = await startThrowawayPostgres(work)
  await createDatabase(cluster.adminUrl, name)
  return { url: databaseUrl(cluster.adminUrl, name), socketUrl: cluster.socketUrl(name), work, stop: () => { cluster.stop(); fs.rmSync(work, { recursive: true, force: true }) } }
}
