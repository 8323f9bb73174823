import { openDb, type Db } from '../src/platform/db/db.js'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { ROOT } from '../src/platform/paths.js'
import { createPgDatabase } from './db.js'
import { testEnv } from './env.js'
import { freePort } from './net.js'
import { TEST_SECRET } from './app.js'

export const NODE24 = path.join(ROOT, 'tools', 'node24', 'node_modules', 'node', 'bin', 'node')

export interface Run { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/** Environment for a child process: only what we pass, plus PATH (no TEST_* leakage into config). */
export function childEnv (env: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: os.homedir(), SESSION_SECRET: TEST_SECRET, ...(env['DEMO'] === 'true' ? {} : { PUBLIC_URL: 'http://localhost:3000' }), LOG_LEVEL: 'warn', ...env }
}

/**
 * Starts a process entry (`src/server.ts`, `src/worker.ts`, `src/cli.ts`): from the bundle the runner built
 * of the same sources, as production starts (`npm start`: node dist/server.js), else through tsx.
 */
export function start (entry: string, args: string[], env: Record<string, string>, node = process.execPath): ChildProcess & { output: () => Run, exited: Promise<Run> } {
  const bundled = /^src\/(server|worker|cli)\.ts$/.exec(entry)
  const command = testEnv.built && bundled ? [path.join(ROOT, 'dist', `${bundled[1]}.js`)] : ['--import', 'tsx', path.join(ROOT, entry)]
  const child = spawn(node, [...command, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString() })
  const output = () => ({ code: child.exitCode, signal: child.signalCode, stdout, stderr })
  const exited = new Promise<Run>(resolve => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return Object.assign(child, { output, exited })
}

/** Runs a command to its end, killing it after timeoutMs. */
export async function run (entry: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Run> {
  const child = start(entry, args, env)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const result = await child.exited
  clearTimeout(timer)
  return result
}

export async function waitFor<T> (what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/**
 * A database for child processes on the engine under test, as environment variables:
 * an empty PGlite data directory, or a new PostgreSQL database (`migrated` copies the template).
 */
export async function processDatabase (options: { migrated: boolean }): Promise<{ env: Record<string, string>, dataDir: string, url?: string, cleanup: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-proc-'))
  if (testEnv.engine !== 'postgres') {
    return { env: { DATA_DIR: dataDir }, dataDir, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) }
  }
  if (options.migrated) {
    const { url, drop } = await createPgDatabase()
    return { env: { DATA_DIR: dataDir, DATABASE_URL: url }, dataDir, url, cleanup: async () => { await drop(); fs.rmSync(dataDir, { recursive: true, force: true }) } }
  }
  const name = `proc_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: testEnv.pgAdminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(testEnv.pgAdminUrl!)
  url.pathname = `/${name}`
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: testEnv.pgAdminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Options of a test that runs two app processes on one database: PostgreSQL only, with time to start them. */
export const TWO_PROCESSES = {
  skip: testEnv.engine !== 'postgres' ? 'two processes share a database only on PostgreSQL (PGlite is embedded in one process); runs in the PostgreSQL pass of npm test' : false,
  timeout: 180_000
}

/** Two servers (`src/server.ts`) on the database, ready: their base URLs, and how to stop them. */
export async function startTwoServers (database: { env: Record<string, string> }, env: Record<string, string> = {}): Promise<{ bases: string[], stop: () => Promise<void> }> {
  const ports = [await freePort(), await freePort()]
  const servers = ports.map(port => start('src/server.ts', [], {
    ...database.env, PORT: String(port), HOST: '127.0.0.1', CAPTCHA: 'off', SECURE_COOKIES: 'false', WORKER_IN_PROCESS: 'false', DATABASE_POOL_SIZE: '8', ...env
  }))
  const stop = async () => { for (const s of servers) s.kill('SIGTERM'); await Promise.all(servers.map(s => s.exited)) }
  try {
    for (const port of ports) await waitFor(`server on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 60_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { bases: ports.map(p => `http://127.0.0.1:${p}`), stop }
}

/** A connection to the database a spawned process uses (its DATABASE_URL, else its PGlite directory). */
export async function openProcessDb (env: Record<string, string>): Promise<Db> {
  return env['DATABASE_URL'] ? openDb({ databaseUrl: env['DATABASE_URL'], poolSize: 1 }) : openDb({ dataDir: env['DATA_DIR']! })
}
