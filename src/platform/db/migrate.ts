import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Db } from './db.js'
import type { Database } from './database.js'
import { MIGRATIONS_DIR } from '../paths.js'

export class MigrationError extends Error {
  constructor (message: string, readonly migration?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

interface MigrationFile { name: string, sql: string, checksum: string }

const NAME = /^\d{4}_[a-z0-9_]+\.sql$/

async function readMigrations (dir: string): Promise<MigrationFile[]> {
  const names = (await fs.readdir(dir)).filter(n => n.endsWith('.sql')).sort()
  const bad = names.find(n => !NAME.test(n))
  if (bad) throw new MigrationError(`migration file name "${bad}" does not match NNNN_description.sql`, bad)
  return Promise.all(names.map(async name => {
    const text = await fs.readFile(path.join(dir, name), 'utf8')
    return { name, sql: text, checksum: crypto.createHash('sha256').update(text).digest('hex') }
  }))
}

async function ensureTable (k: Kysely<Database>) {
  await sql`create table if not exists schema_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`.execute(k)
}

export interface MigrationStatus { applied: string[], pending: string[] }

/** Which migrations are applied and pending. Throws MigrationError if an applied file has changed or disappeared. */
export async function migrationStatus (db: Db, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  return statusOn(db.kysely, await readMigrations(dir))
}

async function statusOn (k: Kysely<Database>, files: MigrationFile[]): Promise<MigrationStatus> {
  const exists = await sql<{ t: string | null }>`select to_regclass('schema_migrations')::text as t`.execute(k)
  if (!exists.rows[0]?.t) return { applied: [], pending: files.map(f => f.name) }
  const rows = await k.selectFrom('schemaMigrations').select(['name', 'checksum']).orderBy('name').execute()
  const byName = new Map(files.map(f => [f.name, f]))
  for (const row of rows) {
    const file = byName.get(row.name)
    if (!file) throw new MigrationError(`migration ${row.name} is recorded as applied but its file is missing`, row.name)
    if (file.checksum !== row.checksum) {
      throw new MigrationError(`migration ${row.name} was changed after it was applied; migrations are forward-only: add a new file instead`, row.name)
    }
  }
  const applied = new Set(rows.map(r => r.name))
  return { applied: [...applied], pending: files.filter(f => !applied.has(f.name)).map(f => f.name) }
}

/**
 * Applies pending migrations in name order, each in its own transaction, holding an advisory
 * lock so that several processes starting together apply each file once.
 * Throws MigrationError naming the file and the database's message; nothing of that file is kept.
 */
export async function migrate (db: Db, options: { dir?: string, log?: (msg: string) => void, upTo?: string | undefined } = {}): Promise<string[]> {
  const dir = options.dir ?? MIGRATIONS_DIR
  const files = await readMigrations(dir)
  const done: string[] = []
  await db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(7283401)`.execute(conn)
    try {
      await ensureTable(conn)
      const status = await statusOn(conn, files)
      // `upTo`: no further than that file (a restore rebuilds the schema its backup was made with).
      for (const file of files.filter(f => status.pending.includes(f.name) && (options.upTo === undefined || f.name <= options.upTo))) {
        try {
          await conn.transaction().execute(async (trx) => {
            await sql.raw(file.sql).execute(trx)
            await trx.insertInto('schemaMigrations').values({ name: file.name, checksum: file.checksum }).execute()
          })
        } catch (err) {
          throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`, file.name, { cause: err })
        }
        options.log?.(`applied ${file.name}`)
        done.push(file.name)
      }
    } finally {
      await sql`select pg_advisory_unlock(7283401)`.execute(conn)
    }
  })
  return done
}
