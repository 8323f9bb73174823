import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { TestApp } from './app.js'

/** A Vietnam local time ("2026-04-21 17:00[:01]") as an instant. */
export const vn = (s: string) => new Date(`${s.replace(' ', 'T')}+07:00`)

/** A dossier as the ledger holds it: received (or not), due, finished, or closed (7, 8) with its event. */
export interface LedgerDossier { status: number, channel?: 'online' | 'counter' | 'postal', received?: string, due?: string, finished?: string, closed?: string, processing?: string, agency?: string, postponedFrom?: string, rating?: number, ratingComment?: string, rated?: string }

let seq = 0
/**
 * Writes a dossier row (and the event that closed it) straight into the ledger, for statistics tests
 * that need dossiers at given instants in the past; returns its code.
 */
export async function ledgerDossier (t: Pick<TestApp, 'db'>, procedure: string, d: LedgerDossier): Promise<string> {
  const p = await t.db.kysely.selectFrom('procedures').select(['id', 'currentVersionId']).where('code', '=', procedure).executeTakeFirstOrThrow()
  const id = crypto.randomUUID()
  const code = `000.00.11.H34-260401-${String(++seq).padStart(4, '0')}`
  const agency = d.agency ?? '000.00.11.H34'
  await sql`insert into dossiers (id, code, status, procedure_id, procedure_version_id, agency_code, processing_agency_code, channel, applicant, submitter, submitted_at, received_at, due_at, finished_at, postponed_from, closed_at, rating, rating_comment, rated_at)
    values (${id}, ${code}, ${d.status}, ${p.id}, ${p.currentVersionId}, ${agency}, ${d.received ? d.processing ?? agency : null}, ${d.channel ?? 'online'},
            ${JSON.stringify({ kind: 'individual', fullName: `Người nộp ${seq}`, idNumber: '062000000000' })}, ${JSON.stringify({ kind: 'individual', fullName: `Người nộp ${seq}` })},
            ${d.received ? vn(d.received) : vn('2026-03-01 08:00')}, ${d.received ? vn(d.received) : null}, ${d.due ? vn(d.due) : null}, ${d.finished ? vn(d.finished) : null}, ${d.postponedFrom ? vn(d.postponedFrom) : null}, ${d.closed ? vn(d.closed) : null}, ${d.rating ?? null}, ${d.ratingComment ?? null}, ${d.rated ? vn(d.rated) : null})`.execute(t.db.kysely)
  if (d.closed) {
    await sql`insert into dossier_events (dossier_id, action, from_status, to_status, actor_type, at) values (${id}, ${d.status === 7 ? 'withdraw' : 'stop'}, 4, ${d.status}, ${d.status === 7 ? 'citizen' : 'official'}, ${vn(d.closed)})`.execute(t.db.kysely)
  }
  return code
}

/** The id of a ledger dossier by its code. */
export async function ledgerId (t: Pick<TestApp, 'db'>, code: string): Promise<string> {
  return (await t.db.kysely.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
}

