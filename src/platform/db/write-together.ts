import { sql, type OperationNodeSource } from 'kysely'
import type { Executor } from './db.js'

/**
 * One write of a statement that writes to several tables at once: an insert (update, delete) query.
 * `as` names it for the writes after it, which may read what it returns (`insert … select … from <as>`).
 */
export interface Write {
  query: OperationNodeSource
  as?: string
}

/**
 * Runs writes as one statement (PostgreSQL's data-modifying `with` parts, each run exactly once and to
 * completion): a business step's event, audit row, notice and message cost one round trip, not five.
 * They commit or roll back together with the caller's transaction, like the separate statements would.
 */
export async function writeTogether (ex: Executor, writes: Write[]): Promise<void> {
  if (writes.length === 0) return
  const names = writes.map((w, i) => w.as ?? `write_${i}`)
  if (new Set(names).size !== names.length) throw new Error(`writeTogether: two writes named alike (${names.join(', ')})`)
  const parts = writes.map((w, i) => sql`${sql.id(names[i]!)} as (${w.query})`)
  await sql`with ${sql.join(parts)} select 1`.execute(ex)
}
