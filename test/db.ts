import crypto from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import { openDb, type Db } from '../src/platform/db/db.js'
import { migrate } from '../src/platform/db/migrate.js'
import { testEnv } from './env.js'

/** A PostgreSQL URL for database `name` on the test cluster. */
export function pgUrl (name: string): string {
  const url = new URL(testEnv.pgAdminUrl!)
  url.pathname = `/${name}`
  return url.toString()
}

async function admin<T> (fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testEnv.pgAdminUrl })
  await client.connect()
  try { return await fn(client) } finally { await client.end() }
}

/** A new, empty PostgreSQL database copied from the migrated template; dropped by the returned drop(). */
export async function createPgDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `test_${crypto.randomBytes(6).toString('hex')}`
  await admin(c => c.query(`create database ${name} template ${testEnv.pgTemplateDb}`))
  return {
    url: pgUrl(name),
    drop: () => admin(c => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
  }
}

/**
 * A fresh, migrated database for one test file, on the engine under test: PGlite loaded from the
 * dumped template (about a second), or a PostgreSQL database created from the template database.
 * Run alone (without scripts/test.ts) it migrates an in-memory PGlite instead.
 */
export async function freshDb (): Promise<Db> {
  if (testEnv.engine === 'postgres') {
    if (!testEnv.pgAdminUrl) throw new Error('TEST_ENGINE=postgres needs TEST_PG_ADMIN_URL (run through npm test)')
    const { url, drop } = await createPgDatabase()
    const db = await openDb({ databaseUrl: url, poolSize: 5 })
    return { ...db, async close () { await db.close(); await drop() } }
  }
  if (testEnv.pgliteTemplate) {
    const bytes = fs.readFileSync(testEnv.pgliteTemplate)
    return openDb({ loadDataDir: new Blob([bytes]) })
  }
  const db = await openDb({ memory: true })
  await migrate(db)
  return db
}
