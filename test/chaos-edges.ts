/**
 * What the fault battery's server talks to at the process edge, each a real server that can go away:
 * the mail server and SMS gateway, the object storage (S3 protocol), and the files directory on a
 * small file system of its own that can fill up. And the wait for the server's queues to empty.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import S3rver from 's3rver'
import { SMTPServer } from 'smtp-server'
import { freePort } from './net.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * A mail server and an SMS gateway at the process edge that count what they receive by its Message-ID
 * or Idempotency-Key, and can go away for a while (they stop listening; connections are refused).
 */
export async function messagingStandIns () {
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

/** Waits until /metrics shows none of these jobs waiting or running; false after three minutes. */
export async function waitForJobs (base: string, token: string, names: string[]): Promise<boolean> {
  const started = Date.now()
  const busy = new RegExp(`^mot_cua_jobs\\{name="(${names.map(n => n.replace(/\./g, '\\.')).join('|')})",state="(pending|running)"\\} [1-9]`, 'm')
  while (Date.now() - started < 180_000) {
    try {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      if (res.status === 200 && !busy.test(await res.text())) return true
    } catch { /* restarting */ }
    await sleep(1000)
  }
  return false
}

/** Where the stored objects are, to read them back and to list them (orphans), from outside the app. */
export interface ObjectStore { read (key: string): Buffer | undefined, keys (): string[] }

const walk = (dir: string, prefix = ''): string[] => fs.existsSync(dir)
  ? fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])
  : []
const readOrUndefined = (file: string) => { try { return fs.readFileSync(file) } catch { return undefined } }

/** The local storage's directory (DATA_DIR/files). */
export function localObjects (root: string): ObjectStore {
  return { read: key => readOrUndefined(path.join(root, key)), keys: () => walk(root) }
}

/**
 * S3-compatible object storage at the edge (s3rver, a local server speaking the S3 protocol, keeping
 * objects in a directory), which can go away for a while.
 */
export async function objectStorage (dir: string) {
  const port = await freePort()
  const bucket = 'ho-so'
  let server: S3rver | undefined
  const up = async () => {
    server = new S3rver({ port, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket, configs: [] }] })
    await server.run()
  }
  await up()
  const suffix = '._S3rver_object'
  return {
    env: { S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' },
    objects: {
      read: key => readOrUndefined(path.join(dir, bucket, key + suffix)),
      keys: () => walk(path.join(dir, bucket)).filter(k => k.endsWith(suffix)).map(k => k.slice(0, -suffix.length))
    } satisfies ObjectStore,
    async down (ms: number) {
      // Its open connections cut too (the app's keep-alive ones), as when the storage's host goes away.
      const closed = server!.close()
      ;(server as unknown as { httpServer: http.Server }).httpServer.closeAllConnections()
      await closed
      await sleep(ms)
      await up()
    },
    close: () => server!.close()
  }
}

/**
 * The files directory on a file system of its own (a tmpfs of `mb` megabytes; needs root), which the
 * fault fills to the last byte for a while. Undefined where it cannot be mounted: the fault is then not
 * injected, and the battery says so.
 */
export function smallDisk (dir: string, mb: number) {
  fs.mkdirSync(dir, { recursive: true })
  try { execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' }) } catch { return undefined }
  const filler = path.join(dir, '.filler')
  return {
    async full (ms: number) {
      const chunk = Buffer.alloc(1024 * 1024)
      const fd = fs.openSync(filler, 'w')
      try {
        for (;;) fs.writeSync(fd, chunk)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      } finally { fs.closeSync(fd) }
      // Down to the last block: what the app writes meanwhile finds no room.
      try { const small = fs.openSync(filler + '2', 'w'); try { for (;;) fs.writeSync(small, Buffer.alloc(512)) } catch { /* full */ } finally { fs.closeSync(small) } } catch { /* full */ }
      await sleep(ms)
      fs.rmSync(filler, { force: true })
      fs.rmSync(filler + '2', { force: true })
    },
    unmount () { try { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) } catch { /* gone */ } }
  }
}
