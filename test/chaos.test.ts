import assert from 'node:assert/strict'
import { test } from 'node:test'
import { reportTable, runBattery } from './chaos.js'
import { testEnv } from './env.js'

// The CI subset of the fault battery (`npm run chaos` runs the full one): the app process killed with
// SIGKILL at random moments under citizens' uploads and submissions and officials taking dossiers through
// the process with online payments (with PGlite, a hard kill of the embedded database), on PostgreSQL crash
// restarts of the database and S3 away, on PGlite the files' disk full; the mail server, the payment
// gateway and the virus scanner away; nothing acknowledged lost or doubled, the money reconciled.
test(`fault battery (${testEnv.engine}): kills, crashes and outages under load lose and double nothing`, { timeout: 290_000 }, async () => {
  const postgres = testEnv.engine === 'postgres'
  const report = await runBattery({
    engine: testEnv.engine, submissions: 400, clients: 4, officeEvery: 8, appKills: 4, appStops: 2, databaseCrashes: postgres ? 3 : 0, poolExhaustions: postgres ? 1 : 0,
    messagingOutages: 1, gatewayOutages: 2, scannerOutages: 1, storage: postgres ? 's3' : 'local', storageOutages: 1, diskFull: 1
  })
  process.stdout.write(reportTable([report]) + '\n' + report.notInjected.map(n => `not injected: ${n}\n`).join(''))
  assert.deepEqual(report.problems, [])
  assert.equal(report.lost, 0)
  assert.equal(report.duplicated, 0)
  assert.equal(report.cutByStop, 0, `of ${report.inFlightAtStop} requests in flight at SIGTERM, none cut`)
  assert.equal(Object.values(report.faults).reduce((a, b) => a + b, 0), (postgres ? 16 : 12) - report.notInjected.length, 'every fault injected')
  assert.ok(report.acknowledged >= 50, `${report.acknowledged} submissions acknowledged`)
  assert.ok(report.retried > 0, 'the faults cut requests, which were sent again')
  assert.ok(report.messages >= report.acknowledged, 'a message for each submission, each sent')
  assert.ok(report.officeDossiers >= 5 && report.transitions >= report.officeDossiers * 6, `${report.transitions} transitions on ${report.officeDossiers} dossiers`)
  assert.ok(report.payments >= 5 && report.moneyTaken === report.moneyRecorded, `${report.payments} payments: ${report.moneyTaken} đồng taken, ${report.moneyRecorded} recorded`)
})
