import { answerQuestion } from './captcha.js'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { sql } from 'kysely'
import { openDb } from '../src/platform/db/db.js'
import { openPglite } from '../src/platform/db/pglite.js'
import { NODE24, openProcessDb, processDatabase, run, start, waitFor } from './processes.js'
import { testEnv } from './env.js'
import { freePort } from './net.js'

for (const [label, node] of [['Node 20', process.execPath], ['Node 24', NODE24]] as const) {
  test(`${label}: the server migrates an empty database, serves the demo, and stops cleanly on SIGTERM`, async () => {
    assert.ok(fs.existsSync(node), `${node} exists`)
    assert.match(execFileSync(node, ['-v'], { encoding: 'utf8' }), label === 'Node 24' ? /^v24\./ : /^v2\d\./)
    const db = await processDatabase({ migrated: false })
    const port = await freePort()
    const server = start('src/server.ts', [], { ...db.env, PORT: String(port), HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: 'info' }, node)
    try {
      await waitFor('the server to listen', () => server.output().stdout.includes('Một Cửa đang chạy') || (server.exitCode !== null ? (() => { throw new Error(server.output().stderr) })() : undefined), 60_000)
      const out = server.output().stdout
      assert.match(out, new RegExp(`http://localhost:${port}`))
      assert.match(out, /Chế độ demo/)
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
      assert.equal(ready.status, 200)
      assert.equal((await ready.json() as { engine: string }).engine, testEnv.engine)
      const home = await (await fetch(`http://127.0.0.1:${port}/`)).text()
      assert.match(home, /Tỉnh Kon Tum/)
      // The payment sandbox is there (it refuses an unsigned request), and the development outbox.
      assert.equal((await fetch(`http://127.0.0.1:${port}/sandbox/vnpay/paymentv2/vpcpay.html?vnp_TxnRef=x`)).status, 422)
      assert.equal((await fetch(`http://127.0.0.1:${port}/dev/hop-thu`)).status, 200)
      // The demo accounts printed at start sign in.
      assert.match(out, /CẢNH BÁO: chế độ demo[^\n]*tuyệt đối không đưa ra Internet/, 'the demo warns it must not face the internet')
      const credentials = /Công dân: (\d{12}) \/ (.+)\n/.exec(out)
      assert.ok(credentials, out)
      // The text question of the verification code, answered as a screen-reader user would.
      const form = await fetch(`http://127.0.0.1:${port}/dang-nhap?cau-hoi=1`)
      const csrfCookie = form.headers.getSetCookie().find(c => c.startsWith('mc_csrf='))!.split(';')[0]!
      const html = await form.text()
      const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!
      const captchaId = /name="captchaId" value="([^"]+)"/.exec(html)![1]!
      const answer = answerQuestion(/<div class="hint" id="captcha-hint">([^<]+)<\/div>/.exec(html)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
      const signIn = await fetch(`http://127.0.0.1:${port}/dang-nhap`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
        body: new URLSearchParams({ _csrf: token, captchaId, captcha: answer, captchaMode: 'question', username: credentials[1]!, password: credentials[2]! })
      })
      assert.equal(signIn.status, 303)
      assert.ok(signIn.headers.getSetCookie().some(c => c.startsWith('mc_session=')))
      server.kill('SIGTERM')
      const result = await server.exited
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /"signal":"SIGTERM","msg":"shutting down"/)
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL')
      await db.cleanup()
    }
  })
}

test('a wrong configuration value stops the start, naming the variable', async () => {
  const result = await run('src/server.ts', [], { PORT: 'abc', DATA_DIR: '/nonexistent' })
  assert.equal(result.code, 1)
  assert.match(result.stderr, /Invalid configuration:\n {2}PORT: /)
})

test('a failed migration stops the process with a clear message and a non-zero exit', async () => {
  const db = await processDatabase({ migrated: false })
  try {
    // A table in the way of the first migration.
    if (db.url) {
      const conn = await openDb({ databaseUrl: db.url, poolSize: 1 })
      await sql`create table jobs (x int)`.execute(conn.kysely)
      await conn.close()
    } else {
      const pg = await openPglite({ dataDir: path.join(db.dataDir, 'pglite') })
      await pg.exec('create table jobs (x int)')
      await pg.close()
    }
    for (const entry of ['src/cli.ts', 'src/server.ts']) {
      const result = await run(entry, entry === 'src/cli.ts' ? ['migrate'] : [], { ...db.env, PORT: '0' })
      assert.equal(result.code, 1, `${entry}: ${result.stderr}`)
      assert.match(result.stderr, /migration 0001_platform\.sql failed: relation "jobs" already exists/)
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'a message, not a stack')
    }
  } finally { await db.cleanup() }
})

test('npm run worker: the worker as its own process delivers queued messages and stops cleanly', async () => {
  const db = await processDatabase({ migrated: true })
  try {
    if (!db.url) assert.equal((await run('src/cli.ts', ['migrate'], db.env)).code, 0)
    // Queue a message the way a business transaction would, then let the separate worker deliver it.
    const { loadConfig } = await import('../src/config.js')
    const { buildServices } = await import('../src/services.js')
    const { pino } = await import('pino')
    const conn = await openProcessDb(db.env)
    const services = await buildServices(loadConfig({ ...db.env, DEMO: 'true' }), { db: conn, log: pino({ level: 'silent' }) })
    const id = await conn.transaction(trx => services.notifications.enqueue(trx, { channel: 'email', recipient: 'worker@example.vn', subject: 'Thử worker', body: 'x', template: 'test' }))
    await services.close()

    const worker = start('src/worker.ts', [], { ...db.env, DEMO: 'true', LOG_LEVEL: 'debug', JOB_POLL_MS: '50' })
    try {
      await waitFor('the job to be done', () => worker.output().stdout.includes('"msg":"job done"') || (worker.exitCode !== null ? (() => { throw new Error(worker.output().stderr) })() : undefined), 60_000)
    } finally {
      worker.kill('SIGTERM')
    }
    const result = await worker.exited
    assert.equal(result.code, 0, result.stderr)
    const check = await openProcessDb(db.env)
    try {
      const row = await check.kysely.selectFrom('messages').select('state').where('id', '=', id).executeTakeFirstOrThrow()
      assert.equal(row.state, 'captured')
    } finally { await check.close() }
  } finally { await db.cleanup() }
})
