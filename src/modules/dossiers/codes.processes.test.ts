import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { testConfig } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { processDatabase, startTwoServers, TWO_PROCESSES } from '../../../test/processes.js'
import { openDb } from '../../platform/db/db.js'
import { buildServices } from '../../services.js'

const PROCEDURE = '1.004325.000.00.00.H34'

test('two app processes on one PostgreSQL: simultaneous submissions (each pressed twice) get unique codes with no gap', TWO_PROCESSES, async () => {
  const database = await processDatabase({ migrated: true })
  const config = testConfig({ DATABASE_URL: database.url!, DATA_DIR: database.dataDir })
  const db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 5 })
  const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
  let servers: Awaited<ReturnType<typeof startTwoServers>> | undefined
  try {
    await loadCatalog(services)
    const N = 40
    const people = await Promise.all(Array.from({ length: N }, () => newCitizen({ services })))
    const drafts = []
    for (const p of people) drafts.push({ person: p, id: await serviceDraft(services, p.id, PROCEDURE) })

    servers = await startTwoServers(database)
    const bases = servers.bases

    // Each citizen opens the review page on one process and presses "Nộp hồ sơ" twice, once on each.
    const presses = await Promise.all(drafts.map(async ({ person, id }, i) => {
      const base = bases[i % 2]!
      const review = await fetch(`${base}/nop-ho-so/${id}/kiem-tra`, { headers: { cookie: person.cookie } })
      assert.equal(review.status, 200)
      const csrf = /mc_csrf=([^;]+)/.exec(review.headers.get('set-cookie') ?? '')![1]
      const token = /name="_csrf" value="([^"]+)"/.exec(await review.text())![1]!
      const press = (at: string) => fetch(`${at}/nop-ho-so/${id}/nop`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: `${person.cookie}; mc_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, declaration: 'yes' }).toString()
      })
      const both = await Promise.all(bases.map(press))
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
    await servers?.stop()
    await services.close()
    await database.cleanup()
  }
})
