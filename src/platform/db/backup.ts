import crypto from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from './database.js'
import type { Db } from './db.js'
import { migrate, migrationStatus } from './migrate.js'

/** What a backup holds and how to check it: written last, so a directory without it is no backup. */
export interface BackupManifest {
  format: typeof FORMAT
  createdAt: string
  engine: Db['engine']
  /** The migrations applied to the database backed up: its schema version. */
  migrations: string[]
  tables: Record<string, { rows: number, sha256: string }>
  sequences: Record<string, { lastValue: number, isCalled: boolean }>
  files: Array<{ key: string, size: number, sha256: string }>
}

/** Where the uploaded files' bytes are: the file storage, read and written by key. */
export interface BackupStorage {
  get (key: string): Promise<Buffer | undefined>
  put (key: string, data: Buffer, mediaType: string): Promise<void>
}

const FORMAT = 'mot-cua-backup/1'
const MANIFEST = 'manifest.json'
/** Rows read or written per statement. */
const PAGE = 1000
/** The migrations' own bookkeeping is the schema version, restored by migrating, not copied. */
const BOOKKEEPING = 'schema_migrations'

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest('hex')

async function tablesOf (k: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and c.relname <> ${BOOKKEEPING}
    order by c.relname`.execute(k)
  return r.rows.map(x => x.name)
}

async function sequencesOf (k: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(k)
  return r.rows.map(x => x.name)
}

/** The columns a row is written with: every stored column but those the database computes itself. */
async function writableColumns (k: Kysely<Database>, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select attname as name from pg_attribute
    where attrelid = ${table}::regclass and attnum > 0 and not attisdropped and attgenerated = ''
    order by attnum`.execute(k)
  return r.rows.map(x => x.name)
}

/**
 * Writes a backup of the database and its files into `dir` (new or empty): every table's rows as
 * JSON lines in PostgreSQL's own text forms, the sequences, the files the `files` table names, and
 * the manifest with the schema version and a hash of each part. Database and files are one snapshot:
 * everything is read in one repeatable-read transaction, the files being those its rows name.
 */
export async function backup (db: Db, storage: BackupStorage, dir: string, log: (line: string) => void = () => undefined): Promise<BackupManifest> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: a backup goes into a new directory`)
  await fsp.mkdir(path.join(dir, 'tables'), { recursive: true })
  const { applied } = await migrationStatus(db)
  return db.kysely.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`set transaction read only`.execute(trx)
    const manifest: BackupManifest = { format: FORMAT, createdAt: new Date().toISOString(), engine: db.engine, migrations: applied, tables: {}, sequences: {}, files: [] }
    for (const table of await tablesOf(trx)) {
      manifest.tables[table] = await dumpTable(trx, table, path.join(dir, 'tables', `${table}.jsonl`))
      log(`${table}: ${manifest.tables[table].rows} rows`)
    }
    for (const seq of await sequencesOf(trx)) {
      const r = await sql<{ lastValue: number, isCalled: boolean }>`select last_value::float8 as "lastValue", is_called as "isCalled" from ${sql.id(seq)}`.execute(trx)
      manifest.sequences[seq] = r.rows[0]!
    }
    const files = await trx.selectFrom('files').select(['storageKey', 'sha256', 'state']).where('state', '!=', 'uploading').orderBy('storageKey').execute()
    for (const f of files) {
      const data = await storage.get(f.storageKey)
      if (!data) throw new Error(`file ${f.storageKey} is named in the database but missing from the storage`)
      const hash = sha256(data)
      if (f.sha256 && f.sha256 !== hash) throw new Error(`file ${f.storageKey} does not match its recorded hash`)
      const target = path.join(dir, 'files', f.storageKey)
      await fsp.mkdir(path.dirname(target), { recursive: true })
      await fsp.writeFile(target, data, { mode: 0o600 })
      manifest.files.push({ key: f.storageKey, size: data.length, sha256: hash })
    }
    log(`files: ${manifest.files.length}`)
    await fsp.writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 1), { mode: 0o600 })
    return manifest
  })
}

async function dumpTable (trx: Transaction<Database>, table: string, file: string): Promise<{ rows: number, sha256: string }> {
  const out = fs.createWriteStream(file, { mode: 0o600 })
  const hash = crypto.createHash('sha256')
  let rows = 0
  let after = '(0,0)'
  try {
    for (;;) {
      const page = await sql<{ r: string, c: string }>`
        select to_jsonb(t)::text as r, t.ctid::text as c from ${sql.id(table)} t where t.ctid > ${after}::tid order by t.ctid limit ${PAGE}`.execute(trx)
      for (const row of page.rows) {
        const line = row.r + '\n'
        hash.update(line)
        if (!out.write(line)) await new Promise<void>(resolve => out.once('drain', () => resolve()))
      }
      rows += page.rows.length
      if (page.rows.length < PAGE) break
      after = page.rows[page.rows.length - 1]!.c
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err ? reject(err) : resolve()))
  }
  return { rows, sha256: hash.digest('hex') }
}

/** Reads and checks a backup's manifest and every part it names; throws on the first thing wrong. */
export async function verifyBackup (dir: string): Promise<BackupManifest> {
  const file = path.join(dir, MANIFEST)
  if (!fs.existsSync(file)) throw new Error(`${dir} holds no ${MANIFEST}: not a backup, or one that did not finish`)
  const manifest = JSON.parse(await fsp.readFile(file, 'utf8')) as BackupManifest
  if (manifest.format !== FORMAT) throw new Error(`${dir}: unknown backup format ${String(manifest.format)}`)
  for (const [table, t] of Object.entries(manifest.tables)) {
    if (sha256(await fsp.readFile(path.join(dir, 'tables', `${table}.jsonl`))) !== t.sha256) throw new Error(`${dir}: table ${table} does not match the manifest`)
  }
  for (const f of manifest.files) {
    if (sha256(await fsp.readFile(path.join(dir, 'files', f.key))) !== f.sha256) throw new Error(`${dir}: file ${f.key} does not match the manifest`)
  }
  return manifest
}

/**
 * Restores a backup into an empty database (a new DATA_DIR, or a new PostgreSQL database; the engine
 * may differ from the one backed up) and its file storage. The database is migrated to the backup's
 * schema version, the files are put back, every table is loaded in one transaction with triggers and
 * foreign-key checks off (PostgreSQL: a superuser connection; the rows are a consistent snapshot),
 * the sequences set, and then the migrations the backup predates are applied.
 */
export async function restore (db: Db, storage: BackupStorage, dir: string, log: (line: string) => void = () => undefined): Promise<BackupManifest> {
  const manifest = await verifyBackup(dir)
  const status = await migrationStatus(db)
  const known = [...status.applied, ...status.pending]
  const last = manifest.migrations[manifest.migrations.length - 1]
  if (manifest.migrations.some((m, i) => known[i] !== m)) throw new Error('the backup was made by a version of Một Cửa whose migrations this one does not have: restore it with that version')
  if (status.applied.length > manifest.migrations.length) throw new Error('the database is newer than the backup: restore into a new, empty database')
  await migrate(db, { upTo: last })
  for (const table of ['procedures', 'accounts', 'dossiers', 'files'] as const) {
    const n = await db.kysely.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    if (n.n > 0) throw new Error(`the database already holds ${table}: restore into a new, empty database`)
  }
  const media = new Map<string, string>()
  for await (const line of lines(path.join(dir, 'tables', 'files.jsonl'))) {
    const row = JSON.parse(line) as { storage_key: string, media_type: string }
    media.set(row.storage_key, row.media_type)
  }
  for (const f of manifest.files) await storage.put(f.key, await fsp.readFile(path.join(dir, 'files', f.key)), media.get(f.key) ?? 'application/octet-stream')
  log(`files: ${manifest.files.length}`)
  await db.transaction(async (trx) => {
    try {
      await sql`set local session_replication_role = replica`.execute(trx)
    } catch (err) {
      throw new Error(`loading without triggers needs a superuser connection on PostgreSQL (${(err as Error).message})`, { cause: err })
    }
    const tables = await tablesOf(trx)
    const missing = Object.keys(manifest.tables).filter(t => !tables.includes(t))
    if (missing.length > 0) throw new Error(`the backup has tables this database does not: ${missing.join(', ')}`)
    await sql`truncate table ${sql.join(tables.map(t => sql.id(t)))}`.execute(trx)
    for (const [table, t] of Object.entries(manifest.tables)) {
      const columns = sql.join((await writableColumns(trx, table)).map(c => sql.id(c)))
      let batch: string[] = []
      const flush = async () => {
        if (batch.length === 0) return
        await sql`insert into ${sql.id(table)} (${columns}) overriding system value
          select ${columns} from jsonb_populate_recordset(null::${sql.id(table)}, ${`[${batch.join(',')}]`}::jsonb)`.execute(trx)
        batch = []
      }
      for await (const line of lines(path.join(dir, 'tables', `${table}.jsonl`))) {
        batch.push(line)
        if (batch.length === PAGE) await flush()
      }
      await flush()
      log(`${table}: ${t.rows} rows`)
    }
    for (const [seq, s] of Object.entries(manifest.sequences)) await sql`select setval(${seq}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(trx)
  })
  const later = await migrate(db)
  if (later.length > 0) log(`migrated since the backup: ${later.join(', ')}`)
  return manifest
}

function lines (file: string): AsyncIterable<string> {
  return readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity })
}
