import { PGlite, types } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import {
  CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult, type TransactionSettings
} from 'kysely'

/** Type parsers shared with the pg adapter so both engines return the same JavaScript values. */
export const pgliteParsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => v,
  [types.DATE]: (v: string) => v
}

export async function openPglite (options: { dataDir?: string, loadDataDir?: Blob | File }): Promise<PGlite> {
  const pg = await PGlite.create({
    ...options,
    extensions: { pg_trgm, unaccent, fuzzystrmatch },
    parsers: pgliteParsers
  })
  await pg.exec("SET TimeZone = 'UTC'")
  return pg
}

/**
 * Kysely dialect over one PGlite instance. PGlite is a single connection, so the driver hands it
 * out to one user at a time: a transaction holds it until commit, and other queries wait.
 */
export class PgliteDialect implements Dialect {
  constructor (private readonly pg: PGlite) {}
  createAdapter () { return new PostgresAdapter() }
  createDriver (): Driver { return new PgliteDriver(this.pg) }
  createIntrospector (db: Kysely<any>) { return new PostgresIntrospector(db) }
  createQueryCompiler () { return new PostgresQueryCompiler() }
}

class PgliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined
  readonly #connection: PgliteConnection

  constructor (pg: PGlite) { this.#connection = new PgliteConnection(pg) }

  async init () {}

  async acquireConnection (): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise<void>(resolve => { release = resolve })
    await previous
    this.#release = release
    return this.#connection
  }

  async releaseConnection () {
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  async beginTransaction (connection: DatabaseConnection, settings: TransactionSettings) {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`))
  }

  async commitTransaction (connection: DatabaseConnection) { await connection.executeQuery(CompiledQuery.raw('commit')) }
  async rollbackTransaction (connection: DatabaseConnection) { await connection.executeQuery(CompiledQuery.raw('rollback')) }

  async savepoint (connection: DatabaseConnection, name: string) { await connection.executeQuery(CompiledQuery.raw(`savepoint ${name}`)) }
  async rollbackToSavepoint (connection: DatabaseConnection, name: string) { await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`)) }
  async releaseSavepoint (connection: DatabaseConnection, name: string) { await connection.executeQuery(CompiledQuery.raw(`release savepoint ${name}`)) }

  async destroy () {}
}

class PgliteConnection implements DatabaseConnection {
  constructor (private readonly pg: PGlite) {}

  async executeQuery<R> (query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.parameters.length === 0) {
      // The simple protocol runs multi-statement scripts (migrations), as pg does without parameters.
      const results = await this.pg.exec(query.sql)
      const last = results[results.length - 1]
      return { rows: (last?.rows ?? []) as R[], numAffectedRows: BigInt(last?.affectedRows ?? 0) }
    }
    const result = await this.pg.query<R>(query.sql, query.parameters as unknown[])
    return { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) }
  }

  // eslint-disable-next-line require-yield
  async * streamQuery<R> (): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported on PGlite')
  }
}
