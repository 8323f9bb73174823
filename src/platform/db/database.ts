import { sql } from 'kysely'
/**
 * The database's table types. They are generated from the migrated schema into schema.ts by
 * `npm run db:types` (scripts/db-types.ts, kysely-codegen), with the domain types of column-types.ts;
 * a test fails when schema.ts differs from what the migrations give.
 */
export type { DB as Database, Dossiers as DossiersTable } from './schema.js'
export type { Assurance, OfficialRole, PaymentState } from './column-types.js'

/** The payment methods that are online payment (VNPay, the national platform PayGov): what statistics and the national sync count as such. */
export const ONLINE_PAYMENT_METHODS = ['vnpay', 'paygov'] as const
/** `<column> in ('vnpay', 'paygov')`, for SQL written by hand. */
export const isOnlinePayment = (column: string) => sql<boolean>`${sql.ref(column)} in (${sql.join([...ONLINE_PAYMENT_METHODS])})`
