import { AsyncLocalStorage } from 'node:async_hooks'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { CamelCasePlugin, Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import type { PGlite } from '@electric-sql/pglite'
import type { Database } from './database.js'
import { openPglite, PgliteDialect } from './pglite.js'

export type Executor = Kysely<Database> | Transaction<Database>

/** The database handle every service receives: Kysely for queries, plus what the platform needs. */
export interface Db {
  readonly kysely: Kysely<Database>
  readonly engine: 'pglite' | 'postgres'
  /** Runs fn in one transaction; jobs and audit rows written with the given executor commit or roll back with it. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /**
   * Where a read of reference data (the caches of the catalog, calendar, settings, site profile) goes:
   * the transaction the caller runs in, if any, else the pool. A cache refreshed in the middle of a
   * transaction must not wait for a second connection: PGlite has one, held by the transaction (the
   * process would hang), and on PostgreSQL every pooled connection may be held by such a transaction.
   */
  reader(): Kysely<Database>
  ping(): Promise<void>
  /** This process's connections: the PostgreSQL pool's (total, idle, waiting requests, max), or PGlite's one. */
  connections(): Record<'total' | 'idle' | 'waiting' | 'max', number>
  close(): Promise<void>
  /** PGlite only: the whole data directory as a tarball (used for test templates). */
  dump?(): Promise<Blob>
}

export interface DbOptions {
  databaseUrl?: string | undefined
  dataDir?: string
  /** PGlite only: start from a dumped data directory instead of dataDir. */
  loadDataDir?: Blob
  /** PGlite only: an in-memory database (tests, templates). */
  memory?: boolean
  poolSize?: number
}

const pgTypes = {
  getTypeParser (oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v)
    if (oid === 1082) return (v: string) => v
    return pg.types.getTypeParser(oid, format as 'text')
  }
}

export async function openDb (options: DbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const max = options.poolSize ?? 10
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max,
      options: '-c TimeZone=UTC',
      types: pgTypes as pg.CustomTypesConfig
    })
    pool.on('error', () => { /* a dropped idle client; the next query reconnects */ })
    // The pool listens for a client's errors only while it is idle: a connection that drops while checked
    // out (a transaction between two statements when PostgreSQL restarts) would otherwise emit an
    // unhandled 'error' and end the process (found by the fault battery). The statement in flight
    // fails with the error; the pool discards the client when it is released.
    pool.on('connect', (client) => { client.on('error', () => { /* reported by the statement that fails */ }) })
    return wrap(new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] }), 'postgres',
      () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }))
  }
  let pglite: PGlite
  if (options.loadDataDir) {
    pglite = await openPglite({ loadDataDir: options.loadDataDir })
  } else if (options.memory) {
    pglite = await openPglite({})
  } else {
    const dir = path.join(options.dataDir ?? './data', 'pglite')
    fs.mkdirSync(dir, { recursive: true })
    pglite = await openPglite({ dataDir: dir })
  }
  const kysely = new Kysely<Database>({ dialect: new PgliteDialect(pglite), plugins: [new CamelCasePlugin()] })
  return wrap(kysely, 'pglite', () => ({ total: 1, idle: 0, waiting: 0, max: 1 }), pglite)
}

function wrap (kysely: Kysely<Database>, engine: Db['engine'], connections: Db['connections'], pglite?: PGlite): Db {
  let closed = false
  const current = new AsyncLocalStorage<Transaction<Database>>()
  return {
    kysely,
    engine,
    transaction: (fn) => kysely.transaction().execute(trx => current.run(trx, () => fn(trx))),
    reader: () => current.getStore() ?? kysely,
    async ping () { await sql`select 1`.execute(kysely) },
    connections,
    async close () {
      if (closed) return
      closed = true
      await kysely.destroy()
      await pglite?.close()
    },
    ...(pglite ? { dump: () => pglite.dumpDataDir('none') } : {})
  }
}
