import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { backup, restore, verifyBackup } from '../src/platform/db/backup.js'
import type { Database } from '../src/platform/db/database.js'
import { openDb, type Db } from '../src/platform/db/db.js'
import { localStorage } from '../src/modules/files/storage.js'
import { useTestApp } from './app.js'
import { loadCatalog } from './catalog.js'
import { freshDb } from './db.js'
import { testEnv } from './env.js'
import { dossierAwaitingFees } from './payments.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mc-backup-'))

/** Every row of every table (as PostgreSQL writes it, sorted), the migrations by name and checksum, every sequence. */
async function everything (k: Kysely<Database>): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string, kind: string }>`
    select c.relname as name, c.relkind as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'S') order by c.relname`.execute(k)
  const all: Record<string, string[]> = {}
  for (const { name, kind } of tables.rows) {
    const q = kind === 'S'
      ? sql<{ r: string }>`select last_value::text || ' ' || is_called::text as r from ${sql.id(name)}`
      : name === 'schema_migrations'
        ? sql<{ r: string }>`select name || ' ' || checksum as r from schema_migrations`
        : sql<{ r: string }>`select to_jsonb(t)::text as r from ${sql.id(name)} t`
    all[name] = (await q.execute(k)).rows.map(x => x.r).sort()
  }
  return all
}

const hashes = async (db: Db, storage: { get: (key: string) => Promise<Buffer | undefined> }) => {
  const keys = await db.kysely.selectFrom('files').select('storageKey').where('state', '!=', 'uploading').orderBy('storageKey').execute()
  return Promise.all(keys.map(async k => `${k.storageKey} ${crypto.createHash('sha256').update((await storage.get(k.storageKey)) ?? '').digest('hex')}`))
}

test('a backup restored into an empty database (the same engine, and PGlite from PostgreSQL) holds every row, sequence and file', async () => {
  await dossierAwaitingFees(t)
  await dossierAwaitingFees(t)
  const dir = path.join(tmp(), 'backup')
  const manifest = await backup(t.db, t.services.storage, dir)
  assert.ok(manifest.files.length >= 2, 'the dossiers’ files are in it')
  assert.ok(manifest.tables['dossiers']!.rows >= 2 && manifest.tables['audit_log']!.rows > 0)
  await assert.rejects(backup(t.db, t.services.storage, dir), /not empty/, 'never over another backup')

  const source = await everything(t.db.kysely)
  const sourceFiles = await hashes(t.db, t.services.storage)
  const targets: Array<() => Promise<Db>> = [async () => openDb({ memory: true })]
  if (testEnv.engine === 'postgres') targets.unshift(freshDb)
  for (const open of targets) {
    const target = await open()
    const storage = localStorage(tmp())
    try {
      await restore(target, storage, dir)
      assert.deepEqual(await everything(target.kysely), source, `${target.engine}: every row and sequence`)
      assert.deepEqual(await hashes(target, storage), sourceFiles, `${target.engine}: every file, byte for byte`)
      await assert.rejects(restore(target, storage, dir), /already holds/, 'never over a database in use')
    } finally { await target.close() }
  }
})

test('a backup that was changed or did not finish is refused before anything is written', async () => {
  const dir = path.join(tmp(), 'backup')
  await backup(t.db, t.services.storage, dir)
  assert.ok((await verifyBackup(dir)).migrations.length > 40)
  const table = path.join(dir, 'tables', 'accounts.jsonl')
  fs.appendFileSync(table, '{"id": "00000000-0000-0000-0000-000000000000"}\n')
  const target = await openDb({ memory: true })
  try {
    await assert.rejects(restore(target, localStorage(tmp()), dir), /table accounts does not match/)
    const migrations = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = 'schema_migrations'`.execute(target.kysely)
    assert.equal(migrations.rows[0]!.n, 0, 'nothing written')
    fs.rmSync(path.join(dir, 'manifest.json'))
    await assert.rejects(restore(target, localStorage(tmp()), dir), /did not finish/)
  } finally { await target.close() }
})
