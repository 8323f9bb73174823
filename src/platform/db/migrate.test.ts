import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { freshDb } from '../../../test/db.js'
import { migrate, MigrationError, migrationStatus } from './migrate.js'
import { MIGRATIONS_DIR } from '../paths.js'

const dirs: string[] = []
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }) })

function migrationsDir (files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-migrations-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text)
  return dir
}

// Each test works in its own schema-free database so the runner's bookkeeping starts empty.
async function emptyDb () {
  const db = await freshDb()
  await sql`drop table schema_migrations`.execute(db.kysely)
  return db
}

test('the shipped migrations are applied in the template: nothing pending, and a second run does nothing', async () => {
  const db = await freshDb()
  try {
    const status = await migrationStatus(db)
    assert.deepEqual(status.pending, [])
    assert.deepEqual(status.applied, fs.readdirSync(MIGRATIONS_DIR).filter(f => f.endsWith('.sql')).sort())
    assert.deepEqual(await migrate(db), [])
  } finally { await db.close() }
})

test('pending files are applied in name order, each recorded once', async () => {
  const db = await emptyDb()
  try {
    const dir = migrationsDir({
      '0002_b.sql': 'insert into t_order (step) values (2);',
      '0001_a.sql': 'create table t_order (step int); insert into t_order (step) values (1);'
    })
    assert.deepEqual(await migrate(db, { dir }), ['0001_a.sql', '0002_b.sql'])
    const rows = await sql<{ step: number }>`select step from t_order order by step`.execute(db.kysely)
    assert.deepEqual(rows.rows.map(r => r.step), [1, 2])
    assert.deepEqual(await migrate(db, { dir }), [])
    assert.deepEqual((await migrationStatus(db, dir)).applied, ['0001_a.sql', '0002_b.sql'])
  } finally { await db.close() }
})

test('a failing migration throws naming the file, and keeps nothing of that file', async () => {
  const db = await emptyDb()
  try {
    const dir = migrationsDir({
      '0001_ok.sql': 'create table t_ok (id int);',
      '0002_bad.sql': 'create table t_half (id int); insert into t_missing values (1);'
    })
    await assert.rejects(migrate(db, { dir }), (err: unknown) => {
      assert.ok(err instanceof MigrationError)
      assert.equal(err.migration, '0002_bad.sql')
      assert.match(err.message, /migration 0002_bad\.sql failed: .*t_missing/)
      return true
    })
    const half = await sql<{ t: string | null }>`select to_regclass('t_half')::text as t`.execute(db.kysely)
    assert.equal(half.rows[0]?.t, null, 'the failed file rolled back as a whole')
    assert.deepEqual((await migrationStatus(db, dir)).pending, ['0002_bad.sql'])
  } finally { await db.close() }
})

test('forward-only: an applied file that changed is refused', async () => {
  const db = await emptyDb()
  try {
    const dir = migrationsDir({ '0001_a.sql': 'create table t_changed (id int);' })
    await migrate(db, { dir })
    fs.writeFileSync(path.join(dir, '0001_a.sql'), 'create table t_changed (id bigint);')
    await assert.rejects(migrate(db, { dir }), /0001_a\.sql was changed after it was applied/)
  } finally { await db.close() }
})

test('a badly named file is refused', async () => {
  const db = await emptyDb()
  try {
    const dir = migrationsDir({ 'init.sql': 'select 1;' })
    await assert.rejects(migrate(db, { dir }), /"init\.sql" does not match/)
  } finally { await db.close() }
})
