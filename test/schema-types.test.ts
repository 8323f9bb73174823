import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { schemaTypes, SCHEMA_FILE } from '../scripts/db-types.js'

/**
 * The committed table types are exactly what kysely-codegen gives for a database migrated from scratch
 * (with the column types of column-types.ts): a migration without `npm run db:types` fails here.
 */
test('src/platform/db/schema.ts matches the migrations (npm run db:types)', async () => {
  const expected = await schemaTypes()
  assert.ok(expected.includes('export interface Dossiers {') && expected.includes('export interface DB {'), 'the generator read the tables')
  assert.equal(fs.readFileSync(SCHEMA_FILE, 'utf8'), expected, 'schema.ts is out of date: run `npm run db:types` and commit it')
})
