import { sql } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import { writeTogether, type Write } from '../../platform/db/write-together.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import { createThrottle } from '../../platform/throttle.js'
import { auditRow, type Actor, type AuditEntry, type AuditService } from '../audit/audit.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { meetsAssurance, ASSURANCE_LABELS, type Assurance } from '../catalog/catalog.types.js'
import type { FileState, FilesService, StoredFile } from '../files/files.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import { readPerson, type Delivery, type Person } from './dossier-form.js'
import { STATUS_LABELS, transition, TransitionError, can, type DossierAction, type DossierStatus } from './status.js'
import { type AttachedFile, type FeeLine, type CounterInput, ACTION_LABELS, componentSlots, caseGroups, vietnamDay, type DossierRow, type OfficeActor, type IssuedDocument } from './model.js'

/** The dependencies of the dossiers module. */
export interface DossiersDeps {
  db: Db
  catalog: CatalogService
  files: FilesService
  audit: AuditService
  notifications: NotificationsService
  jobs: JobQueue
  config: { PUBLIC_URL: string, MAX_DOSSIER_MB: number, DRAFT_RETENTION_DAYS: number }
  /** Signs the links that share a document of a citizen's store. */
  shareSecret?: string
  /** The instant every record of the dossier's life is stamped with: the system clock, or a simulated one (the demo's year of history). */
  now?: () => Date
}

/**
 * What the dossier use cases share: the module's dependencies and the helpers every journey uses
 * (ownership, the dossier's view, events, notices, transitions). Built once per service.
 */
export function createDossierContext (deps: DossiersDeps) {
  const { db, catalog, files, audit, notifications, jobs, config } = deps
  const throttle = createThrottle(db)
  const clock = deps.now ?? (() => new Date())
  /** Set by the back office (onResume, onClose): its part of a dossier's due date and of its closing. */
  const hooks: {
    /** The due date of a received dossier given its supplement pauses. */
    resumed?: (trx: Executor, d: DossierRow, pauses: Array<{ from: Date, to: Date }>) => Promise<Date | undefined>
    /** Work in the same transaction when a dossier closes (withdrawn, stopped). */
    closed?: (trx: Executor, d: DossierRow, to: DossierStatus, actor: OfficeActor) => Promise<void>
  } = {}
  const maxDossierBytes = config.MAX_DOSSIER_MB * 1024 * 1024

  const citizen = (accountId: string): Actor => ({ type: 'citizen', id: accountId })

  async function ownDossier (ex: Executor, accountId: string, where: { id?: string, code?: string }, lock = false) {
    if (where.id !== undefined && !/^[0-9a-f-]{36}$/.test(where.id)) throw new AppError('NOT_FOUND', 'no such dossier')
    let q = ex.selectFrom('dossiers').selectAll().where('accountId', '=', accountId)
    q = where.id !== undefined ? q.where('id', '=', where.id) : q.where('code', '=', where.code ?? '')
    const row = await (lock ? q.forUpdate() : q).executeTakeFirst()
    // Another citizen's dossier is reported exactly like one that does not exist.
    if (!row) throw new AppError('NOT_FOUND', 'no such dossier')
    return row
  }

  async function ownDraft (ex: Executor, accountId: string, id: string, lock = false) {
    const row = await ownDossier(ex, accountId, { id }, lock)
    if (row.status !== 0) throw new AppError('CONFLICT', 'Hồ sơ này đã được nộp; mở hồ sơ trong mục Hồ sơ của tôi.')
    return row
  }

  async function attachments (ex: Executor, dossierId: string): Promise<AttachedFile[]> {
    const rows = await ex.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId')
      .leftJoin('dossierFiles as src', 'src.id', 'df.reusedFrom').leftJoin('dossiers as sd', 'sd.id', 'src.dossierId')
      .select(['df.id as attachmentId', 'df.component', 'df.round', 'df.supersededAt', 'df.createdAt as attachedAt', 'df.digitisation', 'sd.code as reusedFromCode',
        'f.id', 'f.name', 'f.mediaType', 'f.size', 'f.sha256', 'f.state', 'f.createdAt', sql<string | null>`to_char(df.valid_until, 'YYYY-MM-DD')`.as('validUntil')])
      .where('df.dossierId', '=', dossierId).orderBy('df.id').execute()
    return rows.map(r => ({
      attachmentId: r.attachmentId, component: r.component, round: r.round, superseded: r.supersededAt !== null, attachedAt: r.attachedAt,
      id: r.id, name: r.name, mediaType: r.mediaType, size: Number(r.size), sha256: r.sha256, state: r.state, createdAt: r.createdAt,
      ...(r.digitisation === 2 || r.digitisation === 3 ? { reused: { digitisation: r.digitisation, dossierCode: r.reusedFromCode } } : {}),
      ...(r.validUntil ? { validUntil: r.validUntil } : {})
    }))
  }

  type EventInput = { at?: Date, action: string, from?: DossierStatus | null, to?: DossierStatus | null, actor: Actor, actorName?: string | null, agencyCode?: string | null, message?: string | null, note?: string | null, details?: Record<string, unknown>, document?: IssuedDocument }

  /** A step of the dossier's history: `message` is read by the citizen and the public, `note` by officials only. */
  async function eventWrites (trx: Executor, dossierId: string, e: EventInput): Promise<Write[]> {
    // A document the event issues (a form) takes the next number of its agency's register for the year
    // (or the one reserved for it when it was printed before the event: a refusal letter).
    const numbered = e.document ? (e.document.reserved ?? await nextNumber(trx, e.document.agencyCode)) : undefined
    const details = e.document ? { ...e.details, document: { agencyCode: e.document.agencyCode, ...numbered, form: e.document.form } } : (e.details ?? {})
    const insert = trx.insertInto('dossierEvents').values({
      at: e.at ?? clock(), dossierId, action: e.action, fromStatus: e.from ?? null, toStatus: e.to ?? null, actorType: e.actor.type, actorId: e.actor.id ?? null,
      actorName: e.actorName ?? null, agencyCode: e.agencyCode ?? null, message: e.message ?? null, note: e.note ?? null, details: JSON.stringify(details)
    })
    if (!e.document) return [{ query: insert }]
    return [{ as: 'event', query: insert.returning('id') }, {
      query: trx.insertInto('issuedDocuments').columns(['agencyCode', 'year', 'number', 'form', 'dossierId', 'eventId'])
        .expression(eb => eb.selectFrom(sql.table('event').as('e')).select([
          sql`${e.document!.agencyCode}::text`.as('agencyCode'), sql`${numbered!.year}::int`.as('year'), sql`${numbered!.number}::int`.as('number'),
          sql`${e.document!.form}::text`.as('form'), sql`${dossierId}::uuid`.as('dossierId'), sql`e.id`.as('eventId')
        ]))
    }]
  }

  /** The next number of an agency's register of issued documents this year (the counter row is locked until commit). */
  async function nextNumber (ex: Executor, agencyCode: string): Promise<{ year: number, number: number }> {
    const year = Number(vietnamDay(clock()).iso.slice(0, 4))
    const r = await sql<{ last: number }>`insert into document_counters (agency_code, year, last) values (${agencyCode}, ${year}, 1)
      on conflict (agency_code, year) do update set last = document_counters.last + 1 returning last`.execute(ex)
    return { year, number: r.rows[0]!.last }
  }

  interface Telling {
    dossier: { id: string, accountId: string | null, code: string | null, submitter?: unknown }
    subject: string
    body: string
    /** The account's contact when the caller has read it already. */
    account?: { email: string | null, phone: string | null } | undefined
    /** What an SMS adds to the subject: what the person must know without opening the link (an amount, a deadline). */
    sms?: string | undefined
  }

  /**
   * Tells the applicant: an in-app notice (with an account), and an e-mail to the account's address, else
   * an SMS, with a link to the dossier; for a dossier entered at the counter for someone without an
   * account, a message to the contact they gave, with a link to the public lookup.
   */
  async function tellWrites (trx: Executor, t: Telling): Promise<Write[]> {
    const { dossier, subject, body, sms } = t
    const code = encodeURIComponent(dossier.code ?? '')
    const writes: Write[] = []
    let contact: { email?: string | null, phone?: string | null } | undefined
    let link: string
    if (dossier.accountId === null) {
      contact = dossier.submitter as Partial<Person> | undefined
      link = `${config.PUBLIC_URL}/tra-cuu-ho-so?ma=${code}`
    } else {
      writes.push({ query: trx.insertInto('accountNotices').values({ accountId: dossier.accountId, dossierId: dossier.id, text: subject }) })
      contact = t.account ?? await trx.selectFrom('accounts').select(['email', 'phone']).where('id', '=', dossier.accountId).executeTakeFirst()
      link = `${config.PUBLIC_URL}/ca-nhan/ho-so/${code}`
    }
    if (contact?.email) writes.push(...notifications.enqueueWrites(trx, { channel: 'email', recipient: contact.email, template: 'dossier', subject, body: `${body}\n\nXem hồ sơ: ${link}\n` }))
    else if (contact?.phone) writes.push(...notifications.enqueueWrites(trx, { channel: 'sms', recipient: contact.phone, template: 'dossier', subject, body: `${subject}.${sms ? ` ${sms}.` : ''} Xem tai ${link}` }))
    return writes
  }

  async function tell (trx: Executor, dossier: Telling['dossier'], subject: string, body: string, account?: Telling['account'], sms?: string) {
    await writeTogether(trx, await tellWrites(trx, { dossier, subject, body, account, sms }))
  }

  /**
   * What a step of a dossier writes besides the dossier itself — its event, its audit row, the applicant's
   * notice and message — in one statement.
   */
  async function recordStep (trx: Executor, dossierId: string, step: { event?: EventInput, audit?: AuditEntry, tell?: Telling }) {
    await writeTogether(trx, [
      ...(step.event ? await eventWrites(trx, dossierId, step.event) : []),
      ...(step.audit ? [audit.write(trx, step.audit)] : []),
      ...(step.tell ? await tellWrites(trx, step.tell) : [])
    ])
  }

  /** Refuses an account whose identity assurance is below what the procedure requires. */
  function requireAssurance (has: string, needs: Assurance): void {
    if (!meetsAssurance(has, needs)) throw new AppError('FORBIDDEN', `Thủ tục này yêu cầu ${ASSURANCE_LABELS[needs].toLowerCase()}. Hãy đăng nhập bằng tài khoản định danh điện tử VNeID.`)
  }

  /** Runs a transition for a dossier row, or turns the machine's refusal into a CONFLICT with its reason. */
  function next (from: number, action: DossierAction, ctx: Parameters<typeof transition>[2] = {}): DossierStatus {
    try {
      return transition(from as DossierStatus, action, ctx)
    } catch (err) {
      if (err instanceof TransitionError) throw new AppError('CONFLICT', err.message)
      throw err
    }
  }

  async function supplementContext (ex: Executor, d: { id: string, receivedAt: Date | null }) {
    const r = await ex.selectFrom('supplementRequests')
      .select([sql<number>`count(*) filter (where during_processing)::int`.as('n'), sql<number>`count(*) filter (where not during_processing)::int`.as('before')])
      .where('dossierId', '=', d.id).executeTakeFirst()
    return { received: d.receivedAt !== null, supplementsDuringProcessing: r?.n ?? 0, supplementsBeforeReception: r?.before ?? 0 }
  }

  /** Files stored by the back office (no owner) and not yet in any dossier: the scans a counter dossier may take. */
  async function unattachedScans (ex: Executor, ids: string[]) {
    const clean = ids.filter(id => /^[0-9a-f-]{36}$/.test(id))
    if (clean.length === 0) return []
    return ex.selectFrom('files as f').select(['f.id', 'f.name', 'f.size']).where('f.id', 'in', clean).where('f.ownerAccountId', 'is', null)
      .where(eb => eb.not(eb.exists(eb.selectFrom('dossierFiles as x').select('x.fileId').whereRef('x.fileId', '=', 'f.id')))).execute()
  }

  /** Validates a counter dossier's particulars, case, scans and result method; nothing is written. */
  async function checkCounter (input: CounterInput) {
    const p = await catalog.getProcedure(input.procedureCode)
    if (!p.agencies.receiving.some(a => a.code === input.agencyCode)) throw new AppError('FORBIDDEN', 'agency does not receive this procedure')
    const version = await catalog.getVersion(p.versionId)
    const errors: FieldError[] = []
    const applicant = readPerson(input.form, 'a-', input.kind, errors)
    const groups = caseGroups(version.content)
    const caseGroup = groups.length >= 2 ? (groups.includes(input.caseGroup ?? '') ? input.caseGroup! : null) : null
    if (groups.length >= 2 && !caseGroup) errors.push({ field: 'caseGroup', message: 'Chọn trường hợp của hồ sơ' })
    const slots = componentSlots(version.content, caseGroup, false)
    for (const slot of slots) {
      if (slot.required && (input.files[slot.key] ?? []).length === 0 && !(input.pending ?? []).includes(slot.key) && !(input.paper ?? []).includes(slot.key)) {
        errors.push({ field: `tp-${slot.key}`, message: `Tải lên bản quét của “${slot.name}”, hoặc đánh dấu đã nhận bản giấy` })
      }
    }
    const result = input.form['result']
    if (result !== 'office' && result !== 'post') errors.push({ field: 'result', message: 'Chọn cách trả kết quả' })
    return { errors, applicant, caseGroup, slots, p, version }
  }

  /**
   * The catalog side of a dossier: its procedure version and the procedure as published now (from the
   * catalog's memory; what it must read goes through the caller's transaction, see Db.reader).
   */
  async function catalogInfo (versionId: number) {
    const version = await catalog.getVersion(versionId)
    const procedure = await catalog.getProcedure(version.code).catch(() => undefined)
    return { version, procedure }
  }

  /** The whole dossier as its pages show it; `info` when the caller has it already. */
  async function view (ex: Executor, row: DossierRow, info?: Awaited<ReturnType<typeof catalogInfo>>, known: { agency?: { code: string, name: string, address: string | null } | undefined } = {}) {
    const { version, procedure } = info ?? await catalogInfo(row.procedureVersionId)
    const agency = known.agency ?? (row.agencyCode ? await ex.selectFrom('agencies').select(['code', 'name', 'address']).where('code', '=', row.agencyCode).executeTakeFirst() : undefined)
    const files = await attachments(ex, row.id)
    const slots = componentSlots(version.content, row.caseGroup, row.onBehalf)
    const events = row.status === 0 ? [] : await ex.selectFrom('dossierEvents as e').leftJoin('agencies as a', 'a.code', 'e.agencyCode')
      .select(['e.id', 'e.at', 'e.action', 'e.fromStatus', 'e.toStatus', 'e.actorType', 'e.actorId', 'e.actorName', 'e.agencyCode', 'e.message', 'e.note', 'e.details', 'a.name as agencyName'])
      .where('e.dossierId', '=', row.id).orderBy('e.at').orderBy('e.id').execute()
    const supplements = (row.status === 0 ? [] : await ex.selectFrom('supplementRequests').selectAll().where('dossierId', '=', row.id).orderBy('id').execute())
      .map(s => ({ ...s, items: s.items as Array<{ component: string, note: string }> }))
    const fees = (row.status === 0 ? version.content.fees : row.fees as FeeLine[])
    return {
      id: row.id,
      code: row.code,
      status: row.status as DossierStatus,
      statusLabel: STATUS_LABELS[row.status as DossierStatus],
      channel: row.channel,
      /** Submitted on the National Public Service Portal and pulled in: its code there. */
      nationalCode: row.nationalCode,
      procedure: { code: version.code, name: version.content.name, version: version.version, onlineLevel: procedure?.onlineLevel ?? 'none', receiving: procedure?.agencies.receiving ?? [], methods: version.content.methods, processingTime: version.content.processingTime },
      content: version.content,
      agency: agency ?? null,
      applicant: row.applicant as Person | Record<string, never>,
      submitter: row.submitter as Person | Record<string, never>,
      onBehalf: row.onBehalf,
      /** Whether the applicant has an account on the portal (a counter applicant may have none). */
      hasAccount: row.accountId !== null,
      caseGroup: row.caseGroup,
      caseGroups: caseGroups(version.content),
      delivery: row.delivery as Delivery | Record<string, never>,
      fees,
      feeTotal: fees.reduce((n, f) => n + (f.amountVnd ?? 0), 0),
      /** What the desk set at reception for this case (null: the procedure's amounts). */
      payable: row.payableVnd === null ? null : { amountVnd: row.payableVnd, note: row.payableNote },
      slots,
      files,
      /** Components the desk received on paper (counter intake), with no scan. */
      paper: ((events.find(e => e.action === 'enter')?.details as { paper?: string[] } | undefined)?.paper) ?? [],
      stepsDone: row.stepsDone,
      submittedAt: row.submittedAt,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      finishedAt: row.finishedAt,
      returnedAt: row.returnedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      rating: row.rating,
      ratingComment: row.ratingComment,
      postponedFrom: row.postponedFrom,
      processingAgencyCode: row.processingAgencyCode,
      process: row.process as unknown,
      events: events.map(e => ({ ...e, label: ACTION_LABELS[e.action] ?? e.action, details: e.details as Record<string, unknown> })),
      supplements,
      openSupplement: row.status === 5 ? supplements.find(s => s.answeredAt === null) : undefined,
      canWithdraw: can(row.status as DossierStatus, 'withdraw', { decisionIssued: row.finishedAt !== null }),
      canRate: row.status === 10 && row.rating === null
    }
  }

  /** What is still missing before a draft can be submitted, as errors linking to the step that fixes each. */
  function missingForSubmit (v: Awaited<ReturnType<typeof view>>): FieldError[] {
    const errors: FieldError[] = []
    if (!v.stepsDone.includes('nguoi-nop')) errors.push({ field: 'nguoi-nop', message: 'Chưa khai thông tin người nộp hồ sơ' })
    if (!v.agency) errors.push({ field: 'co-quan', message: 'Chưa chọn cơ quan tiếp nhận' })
    if (v.caseGroups.length >= 2 && !v.caseGroup) errors.push({ field: 'thanh-phan', message: 'Chưa chọn trường hợp của hồ sơ' })
    for (const slot of v.slots) {
      const current = v.files.filter(f => f.component === slot.key && !f.superseded)
      if (slot.required && current.length === 0) errors.push({ field: `tp-${slot.key}`, message: `Chưa tải lên “${slot.name}” (bắt buộc)` })
      if (current.some(f => f.state !== 'clean')) errors.push({ field: `tp-${slot.key}`, message: `Tệp của “${slot.name}” đang được kiểm tra virus; hãy thử lại sau ít phút` })
    }
    if (!v.stepsDone.includes('nhan-ket-qua')) errors.push({ field: 'nhan-ket-qua', message: 'Chưa chọn hình thức nộp và nhận kết quả' })
    return errors
  }

  const tooLarge = (component: string) => new AppError('VALIDATION', 'dossier too large', [{ field: `tp-${component}`, message: `Tổng dung lượng các tệp của hồ sơ vượt quá ${config.MAX_DOSSIER_MB} MB.` }])

  /** What an upload needs to know of a dossier: its status, components and open supplement request (no file or event reads). */
  async function shape (ex: Executor, row: DossierRow) {
    const { version } = await catalogInfo(row.procedureVersionId)
    const open = row.status === 5
      ? await ex.selectFrom('supplementRequests').select(['round', 'items']).where('dossierId', '=', row.id).where('answeredAt', 'is', null).orderBy('id', 'desc').executeTakeFirst()
      : undefined
    return {
      status: row.status,
      slots: componentSlots(version.content, row.caseGroup, row.onBehalf),
      openSupplement: open ? { round: open.round, items: open.items as Array<{ component: string }> } : undefined
    }
  }

  /**
   * Attaches stored files to a component of a dossier, within the dossier's total size, in one
   * statement (one round trip, atomic): touching the dossier row locks it, so two uploads at once are
   * counted one after the other; within the total, the files are attached, marked `finish` (files
   * just stored, still 'uploading') and the audit row written; beyond it nothing is.
   */
  async function attach (accountId: string, dossierId: string, component: string, stored: StoredFile[], round: number, finish?: FileState, reuse?: { digitisation: 2 | 3, from: number }) {
    const ids = stored.map(f => f.id)
    const bytes = stored.reduce((n, f) => n + f.size, 0)
    const at = clock()
    const a = auditRow({ actor: citizen(accountId), action: 'dossier.file.attach', targetType: 'dossier', targetId: dossierId, details: { component, files: ids, ...(reuse ? { reusedFrom: reuse.from } : {}) } }, at)
    const r = await sql<{ fits: boolean }>`
      with held as (
        update dossiers set updated_at = ${at} where id = ${dossierId}
        returning (select coalesce(sum(f.size), 0) from dossier_files df join files f on f.id = df.file_id where df.dossier_id = dossiers.id and df.superseded_at is null) as bytes
      ), fits as (select bytes + ${bytes}::bigint <= ${maxDossierBytes}::bigint as ok from held),
      kept as (
        update files set state = ${finish ?? null}::text where ${finish ?? null}::text is not null and id = any(${ids}::uuid[]) and (select ok from fits)
      ), attached as (
        insert into dossier_files (dossier_id, component, file_id, round, created_at, digitisation, reused_from)
        select ${dossierId}::uuid, ${component}::text, f, ${round}::int, ${at}::timestamptz, ${reuse?.digitisation ?? 1}::smallint, ${reuse?.from ?? null}::bigint
        from unnest(${ids}::uuid[]) as f where (select ok from fits)
      ), audited as (
        insert into audit_log (at, actor_type, actor_id, action, target_type, target_id, details, request_id)
        select ${at}::timestamptz, ${a.actorType}::text, ${a.actorId}::text, ${a.action}::text, ${a.targetType}::text, ${a.targetId}::text, ${a.details}::jsonb, ${a.requestId}::text where (select ok from fits)
      )
      select ok as fits from fits`.execute(db.kysely)
    if (r.rows[0]?.fits !== true) throw tooLarge(component)
  }

  /**
   * The next dossier code of an agency for the Vietnam day of `at`: a counter row per agency and
   * day, incremented in the caller's transaction (unique under concurrency, no gaps on rollback).
   */
  async function takeCode (trx: Executor, agencyCode: string, at: Date): Promise<string> {
    const r = await sql<{ code: string }>`with ${codeCounter(agencyCode, at)} select ${codeOf(agencyCode, at)} as code from counter`.execute(trx)
    return r.rows[0]!.code
  }

  /** takeCode's counter as a `with` part named counter, and the code it makes (codeOf), for statements that set the code themselves. */
  function codeCounter (agencyCode: string, at: Date) {
    return sql`counter as (insert into dossier_counters (agency_code, day, last) values (${agencyCode}, ${vietnamDay(at).iso}, 1)
      on conflict (agency_code, day) do update set last = dossier_counters.last + 1 returning last)`
  }
  const codeOf = (agencyCode: string, at: Date) =>
    sql<string>`${`${agencyCode}-${vietnamDay(at).short}-`}::text || lpad(counter.last::text, greatest(4, length(counter.last::text)), '0')`

  return {
    deps, db, catalog, files, audit, notifications, jobs, config, hooks, throttle, clock, maxDossierBytes, citizen,
    ownDossier, ownDraft, attachments, nextNumber, tell, recordStep, requireAssurance, next, supplementContext, unattachedScans, checkCounter, catalogInfo, view, missingForSubmit, tooLarge, shape, attach, takeCode, codeCounter, codeOf
  }
}

export type DossierContext = ReturnType<typeof createDossierContext>
