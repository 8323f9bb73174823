/**
 * The fault battery (issue 22): real server processes under a load of citizens uploading files and
 * submitting dossiers, while the app process is killed with SIGKILL at random moments and restarted
 * (with PGlite that is a hard kill of the embedded database too), and PostgreSQL is crashed and
 * restarted; the clients retry as a browser would (the same form posted again). Afterwards the
 * invariants are checked from the database and the file storage, not from what the clients believe.
 * Used by `npm run chaos` (scripts/chaos.ts, many faults) and by test/chaos.test.ts (the CI subset).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { loadConfig } from '../src/config.js'
import { openDb, type Db } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { ROOT } from '../src/platform/paths.js'
import { buildServices } from '../src/services.js'
import { startThrowawayPostgres } from '../scripts/postgres.js'
import { loadCatalog } from './catalog.js'
import { newCitizen } from './citizens.js'
import { serviceDraft } from './dossiers.js'
import { multipart, samplePdf } from './files.js'
import { freePort } from './net.js'
import { checkInvariants, sha256 } from './chaos-invariants.js'

export const CHAOS_PROCEDURE = '1.004325.000.00.00.H34'

export interface BatteryOptions {
  engine: 'pglite' | 'postgres'
  /** Dossiers to submit (each: an upload, then "Nộp hồ sơ"). */
  submissions: number
  /** Citizens working at once. */
  clients: number
  /** A citizen's pause between two dossiers, on average (default 150 ms). */
  thinkMs?: number
  /** SIGKILLs of the app process. */
  appKills: number
  /** SIGTERMs of the app process (a graceful stop, then a start). */
  appStops: number
  /** Crash restarts of PostgreSQL (postgres only). */
  databaseCrashes: number
  /** Times every PostgreSQL connection is taken while the app restarts (postgres only). */
  poolExhaustions: number
  /** Times the mail server and the SMS gateway go away for a few seconds. */
  messagingOutages: number
  log?: (line: string) => void
}

export interface BatteryReport {
  engine: BatteryOptions['engine']
  faults: Record<string, number>
  requests: number
  retried: number
  acknowledged: number
  lost: number
  duplicated: number
  /** Uploads stored twice because the answer to the first was lost and the browser sent it again. */
  uploadsRepeated: number
  /** Messages queued, and how many reached the mail server or SMS gateway more than once (the same Message-ID / Idempotency-Key). */
  messages: number
  messagesRepeated: number
  /** Requests the server had received when told to stop (SIGTERM), and how many of them it did not answer. */
  inFlightAtStop: number
  cutByStop: number
  /** Times the app process exited on its own and the supervisor started it again. */
  supervisorRestarts: number
  /** The longest time from a fault to the app answering /readyz again. */
  recoveredWithinSeconds: number
  /** Everything an invariant found wrong, in words. */
  problems: string[]
}

const SECRET = 'chaos-session-secret-0123456789abcdef'
const METRICS_TOKEN = 'chaos-metrics-token-0123456789'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function runBattery (options: BatteryOptions): Promise<BatteryReport> {
  const log = options.log ?? (() => undefined)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-chaos-'))
  const dataDir = path.join(work, 'data')
  fs.mkdirSync(dataDir)
  let cluster: Awaited<ReturnType<typeof startThrowawayPostgres>> | undefined
  let server: ChildProcess | undefined
  try {
    let databaseUrl: string | undefined
    if (options.engine === 'postgres') {
      cluster = await startThrowawayPostgres(work, { durable: true })
      const admin = new pg.Client({ connectionString: cluster.adminUrl })
      await admin.connect()
      await admin.query('create database chaos')
      await admin.end()
      databaseUrl = cluster.adminUrl.replace(/\/postgres$/, '/chaos')
    }
    const mail = await messagingStandIns()
    const env: Record<string, string> = {
      SMTP_URL: mail.smtpUrl, SMS_WEBHOOK_URL: mail.smsUrl, MAIL_FROM: 'Cổng DVC <no-reply@chaos.test>', METRICS_TOKEN: METRICS_TOKEN,
      SESSION_SECRET: SECRET, DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', CAPTCHA: 'off', SECURE_COOKIES: 'false',
      LOG_LEVEL: 'warn', MAX_FILE_MB: '2', SHUTDOWN_DRAIN_MS: '1000', ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '10' } : {})
    }
    const openData = () => databaseUrl ? openDb({ databaseUrl, poolSize: 4 }) : openDb({ dataDir })

    // The citizens, their sessions and their drafts (ready but for one component), made before the server starts.
    log(`${options.engine}: preparing ${options.submissions} drafts for ${options.clients} citizens`)
    const prepared = await withServices(openData, env, async (services) => {
      await loadCatalog(services)
      const people = []
      for (let i = 0; i < options.clients; i++) people.push(await newCitizen({ services }))
      const first = (await services.dossiers.draft(people[0]!.id, await services.dossiers.startDraft(people[0]!.id, CHAOS_PROCEDURE))).slots.find(s => s.required)!.key
      const drafts: Array<{ id: string, person: number }> = []
      for (let i = 0; i < options.submissions; i++) {
        const person = i % people.length
        drafts.push({ id: await serviceDraft(services, people[person]!.id, CHAOS_PROCEDURE, { leaveEmpty: first }), person })
      }
      return { cookies: people.map(p => p.cookie), component: first, drafts }
    })

    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' })
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    // As systemd would (Restart=always, RestartSec=1): a process that exits on its own is started again.
    let supervised = true
    let supervisorRestarts = 0
    const startServer = () => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js')], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] })
      server = child
      let stderr = ''
      child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000) })
      child.once('exit', (code, signal) => {
        if (code !== null && code !== 0) log(`server exited ${code} ${signal ?? ''}: ${stderr.slice(-600)}`)
        if (supervised && !stopping.has(child)) {
          supervisorRestarts++
          setTimeout(() => { if (supervised && server === child) startServer() }, 1000)
        }
      })
    }
    /** The processes the battery itself kills or stops (not restarted by the supervisor). */
    const stopping = new Set<ChildProcess>()
    const end = async (signal: NodeJS.Signals) => {
      const child = server!
      stopping.add(child)
      const dead = new Promise(resolve => child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve))
      child.kill(signal)
      await dead
    }
    const ready = async (timeoutMs = 60_000) => {
      const started = Date.now()
      let last = ''
      for (;;) {
        try {
          const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) })
          if (res.status === 200) return (Date.now() - started) / 1000
          last = `${res.status} ${await res.text()}`
        } catch (err) { last = String((err as Error).cause ?? err) }
        if (Date.now() - started > timeoutMs) throw new Error(`the server did not become ready within ${timeoutMs / 1000} s (server ${server?.exitCode ?? 'running'}; /readyz: ${last.slice(0, 300)})`)
        await sleep(100)
      }
    }
    startServer()
    await ready()

    // Each citizen's CSRF cookie and token, as the browser holds them (signed with the session secret: they survive restarts).
    const auth = await Promise.all(prepared.cookies.map(async (cookie) => {
      const res = await fetch(`${base}/ca-nhan/ho-so`, { headers: { cookie } })
      const csrf = /mc_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
      return { cookie: `${cookie}; mc_csrf=${csrf}`, token: /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]! }
    }))

    let requests = 0
    let retried = 0
    const problems: string[] = []
    /** A request as a browser sends it, sent again while the answer is lost or the server fails (5xx); gives up after two minutes. */
    // Requests waiting for their answer, with when they were sent: a graceful stop must answer those it has.
    const inflight = new Set<{ sentAt: number, answered: Promise<boolean> }>()
    const send = async (url: string, init: RequestInit): Promise<Response> => {
      const started = Date.now()
      for (let attempt = 0; ; attempt++) {
        requests++
        if (attempt > 0) retried++
        const answer = fetch(base + url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) }).then(res => ({ res }), (err: unknown) => ({ err }))
        const entry = { sentAt: Date.now(), answered: answer.then(r => 'res' in r) }
        inflight.add(entry)
        const r = await answer
        inflight.delete(entry)
        if ('res' in r) {
          if (r.res.status < 500) return r.res
          await r.res.arrayBuffer()
        } // else: connection refused or cut (the server is down)
        if (Date.now() - started > 120_000) throw new Error(`${url}: no answer for two minutes`)
        await sleep(150 + Math.random() * 200)
      }
    }
    let inFlightAtStop = 0
    let cutByStop = 0
    const acknowledged: Array<{ id: string, code: string, hash: string }> = []
    let next = 0
    let injecting = true
    let runningLow = false
    const client = async () => {
      // Until the faults are done (and at least the first draft each), with a person's pause between pages.
      // The last few drafts are kept for the last faults: near the end the citizens slow down rather than stop.
      for (;;) {
        await sleep((options.thinkMs ?? 150) * (0.5 + Math.random()))
        if (!injecting && next >= options.clients) break
        if (injecting && prepared.drafts.length - next <= options.clients * 2 && next >= options.clients) { runningLow = true; await sleep(1000); if (prepared.drafts.length - next <= options.clients) continue }
        const d = prepared.drafts[next++]
        if (!d) break
        const a = auth[d.person]!
        const pdf = samplePdf(`chaos ${d.id}`, 20_000)
        const body = multipart([{ name: 'giay-to.pdf', data: pdf, type: 'application/pdf', field: `tp-${prepared.component}` }], { action: 'upload' })
        const up = await send(`/nop-ho-so/${d.id}/thanh-phan`, { method: 'POST', headers: { cookie: a.cookie, 'x-csrf-token': a.token, ...body.headers }, body: body.payload })
        await up.arrayBuffer()
        if (up.status !== 303) { problems.push(`upload to ${d.id} answered ${up.status}`); continue }
        const sub = await send(`/nop-ho-so/${d.id}/nop`, { method: 'POST', headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: a.token, declaration: 'yes' }).toString() })
        await sub.arrayBuffer()
        const code = /\/ca-nhan\/ho-so\/([^?/]+)/.exec(sub.headers.get('location') ?? '')?.[1]
        if (sub.status !== 303 || !code) { problems.push(`submission of ${d.id} answered ${sub.status}`); continue }
        acknowledged.push({ id: d.id, code: decodeURIComponent(code), hash: sha256(pdf) })
      }
    }

    // The faults, at random moments while the clients work; each waits for the app to answer again.
    const faults: Record<string, number> = { 'app SIGKILL': 0, ...(options.appStops > 0 ? { 'app SIGTERM': 0 } : {}), ...(options.engine === 'postgres' ? { 'PostgreSQL crash restart': 0, 'connections exhausted': 0 } : {}), ...(options.messagingOutages > 0 ? { 'SMTP and SMS down': 0 } : {}) }
    let recovered = 0
    const plan = [...Array<string>(options.appKills).fill('app'), ...Array<string>(options.appStops).fill('stop'), ...Array<string>(options.engine === 'postgres' ? options.databaseCrashes : 0).fill('db'), ...Array<string>(options.engine === 'postgres' ? options.poolExhaustions : 0).fill('pool'), ...Array<string>(options.messagingOutages).fill('mail')].sort(() => Math.random() - 0.5)
    const injector = async () => {
      for (const kind of plan) {
        await sleep(300 + Math.random() * 1200)
        if (kind === 'stop') {
          // SIGTERM while requests are in the server's hands (sent 10 ms or more before): each must be
          // answered before it exits.
          // Besides the citizens' requests, eight searches nobody made before (each a few tens of milliseconds of work).
          const searches = Array.from({ length: 8 }, (_, i) => fetch(`${base}/thu-tuc?q=${encodeURIComponent(`giấy phép ${Math.random().toString(36).slice(2, 6)} ${i}`)}`)
            .then(async res => { await res.arrayBuffer(); if (res.status !== 200) log(`search at SIGTERM: ${res.status}`); return res.status === 200 }, (err: unknown) => { log(`search at SIGTERM: ${String((err as Error).cause ?? err)}`); return false }))
          await sleep(15)
          const received = [...inflight].filter(e => e.sentAt <= Date.now() - 10)
          await end('SIGTERM')
          const answered = [...await Promise.all(received.map(e => e.answered)), ...await Promise.all(searches)]
          inFlightAtStop += answered.length
          cutByStop += answered.filter(a => !a).length
          faults['app SIGTERM']!++
          startServer()
        } else if (kind === 'app') {
          await end('SIGKILL')
          faults['app SIGKILL']!++
          startServer()
        } else if (kind === 'pool') {
          // Every connection PostgreSQL allows taken by others, and the app process restarting meanwhile:
          // it cannot open its pool (nor migrate) until they are released, three seconds later.
          await end('SIGKILL')
          await sleep(300) // its backends end
          const hogs: pg.Client[] = []
          for (;;) {
            const c = new pg.Client({ connectionString: cluster!.adminUrl })
            try { await c.connect(); hogs.push(c) } catch { break }
          }
          startServer()
          await sleep(3000)
          log(`pool fault: ${hogs.length} connections held; the restarted app ${server!.exitCode === null ? 'waiting' : `exited ${server!.exitCode}`}; ${supervisorRestarts} restarts by the supervisor so far`)
          await Promise.all(hogs.map(c => c.end()))
          faults['connections exhausted']!++
        } else if (kind === 'db') {
          cluster!.crashRestart()
          faults['PostgreSQL crash restart']!++
        } else {
          // The mail server and the SMS gateway away for a few seconds: the sends fail and are retried later.
          await mail.down(2000 + Math.random() * 2000)
          faults['SMTP and SMS down']!++
          continue
        }
        const took = await ready()
        log(`${kind} fault: ready again after ${took.toFixed(1)} s`)
        recovered = Math.max(recovered, took)
      }
    }
    await Promise.all([Promise.all(Array.from({ length: options.clients }, client)), injector().finally(() => { injecting = false })])
    if (runningLow) log(`${options.engine}: the drafts ran low before the last fault; the citizens slowed down (prepare more for a steadier load)`)
    log(`${options.engine}: ${acknowledged.length} submissions acknowledged, ${Object.values(faults).reduce((a, b) => a + b, 0)} faults, ${requests} requests (${retried} sent again)`)

    // Every message sent before the stop: the queue read from /metrics (a killed process's sends wait for their lease).
    const drained = await waitForMessages(base)
    if (!drained) problems.push('messages still queued three minutes after the load')
    // A clean stop, then the invariants, read from the database and the storage.
    supervised = false
    await end('SIGTERM')
    server = undefined
    const found = await withServices(openData, env, services => checkInvariants(services.db, dataDir, acknowledged, prepared.component))
    problems.push(...found.problems)
    const sent = await withServices(openData, env, services => services.db.kysely.selectFrom('messages').select(['id', 'channel', 'state', 'createdAt']).execute())
    let messagesRepeated = 0
    for (const m of sent) {
      const key = `<mc-${m.id}-${m.createdAt.getTime()}@chaos.test>`
      const copies = mail.received.get(key) ?? 0
      if (m.state !== 'sent' || copies === 0) { found.lost++; problems.push(`message ${m.id} (${m.channel}) ${m.state}, received ${copies} times`) }
      if (copies > 1) messagesRepeated++
    }
    await mail.close()
    return {
      engine: options.engine, faults, requests, retried, acknowledged: acknowledged.length, lost: found.lost, duplicated: found.duplicated,
      uploadsRepeated: found.uploadsRepeated, messages: sent.length, messagesRepeated, inFlightAtStop, cutByStop, supervisorRestarts, recoveredWithinSeconds: recovered, problems
    }
  } finally {
    if (server && server.exitCode === null) server.kill('SIGKILL')
    cluster?.stop()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

async function withServices<T> (open: () => Promise<Db>, env: Record<string, string>, fn: (services: Awaited<ReturnType<typeof buildServices>>) => Promise<T>): Promise<T> {
  const db = await open()
  await migrate(db)
  const services = await buildServices(loadConfig({ ...env, WORKER_IN_PROCESS: 'false' }), { db, log: pino({ level: 'silent' }) })
  try { return await fn(services) } finally { await services.close(); await db.close() }
}

/**
 * A mail server and an SMS gateway at the process edge that count what they receive by its Message-ID
 * or Idempotency-Key, and can go away for a while (they stop listening; connections are refused).
 */
async function messagingStandIns () {
  const received = new Map<string, number>()
  const count = (key: string) => received.set(key, (received.get(key) ?? 0) + 1)
  const smtpPort = await freePort()
  const smsPort = await freePort()
  let smtp: SMTPServer | undefined
  let sms: http.Server | undefined
  const up = async () => {
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData (stream, _session, callback) {
        let data = ''
        stream.on('data', (c: Buffer) => { data += c.toString('utf8') })
        stream.on('end', () => { count(/^Message-ID: *(<[^>]+>)/mi.exec(data)?.[1] ?? 'none'); callback() })
      }
    })
    // A sender killed in the middle of a conversation resets its connection: not the stand-in's failure.
    smtp.on('error', () => undefined)
    sms = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => { count(String(req.headers['idempotency-key'] ?? 'none')); res.writeHead(200, { 'content-type': 'application/json' }).end('{}') })
    })
    await new Promise<void>(resolve => smtp!.listen(smtpPort, '127.0.0.1', resolve))
    await new Promise<void>(resolve => sms!.listen(smsPort, '127.0.0.1', resolve))
  }
  const close = async () => {
    await new Promise<void>(resolve => smtp!.close(() => resolve()))
    sms!.closeAllConnections()
    await new Promise<void>(resolve => sms!.close(() => resolve()))
  }
  await up()
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    smsUrl: `http://127.0.0.1:${smsPort}/send`,
    received,
    async down (ms: number) { await close(); await sleep(ms); await up() },
    close
  }
}

/** Waits until /metrics shows no message waiting to be sent; false after three minutes. */
async function waitForMessages (base: string): Promise<boolean> {
  const started = Date.now()
  while (Date.now() - started < 180_000) {
    try {
      const body = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text()
      if (!/^mot_cua_jobs\{name="notifications\.send",state="(pending|running)"\} [1-9]/m.test(body)) return true
    } catch { /* restarting */ }
    await sleep(1000)
  }
  return false
}

/** The report as the table the issue asks for. */
export function reportTable (reports: BatteryReport[]): string {
  const rows = [['engine', 'faults injected', 'requests', 'sent again', 'acknowledged', 'lost', 'duplicated', 'uploads repeated', 'messages', 'messages repeated', 'in flight at SIGTERM', 'cut', 'exited on its own', 'recovered within']]
  for (const r of reports) {
    rows.push([r.engine, Object.entries(r.faults).map(([k, v]) => `${v} ${k}`).join(', '), String(r.requests), String(r.retried), String(r.acknowledged), String(r.lost), String(r.duplicated), String(r.uploadsRepeated), String(r.messages), String(r.messagesRepeated), String(r.inFlightAtStop), String(r.cutByStop), String(r.supervisorRestarts), `${r.recoveredWithinSeconds.toFixed(1)} s`])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  return rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')
}
