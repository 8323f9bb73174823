/**
 * The whole test suite, on PGlite and again on PostgreSQL: `npm test`. The browser journeys and the route
 * fuzzing run once, on PostgreSQL, when both engines run (they test the pages and the HTTP layer; the SQL
 * beneath is tested on both); a test file that never reaches a database runs once, on PGlite.
 *
 *   npm test                     every suite on both engines
 *   npm test -- --engine=pglite  one engine only (pglite | postgres)
 *   npm test -- jobs app         only test files whose path contains one of these words
 *
 * It installs what is missing (Debian's chromium, postgresql and poppler-utils, when run as root), migrates a
 * template database once per engine, starts a throwaway PostgreSQL cluster on loopback and stops it.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDb } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { ROOT } from '../src/platform/paths.js'
import { pgBinDir, startThrowawayPostgres } from './postgres.js'
import { NODE_BUNDLE } from './bundle-options.mjs'

const args = process.argv.slice(2)
const engineArg = args.find(a => a.startsWith('--engine='))?.split('=')[1]
const filters = args.filter(a => !a.startsWith('--'))
const engines = engineArg ? [engineArg] : ['pglite', 'postgres']
const CHROMIUM = '/usr/bin/chromium'
const isRoot = process.getuid?.() === 0
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-tests-'))

function log (line: string) { process.stdout.write(`[test] ${line}\n`) }

function ensurePrerequisites () {
  const missing: string[] = []
  if (!fs.existsSync(CHROMIUM)) missing.push('chromium')
  if (engines.includes('postgres') && !pgBinDir()) missing.push('postgresql')
  // pdfsig checks signed results with a tool that is not ours (issue 23).
  if (!fs.existsSync('/usr/bin/pdfsig')) missing.push('poppler-utils')
  if (missing.length === 0) return
  if (!isRoot) {
    process.stderr.write(`Missing: ${missing.join(', ')}. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n`)
    process.exit(1)
  }
  log(`installing ${missing.join(', ')} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
}

/** Node 24 from npm, for the test that runs the server on it; kept in its own folder (see tools/node24). */
function ensureNode24 () {
  const dir = path.join(ROOT, 'tools', 'node24')
  if (fs.existsSync(path.join(dir, 'node_modules', 'node', 'bin', 'node'))) return
  log('installing Node 24 from npm into tools/node24')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' })
}

function testFiles (): string[] {
  const found: string[] = []
  for (const dir of ['src', 'test']) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (/\.test\.tsx?$/.test(entry)) found.push(path.join(dir, entry))
    }
  }
  return found.sort().filter(f => filters.length === 0 || filters.some(w => f.includes(w)))
}


async function startPostgres () {
  const pg = await startThrowawayPostgres(work)
  log(`PostgreSQL started on ${new URL(pg.adminUrl).host}`)
  return { adminUrl: pg.adminUrl, stop: () => { pg.stop(); log('PostgreSQL stopped') } }
}

async function pgliteTemplate (): Promise<string> {
  const started = Date.now()
  const db = await openDb({ memory: true })
  await migrate(db)
  const file = path.join(work, 'pglite-template.tar')
  fs.writeFileSync(file, Buffer.from(await (await db.dump!()).arrayBuffer()))
  await db.close()
  log(`PGlite template migrated and dumped in ${Date.now() - started} ms`)
  return file
}

async function pgTemplate (adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query('create database mc_template')
  await client.end()
  const url = new URL(adminUrl)
  url.pathname = '/mc_template'
  const db = await openDb({ databaseUrl: url.toString(), poolSize: 1 })
  await migrate(db)
  await db.close()
}

/**
 * The test files bundled with esbuild (as the server is), so that each file's process loads one compiled
 * graph instead of compiling hundreds of modules through tsx: about 1.5 s less per file. Dependencies stay
 * in node_modules; source maps point failures at the TypeScript lines. TEST_BUNDLE=0 runs them through tsx.
 */
const BUNDLE = process.env['TEST_BUNDLE'] !== '0'
const BUNDLE_DIR = path.join(ROOT, 'dist', 'tests')
const bundled = (file: string) => path.join(BUNDLE_DIR, file.replace(/\.tsx?$/, '.mjs'))

/**
 * Bundles the test files; returns those that never reach a database: neither the engine choice
 * (test/env.ts) nor the database layer (src/platform/db/db.ts) is in their import graph, so running
 * them on the second engine would repeat the same test.
 */
async function bundleTests (files: string[]): Promise<Set<string>> {
  const started = Date.now()
  fs.rmSync(BUNDLE_DIR, { recursive: true, force: true })
  const { build } = await import('esbuild')
  const result = await build({ ...NODE_BUNDLE, entryPoints: files, outdir: BUNDLE_DIR, outbase: ROOT, outExtension: { '.js': '.mjs' }, metafile: true })
  const graph = result.metafile.inputs
  const engineBound = new Map<string, boolean>()
  const reaches = (input: string, seen = new Set<string>()): boolean => {
    const known = engineBound.get(input)
    if (known !== undefined) return known
    if (seen.has(input)) return false
    seen.add(input)
    const bound = input === 'test/env.ts' || input === 'src/platform/db/db.ts' || (graph[input]?.imports ?? []).some(i => !i.external && reaches(i.path, seen))
    if (bound) engineBound.set(input, true)
    return bound
  }
  const independent = new Set(files.map(f => path.relative(ROOT, f)).filter(f => !reaches(f)))
  log(`bundled ${files.length} test files in ${Date.now() - started} ms (${independent.size} never reach a database)`)
  return independent
}

/** Test files run at once (TEST_CONCURRENCY): most wait on servers, browsers and child processes. */
const CONCURRENCY = Number(process.env['TEST_CONCURRENCY'] ?? 2)

interface RunResult { engine: string, pass: number, fail: number, code: number, failures: string, slowest: string }

async function runSuite (engine: string, env: Record<string, string>, files: string[]): Promise<RunResult> {
  log(`running ${files.length} test files on ${engine}`)
  const timing = path.join(work, `timing-${engine}.tsv`)
  const child = spawn(process.execPath, [...(BUNDLE ? ['--enable-source-maps'] : ['--import', 'tsx']), '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(ROOT, 'scripts', 'timing-reporter.mjs')}`, `--test-reporter-destination=${timing}`,
    `--test-concurrency=${CONCURRENCY}`, '--test-timeout=300000', ...(BUNDLE ? files.map(bundled) : files)], {
    cwd: ROOT,
    env: { ...process.env, ...env, TEST_ENGINE: engine, TEST_BUILT: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); process.stdout.write(chunk) })
  const code: number = await new Promise(resolve => child.on('close', c => resolve(c ?? 1)))
  const count = (word: string) => Number(new RegExp(`^ℹ ${word} (\\d+)`, 'm').exec(out)?.[1] ?? 0)
  // The spec reporter lists the failing tests with their errors after its summary; keep that part so the
  // end of the whole run names them (CI shows only the tail of the output).
  const at = out.indexOf('✖ failing tests:')
  const failures = at < 0 ? '' : out.slice(at)
  return { engine, pass: count('pass'), fail: count('fail') + count('cancelled'), code, failures, slowest: slowestFiles(timing) }
}

/** The files the run's time went to (the sum of their tests' durations), slowest first. */
function slowestFiles (timing: string, n = Number(process.env['TEST_SLOWEST'] ?? 15)): string {
  if (!fs.existsSync(timing)) return ''
  const byFile = new Map<string, number>()
  for (const line of fs.readFileSync(timing, 'utf8').split('\n')) {
    const [file, ms] = line.split('\t')
    if (file && ms) byFile.set(file, (byFile.get(file) ?? 0) + Number(ms))
  }
  const total = [...byFile.values()].reduce((a, b) => a + b, 0)
  return [...byFile].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([file, ms]) => `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${path.relative(ROOT, file)}`).join('\n') + `\n  ${(total / 1000).toFixed(1).padStart(7)} s  in all ${byFile.size} files (tests' own time, run ${CONCURRENCY} at once)`
}

async function main () {
  ensurePrerequisites()
  ensureNode24()
  log(`Node ${process.version}`)
  const files = testFiles()
  if (files.length === 0) throw new Error(`no test files match ${filters.join(' ')}`)
  // The processes the tests start (server, worker, CLI) run from the bundle, as in production; built once
  // here so that no test rebuilds it under another's processes.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' })
  const independent = BUNDLE ? await bundleTests(files.map(f => path.join(ROOT, f))) : new Set<string>()
  const results: RunResult[] = []
  // Browser journeys drive the same services and SQL the other suites test on both engines: when both
  // run, they run once, on PostgreSQL (what a province runs); asked for one engine, they run on it.
  // The fuzzing of every route tests how the HTTP layer takes hostile input, the same way on either engine:
  // it too runs once, on PostgreSQL. A file that never reaches a database runs once, on PGlite.
  const browser = (f: string) => f.includes('.browser.test.') || f === path.join('test', 'fuzz.test.ts')
  const pgliteFiles = engines.length > 1 ? files.filter(f => !browser(f)) : files
  const postgresFiles = engines.length > 1 && engines[0] === 'pglite' ? files.filter(f => !independent.has(f)) : files
  for (const engine of engines) {
    if (engine === 'pglite') {
      if (pgliteFiles.length > 0) results.push(await runSuite('pglite', { TEST_PGLITE_TEMPLATE: await pgliteTemplate() }, pgliteFiles))
    } else if (engine === 'postgres') {
      const cluster = await startPostgres()
      try {
        await pgTemplate(cluster.adminUrl)
        results.push(await runSuite('postgres', { TEST_PG_ADMIN_URL: cluster.adminUrl, TEST_PG_TEMPLATE_DB: 'mc_template' }, postgresFiles))
      } finally {
        cluster.stop()
      }
    } else {
      throw new Error(`unknown engine ${engine}`)
    }
  }
  const pass = results.reduce((n, r) => n + r.pass, 0)
  const fail = results.reduce((n, r) => n + r.fail, 0)
  const failed = results.some(r => r.code !== 0) || fail > 0 || pass === 0
  for (const r of results) if (r.slowest) process.stdout.write(`\n[test] where the time went on ${r.engine}:\n${r.slowest}\n`)
  for (const r of results) {
    if (r.failures !== '') {
      const names = r.failures.split('\n').filter(l => l.startsWith('✖ ') && !l.startsWith('✖ failing tests'))
      process.stdout.write(`\n[test] failures on ${r.engine}:\n${r.failures.trimEnd()}\n`)
      process.stdout.write(`\n[test] failed on ${r.engine}:\n${names.map(n => `  ${n}`).join('\n')}\n`)
    } else if (r.code !== 0) {
      process.stdout.write(`\n[test] the ${r.engine} run exited with ${r.code}\n`)
    }
  }
  process.stdout.write(`\n${results.map(r => `${r.engine}: ${r.pass} passed, ${r.fail} failed`).join('; ')}\n`)
  process.stdout.write(`${pass} passed, ${fail} failed\n`)
  fs.rmSync(work, { recursive: true, force: true })
  process.exit(failed ? 1 : 0)
}

main().catch((err: unknown) => {
  process.stderr.write(`[test] ${(err as Error).stack ?? String(err)}\n`)
  fs.rmSync(work, { recursive: true, force: true })
  process.exit(1)
})
