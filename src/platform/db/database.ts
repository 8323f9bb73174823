/**
 * The database's table types. They are generated from the migrated schema into schema.ts by
 * `npm run db:types` (scripts/db-types.ts, kysely-codegen), with the domain types of column-types.ts;
 * a test fails when schema.ts differs from what the migrations give.
 */
export type { DB as Database, Dossiers as DossiersTable } from './schema.js'
export type { Assurance, OfficialRole, PaymentState } from './column-types.js'
