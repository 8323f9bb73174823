import assert from 'node:assert/strict'
import { test } from 'node:test'
import { reportTable, runBattery } from './chaos.js'
import { testEnv } from './env.js'

// The CI subset of the fault battery (`npm run chaos` runs the full one): the app process killed with
// SIGKILL at random moments under citizens' uploads and submissions (with PGlite, a hard kill of the
// embedded database), and on PostgreSQL crash restarts of the database; nothing acknowledged lost or doubled.
test(`fault battery (${testEnv.engine}): kills and crashes under load lose and double nothing`, { timeout: 300_000 }, async () => {
  const postgres = testEnv.engine === 'postgres'
  const report = await runBattery({ engine: testEnv.engine, submissions: 400, clients: 4, appKills: 6, appStops: 2, databaseCrashes: postgres ? 3 : 0, poolExhaustions: postgres ? 1 : 0, messagingOutages: 1 })
  process.stdout.write(reportTable([report]) + '\n')
  assert.deepEqual(report.problems, [])
  assert.equal(report.lost, 0)
  assert.equal(report.duplicated, 0)
  assert.equal(report.cutByStop, 0, `of ${report.inFlightAtStop} requests in flight at SIGTERM, none cut`)
  assert.equal(Object.values(report.faults).reduce((a, b) => a + b, 0), postgres ? 13 : 9, 'every fault injected')
  assert.ok(report.acknowledged >= 50, `${report.acknowledged} submissions acknowledged`)
  assert.ok(report.retried > 0, 'the faults cut requests, which were sent again')
  assert.ok(report.messages >= report.acknowledged, 'a message for each submission, each sent')
})
