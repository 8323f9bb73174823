import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { testConfig } from '../../../test/app.js'
import { newCitizen } from '../../../test/citizens.js'
import { processDatabase, startTwoServers, TWO_PROCESSES } from '../../../test/processes.js'
import { openDb } from '../../platform/db/db.js'
import { buildServices } from '../../services.js'
import { LOOKUP_ALLOWANCE } from '../dossiers/model.js'
import { ACCOUNT_FAILURES } from './lockout.js'

/** A form posted as a browser does: the page first (its CSRF cookie and token), then the post. */
async function post (base: string, page: string, fields: Record<string, string>) {
  const res = await fetch(`${base}${page}`)
  const csrf = /mc_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!
  const answer = await fetch(`${base}${page}`, {
    method: 'POST', redirect: 'manual', headers: { cookie: `mc_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString()
  })
  return { status: answer.status, body: await answer.text() }
}

test('two app processes on one PostgreSQL: the sign-in lock-out and the lookup limit count the attempts made on both', TWO_PROCESSES, async () => {
  const database = await processDatabase({ migrated: true })
  const db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 2 })
  const services = await buildServices(testConfig({ DATABASE_URL: database.url!, DATA_DIR: database.dataDir }), { db, log: pino({ level: 'silent' }) })
  let servers: Awaited<ReturnType<typeof startTwoServers>> | undefined
  try {
    const c = await newCitizen({ services })
    servers = await startTwoServers(database)
    const [a, b] = servers.bases as [string, string]
    // Wrong passwords, one process after the other: the fifth locks the account on both.
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      const r = await post(i % 2 === 0 ? a : b, '/dang-nhap', { username: c.citizenId, password: `sai ${i}` })
      assert.equal(r.status, 422)
    }
    for (const base of [a, b]) {
      const r = await post(base, '/dang-nhap', { username: c.citizenId, password: c.password })
      assert.equal(r.status, 422, 'the right password is refused while locked, on either process')
      assert.match(r.body, /Đăng nhập tạm khóa do nhập sai nhiều lần/)
    }
    // Guessed dossier codes from one address, alternately on the two processes: after LOOKUP_ALLOWANCE a proof
    // is asked for on both; twenty misses lock the address on both.
    const guess = (i: number) => fetch(`${i % 2 === 0 ? a : b}/tra-cuu-ho-so?ma=000.00.11.H34-261207-${String(9000 + i)}`)
    for (let i = 0; i < 20; i++) {
      const r = await guess(i)
      assert.equal(r.status, i < LOOKUP_ALLOWANCE ? 404 : 429, `guess ${i + 1}`)
      if (i >= LOOKUP_ALLOWANCE) assert.match(await r.text(), /hãy nhập số định danh cá nhân/)
      else await r.arrayBuffer()
    }
    for (const i of [20, 21]) {
      const r = await guess(i)
      assert.equal(r.status, 429, 'locked on either process')
      assert.match(await r.text(), /Bạn đã tra cứu sai quá nhiều lần/)
    }
  } finally {
    await servers?.stop()
    await services.close()
    await database.cleanup()
  }
})
