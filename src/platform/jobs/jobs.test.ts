import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { pino } from 'pino'
import { freshDb } from '../../../test/db.js'
import { testEnv } from '../../../test/env.js'
import { waitFor } from '../../../test/processes.js'
import { openDb, type Db } from '../db/db.js'
import { writeTogether } from '../db/write-together.js'
import { backoffMs, createJobQueue } from './queue.js'
import { createWorker } from './worker.js'

const log = pino({ level: 'silent' })
let db: Db
before(async () => {
  db = await freshDb()
  await sql`create table job_effects (job_id bigint not null, worker text not null)`.execute(db.kysely)
})
after(async () => { await db.close() })

test('writes of one statement: a job made for the row an earlier write returns; all of it rolls back with the transaction', async () => {
  const queue = createJobQueue(db)
  await sql`create table if not exists together_rows (id bigserial primary key, text text not null)`.execute(db.kysely)
  const writes = (text: string) => [
    { as: 'made', query: db.kysely.insertInto('together_rows' as never).values({ text } as never).returning('id' as never) },
    queue.enqueueFor(db.kysely, 'test.together', { as: 'made', key: 'rowId', dedupePrefix: 'together:' }, { maxAttempts: 3 })
  ]
  await db.transaction(trx => writeTogether(trx, writes('kept')))
  const row = await sql<{ id: number }>`select id from together_rows where text = 'kept'`.execute(db.kysely)
  const job = await sql<{ payload: { rowId: number }, dedupeKey: string, maxAttempts: number, state: string }>`select payload, dedupe_key, max_attempts, state from jobs where name = 'test.together'`.execute(db.kysely)
  assert.equal(job.rows.length, 1)
  assert.deepEqual(job.rows[0], { payload: { rowId: row.rows[0]!.id }, dedupeKey: `together:${row.rows[0]!.id}`, maxAttempts: 3, state: 'pending' })

  await assert.rejects(db.transaction(async (trx) => {
    await writeTogether(trx, writes('lost'))
    throw new Error('business rule failed')
  }), /business rule failed/)
  assert.equal((await sql`select 1 from together_rows where text = 'lost'`.execute(db.kysely)).rows.length, 0)
  assert.equal((await sql`select 1 from jobs where name = 'test.together'`.execute(db.kysely)).rows.length, 1)
  // Two writes under one name would read each other's rows: refused before anything is sent.
  await assert.rejects(writeTogether(db.kysely, [...writes('a'), ...writes('b')]), /two writes named alike/)
  assert.equal((await sql`select 1 from together_rows where text in ('a', 'b')`.execute(db.kysely)).rows.length, 0)
  await sql`delete from jobs where name = 'test.together'`.execute(db.kysely)
})

test('a job enqueued in a transaction that rolls back never exists', async () => {
  const queue = createJobQueue(db)
  let id: number | undefined
  await assert.rejects(db.transaction(async (trx) => {
    id = await queue.enqueue(trx, 'test.rollback', { n: 1 })
    throw new Error('business rule failed')
  }), /business rule failed/)
  assert.ok(id)
  assert.equal(await queue.get(id), undefined)
})

test('a committed job runs once with its payload and is marked done', async () => {
  const queue = createJobQueue(db)
  const seen: unknown[] = []
  queue.register('test.once', async (job) => { seen.push(job.payload) })
  const id = await db.transaction(trx => queue.enqueue(trx, 'test.once', { dossier: 'X-1' }))
  const worker = createWorker(queue, { concurrency: 2, pollMs: 10, log })
  assert.equal(await worker.drain(), 1)
  assert.deepEqual(seen, [{ dossier: 'X-1' }])
  const row = await queue.get(id!)
  assert.equal(row?.state, 'done')
  assert.equal(row?.attempts, 1)
  assert.equal(await worker.drain(), 0, 'nothing left')
})

test('a dedupe key makes enqueueing idempotent', async () => {
  const queue = createJobQueue(db)
  const first = await queue.enqueue(db.kysely, 'test.dedupe', {}, { dedupeKey: 'mail:dossier-7:received' })
  const second = await queue.enqueue(db.kysely, 'test.dedupe', {}, { dedupeKey: 'mail:dossier-7:received' })
  assert.ok(first)
  assert.equal(second, undefined)
})

test('a failing job is retried with back-off, then marked failed after its last attempt', async () => {
  const queue = createJobQueue(db)
  let calls = 0
  queue.register('test.flaky', async () => { calls++; throw new Error('SMTP 451 try later') })
  const id = (await queue.enqueue(db.kysely, 'test.flaky', {}, { maxAttempts: 2 }))!
  const worker = createWorker(queue, { concurrency: 1, pollMs: 10, log })
  const failedFrom = Date.now()
  await worker.drain()
  const failedBy = Date.now()
  let row = (await queue.get(id))!
  assert.equal(row.state, 'pending')
  assert.equal(row.attempts, 1)
  assert.match(row.lastError ?? '', /SMTP 451/)
  // The retry is due the back-off after the failure, which happened while drain() ran (a second's leeway
  // for the database's clock), however slow the machine.
  const runAt = row.runAt.getTime()
  assert.ok(runAt >= failedFrom + backoffMs(1) - 1000 && runAt <= failedBy + backoffMs(1) + 1000, `retry scheduled about 5 s after the failure, got ${runAt - failedBy} ms after it`)
  assert.equal(await worker.drain(), 0, 'not due yet')

  await db.kysely.updateTable('jobs').set({ runAt: new Date(Date.now() - 1000) }).where('id', '=', id).execute()
  await worker.drain()
  row = (await queue.get(id))!
  assert.equal(row.state, 'failed')
  assert.equal(row.attempts, 2)
  assert.equal(calls, 2)
  assert.equal(await queue.retryFailed() >= 1, true)
  assert.equal((await queue.get(id))!.state, 'pending')
})

test('back-off doubles and is capped at one hour', () => {
  assert.deepEqual([1, 2, 3, 4].map(backoffMs), [5000, 10000, 20000, 40000])
  assert.equal(backoffMs(30), 3_600_000)
})

test('a job without a handler is not lost: it waits for a process that has one', async () => {
  const queue = createJobQueue(db)
  const id = (await queue.enqueue(db.kysely, 'test.unknown', {}))!
  await createWorker(queue, { concurrency: 1, pollMs: 10, log }).drain()
  const row = (await queue.get(id))!
  assert.equal(row.state, 'pending')
  assert.match(row.lastError ?? '', /no handler registered/)
})

test('a held job waits while the worker holds it, then runs; the others run meanwhile', async () => {
  const queue = createJobQueue(db)
  const ran: string[] = []
  queue.register('test.held', async () => { ran.push('held') })
  queue.register('test.free', async () => { ran.push('free') })
  const held = (await queue.enqueue(db.kysely, 'test.held', {}))!
  await queue.enqueue(db.kysely, 'test.free', {})
  let holding = true
  const worker = createWorker(queue, { concurrency: 1, pollMs: 10, log, held: () => holding ? ['test.held'] : [] })
  await worker.drain()
  assert.deepEqual(ran, ['free'])
  assert.equal((await queue.get(held))!.state, 'pending')
  holding = false
  await worker.drain()
  assert.deepEqual(ran, ['free', 'held'])
})

test('a job left running by a dead worker is claimed again after its lease', async () => {
  const queue = createJobQueue(db)
  let runs = 0
  queue.register('test.orphan', async () => { runs++ })
  const id = (await queue.enqueue(db.kysely, 'test.orphan', {}))!
  await db.kysely.updateTable('jobs').set({ state: 'running', lockedBy: 'dead-worker', lockedAt: new Date(Date.now() - 3600_000), attempts: 1 })
    .where('id', '=', id).execute()
  await createWorker(queue, { concurrency: 1, pollMs: 10, log }).drain()
  assert.equal(runs, 1)
  assert.equal((await queue.get(id))!.state, 'done')
})

test('a job whose worker renews its lease (the heartbeat) is not taken from it, however long it runs', async () => {
  const queue = createJobQueue(db)
  let runs = 0
  queue.register('test.long', async () => { runs++ })
  const id = (await queue.enqueue(db.kysely, 'test.long', {}))!
  await db.kysely.updateTable('jobs').set({ state: 'running', lockedBy: 'live-worker', lockedAt: new Date(Date.now() - 3600_000), attempts: 1 })
    .where('id', '=', id).execute()
  await queue.renew('live-worker')
  await createWorker(queue, { concurrency: 1, pollMs: 10, log }).drain()
  assert.equal(runs, 0, 'still its worker’s')
  assert.equal((await queue.get(id))!.lockedBy, 'live-worker')
  await db.kysely.updateTable('jobs').set({ state: 'done' }).where('id', '=', id).execute()
})

test('the polling worker starts, runs what arrives, and stops after finishing its running job', async () => {
  const queue = createJobQueue(db)
  let finished = 0
  queue.register('test.slow', async () => { await new Promise(resolve => setTimeout(resolve, 150)); finished++ })
  const worker = createWorker(queue, { concurrency: 2, pollMs: 20, log })
  worker.start()
  await queue.enqueue(db.kysely, 'test.slow', {})
  await waitFor('the job to start', async () => (await db.kysely.selectFrom('jobs').select('id').where('name', '=', 'test.slow').where('state', '=', 'running').execute()).length > 0)
  await worker.stop()
  assert.equal(finished, 1, 'stop() waited for the running job')
})

test('two workers with their own connections never run a job twice', async () => {
  // On PostgreSQL each worker has its own pool, as two processes would; PGlite has one connection.
  const second = testEnv.engine === 'postgres' ? await openDb({ databaseUrl: await currentUrl(db), poolSize: 4 }) : db
  try {
    const queues = [createJobQueue(db), createJobQueue(second)]
    queues.forEach((queue, i) => queue.register('test.race', async (job) => {
      await new Promise(resolve => setTimeout(resolve, Math.random() * 3))
      await sql`insert into job_effects (job_id, worker) values (${job.id}, ${`w${i}`})`.execute(i === 0 ? db.kysely : second.kysely)
    }))
    const total = 300
    await db.transaction(async (trx) => {
      for (let i = 0; i < total; i++) await queues[0]!.enqueue(trx, 'test.race', { i })
    })
    const workers = queues.map((q, i) => createWorker(q, { concurrency: 4, pollMs: 5, log, id: `w${i}` }))
    const ran = await Promise.all(workers.map(w => w.drain()))
    const effects = await sql<{ n: number, distinct: number }>`select count(*)::int as n, count(distinct job_id)::int as distinct from job_effects`.execute(db.kysely)
    assert.equal(effects.rows[0]?.n, total, 'every job ran exactly once')
    assert.equal(effects.rows[0]?.distinct, total)
    assert.equal(ran[0]! + ran[1]!, total)
    if (testEnv.engine === 'postgres') assert.ok(ran[0]! > 0 && ran[1]! > 0, `both workers took jobs: ${ran.join(' + ')}`)
    const left = await db.kysely.selectFrom('jobs').select('id').where('name', '=', 'test.race').where('state', '!=', 'done').execute()
    assert.equal(left.length, 0)
  } finally {
    if (second !== db) await second.close()
  }
})

async function currentUrl (d: Db): Promise<string> {
  const name = await sql<{ db: string }>`select current_database() as db`.execute(d.kysely)
  const url = new URL(testEnv.pgAdminUrl!)
  url.pathname = `/${name.rows[0]!.db}`
  return url.toString()
}
