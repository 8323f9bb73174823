import crypto from 'node:crypto'
import type { Db } from '../src/platform/db/db.js'
import type { ObjectStore } from './chaos-edges.js'

export const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex')

/**
 * What must hold whatever was killed when: every acknowledged submission is one dossier with its code,
 * its submit event and audit row once each, and the file the citizen sent, readable with its hash;
 * no code twice, none skipped in an agency's day; every stored file's bytes are there and match.
 */
export async function checkInvariants (db: Db, objects: ObjectStore, acknowledged: Array<{ id: string, code: string, hash: string }>, component: string) {
  const k = db.kysely
  const problems: string[] = []
  let lost = 0
  let duplicated = 0
  let uploadsRepeated = 0
  const read = (key: string) => objects.read(key)
  // Read in batches (a few queries per 500 submissions, not four per submission), then checked one by one.
  const byCode = new Map<string, Array<{ id: string, status: number }>>()
  const submitEvents = new Map<string, number>()
  const submitAudits = new Map<string, number>()
  const filesOf = new Map<string, Array<{ storageKey: string, sha256: string | null }>>()
  const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1)
  for (let i = 0; i < acknowledged.length; i += 500) {
    const batch = acknowledged.slice(i, i + 500)
    const ids = batch.map(a => a.id)
    for (const d of await k.selectFrom('dossiers').select(['id', 'code', 'status']).where('code', 'in', batch.map(a => a.code)).execute()) byCode.set(d.code!, [...(byCode.get(d.code!) ?? []), d])
    for (const e of await k.selectFrom('dossierEvents').select('dossierId').where('dossierId', 'in', ids).where('action', '=', 'submit').execute()) count(submitEvents, e.dossierId)
    for (const a of await k.selectFrom('auditLog').select('targetId').where('targetId', 'in', ids).where('action', '=', 'dossier.submit').execute()) count(submitAudits, a.targetId!)
    const files = await k.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId').select(['df.dossierId', 'f.storageKey', 'f.sha256'])
      .where('df.dossierId', 'in', ids).where('df.component', '=', component).where('df.supersededAt', 'is', null).execute()
    for (const f of files) filesOf.set(f.dossierId, [...(filesOf.get(f.dossierId) ?? []), f])
  }
  for (const ack of acknowledged) {
    const dossiers = byCode.get(ack.code) ?? []
    if (dossiers.length !== 1 || dossiers[0]!.id !== ack.id || dossiers[0]!.status < 1) { lost++; problems.push(`${ack.code}: ${dossiers.length} dossiers with the code acknowledged for ${ack.id}`); continue }
    const events = submitEvents.get(ack.id) ?? 0
    const audits = submitAudits.get(ack.id) ?? 0
    if (events === 0 || audits === 0) { lost++; problems.push(`${ack.code}: ${events} submit events, ${audits} audit rows`) }
    if (events > 1 || audits > 1) { duplicated++; problems.push(`${ack.code}: ${events} submit events, ${audits} audit rows`) }
    const files = filesOf.get(ack.id) ?? []
    const sent = files.filter(f => f.sha256 === ack.hash)
    if (sent.length === 0) { lost++; problems.push(`${ack.code}: the file the citizen sent is not in the dossier`) }
    if (sent.length > 1) uploadsRepeated++
    for (const f of files) {
      const bytes = read(f.storageKey)
      if (!bytes || sha256(bytes) !== f.sha256) { lost++; problems.push(`${ack.code}: file ${f.storageKey} ${bytes ? 'differs from its hash' : 'is missing'}`) }
    }
  }
  // Codes: once each, and an agency's day numbered 1..last without a hole.
  const codes = await k.selectFrom('dossiers').select('code').where('code', 'is not', null).execute()
  const byDay = new Map<string, number[]>()
  for (const { code } of codes) {
    const m = /^(.*)-(\d+)$/.exec(code!)!
    byDay.set(m[1]!, [...(byDay.get(m[1]!) ?? []), Number(m[2])])
  }
  for (const [day, numbers] of byDay) {
    const sorted = numbers.sort((a, b) => a - b)
    if (new Set(sorted).size !== sorted.length) { duplicated++; problems.push(`${day}: a code used twice`) }
    if (sorted[sorted.length - 1] !== sorted.length) problems.push(`${day}: ${sorted.length} codes up to ${sorted[sorted.length - 1]}: numbers skipped`)
  }
  // Every file the database holds as stored has its bytes; none in the storage is unknown to it.
  const stored = await k.selectFrom('files').select(['storageKey', 'sha256', 'state']).execute()
  for (const f of stored.filter(x => x.state === 'clean')) {
    const bytes = read(f.storageKey)
    if (!bytes || (f.sha256 && sha256(bytes) !== f.sha256)) { lost++; problems.push(`file ${f.storageKey} (${f.state}) ${bytes ? 'differs from its hash' : 'is missing'}`) }
  }
  // Every file the scanner could not reach while it was down has been scanned since.
  const waiting = stored.filter(x => x.state === 'quarantine').length
  if (waiting > 0) problems.push(`${waiting} files still waiting for the virus scan`)
  const known = new Set(stored.map(f => f.storageKey))
  const orphans = objects.keys().filter(key => !known.has(key))
  if (orphans.length > 0) problems.push(`${orphans.length} stored objects no file row names`)
  return { problems, lost, duplicated, uploadsRepeated }
}

