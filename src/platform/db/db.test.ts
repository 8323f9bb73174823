import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { freshDb } from '../../../test/db.js'
import { testEnv } from '../../../test/env.js'

test('a connection that drops in the middle of a transaction fails that transaction, not the process', { skip: testEnv.engine !== 'postgres' && 'PostgreSQL only: PGlite has no connection to lose' }, async () => {
  const db = await freshDb()
  try {
    const done = db.transaction(async (trx) => {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid
      // Another connection ends this one while the transaction waits between two statements (as when PostgreSQL restarts).
      await sql`select pg_terminate_backend(${pid})`.execute(db.kysely)
      await new Promise(resolve => setTimeout(resolve, 300))
      await sql`select 1`.execute(trx)
    })
    await assert.rejects(done)
    // Still here (no uncaught 'error'), and the pool serves the next request with a new connection.
    assert.equal((await sql<{ n: number }>`select 2 as n`.execute(db.kysely)).rows[0]!.n, 2)
  } finally { await db.close() }
})
