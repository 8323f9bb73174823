import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import { systemActor, type Actor, type AuditService } from '../audit/audit.service.js'
import { buildPush } from './payload.js'

/** The periodic job that reads the ledger and pushes to the national portal. */
export const SYNC_JOB = 'national.sync'
/** A push tried this many times without success waits in the dead-letter list for an administrator. */
export const MAX_ATTEMPTS = 8
/** How long a worker holds the dossiers it is pushing before another may take them (it crashed). */
const LEASE_MS = 60_000
/** Pushes in flight at once per worker. */
const PARALLEL = 4
/** How long a file address given to the national portal stays valid. */
const FILE_URL_DAYS = 7

/** The wait after the n-th failed push: 10 s doubled each time, at most an hour. */
export const syncBackoffMs = (attempt: number) => Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempt - 1))

export interface NationalSyncDeps {
  db: Db
  jobs: JobQueue
  audit: AuditService
  /** The national portal's sync API (none: the sync is off and nothing is queued). */
  url?: string | undefined
  token?: string | undefined
  /** The portal's public address (the file links) and the key that signs them. */
  publicUrl: () => string
  fileKey: string
  now?: () => Date
  log?: Logger
  timeoutMs?: number
  backoffMs?: (attempt: number) => number
}

/**
 * The dossier sync with the National Public Service Portal (issue 20; docs/decisions/0013). The event
 * ledger is the outbox: every change of a dossier writes its event in the change's own transaction, and
 * while the sync is on a trigger marks the dossier's wanted position in that same transaction, so
 * nothing is pushed that did not happen and nothing that happened is lost. `push` leases due
 * dossiers (two workers never push the same one), sends each one's state as of its latest event, in
 * order (the sequence is the event id; the national side keeps the highest), and records the answer,
 * retrying with back-off and setting a dossier aside as failed after MAX_ATTEMPTS.
 */
export function createNationalSync (deps: NationalSyncDeps) {
  const { db, audit } = deps
  const now = deps.now ?? (() => new Date())
  const enabled = deps.url !== undefined && deps.url !== ''
  const base = (deps.url ?? '').replace(/\/$/, '')
  const backoff = deps.backoffMs ?? syncBackoffMs
  const worker = `${process.pid}:${crypto.randomBytes(3).toString('hex')}`

  const sign = (fileId: string, expires: number) => crypto.createHmac('sha256', deps.fileKey).update(`${fileId}.${expires}`).digest('base64url')
  /** A signed, expiring address of a file for the national portal to fetch. */
  function fileUrl (fileId: string): string {
    const expires = Math.floor(now().getTime() / 86_400_000 + FILE_URL_DAYS) * 86_400
    return `${deps.publicUrl()}/api/v1/dvcqg/tep/${fileId}?het-han=${expires}&chu-ky=${sign(fileId, expires)}`
  }

  /**
   * Switches the ledger's marking on or off as configured (the trigger of migration 0043 reads the flag);
   * switched on, every submitted dossier is marked up to its last event (what happened while it was
   * off included), so the whole ledger is pushed. Called at start, after the migrations.
   */
  async function prepare (): Promise<void> {
    await db.transaction(async trx => {
      const was = await trx.selectFrom('nationalSyncSettings').select('enabled').where('id', '=', 1).forUpdate().executeTakeFirst()
      await trx.insertInto('nationalSyncSettings').values({ id: 1, enabled }).onConflict(oc => oc.column('id').doUpdateSet({ enabled })).execute()
      if (enabled && was?.enabled !== true) {
        await sql`insert into national_sync (dossier_id, wanted_seq, next_at, updated_at)
          select e.dossier_id, max(e.id), now(), now() from dossier_events e join dossiers d on d.id = e.dossier_id where d.code is not null group by e.dossier_id
          on conflict (dossier_id) do update set wanted_seq = greatest(national_sync.wanted_seq, excluded.wanted_seq),
            state = case when national_sync.pushed_seq < excluded.wanted_seq then 'pending' else national_sync.state end, updated_at = now()`.execute(trx)
      }
    })
  }

  /** Sends one push; resolves with the remote answer or throws with why it failed. */
  async function send (body: unknown): Promise<{ error_code: string, message: string }> {
    const res = await fetch(`${base}/api/dong-bo-ho-so`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(deps.token ? { authorization: `Bearer ${deps.token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000)
    })
    const answer = await res.json().catch(() => undefined) as { error_code?: string, message?: string } | undefined
    if (!res.ok) throw new Error(`HTTP ${res.status}${answer?.message ? `: ${answer.message}` : ''}`)
    if (answer?.error_code === undefined) throw new Error('câu trả lời không đúng dạng {error_code, message}')
    return { error_code: String(answer.error_code), message: String(answer.message ?? '') }
  }

  /** Leases up to `limit` due dossiers and pushes each; returns how many were accepted. */
  async function push (limit = 20): Promise<{ pushed: number, failed: number }> {
    const at = now()
    const leased = (await sql<{ dossierId: string, wantedSeq: number, attempts: number }>`
      update national_sync set locked_by = ${worker}, locked_until = ${new Date(at.getTime() + LEASE_MS)}
      where dossier_id in (
        select dossier_id from national_sync
        where state = 'pending' and next_at <= ${at} and (locked_until is null or locked_until < ${at})
        order by next_at limit ${limit} for update skip locked)
      returning dossier_id, wanted_seq, attempts`.execute(db.kysely)).rows
    let pushed = 0
    let failed = 0
    // A few at a time: the remote's answers overlap (each dossier still gets one push at a time: it is leased).
    const one = async (row: typeof leased[number]) => {
      const seq = Number(row.wantedSeq)
      let error: string | undefined
      let answer: { error_code: string, message: string } | undefined
      try {
        const body = await buildPush(db.kysely, row.dossierId, seq, fileUrl)
        // Nothing the national portal keeps (a dossier not submitted): done, nothing sent.
        answer = body ? await send(body) : { error_code: '0', message: 'không có gì để gửi' }
        if (answer.error_code !== '0') error = `Cổng quốc gia từ chối (${answer.error_code}): ${answer.message}`
      } catch (err) {
        error = err instanceof Error ? (err.name === 'TimeoutError' ? 'hết thời gian chờ trả lời' : err.message) : String(err)
      }
      const done = now()
      if (error === undefined) {
        pushed++
        await db.kysely.updateTable('nationalSync').set({
          pushedSeq: sql`greatest(pushed_seq, ${seq})`, state: sql`case when wanted_seq > ${seq} then 'pending' else 'ok' end`, attempts: 0, lastError: null,
          lastAnswer: JSON.stringify(answer), pushedAt: done, nextAt: done, lockedBy: null, lockedUntil: null, updatedAt: done
        }).where('dossierId', '=', row.dossierId).where('lockedBy', '=', worker).execute()
      } else {
        failed++
        const attempts = Number(row.attempts) + 1
        const dead = attempts >= MAX_ATTEMPTS
        await db.kysely.updateTable('nationalSync').set({
          attempts, state: dead ? 'failed' : 'pending', lastError: error.slice(0, 1000), lastAnswer: answer ? JSON.stringify(answer) : null,
          nextAt: new Date(done.getTime() + backoff(attempts)), lockedBy: null, lockedUntil: null, updatedAt: done
        }).where('dossierId', '=', row.dossierId).where('lockedBy', '=', worker).execute()
        deps.log?.warn({ dossierId: row.dossierId, attempts, dead, error }, 'national sync: push failed')
      }
    }
    for (let k = 0; k < leased.length; k += PARALLEL) await Promise.all(leased.slice(k, k + PARALLEL).map(one))
    return { pushed, failed }
  }

  if (enabled) {
    deps.jobs.registerPeriodic(SYNC_JOB, 15_000, async (_job, { log }) => {
      const r = await run()
      if (r.pushed > 0 || r.failed > 0) log.info(r, 'national sync')
    })
  }

  /** Pushes until nothing is due (bounded): the periodic job's work. */
  async function run (rounds = 20): Promise<{ pushed: number, failed: number }> {
    const total = { pushed: 0, failed: 0 }
    for (let i = 0; i < rounds; i++) {
      const r = await push()
      total.pushed += r.pushed; total.failed += r.failed
      if (r.pushed + r.failed === 0) break
    }
    return total
  }

  return {
    enabled,
    fileUrl,
    prepare,
    push,
    run,

    /** Whether a file address the portal gave is genuine and unexpired. */
    checkFileUrl (fileId: string, expires: string | undefined, signature: string | undefined): boolean {
      const e = Number(expires)
      if (!Number.isInteger(e) || e * 1000 < now().getTime() || !signature) return false
      const good = Buffer.from(sign(fileId, e))
      const given = Buffer.from(signature)
      return good.length === given.length && crypto.timingSafeEqual(good, given)
    },

    /** The administrator's view: counts by state, the lag, the failed dossiers with the remote's answer. */
    async overview () {
      const [counts, oldest, failed] = await Promise.all([
        db.kysely.selectFrom('nationalSync').select(['state', sql<number>`count(*)::int`.as('n')]).groupBy('state').execute(),
        db.kysely.selectFrom('nationalSync').select(sql<Date | null>`min(updated_at)`.as('since')).where('state', '=', 'pending').executeTakeFirst(),
        db.kysely.selectFrom('nationalSync as s').innerJoin('dossiers as d', 'd.id', 's.dossierId')
          .select(['d.code', 's.attempts', 's.lastError', 's.lastAnswer', 's.updatedAt', 's.wantedSeq', 's.pushedSeq']).where('s.state', '=', 'failed').orderBy('s.updatedAt', 'desc').limit(100).execute()
      ])
      const by = Object.fromEntries(counts.map(c => [c.state, c.n])) as Record<string, number>
      return {
        enabled,
        url: base,
        pending: by['pending'] ?? 0,
        ok: by['ok'] ?? 0,
        failed: by['failed'] ?? 0,
        lagSeconds: oldest?.since ? Math.max(0, Math.round((now().getTime() - new Date(oldest.since).getTime()) / 1000)) : 0,
        failedRows: failed
      }
    },

    /** Pushes a dossier again now (its state as the ledger has it); audited. */
    async repush (actor: Actor, code: string): Promise<void> {
      const d = await db.kysely.selectFrom('dossiers').select('id').where('code', '=', code.trim()).executeTakeFirst()
      if (!d) throw new AppError('VALIDATION', 'no such dossier', [{ field: 'code', message: 'Không có hồ sơ với mã này' }])
      const last = await db.kysely.selectFrom('dossierEvents').select(sql<number>`max(id)`.as('id')).where('dossierId', '=', d.id).executeTakeFirst()
      if (!last?.id) throw new AppError('VALIDATION', 'nothing to push', [{ field: 'code', message: 'Hồ sơ chưa nộp nên chưa đồng bộ' }])
      await db.transaction(async trx => {
        await trx.insertInto('nationalSync').values({ dossierId: d.id, wantedSeq: Number(last.id), nextAt: now(), updatedAt: now() })
          .onConflict(oc => oc.column('dossierId').doUpdateSet({ wantedSeq: sql`greatest(national_sync.wanted_seq, excluded.wanted_seq)`, state: 'pending', attempts: 0, nextAt: now(), updatedAt: now() })).execute()
        await audit.record(trx, { actor, action: 'national.repush', targetType: 'dossier', targetId: d.id, details: { code } })
      })
    },

    /** Puts every failed dossier back in the queue; audited. Returns how many. */
    async repushFailed (actor: Actor): Promise<number> {
      return db.transaction(async trx => {
        const r = await trx.updateTable('nationalSync').set({ state: 'pending', attempts: 0, nextAt: now(), updatedAt: now() }).where('state', '=', 'failed').executeTakeFirst()
        const n = Number(r.numUpdatedRows)
        await audit.record(trx, { actor, action: 'national.repush-failed', targetType: 'national-sync', targetId: 'failed', details: { count: n } })
        return n
      })
    },

    /**
     * Compares what the national side holds with the ledger for the dossiers pushed last (at most
     * `limit`): each whose status or sequence there differs from ours, with both. Audited.
     */
    async reconcile (actor: Actor = systemActor, limit = 200) {
      const rows = await db.kysely.selectFrom('nationalSync as s').innerJoin('dossiers as d', 'd.id', 's.dossierId')
        .select(['d.code', 'd.status', 's.pushedSeq', 's.wantedSeq', 's.state']).where('s.pushedSeq', '>', 0).orderBy('s.pushedAt', 'desc').limit(limit).execute()
      const differences: Array<{ code: string, ours: string, theirs: string }> = []
      for (const r of rows) {
        const res = await fetch(`${base}/api/ho-so/${encodeURIComponent(r.code!)}`, { headers: deps.token ? { authorization: `Bearer ${deps.token}` } : {}, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) }).catch(() => undefined)
        const there = res?.ok ? await res.json() as { TrangThaiHoSo?: string, seq?: number } : undefined
        const ours = `trạng thái ${r.status}, lần ${r.pushedSeq}`
        if (!there) differences.push({ code: r.code!, ours, theirs: res ? `không có (HTTP ${res.status})` : 'không trả lời' })
        else if (there.TrangThaiHoSo !== String(r.status) && r.wantedSeq === r.pushedSeq) differences.push({ code: r.code!, ours, theirs: `trạng thái ${there.TrangThaiHoSo}, lần ${there.seq}` })
        else if (Number(there.seq) !== Number(r.pushedSeq)) differences.push({ code: r.code!, ours, theirs: `trạng thái ${there.TrangThaiHoSo}, lần ${there.seq}` })
      }
      await db.transaction(trx => audit.record(trx, { actor, action: 'national.reconcile', targetType: 'national-sync', targetId: 'all', details: { checked: rows.length, differences: differences.length } }))
      return { checked: rows.length, differences }
    }
  }
}

export type NationalSync = ReturnType<typeof createNationalSync>
