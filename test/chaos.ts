/**
 * The fault battery (issue 22): real server processes under a load of citizens uploading files and
 * submitting dossiers, and officials taking every n-th dossier through the whole process (reception,
 * forwards, fees paid online at a VNPay gateway with its IPN, approval with the result, return), while
 * faults hit at random moments: the app process killed with SIGKILL (with PGlite that is a hard kill of
 * the embedded database too) or stopped with SIGTERM and started again, PostgreSQL crashed and restarted,
 * its connections all taken, and the mail server, SMS gateway, payment gateway, virus scanner, object
 * storage or the files' disk away or full for a while. The clients retry as a browser would (the same
 * form posted again). Afterwards the invariants are checked from the database and the file storage, not
 * from what the clients believe. Used by `npm run chaos` (scripts/chaos.ts, many faults) and by
 * test/chaos.test.ts (the CI subset).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { openDb, type Db } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { ROOT } from '../src/platform/paths.js'
import { buildServices } from '../src/services.js'
import { startThrowawayPostgres } from '../scripts/postgres.js'
import { testEnv } from './env.js'
import { loadCatalog } from './catalog.js'
import { newCitizen } from './citizens.js'
import { serviceDraft } from './dossiers.js'
import { multipart, samplePdf } from './files.js'
import { freePort } from './net.js'
import { checkInvariants, sha256 } from './chaos-invariants.js'
import { localObjects, messagingStandIns, objectStorage, smallDisk, waitForJobs } from './chaos-edges.js'
import { checkOffice, officeWork, signedInBrowser, type Office } from './chaos-office.js'
import { memoryTrend, queueLagSeconds, residentMb, startBalancer, Timings } from './soak.js'
import { fakeClamd } from './clamd.js'
import { newOfficial } from './officials.js'
import { vnpayGateway } from './vnpay-gateway.js'
import type { BatteryOptions, BatteryReport } from './chaos-report.js'

export { reportTable, type BatteryOptions, type BatteryReport } from './chaos-report.js'

export const CHAOS_PROCEDURE = '1.004325.000.00.00.H34'
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
  /** Every process the battery started, to be sure none outlives it. */
  const spawned = new Set<ChildProcess>()
  const closing: Array<() => unknown> = []
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
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    // The edges: mail and SMS, the payment gateway, the virus scanner, the object storage or the files' own disk.
    const mail = await messagingStandIns()
    closing.push(mail.close)
    const gatewaySecret = crypto.randomBytes(16).toString('hex')
    const gateway = await vnpayGateway(gatewaySecret, base)
    closing.push(gateway.close)
    const clamd = options.scannerOutages > 0 ? await fakeClamd() : undefined
    if (clamd) closing.push(clamd.close)
    const s3 = options.storage === 's3' ? await objectStorage(path.join(work, 's3')) : undefined
    if (s3) closing.push(s3.close)
    const notInjected: string[] = []
    const disk = options.diskFull > 0 && !s3 ? smallDisk(path.join(dataDir, 'files'), 256) : undefined
    if (disk) closing.push(disk.unmount)
    else if (options.diskFull > 0) notInjected.push(s3 ? 'disk full: files are in S3' : 'disk full: a tmpfs cannot be mounted here (needs root)')
    if (options.storageOutages > 0 && !s3) notInjected.push('S3 down: files are on the local disk')
    const objects = s3 ? s3.objects : localObjects(path.join(dataDir, 'files'))
    const env: Record<string, string> = {
      SMTP_URL: mail.smtpUrl, SMS_WEBHOOK_URL: mail.smsUrl, MAIL_FROM: 'Cổng DVC <no-reply@chaos.test>', METRICS_TOKEN: METRICS_TOKEN,
      SESSION_SECRET: SECRET, DATA_DIR: dataDir, PUBLIC_URL: base, CAPTCHA: 'off', SECURE_COOKIES: 'false',
      LOG_LEVEL: 'warn', MAX_FILE_MB: '2', SHUTDOWN_DRAIN_MS: '1000', ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '10' } : {}),
      VNPAY_TMN_CODE: 'MCSANDBOX', VNPAY_HASH_SECRET: gatewaySecret, VNPAY_PAYMENT_URL: gateway.paymentUrl, VNPAY_API_URL: gateway.apiUrl,
      ...(clamd ? { CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(clamd.port) } : {}),
      ...(s3?.env ?? {})
    }
    const openData = () => databaseUrl ? openDb({ databaseUrl, poolSize: 4 }) : openDb({ dataDir })

    // The citizens, their sessions and their drafts (ready but for one component), made before the server starts.
    log(`${options.engine}: preparing ${options.submissions} drafts for ${options.clients} citizens`)
    const prepared = await withServices(openData, env, async (services) => {
      await loadCatalog(services)
      const people = []
      for (let i = 0; i < options.clients; i++) people.push(await newCitizen({ services }))
      // The officials of the default process (the procedure's desk and department), signed in.
      const t = { services, db: services.db }
      const dept = '000.00.11.H34'
      const office = { desk: await newOfficial(t, '000.01.01.H34', ['receptionist']), specialist: await newOfficial(t, dept, ['specialist']), head: await newOfficial(t, dept, ['department_head']), leader: await newOfficial(t, dept, ['agency_leader']) }
      const slots = (await services.dossiers.draft(people[0]!.id, await services.dossiers.startDraft(people[0]!.id, CHAOS_PROCEDURE))).slots
      const first = slots.find(s => s.required)!.key
      const drafts: Array<{ id: string, person: number }> = []
      for (let i = 0; i < options.submissions; i++) {
        const person = i % people.length
        drafts.push({ id: await serviceDraft(services, people[person]!.id, CHAOS_PROCEDURE, { leaveEmpty: first }), person })
      }
      return { cookies: people.map(p => p.cookie), ids: people.map(p => p.citizenId), component: first, other: slots.find(s => s.key !== first)!.key, drafts, office }
    })

    // (Under npm test the runner built dist/ once before the suites: building again here would rewrite it under other tests' processes.)
    if (!testEnv.built) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' })
    // As systemd would (Restart=always, RestartSec=1): a process that exits on its own is started again.
    let supervised = true
    let supervisorRestarts = 0
    // One app process on the portal's port; or several behind HAProxy there, with a worker process of their own.
    const multi = (options.appProcesses ?? 1) > 1
    const appPorts = multi ? await Promise.all(Array.from({ length: options.appProcesses! }, () => freePort())) : [port]
    const procs: Array<{ name: string, script: string, port?: number, child?: ChildProcess }> = [...appPorts.map((p, i) => ({ name: `app ${i + 1}`, script: 'server.js', port: p })), ...(multi ? [{ name: 'worker', script: 'worker.js' }] : [])]
    const start = (p: typeof procs[number]) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist', p.script)], { cwd: ROOT, env: { ...process.env, ...env, ...(p.port ? { PORT: String(p.port), HOST: '127.0.0.1' } : {}), ...(multi ? { WORKER_IN_PROCESS: 'false' } : {}) }, stdio: ['ignore', 'ignore', 'pipe'] })
      p.child = child
      spawned.add(child)
      if (p === procs[0]) server = child
      let stderr = ''
      child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000) })
      child.once('exit', (code, signal) => {
        if (code !== null && code !== 0) log(`${p.name} exited ${code} ${signal ?? ''}: ${stderr.slice(-600)}`)
        if (supervised && !stopping.has(child)) {
          supervisorRestarts++
          setTimeout(() => { if (supervised && p.child === child) start(p) }, 1000)
        }
      })
    }
    const startServer = () => start(procs[0]!)
    /** The processes the battery itself kills or stops (not restarted by the supervisor). */
    const stopping = new Set<ChildProcess>()
    const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
      stopping.add(child)
      const dead = new Promise(resolve => child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve))
      child.kill(signal)
      await dead
    }
    const end = (signal: NodeJS.Signals) => stop(server!, signal)
    const ready = async (timeoutMs = 60_000) => {
      const started = Date.now()
      let last = ''
      for (;;) {
        try {
          const res = await fetch(`http://127.0.0.1:${appPorts[0]}/readyz`, { signal: AbortSignal.timeout(1000) })
          if (res.status === 200) return (Date.now() - started) / 1000
          last = `${res.status} ${await res.text()}`
        } catch (err) { last = String((err as Error).cause ?? err) }
        if (Date.now() - started > timeoutMs) throw new Error(`the server did not become ready within ${timeoutMs / 1000} s (server ${server?.exitCode ?? 'running'}; /readyz: ${last.slice(0, 300)})`)
        await sleep(100)
      }
    }
    startServer()
    await ready()
    if (multi) {
      for (const p of procs.slice(1)) start(p)
      const balancer = await startBalancer(work, port, appPorts)
      closing.push(() => balancer.kill('SIGTERM'))
      await sleep(2000) // every backend checked at least once
    }

    // Each citizen's CSRF cookie and token, as the browser holds them (signed with the session secret: they survive restarts).
    const auth = await Promise.all(prepared.cookies.map(cookie => signedInBrowser(base, cookie, '/ca-nhan/ho-so')))
    const office: Office = Object.fromEntries(await Promise.all(Object.entries(prepared.office).map(async ([role, o]) => [role, { id: o.id, ...await signedInBrowser(base, o.cookie, '/can-bo') }]))) as unknown as Office

    let requests = 0
    let retried = 0
    const problems: string[] = []
    /** A request as a browser sends it, sent again while the answer is lost or the server fails (5xx); gives up after two minutes. */
    // Requests waiting for their answer, with when they were sent: a graceful stop must answer those it has.
    const inflight = new Set<{ sentAt: number, answered: Promise<boolean> }>()
    const timings = new Timings()
    let serverErrors = 0
    const send = async (url: string, init: RequestInit): Promise<Response> => {
      const started = Date.now()
      for (let attempt = 0; ; attempt++) {
        requests++
        if (attempt > 0) retried++
        const sentAt = performance.now()
        // An answer is the whole of it: a body cut by the process dying is no answer, and the request is sent again.
        const answer = fetch(base + url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) })
          .then(async res => ({ res: new Response([204, 304].includes(res.status) ? null : await res.arrayBuffer(), { status: res.status, headers: res.headers }) }))
          .catch((err: unknown) => ({ err }))
        const entry = { sentAt: Date.now(), answered: answer.then(r => 'res' in r) }
        inflight.add(entry)
        const r = await answer
        inflight.delete(entry)
        if ('res' in r) {
          if (r.res.status < 500) { timings.add(init.method ?? 'GET', url, performance.now() - sentAt); return r.res }
          serverErrors++
        } else serverErrors++ // connection refused or cut (the server is down)
        if (Date.now() - started > 120_000) throw new Error(`${url}: no answer for two minutes`)
        await sleep(150 + Math.random() * 200)
      }
    }
    let inFlightAtStop = 0
    let cutByStop = 0
    const acknowledged: Array<{ id: string, code: string, hash: string }> = []
    const officeWorkers = officeWork({ send, office, gateway, problems, supplementComponent: prepared.other })
    /** Dossiers the officials take through the process, as the citizens' submissions are acknowledged. */
    const inbox: Array<{ code: string, person: number }> = []
    const officeCodes: string[] = []
    let citizensDone = false
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
        // A file uploaded while the scanner was away waits for its scan: the citizen is told so and submits again a little later.
        let sub: Response
        let said: string
        for (let waited = 0; ; waited++) {
          sub = await send(`/nop-ho-so/${d.id}/nop`, { method: 'POST', headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: a.token, declaration: 'yes' }).toString() })
          said = (await sub.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
          if (sub.status !== 422 || !said.includes('đang được kiểm tra virus') || waited === 60) break
          await sleep(2000)
        }
        const code = /\/ca-nhan\/ho-so\/([^?/]+)/.exec(sub.headers.get('location') ?? '')?.[1]
        if (sub.status !== 303 || !code) { problems.push(`submission of ${d.id} answered ${sub.status}: ${said.slice(said.indexOf('Có lỗi cần sửa'), 300)}`); continue }
        acknowledged.push({ id: d.id, code: decodeURIComponent(code), hash: sha256(pdf) })
        if (options.officeEvery > 0 && acknowledged.length % options.officeEvery === 0) inbox.push({ code: decodeURIComponent(code), person: d.person })
        // And looks it up on the public page, with the proof of being its applicant.
        const found = await send(`/tra-cuu-ho-so?ma=${code}&giay-to=${prepared.ids[d.person]}`, { headers: {} })
        if (found.status !== 200) problems.push(`lookup of ${decodeURIComponent(code)} answered ${found.status}`)
      }
    }
    const official = async () => {
      for (;;) {
        const work = inbox.shift()
        if (!work) { if (citizensDone) return; await sleep(200); continue }
        officeCodes.push(work.code)
        await officeWorkers.process(work.code, auth[work.person]!, officeCodes.length % 2 === 0)
      }
    }

    // The faults, at random moments while the clients work; each waits for the app to answer again.
    const postgres = options.engine === 'postgres'
    const kinds: Array<[kind: string, label: string, times: number]> = [
      ['app', 'app SIGKILL', options.appKills], ['stop', 'app SIGTERM', options.appStops],
      ['db', 'PostgreSQL crash restart', postgres ? options.databaseCrashes : 0], ['pool', 'connections exhausted', postgres ? options.poolExhaustions : 0],
      ['mail', 'SMTP and SMS down', options.messagingOutages], ['gateway', 'payment gateway down or slow', options.gatewayOutages],
      ['scanner', 'clamd down', options.scannerOutages], ['s3', 'S3 storage down', s3 ? options.storageOutages : 0], ['disk', 'disk full', disk ? options.diskFull : 0]
    ]
    const faults: Record<string, number> = Object.fromEntries(kinds.filter(k => k[2] > 0).map(k => [k[1], 0]))
    const labelOf = Object.fromEntries(kinds.map(k => [k[0], k[1]]))
    let recovered = 0
    const plan = kinds.flatMap(([kind, , times]) => Array<string>(times).fill(kind)).sort(() => Math.random() - 0.5)
    /** A dependency away for two to four seconds; the app keeps answering (degraded) and catches up after. */
    const outage = () => 2000 + Math.random() * 2000
    let gatewayFaults = 0
    const loadStarted = Date.now()
    const injector = async () => {
      for (const [i, kind] of plan.entries()) {
        // One after another while the load runs; in a run of a set length (the soak), spread over it.
        await sleep(options.durationMs ? loadStarted + (i + 0.25 + Math.random() * 0.5) * options.durationMs / plan.length - Date.now() : 300 + Math.random() * 1200)
        if (kind === 'stop') {
          // SIGTERM while requests are in the server's hands (sent 10 ms or more before): each must be
          // answered before it exits.
          // Besides the citizens' requests, eight searches nobody made before (each a few tens of milliseconds of work).
          const searches = Array.from({ length: 8 }, (_, i) => fetch(`${base}/thu-tuc?q=${encodeURIComponent(`giấy phép ${Math.random().toString(36).slice(2, 6)} ${i}`)}`)
            .then(async res => { await res.arrayBuffer(); if (res.status !== 200) log(`search at SIGTERM: ${res.status}`); return res.status === 200 })
            .catch((err: unknown) => { log(`search at SIGTERM: ${String((err as Error).cause ?? err)}`); return false }))
          await sleep(15)
          const received = [...inflight].filter(e => e.sentAt <= Date.now() - 10)
          await end('SIGTERM')
          const answered = [...await Promise.all(received.map(e => e.answered)), ...await Promise.all(searches)]
          inFlightAtStop += answered.length
          cutByStop += answered.filter(a => !a).length
          startServer()
        } else if (kind === 'app') {
          await end('SIGKILL')
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
        } else if (kind === 'db') {
          await cluster!.crashRestart(outage() - 1500) // down for half a second to two and a half
        } else {
          // A dependency away for a few seconds (the app process keeps running): the mail server and the SMS
          // gateway (sends retried later), the payment gateway (no IPN, payment page refused; or every answer
          // two and a half seconds late), the virus scanner (files wait in quarantine for a later scan), the
          // object storage or the files' disk (uploads refused with 503, sent again).
          if (kind === 'mail') await mail.down(outage())
          else if (kind === 'gateway') await (gatewayFaults++ % 2 === 0 ? gateway.down(outage()) : gateway.slow(2500, 5000))
          else if (kind === 'scanner') { clamd!.state.down = true; await sleep(outage()); clamd!.state.down = false } else if (kind === 's3') await s3!.down(outage())
          else await disk!.full(outage())
          faults[labelOf[kind]!]!++
          continue
        }
        faults[labelOf[kind]!]!++
        const took = await ready()
        log(`${kind} fault: ready again after ${took.toFixed(1)} s`)
        recovered = Math.max(recovered, took)
      }
      // A run of a set length (the sustained load) goes on after its faults, if any.
      if (options.durationMs) await sleep(loadStarted + options.durationMs - Date.now())
    }
    // While the load runs (a run of a set length): the bare route's answer times beside the load's, each
    // process's memory and the job queue's lag.
    const memory: Array<{ at: number, mb: Record<string, number> }> = []
    let queueLag = 0
    const sampler = async () => {
      for (let n = 0; options.durationMs && injecting; n++) {
        const sentAt = performance.now()
        try { await (await fetch(`${base}/healthz`)).arrayBuffer(); timings.add('GET', '/healthz (bare route)', performance.now() - sentAt) } catch { /* restarting */ }
        if (n % 20 === 0) {
          memory.push({ at: Date.now(), mb: Object.fromEntries(procs.map(p => [p.name, residentMb(p.child?.pid)]).filter(([, mb]) => mb !== undefined)) as Record<string, number> })
          try { queueLag = Math.max(queueLag, queueLagSeconds(await (await fetch(`http://127.0.0.1:${appPorts[0]}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text())) } catch { /* restarting */ }
        }
        await sleep(250)
      }
    }
    await Promise.all([
      Promise.all(Array.from({ length: options.clients }, client)).finally(() => { citizensDone = true }),
      Promise.all(Array.from({ length: 2 }, official)),
      injector().finally(() => { injecting = false }),
      sampler()
    ])
    if (runningLow) log(`${options.engine}: the drafts ran low before the last fault; the citizens slowed down (prepare more for a steadier load)`)
    log(`${options.engine}: ${acknowledged.length} submissions acknowledged, ${Object.values(faults).reduce((a, b) => a + b, 0)} faults, ${requests} requests (${retried} sent again)`)

    // Every message sent before the stop: the queue read from /metrics (a killed process's sends wait for their lease).
    // And every file the scanner missed scanned, every payment settled.
    const drained = await waitForJobs(base, METRICS_TOKEN, ['notifications.send', 'files.scan'])
    if (!drained) problems.push('messages or scans still queued three minutes after the load')
    // A clean stop, then the invariants, read from the database and the storage.
    supervised = false
    await end('SIGTERM')
    server = undefined
    for (const p of procs.slice(1)) await stop(p.child!, 'SIGTERM')
    const found = await withServices(openData, env, services => checkInvariants(services.db, objects, acknowledged, prepared.component))
    problems.push(...found.problems)
    const books = await withServices(openData, env, services => checkOffice(services.db.kysely, { ...officeWorkers, codes: officeCodes }, gateway.ledger))
    problems.push(...books.problems)
    found.lost += books.lost
    found.duplicated += books.duplicated
    const sent = await withServices(openData, env, services => services.db.kysely.selectFrom('messages').select(['id', 'channel', 'state', 'createdAt']).execute())
    let messagesRepeated = 0
    for (const m of sent) {
      const key = `<mc-${m.id}-${m.createdAt.getTime()}@chaos.test>`
      const copies = mail.received.get(key) ?? 0
      if (m.state !== 'sent' || copies === 0) { found.lost++; problems.push(`message ${m.id} (${m.channel}) ${m.state}, received ${copies} times`) }
      if (copies > 1) messagesRepeated++
    }
    return {
      engine: options.engine, faults, requests, retried, acknowledged: acknowledged.length, lost: found.lost, duplicated: found.duplicated,
      uploadsRepeated: found.uploadsRepeated, messages: sent.length, messagesRepeated, inFlightAtStop, cutByStop, supervisorRestarts, recoveredWithinSeconds: recovered,
      transitions: officeWorkers.acknowledged.length, officeDossiers: officeCodes.length, payments: officeWorkers.paid.length, moneyTaken: books.taken, moneyRecorded: books.recorded, notInjected, problems,
      serverErrors, durationSeconds: (Date.now() - loadStarted) / 1000, routes: timings.summary(), memory: memoryTrend(memory), queueLagMaxSeconds: queueLag
    }
  } finally {
    for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    for (const close of closing.reverse()) await Promise.resolve(close()).catch(() => undefined)
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
