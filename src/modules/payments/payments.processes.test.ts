import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { testConfig } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { processDatabase, startTwoServers, TWO_PROCESSES } from '../../../test/processes.js'
import { openDb } from '../../platform/db/db.js'
import { buildServices } from '../../services.js'
import { sandboxAnswer, sandboxSecretOf } from './payments.service.js'

const PROCEDURE = '1.004325.000.00.00.H34'

test('two app processes on one PostgreSQL receive the same IPN at once: one payment recorded, one receipt, the other told it is confirmed', TWO_PROCESSES, async () => {
  const database = await processDatabase({ migrated: true })
  const config = testConfig({ DATABASE_URL: database.url!, DATA_DIR: database.dataDir, PAYMENT_SANDBOX: 'true' })
  const db = await openDb({ databaseUrl: database.url, dataDir: database.dataDir, poolSize: 5 })
  const services = await buildServices(config, { db, log: pino({ level: 'silent' }) })
  const t = { services, db }
  let servers: Awaited<ReturnType<typeof startTwoServers>> | undefined
  try {
    await loadCatalog(services)
    const official = async (agency: string, role: 'receptionist' | 'specialist' | 'department_head') =>
      (await services.officials.sessionOfficial((await newOfficial(t, agency, [role])).cookie.split('=')[1]!))!
    const desk = await official('000.01.01.H34', 'receptionist')
    const specialist = await official('000.00.11.H34', 'specialist')
    const head = await official('000.00.11.H34', 'department_head')
    // Ten dossiers waiting for their fees, each with an online payment started.
    const N = 10
    const started: Array<{ code: string, query: URLSearchParams }> = []
    for (let i = 0; i < N; i++) {
      const c = await newCitizen(t)
      const { code } = await services.dossiers.submit(c.id, await serviceDraft(services, c.id, PROCEDURE))
      await services.workflow.receive(desk, code)
      await services.workflow.forward(specialist, code, { taskId: String((await services.workflow.open(specialist, code)).act!.taskId) })
      await services.workflow.requestFees(head, code, { taskId: String((await services.workflow.open(head, code)).act!.taskId), amount: '230000' })
      started.push({ code, query: new URL(await services.payments.startOnline(c.id, code, '127.0.0.1')).searchParams })
    }

    servers = await startTwoServers(database, { PAYMENT_SANDBOX: 'true' })
    const bases = servers.bases

    // The gateway's notification of each payment reaches both processes at the same moment.
    const answers = await Promise.all(started.map(async ({ query }, i) => {
      const ipn = sandboxAnswer(await sandboxSecretOf(db.kysely), { txnRef: query.get('vnp_TxnRef')!, amount: query.get('vnp_Amount')!, info: query.get('vnp_OrderInfo')!, approve: true, at: new Date(), transactionNo: String(5000 + i) })
      const both = await Promise.all(bases.map(async base => (await (await fetch(`${base}/api/v1/payments/vnpay/ipn?${ipn}`)).json() as { RspCode: string }).RspCode))
      return both.sort()
    }))
    for (const pair of answers) assert.deepEqual(pair, ['00', '02'])
    for (const { code } of started) {
      const rows = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
        .leftJoin('receipts as c', 'c.paymentId', 'p.id').select(['p.state', 'd.status', 'c.number']).where('d.code', '=', code).execute()
      assert.equal(rows.length, 1)
      assert.equal(rows[0]!.state, 'paid')
      assert.equal(rows[0]!.status, 4)
      assert.ok(rows[0]!.number)
    }
    // Receipts of the collecting agency: 1…N, each once.
    const numbers = (await db.kysely.selectFrom('receipts').select('number').execute()).map(r => r.number).sort((a, b) => a - b)
    assert.deepEqual(numbers, Array.from({ length: N }, (_, i) => i + 1))
  } finally {
    await servers?.stop()
    await services.close()
    await database.cleanup()
  }
})
