import assert from 'node:assert/strict'
import { test } from 'node:test'
import net from 'node:net'
import Fastify from 'fastify'
import { clamdPing } from '../../modules/files/clamav.js'
import { useTestApp } from '../../../test/app.js'
import { freePort } from '../../../test/net.js'
import { useSmtpServer } from '../../../test/smtp.js'
import { openDb } from '../db/db.js'
import { registerHealth } from './health.js'

interface Readiness { status: string, engine: string, checks: Record<string, { ok: boolean, ms: number, error?: string, pending?: string[] }> }

// The mail server is up; nothing listens where clamd should be.
const smtp = useSmtpServer()
const nobody = await freePort()
const t = useTestApp({ config: () => ({ SMTP_URL: smtp.url, CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(nobody) }) })

test('/readyz names each dependency: clamd down makes the process degraded, not unavailable', async () => {
  const res = await t.app.inject('/readyz')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['cache-control'], 'no-store')
  const body = res.json<Readiness>()
  assert.equal(body.status, 'degraded')
  assert.deepEqual(Object.keys(body.checks).sort(), ['clamd', 'database', 'migrations', 'smtp', 'storage'])
  for (const name of ['database', 'migrations', 'storage', 'smtp']) assert.equal(body.checks[name]!.ok, true, `${name}: ${body.checks[name]!.error}`)
  assert.equal(body.checks['clamd']!.ok, false)
  assert.match(body.checks['clamd']!.error!, /ECONNREFUSED/)
})

test('/readyz is 503 "unavailable" when the database does not answer or migrations are pending', async () => {
  const db = await openDb({ memory: true })
  const app = Fastify()
  registerHealth(app, db, { storage: async () => undefined })
  const pending = (await app.inject('/readyz')).json<Readiness>()
  assert.equal(pending.status, 'unavailable')
  assert.equal(pending.checks['database']!.ok, true)
  assert.equal(pending.checks['migrations']!.ok, false)
  assert.ok(pending.checks['migrations']!.pending!.includes('0001_platform.sql'))
  await db.close()
  const res = await app.inject('/readyz')
  assert.equal(res.statusCode, 503)
  const down = res.json<Readiness>()
  assert.equal(down.checks['database']!.ok, false)
  assert.equal(down.checks['storage']!.ok, true)
  await app.close()
})

test('a graceful stop first takes the process out of the balancer: /readyz 503 "stopping", answers close their connections, pages still served', async () => {
  t.app.stopAccepting()
  const ready = await t.app.inject('/readyz')
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json<Readiness>().status, 'stopping')
  const page = await t.app.inject('/')
  assert.equal(page.statusCode, 200)
  assert.equal(page.headers['connection'], 'close')
})

test('the clamd check is its PING answered PONG', async () => {
  const server = net.createServer(socket => socket.on('data', (d: Buffer) => socket.end(d.toString().startsWith('zPING\0') ? 'PONG\0' : 'UNKNOWN COMMAND\0')))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  try {
    await clamdPing({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port })
  } finally { server.close() }
  await assert.rejects(clamdPing({ host: '127.0.0.1', port: nobody }), /ECONNREFUSED/)
})
