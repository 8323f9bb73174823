import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { testConfig } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { testEnv } from '../../../test/env.js'
import { freePort } from '../../../test/net.js'
import { processDatabase, start, waitFor } from '../../../test/processes.js'
import { openDb } from '../../platform/db/db.js'
import { buildServices } from '../../services.js'

const PROCEDURE = '1.004325.000.00.00.H34'

test('two app processes on one PostgreSQL: simultaneous submissions (each pressed twice) get unique codes with no gap', {
  skip: testEnv.engine !== 'postgres' ? 'two processes share a database only on PostgreSQL (PGlite is embedded in one process); runs in the PostgreSQL pass of npm test' : false,
  timeout: 180_000
}, async () => {
  const database = await processDatabase({ migrated: true })
  const config = testConfig({ DATABASE_URL: database.url!, DATA_DIR: database.dataDir })
  const db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 5 })
  const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
  const servers: Array<ReturnType<typeof start>> = []
  try {
    await loadCatalog(services)
    const N = 40
    const people = await Promise.all(Array.from({ length: N }, () => newCitizen({ services })))
    const drafts = []
    for (const p of people) drafts.push({ person: p, id: await serviceDraft(services, p.id, PROCEDURE) })

    const ports = [await freePort(), await freePort()]
    for (const port of ports) {
      servers.push(start('src/server.ts', [], { ...database.env, PORT: String(port), HOST: '127.0.0.1', CAPTCHA: 'off', SECURE_COOKIES: 'false', WORKER_IN_PROCESS: 'false', DATABASE_POOL_SIZE: '8' }))
    }
    for (const port of ports) await waitFor(`server on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 60_000)

    // Each citizen opens the review page on one process and presses "Nộp hồ sơ" twice, once on each.
    const presses = await Promise.all(drafts.map(async ({ person, id }, i) => {
      const base = `http://127.0.0.1:${ports[i % 2]}`
      const review = await fetch(`${base}/nop-ho-so/${id}/kiem-tra`, { headers: { cookie: person.cookie } })
      assert.equal(review.status, 200)
      const csrf = /mc_csrf=([^;]+)/.exec(review.headers.get('set-cookie') ?? '')![1]
      const token = /name="_csrf" value="([^"]+)"/.exec(await review.text())![1]!
      const press = (port: number) => fetch(`http://127.0.0.1:${port}/nop-ho-so/${id}/nop`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: `${person.cookie}; mc_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, declaration: 'yes' }).toString()
      })
      const both = await Promise.all([press(ports[0]!), press(ports[1]!)])
      return both.map(r => ({ status: r.status, location: r.headers.get('location') ?? '' }))
    }))
    for (const pair of presses) {
      assert.deepEqual(pair.map(p => p.status), [303, 303])
      assert.equal(pair[0]!.location.replace(/\?.*$/, ''), pair[1]!.location.replace(/\?.*$/, ''), 'both presses land on the same dossier')
    }
    const rows = await db.kysely.selectFrom('dossiers').select(['code', 'accountId']).where('status', '=', 1).execute()
    assert.equal(rows.length, N, 'one dossier per citizen')
    const numbers = rows.map(r => Number(r.code!.slice(-4))).sort((a, b) => a - b)
    assert.deepEqual(numbers, Array.from({ length: N }, (_, i) => i + 1), 'numbers 0001…0040, no duplicate, no gap')
    assert.equal(new Set(rows.map(r => r.code!.replace(/-\d{4}$/, ''))).size, 1)
  } finally {
    for (const s of servers) s.kill('SIGTERM')
    await Promise.all(servers.map(s => s.exited))
    await services.close()
    await database.cleanup()
  }
})
