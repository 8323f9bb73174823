import { sql, type Selectable } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import type { DossiersTable } from '../../platform/db/database.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import { createThrottle, throttleKey } from '../../platform/throttle.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { meetsAssurance, ASSURANCE_LABELS, type Assurance, type Component, type ProcedureContent } from '../catalog/catalog.types.js'
import type { FilesService, StoredFile } from '../files/files.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import { maskId, readDelivery, readParties, readPerson, type Delivery, type Person } from './dossier-form.js'
import { formatInstant } from '../calendar/due.js'
import { STATUS_LABELS, transition, TransitionError, can, type DossierAction, type DossierStatus } from './status.js'

/** The journey's question pages, in order (URL slugs). The agency step exists only with a choice. */
export const STEPS = ['nguoi-nop', 'co-quan', 'thanh-phan', 'nhan-ket-qua', 'kiem-tra'] as const
export type Step = typeof STEPS[number]

export const MANDATE_KEY = 'mandate'
export const MANDATE_NAME = 'Văn bản ủy quyền nộp hồ sơ (nộp thay)'

export interface ComponentSlot {
  key: string
  name: string
  required: boolean
  copyType: Component['copyType']
  quantity: number | null
  formTemplate: string | null
}

export interface AttachedFile extends StoredFile {
  /** dossier_files.id: what "remove" names. */
  attachmentId: number
  component: string
  round: number
  superseded: boolean
  attachedAt: Date
}

export interface FeeLine { text: string, amountVnd: number | null }

/** A dossier entered at the counter: the form's fields and, per component, the ids of its stored scans. */
export interface CounterInput {
  procedureCode: string
  agencyCode: string
  channel: 'counter' | 'postal'
  kind: Person['kind']
  caseGroup?: string | undefined
  form: Record<string, string | undefined>
  files: Record<string, string[]>
  /** Components whose scan was sent but refused (its own message is shown): not "missing" too. */
  pending?: string[]
  /** Components received on paper only (nothing to scan, or scanned later): recorded, not "missing". */
  paper?: string[]
}

/** How a dossier came in. */
export const CHANNEL_LABELS = { online: 'Trực tuyến', counter: 'Trực tiếp', postal: 'Bưu chính' } as const

/** The component under which the back office keeps its working papers: never shown or served to the applicant. */
export const INTERNAL_COMPONENT = 'internal'

export const RATING_LABELS: Record<number, string> = { 5: 'Rất hài lòng', 4: 'Hài lòng', 3: 'Bình thường', 2: 'Không hài lòng', 1: 'Rất không hài lòng' }

export const ACTION_LABELS: Record<string, string> = {
  submit: 'Nộp hồ sơ trực tuyến',
  enter: 'Nộp hồ sơ tại bộ phận một cửa, qua bưu chính',
  receive: 'Tiếp nhận hồ sơ',
  'request-supplement': 'Yêu cầu bổ sung hồ sơ',
  refuse: 'Từ chối tiếp nhận',
  supplement: 'Công dân bổ sung hồ sơ',
  'supplement-expired': 'Hết hạn bổ sung, dừng xử lý',
  'start-processing': 'Chuyển xử lý',
  'request-fees': 'Yêu cầu nộp phí, lệ phí',
  'fees-paid': 'Đã nộp phí, lệ phí',
  finish: 'Đã có kết quả giải quyết',
  'return-result': 'Trả kết quả',
  forward: 'Chuyển xử lý',
  'send-back': 'Trả lại bước trước',
  withdraw: 'Công dân rút hồ sơ',
  stop: 'Dừng xử lý',
  postpone: 'Xin lỗi và hẹn lại ngày trả kết quả',
  consult: 'Xin ý kiến cơ quan phối hợp',
  'transfer-rejected': 'Chứng từ chuyển khoản chưa được chấp nhận',
  'fees-exempt': 'Miễn phí, lệ phí',
  refund: 'Hoàn tiền phí, lệ phí',
  'refund-asked': 'Đề nghị hoàn tiền qua cổng thanh toán',
  'refund-refused': 'Cổng thanh toán không hoàn được tiền',
  'consult-answer': 'Cơ quan phối hợp trả lời',
  rate: 'Đánh giá mức độ hài lòng'
}

/** Components of a procedure version for a case (when it has several) and a filing on someone's behalf. */
export function componentSlots (content: ProcedureContent, caseGroup: string | null, onBehalf: boolean): ComponentSlot[] {
  const slots: ComponentSlot[] = []
  const groups = caseGroups(content)
  content.components.forEach((c, i) => {
    if (groups.length >= 2 && c.group !== null && c.group !== caseGroup) return
    slots.push({ key: `c${i}`, name: c.name, required: c.required, copyType: c.copyType, quantity: c.quantity, formTemplate: c.formTemplate })
  })
  if (onBehalf) slots.push({ key: MANDATE_KEY, name: MANDATE_NAME, required: true, copyType: 'original', quantity: 1, formTemplate: null })
  return slots
}

/** The cases (trường hợp) a procedure's components are grouped by; two or more mean the citizen chooses. */
export function caseGroups (content: ProcedureContent): string[] {
  return [...new Set(content.components.map(c => c.group).filter((g): g is string => g !== null))]
}

/** yyyy-mm-dd and yymmdd of an instant in Vietnam time (UTC+7), where dossier codes take their date. */
export function vietnamDay (t: Date): { iso: string, short: string } {
  const iso = new Date(t.getTime() + 7 * 3600_000).toISOString().slice(0, 10)
  return { iso, short: iso.slice(2).replace(/-/g, '') }
}

type DossierRow = Selectable<DossiersTable>

/** Lookups one address may make in a row without the applicant's ID number or phone (then 15 minutes, 30…). */
export const LOOKUP_ALLOWANCE = 10

export function createDossiersService (deps: {
  db: Db
  catalog: CatalogService
  files: FilesService
  audit: AuditService
  notifications: NotificationsService
  jobs: JobQueue
  config: { PUBLIC_URL: string, MAX_DOSSIER_MB: number, DRAFT_RETENTION_DAYS: number }
}) {
  const { db, catalog, files, audit, notifications, jobs, config } = deps
  const throttle = createThrottle(db)
  /** Set by the back office: the due date of a received dossier given its supplement pauses. */
  let resumed: ((trx: Executor, d: DossierRow, pauses: Array<{ from: Date, to: Date }>) => Promise<Date | undefined>) | undefined
  /** Set by the back office: work in the same transaction when a dossier closes (withdrawn, stopped). */
  let closed: ((trx: Executor, d: DossierRow, to: DossierStatus, actor: OfficeActor) => Promise<void>) | undefined
  const maxDossierBytes = config.MAX_DOSSIER_MB * 1024 * 1024

  jobs.registerPeriodic('dossiers.delete-old-drafts', 6 * 3600_000, async (_job, { log }) => {
    const n = await service.deleteOldDrafts()
    if (n > 0) log.info({ deleted: n }, 'deleted drafts past their retention')
  })

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
      .select(['df.id as attachmentId', 'df.component', 'df.round', 'df.supersededAt', 'df.createdAt as attachedAt',
        'f.id', 'f.name', 'f.mediaType', 'f.size', 'f.sha256', 'f.state', 'f.createdAt'])
      .where('df.dossierId', '=', dossierId).orderBy('df.id').execute()
    return rows.map(r => ({
      attachmentId: r.attachmentId, component: r.component, round: r.round, superseded: r.supersededAt !== null, attachedAt: r.attachedAt,
      id: r.id, name: r.name, mediaType: r.mediaType, size: Number(r.size), sha256: r.sha256, state: r.state, createdAt: r.createdAt
    }))
  }

  /** A step of the dossier's history: `message` is read by the citizen and the public, `note` by officials only. */
  async function event (trx: Executor, dossierId: string, e: { action: string, from?: DossierStatus | null, to?: DossierStatus | null, actor: Actor, actorName?: string | null, agencyCode?: string | null, message?: string | null, note?: string | null, details?: Record<string, unknown>, document?: IssuedDocument }) {
    // A document the event issues (a form) takes the next number of its agency's register for the year
    // (or the one reserved for it when it was printed before the event: a refusal letter).
    const numbered = e.document ? (e.document.reserved ?? await nextNumber(trx, e.document.agencyCode)) : undefined
    const details = e.document ? { ...e.details, document: { agencyCode: e.document.agencyCode, ...numbered, form: e.document.form } } : (e.details ?? {})
    const row = await trx.insertInto('dossierEvents').values({
      dossierId, action: e.action, fromStatus: e.from ?? null, toStatus: e.to ?? null, actorType: e.actor.type, actorId: e.actor.id ?? null,
      actorName: e.actorName ?? null, agencyCode: e.agencyCode ?? null, message: e.message ?? null, note: e.note ?? null, details: JSON.stringify(details)
    }).returning('id').executeTakeFirstOrThrow()
    if (e.document) await trx.insertInto('issuedDocuments').values({ agencyCode: e.document.agencyCode, ...numbered!, form: e.document.form, dossierId, eventId: row.id }).execute()
  }

  /** The next number of an agency's register of issued documents this year (the counter row is locked until commit). */
  async function nextNumber (ex: Executor, agencyCode: string): Promise<{ year: number, number: number }> {
    const year = Number(vietnamDay(new Date()).iso.slice(0, 4))
    const r = await sql<{ last: number }>`insert into document_counters (agency_code, year, last) values (${agencyCode}, ${year}, 1)
      on conflict (agency_code, year) do update set last = document_counters.last + 1 returning last`.execute(ex)
    return { year, number: r.rows[0]!.last }
  }

  /**
   * Tells the applicant: an in-app notice and a message to their account's e-mail (else phone) with a
   * link to the dossier; for a dossier entered at the counter for someone without an account, a
   * message to the contact they gave, with a link to the public lookup. `account`: the account's
   * contact when the caller has read it already.
   */
  /**
   * Tells the applicant: an in-app notice (with an account), and an e-mail, else an SMS. An SMS carries
   * the subject and `sms`, what the person must know without opening the link (an amount, a deadline).
   */
  async function tell (trx: Executor, dossier: { id: string, accountId: string | null, code: string | null, submitter?: unknown }, subject: string, body: string, account?: { email: string | null, phone: string | null }, sms?: string) {
    const code = encodeURIComponent(dossier.code ?? '')
    let contact: { email?: string | null, phone?: string | null } | undefined
    let link: string
    if (dossier.accountId === null) {
      contact = dossier.submitter as Partial<Person> | undefined
      link = `${config.PUBLIC_URL}/tra-cuu-ho-so?ma=${code}`
    } else {
      await trx.insertInto('accountNotices').values({ accountId: dossier.accountId, dossierId: dossier.id, text: subject }).execute()
      contact = account ?? await trx.selectFrom('accounts').select(['email', 'phone']).where('id', '=', dossier.accountId).executeTakeFirst()
      link = `${config.PUBLIC_URL}/ca-nhan/ho-so/${code}`
    }
    if (contact?.email) await notifications.enqueue(trx, { channel: 'email', recipient: contact.email, template: 'dossier', subject, body: `${body}\n\nXem hồ sơ: ${link}\n` })
    else if (contact?.phone) await notifications.enqueue(trx, { channel: 'sms', recipient: contact.phone, template: 'dossier', subject, body: `${subject}.${sms ? ` ${sms}.` : ''} Xem tai ${link}` })
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
  async function view (ex: Executor, row: DossierRow, info?: Awaited<ReturnType<typeof catalogInfo>>) {
    const { version, procedure } = info ?? await catalogInfo(row.procedureVersionId)
    const agency = row.agencyCode ? await ex.selectFrom('agencies').select(['code', 'name', 'address']).where('code', '=', row.agencyCode).executeTakeFirst() : undefined
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

  /** Attaches stored files to a component of a dossier, within the dossier's total size. */
  async function attach (accountId: string, dossierId: string, component: string, stored: StoredFile[], round: number) {
    await db.transaction(async (trx) => {
      // Touching the row locks it (two uploads at once are counted one after the other) and returns the bytes it holds.
      const held = await trx.updateTable('dossiers').set({ updatedAt: sql`now()` }).where('id', '=', dossierId)
        .returning(sql<string>`(select coalesce(sum(f.size), 0) from dossier_files df join files f on f.id = df.file_id where df.dossier_id = dossiers.id and df.superseded_at is null)`.as('bytes'))
        .executeTakeFirstOrThrow()
      if (Number(held.bytes) + stored.reduce((n, f) => n + f.size, 0) > maxDossierBytes) throw tooLarge(component)
      await trx.insertInto('dossierFiles').values(stored.map(f => ({ dossierId, component, fileId: f.id, round }))).execute()
      await audit.record(trx, { actor: citizen(accountId), action: 'dossier.file.attach', targetType: 'dossier', targetId: dossierId, details: { component, files: stored.map(f => f.id) } })
    })
  }

  const service = {
    /**
     * Opens a draft of a procedure for an account, pre-filled from the account. Refuses a procedure
     * not offered online and an account below the procedure's required identity assurance.
     */
    async startDraft (accountId: string, procedureCode: string): Promise<string> {
      const p = await catalog.getProcedure(procedureCode)
      if (p.onlineLevel === 'none') throw new AppError('CONFLICT', 'Thủ tục này chưa được cung cấp trực tuyến; hãy nộp hồ sơ trực tiếp hoặc qua bưu chính.')
      const account = await db.kysely.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow()
      requireAssurance(account.assurance, p.minAssurance)
      const person: Person = {
        kind: account.kind,
        fullName: account.fullName,
        dateOfBirth: account.dateOfBirth ? String(account.dateOfBirth).slice(0, 10) : null,
        idNumber: account.citizenId ?? account.taxCode ?? account.passportNumber ?? '',
        idIssuedBy: null,
        nationality: account.nationality,
        representative: account.representative,
        phone: account.phone ?? '',
        email: account.email,
        address: account.address
      }
      const procedureId = (await db.kysely.selectFrom('procedures').select('id').where('code', '=', p.code).executeTakeFirstOrThrow()).id
      const only = p.agencies.receiving.length === 1 ? p.agencies.receiving[0]!.code : null
      return db.transaction(async (trx) => {
        const row = await trx.insertInto('dossiers').values({
          procedureId, procedureVersionId: p.versionId, accountId, agencyCode: only,
          applicant: JSON.stringify(person), submitter: JSON.stringify(person), fees: '[]', delivery: '{}'
        }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.draft.start', targetType: 'dossier', targetId: row.id, details: { procedure: p.code } })
        return row.id
      })
    },

    /** The code of the account's dossier `id` once it is submitted (a draft's old address leads to it); undefined otherwise. */
    async submittedCode (accountId: string, id: string): Promise<string | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
      const row = await db.kysely.selectFrom('dossiers').select(['code', 'status']).where('id', '=', id).where('accountId', '=', accountId).executeTakeFirst()
      return row && row.status !== 0 && row.code ? row.code : undefined
    },

    /** A draft of the account, as the journey pages show it. NOT_FOUND for another's; CONFLICT once submitted. */
    async draft (accountId: string, id: string) {
      return view(db.kysely, await ownDraft(db.kysely, accountId, id))
    },

    /** Step 1. Throws VALIDATION with the fields to correct. */
    async saveParties (accountId: string, id: string, form: Record<string, string | undefined>): Promise<void> {
      const d = await ownDraft(db.kysely, accountId, id)
      const account = await db.kysely.selectFrom('accounts').select('kind').where('id', '=', accountId).executeTakeFirstOrThrow()
      const { submitter, applicant, onBehalf } = readParties(form, account.kind)
      await db.transaction(async (trx) => {
        await trx.updateTable('dossiers').set({
          submitter: JSON.stringify(submitter), applicant: JSON.stringify(applicant), onBehalf,
          stepsDone: sql`array(select distinct unnest(steps_done || array['nguoi-nop']))`, updatedAt: sql`now()`
        }).where('id', '=', d.id).where('status', '=', 0).execute()
        // A mandate uploaded for a filing on someone's behalf goes when the citizen files for themselves.
        if (!onBehalf) await trx.deleteFrom('dossierFiles').where('dossierId', '=', d.id).where('component', '=', MANDATE_KEY).execute()
      })
    },

    /** Step 2: one of the procedure's receiving agencies; anything else (a tampered form) is refused. */
    async saveAgency (accountId: string, id: string, agencyCode: string | undefined): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      if (!v.procedure.receiving.some(a => a.code === agencyCode)) {
        throw new AppError('VALIDATION', 'agency not offered', [{ field: 'agency', message: 'Chọn một trong các cơ quan tiếp nhận của thủ tục này' }])
      }
      await db.kysely.updateTable('dossiers').set({ agencyCode: agencyCode!, stepsDone: sql`array(select distinct unnest(steps_done || array['co-quan']))`, updatedAt: sql`now()` })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Step 3, for a procedure with cases: which case this dossier is. */
    async saveCase (accountId: string, id: string, group: string | undefined): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      if (!group || !v.caseGroups.includes(group)) throw new AppError('VALIDATION', 'unknown case', [{ field: 'caseGroup', message: 'Chọn trường hợp của hồ sơ' }])
      await db.kysely.updateTable('dossiers').set({ caseGroup: group, updatedAt: sql`now()` }).where('id', '=', id).where('status', '=', 0).execute()
    },

    /**
     * Keeps uploads for one component of a draft (or of a dossier answering a supplement request).
     * Each file is checked; on the first refused one nothing of this upload is attached.
     */
    async addFiles (accountId: string, dossierRef: { id?: string, code?: string }, component: string, uploads: Array<{ name: string, data: Buffer, truncated?: boolean }>): Promise<StoredFile[]> {
      const d = await ownDossier(db.kysely, accountId, dossierRef)
      const round = this.uploadRound(await shape(db.kysely, d), component)
      const field = `tp-${component}`
      const present = uploads.filter(u => u.name !== '' || u.data.length > 0)
      if (present.length === 0) throw new AppError('VALIDATION', 'no file', [{ field, message: 'Chọn tệp cần tải lên' }])
      // Every file is checked before any is kept (storeMany); the dossier's total is checked under its lock (attach).
      const stored = await files.storeMany(accountId, present, field)
      try {
        await attach(accountId, d.id, component, stored, round)
      } catch (err) {
        for (const f of stored) await files.deleteIfUnused(f.id)
        throw err
      }
      return stored
    },

    /**
     * One form's choices for several components at once: files under `tp-<component>` and earlier files
     * under `dung-lai-<component>`. Each component is kept or refused on its own (a refused one attaches
     * nothing); the refusals come back as field errors, next to their components.
     */
    async addChosen (accountId: string, dossierRef: { id?: string, code?: string }, uploads: Array<{ name: string, data: Buffer, truncated?: boolean, field: string }>, fields: Record<string, string>): Promise<FieldError[]> {
      const errors: FieldError[] = []
      const keep = async (work: () => Promise<unknown>) => {
        try { await work() } catch (err) {
          if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) errors.push(...err.fields)
          else throw err
        }
      }
      const chosen = new Map<string, typeof uploads>()
      for (const u of uploads) {
        if (!u.field.startsWith('tp-') || (u.name === '' && u.data.length === 0)) continue
        chosen.set(u.field.slice(3), [...(chosen.get(u.field.slice(3)) ?? []), u])
      }
      for (const [component, list] of chosen) await keep(() => this.addFiles(accountId, dossierRef, component, list))
      for (const [name, fileId] of Object.entries(fields)) {
        if (name.startsWith('dung-lai-') && fileId !== '') await keep(() => this.reuseFile(accountId, dossierRef, name.slice(9), fileId))
      }
      return errors
    },

    /** Attaches a file the citizen uploaded to an earlier dossier. */
    async reuseFile (accountId: string, dossierRef: { id?: string, code?: string }, component: string, fileId: string | undefined): Promise<void> {
      const d = await ownDossier(db.kysely, accountId, dossierRef)
      const round = this.uploadRound(await shape(db.kysely, d), component)
      const file = (await files.reusable(accountId, 500)).find(f => f.id === fileId)
      if (!file) throw new AppError('VALIDATION', 'file not reusable', [{ field: `tp-${component}`, message: 'Chọn một tệp đã nộp trước đây' }])
      await attach(accountId, d.id, component, [file], round)
    },

    /** The round new files of a component belong to: 0 in a draft, the open request's round when supplementing. */
    uploadRound (v: { status: number, slots: ComponentSlot[], openSupplement?: { round: number, items: Array<{ component: string }> } | undefined }, component: string): number {
      if (v.status === 0) {
        if (!v.slots.some(s => s.key === component)) throw new AppError('NOT_FOUND', 'no such component')
        return 0
      }
      const open = v.openSupplement
      if (!open || !open.items.some(i => i.component === component)) throw new AppError('CONFLICT', 'Thành phần này không nằm trong yêu cầu bổ sung.')
      return open.round
    },

    /** Removes a file from a draft, or a not-yet-sent supplement file; earlier versions are never removed. */
    async removeFile (accountId: string, dossierRef: { id?: string, code?: string }, attachmentId: number): Promise<void> {
      const d = await ownDossier(db.kysely, accountId, dossierRef)
      const v = await view(db.kysely, d)
      const a = v.files.find(f => f.attachmentId === attachmentId)
      const removable = a && (v.status === 0 || (v.openSupplement && a.round === v.openSupplement.round && !a.superseded))
      if (!a || !removable) throw new AppError('NOT_FOUND', 'no such file in this dossier')
      await db.transaction(async (trx) => {
        await trx.deleteFrom('dossierFiles').where('id', '=', attachmentId).where('dossierId', '=', d.id).execute()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.file.remove', targetType: 'dossier', targetId: d.id, details: { file: a.id } })
      })
      await files.deleteIfUnused(a.id)
    },

    /** Step 3 done: every required component has a file. Throws VALIDATION naming each missing one. */
    async completeComponents (accountId: string, id: string): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      const errors: FieldError[] = []
      if (v.caseGroups.length >= 2 && !v.caseGroup) errors.push({ field: 'caseGroup', message: 'Chọn trường hợp của hồ sơ' })
      for (const slot of v.slots) {
        if (slot.required && !v.files.some(f => f.component === slot.key)) errors.push({ field: `tp-${slot.key}`, message: `Tải lên “${slot.name}” (bắt buộc)` })
      }
      if (errors.length > 0) throw new AppError('VALIDATION', 'components missing', errors)
      await db.kysely.updateTable('dossiers').set({ stepsDone: sql`array(select distinct unnest(steps_done || array['thanh-phan']))`, updatedAt: sql`now()` })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** Step 4. Post and pick-up are offered only when the procedure accepts the postal method. */
    async saveDelivery (accountId: string, id: string, form: Record<string, string | undefined>): Promise<void> {
      const v = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
      const delivery = readDelivery(form, deliveryOptions(v.procedure))
      await db.kysely.updateTable('dossiers').set({ delivery: JSON.stringify(delivery), stepsDone: sql`array(select distinct unnest(steps_done || array['nhan-ket-qua']))`, updatedAt: sql`now()` })
        .where('id', '=', id).where('status', '=', 0).execute()
    },

    /** The back office closes its open step when a dossier is withdrawn or stopped, in the same transaction. */
    onClose (fn: (trx: Executor, d: DossierRow, to: DossierStatus, actor: OfficeActor) => Promise<void>) { closed = fn },

    /** The back office tells how a received dossier's due date moves when its supplement wait ends. */
    onResume (fn: (trx: Executor, d: DossierRow, pauses: Array<{ from: Date, to: Date }>) => Promise<Date | undefined>) { resumed = fn },

    /** The account a dossier belongs to (tests and the back office). */
    async ownerOf (id: string): Promise<string | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
      return (await db.kysely.selectFrom('dossiers').select('accountId').where('id', '=', id).executeTakeFirst())?.accountId ?? undefined
    },

    /**
     * Submits a draft: the dossier gets its code and status 1 in one transaction. Submitting a dossier
     * already submitted (a second press, a refresh) returns its code and changes nothing. `formErrors`
     * (the review page's verification code and declaration) are reported with what the draft misses.
     */
    async submit (accountId: string, id: string, requestId?: string, formErrors: FieldError[] = []): Promise<{ code: string, created: boolean }> {
      const before = await ownDossier(db.kysely, accountId, { id })
      if (before.status !== 0) return { code: before.code!, created: false }
      return db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { id }, true)
        if (d.status !== 0) return { code: d.code!, created: false }
        const info = await catalogInfo(d.procedureVersionId)
        const v = await view(trx, d, info)
        if (v.procedure.onlineLevel === 'none') throw new AppError('CONFLICT', 'Thủ tục này hiện không nhận hồ sơ trực tuyến.')
        // Checked again at submission: the procedure's minimum may have been raised since the draft began.
        const account = await trx.selectFrom('accounts').select(['assurance', 'email', 'phone']).where('id', '=', accountId).executeTakeFirstOrThrow()
        if (info.procedure) requireAssurance(account.assurance, info.procedure.minAssurance)
        const errors = [...missingForSubmit(v), ...formErrors]
        if (errors.length > 0) throw new AppError('VALIDATION', 'draft incomplete', errors)
        const to = next(0, 'submit')
        const now = new Date()
        const code = await this.takeCode(trx, d.agencyCode!, now)
        await trx.updateTable('dossiers').set({
          code, status: to, submittedAt: now, fees: JSON.stringify(v.content.fees), updatedAt: sql`now()`, stepsDone: []
        }).where('id', '=', d.id).execute()
        await catalog.markVersionInUse(trx, d.procedureVersionId)
        await event(trx, d.id, { action: 'submit', from: 0, to, actor: citizen(accountId), actorName: (v.submitter as Person).fullName, agencyCode: d.agencyCode })
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.submit', targetType: 'dossier', targetId: d.id, details: { code }, ...(requestId ? { requestId } : {}) })
        await tell(trx, { id: d.id, accountId, code }, `Hồ sơ ${code} đã được nộp`,
          `Hồ sơ “${v.procedure.name}” đã được nộp trực tuyến lúc ${now.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}.\nMã hồ sơ: ${code}\nTrạng thái: ${STATUS_LABELS[to]}.\nCơ quan tiếp nhận: ${v.agency?.name ?? ''}.`, account)
        return { code, created: true }
      })
    },

    /** Scans stored for a counter dossier not entered yet (kept across a form shown again with errors). */
    pendingScans: (ids: string[]) => unattachedScans(db.kysely, ids),

    /** What is wrong with a counter dossier as entered so far (shown all at once, with a bad scan's message). */
    async counterErrors (input: CounterInput): Promise<FieldError[]> {
      return (await checkCounter(input)).errors
    },

    /**
     * A dossier entered by a receptionist for someone at the counter or received by post: the
     * applicant's particulars, the procedure's components with their scanned files (already stored),
     * and how the result goes back. Created submitted (status 1) with the same codes as online ones;
     * the caller receives it next. Linked to the applicant's account when one exists. Throws
     * VALIDATION naming the fields, with nothing written.
     */
    async enterAtCounter (actor: OfficeActor, input: CounterInput): Promise<{ code: string, id: string }> {
      const { errors, applicant, caseGroup, slots, p, version } = await checkCounter(input)
      if (errors.length > 0) throw new AppError('VALIDATION', 'counter dossier incomplete', errors)
      const result = input.form['result'] as 'office' | 'post'
      const ids = slots.flatMap(s => (input.files[s.key] ?? []).map(fileId => ({ component: s.key, fileId })))
      const procedureId = (await db.kysely.selectFrom('procedures').select('id').where('code', '=', p.code).executeTakeFirstOrThrow()).id
      const account = applicant.kind === 'organization'
        ? await db.kysely.selectFrom('accounts').select('id').where('taxCode', '=', applicant.idNumber.replace('-', '')).executeTakeFirst()
        : applicant.kind === 'individual' ? await db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', applicant.idNumber).executeTakeFirst() : undefined
      return db.transaction(async (trx) => {
        const now = new Date()
        const code = await this.takeCode(trx, input.agencyCode, now)
        const to = next(0, 'submit')
        const row = await trx.insertInto('dossiers').values({
          code, status: to, procedureId, procedureVersionId: p.versionId, accountId: account?.id ?? null, agencyCode: input.agencyCode,
          channel: input.channel, applicant: JSON.stringify(applicant), submitter: JSON.stringify(applicant), caseGroup,
          delivery: JSON.stringify({ submission: 'office', pickupAddress: null, result, resultAddress: null }), fees: JSON.stringify(version.content.fees),
          submittedAt: now, enteredBy: actor.type === 'official' ? actor.id ?? null : null
        }).returning('id').executeTakeFirstOrThrow()
        // Only files stored by the back office and not yet in any dossier can be attached.
        const usable = await unattachedScans(trx, ids.map(i => i.fileId))
        if (usable.length !== new Set(ids.map(i => i.fileId)).size) throw new AppError('VALIDATION', 'files not usable', [{ field: 'files', message: 'Một số tệp đã tải lên không còn dùng được; hãy tải lên lại.' }])
        if (ids.length > 0) await trx.insertInto('dossierFiles').values(ids.map(i => ({ dossierId: row.id, component: i.component, fileId: i.fileId }))).execute()
        await catalog.markVersionInUse(trx, p.versionId)
        const paper = slots.filter(s => (input.paper ?? []).includes(s.key))
        await event(trx, row.id, {
          action: 'enter', from: 0, to, actor, actorName: actor.name, agencyCode: input.agencyCode,
          message: `${input.channel === 'postal' ? 'Hồ sơ nhận qua bưu chính.' : 'Hồ sơ nộp trực tiếp tại bộ phận một cửa.'}${paper.length > 0 ? ` Nhận bản giấy: ${paper.map(s => s.name).join('; ')}.` : ''}`,
          details: { paper: paper.map(s => s.key) }
        })
        await audit.record(trx, { actor, action: 'dossier.enter', targetType: 'dossier', targetId: row.id, details: { code, channel: input.channel } })
        return { code, id: row.id }
      })
    },

    /**
     * The next dossier code of an agency for the Vietnam day of `at`: a counter row per agency and
     * day, incremented in the caller's transaction (unique under concurrency, no gaps on rollback).
     */
    async takeCode (trx: Executor, agencyCode: string, at: Date): Promise<string> {
      const day = vietnamDay(at)
      const r = await sql<{ last: number }>`
        insert into dossier_counters (agency_code, day, last) values (${agencyCode}, ${day.iso}, 1)
        on conflict (agency_code, day) do update set last = dossier_counters.last + 1
        returning last`.execute(trx)
      return `${agencyCode}-${day.short}-${String(r.rows[0]!.last).padStart(4, '0')}`
    },

    /** A submitted dossier of the account, with everything its page shows. */
    async get (accountId: string, code: string) {
      const d = await ownDossier(db.kysely, accountId, { code })
      if (d.status === 0) throw new AppError('NOT_FOUND', 'no such dossier')
      const v = await view(db.kysely, d)
      return { ...v, files: v.files.filter(f => f.component !== INTERNAL_COMPONENT), events: v.events.map(forCitizen) }
    },

    /** The account's submitted dossiers, newest first, optionally of one status. */
    async list (accountId: string, filter: { status?: DossierStatus | undefined, page: number, pageSize: number }) {
      let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .where('d.accountId', '=', accountId).where('d.status', '>', 0)
      if (filter.status) q = q.where('d.status', '=', filter.status)
      const [items, total] = await Promise.all([
        q.select(['d.id', 'd.code', 'd.status', 'd.submittedAt', 'd.dueAt', 'v.name as procedureName'])
          .orderBy('d.submittedAt', 'desc').orderBy('d.id').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst()
      ])
      return { items: items.map(i => ({ ...i, status: i.status as DossierStatus })), total: total?.n ?? 0 }
    },

    /** Drafts of the account, most recently touched first, with the day each will be deleted. */
    async drafts (accountId: string, procedureCode?: string) {
      let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .innerJoin('procedures as p', 'p.id', 'd.procedureId')
        .select(['d.id', 'd.updatedAt', 'd.createdAt', 'v.name as procedureName', 'p.code as procedureCode'])
        .where('d.accountId', '=', accountId).where('d.status', '=', 0)
      if (procedureCode) q = q.where('p.code', '=', procedureCode)
      const rows = await q.orderBy('d.updatedAt', 'desc').limit(50).execute()
      return rows.map(r => ({ ...r, deleteAfter: new Date(r.updatedAt.getTime() + config.DRAFT_RETENTION_DAYS * 86400_000) }))
    },

    async deleteDraft (accountId: string, id: string): Promise<void> {
      const d = await ownDraft(db.kysely, accountId, id)
      const fileIds = (await attachments(db.kysely, d.id)).map(f => f.id)
      await db.transaction(async (trx) => {
        await trx.deleteFrom('dossiers').where('id', '=', d.id).where('status', '=', 0).execute()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.draft.delete', targetType: 'dossier', targetId: d.id })
      })
      for (const f of fileIds) await files.deleteIfUnused(f)
    },

    /** Deletes drafts untouched for DRAFT_RETENTION_DAYS, and their files. Returns how many. */
    async deleteOldDrafts (): Promise<number> {
      const old = await db.kysely.selectFrom('dossiers').select('id').where('status', '=', 0)
        .where('updatedAt', '<', new Date(Date.now() - config.DRAFT_RETENTION_DAYS * 86400_000)).limit(500).execute()
      for (const { id } of old) {
        const fileIds = (await attachments(db.kysely, id)).map(f => f.id)
        await db.kysely.deleteFrom('dossiers').where('id', '=', id).where('status', '=', 0).execute()
        for (const f of fileIds) await files.deleteIfUnused(f)
      }
      return old.length
    },

    /** Withdraws a dossier while no decision has been issued. The reason is required. */
    async withdraw (accountId: string, code: string, reason: string | undefined): Promise<void> {
      const text = (reason ?? '').trim().slice(0, 1000)
      if (text.length < 5) throw new AppError('VALIDATION', 'reason required', [{ field: 'reason', message: 'Nhập lý do rút hồ sơ' }])
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        const to = next(d.status, 'withdraw', { decisionIssued: d.finishedAt !== null })
        await trx.updateTable('dossiers').set({ status: to, updatedAt: sql`now()` }).where('id', '=', d.id).execute()
        await closed?.(trx, d, to, { ...citizen(accountId), name: (d.submitter as Person).fullName })
        await event(trx, d.id, { action: 'withdraw', from: d.status as DossierStatus, to, actor: citizen(accountId), actorName: (d.submitter as Person).fullName, message: text })
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.withdraw', targetType: 'dossier', targetId: d.id })
        await tell(trx, d, `Hồ sơ ${code} đã được rút`, `Bạn đã rút hồ sơ ${code}. Lý do: ${text}`)
      })
    },

    /**
     * An official asks for a supplement (before reception: everything missing in one go, form 02;
     * during processing: once). `items` name components of the dossier with what is wrong with each.
     */
    async requestSupplement (actor: OfficeActor, code: string, request: { items: Array<{ component: string, note: string }>, message?: string, dueAt?: Date | null, agencyCode?: string, document?: (d: DossierRow) => IssuedDocument }): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        const v = await view(trx, d)
        const errors: FieldError[] = []
        if (request.items.length === 0) errors.push({ field: 'items', message: 'Chọn ít nhất một thành phần cần bổ sung' })
        for (const i of request.items) {
          if (!v.slots.some(s => s.key === i.component)) errors.push({ field: `item-${i.component}`, message: 'Thành phần không có trong hồ sơ' })
          if (!i.note.trim()) errors.push({ field: `item-${i.component}`, message: 'Ghi rõ nội dung cần bổ sung' })
        }
        if (errors.length > 0) throw new AppError('VALIDATION', 'supplement request invalid', errors)
        const ctx = await supplementContext(trx, d)
        const to = next(d.status, 'request-supplement', ctx)
        const round = 1 + ((await trx.selectFrom('supplementRequests').select(sql<number>`coalesce(max(round), 0)::int`.as('r')).where('dossierId', '=', d.id).executeTakeFirst())?.r ?? 0)
        await trx.insertInto('supplementRequests').values({
          dossierId: d.id, duringProcessing: d.status === 2 || d.status === 4, items: JSON.stringify(request.items), message: request.message ?? null,
          requestedBy: actor.name, dueAt: request.dueAt ?? null, round
        }).execute()
        await trx.updateTable('dossiers').set({ status: to, updatedAt: sql`now()` }).where('id', '=', d.id).execute()
        await event(trx, d.id, { action: 'request-supplement', from: d.status as DossierStatus, to, actor, actorName: actor.name, agencyCode: request.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: request.message ?? null, details: { items: request.items }, ...(request.document ? { document: request.document(d) } : {}) })
        await audit.record(trx, { actor, action: 'dossier.request-supplement', targetType: 'dossier', targetId: d.id })
        const names = request.items.map(i => `- ${v.slots.find(s => s.key === i.component)!.name}: ${i.note}`).join('\n')
        const deadline = request.dueAt ? `Hạn bổ sung: ${formatInstant(request.dueAt)}` : undefined
        await tell(trx, d, `Hồ sơ ${code} cần bổ sung`, `Cơ quan yêu cầu bổ sung hồ sơ ${code}:\n${names}${request.message ? `\n${request.message}` : ''}${deadline ? `\n${deadline}.` : ''}`, undefined, deadline)
      })
    },

    /**
     * The applicant answers the open supplement request: every listed component must have a new file;
     * earlier versions are kept, marked superseded. The dossier returns to reception or processing.
     */
    async answerSupplement (accountId: string, code: string, note: string | undefined): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        const v = await view(trx, d)
        const open = v.openSupplement
        if (!open) throw new AppError('CONFLICT', 'Hồ sơ không có yêu cầu bổ sung đang chờ.')
        const errors: FieldError[] = []
        for (const item of open.items) {
          if (!v.files.some(f => f.component === item.component && f.round === open.round)) {
            errors.push({ field: `tp-${item.component}`, message: `Tải lên tệp bổ sung cho “${v.slots.find(s => s.key === item.component)?.name ?? item.component}”` })
          }
        }
        if (errors.length > 0) throw new AppError('VALIDATION', 'supplement incomplete', errors)
        const to = next(d.status, 'supplement', await supplementContext(trx, d))
        const components = open.items.map(i => i.component)
        await trx.updateTable('dossierFiles').set({ supersededAt: sql`now()` })
          .where('dossierId', '=', d.id).where('component', 'in', components).where('round', '<', open.round).where('supersededAt', 'is', null).execute()
        await trx.updateTable('supplementRequests').set({ answeredAt: sql`now()`, answerNote: (note ?? '').trim().slice(0, 2000) || null }).where('id', '=', open.id).execute()
        // Back in processing: the clock resumes, the wait added back (the due date moves by the paused working time).
        let dueAt: Date | undefined
        if (to === 4 && d.receivedAt && resumed) dueAt = await resumed(trx, d, [...v.supplements.filter(x => x.duringProcessing && x.answeredAt).map(x => ({ from: x.requestedAt, to: x.answeredAt! })), { from: open.requestedAt, to: new Date() }])
        await trx.updateTable('dossiers').set({ status: to, updatedAt: sql`now()`, ...(dueAt ? { dueAt } : {}) }).where('id', '=', d.id).execute()
        await event(trx, d.id, { action: 'supplement', from: 5, to, actor: citizen(accountId), actorName: (d.submitter as Person).fullName, message: (note ?? '').trim() || null, details: { components, round: open.round } })
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.supplement', targetType: 'dossier', targetId: d.id })
        await tell(trx, d, `Hồ sơ ${code} đã được bổ sung`, `Bạn đã gửi bổ sung hồ sơ ${code}. Trạng thái: ${STATUS_LABELS[to]}.`)
      })
    },

    /** The applicant rates the handling once the result is returned (once). */
    async rate (accountId: string, code: string, rating: number, comment: string | undefined): Promise<void> {
      if (!(rating in RATING_LABELS)) throw new AppError('VALIDATION', 'rating required', [{ field: 'rating', message: 'Chọn mức độ hài lòng' }])
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        if (d.status !== 10) throw new AppError('CONFLICT', 'Chỉ đánh giá được khi đã nhận kết quả.')
        if (d.rating !== null) throw new AppError('CONFLICT', 'Hồ sơ này đã được đánh giá.')
        const text = (comment ?? '').trim().slice(0, 2000) || null
        await trx.updateTable('dossiers').set({ rating, ratingComment: text, ratedAt: sql`now()` }).where('id', '=', d.id).execute()
        await event(trx, d.id, { action: 'rate', actor: citizen(accountId), actorName: (d.submitter as Person).fullName, message: `${RATING_LABELS[rating]}${text ? `: ${text}` : ''}` })
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.rate', targetType: 'dossier', targetId: d.id, details: { rating } })
      })
    },

    /**
     * Moves a dossier along the state machine for the back office (reception, processing, results),
     * recording the event and telling the applicant. The back-office module builds its forms on this.
     */
    async act (actor: OfficeActor, code: string, action: DossierAction, input: {
      /** Told to the applicant and shown in their history; `note` is for officials only. */
      message?: string, note?: string | null, agencyCode?: string, details?: Record<string, unknown>
      /** The form the move issues, numbered in its agency's register. */
      document?: IssuedDocument
      /** What an SMS about the move says besides its subject (an amount to pay). */
      sms?: string
      set?: Partial<{ dueAt: Date, receivedAt: Date, finishedAt: Date, returnedAt: Date, processingAgencyCode: string, process: string, payableVnd: number, payableNote: string }>
      /** More work in the same transaction, after the move is allowed (tasks of the back office). */
      within?: (trx: Executor, d: DossierRow) => Promise<void>
    } = {}): Promise<DossierStatus> {
      return db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        const to = next(d.status, action, { ...(await supplementContext(trx, d)), decisionIssued: d.finishedAt !== null })
        await input.within?.(trx, d)
        const now = new Date()
        const stamps = {
          ...(action === 'receive' ? { receivedAt: now } : {}),
          ...(action === 'finish' ? { finishedAt: now } : {}),
          ...(action === 'return-result' ? { returnedAt: now } : {}),
          ...input.set
        }
        await trx.updateTable('dossiers').set({ status: to, updatedAt: sql`now()`, ...stamps }).where('id', '=', d.id).execute()
        if (to === 7 || to === 8) await closed?.(trx, d, to, actor)
        await event(trx, d.id, { action, from: d.status as DossierStatus, to, actor, actorName: actor.name, agencyCode: input.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: input.message ?? null, note: input.note ?? null, ...(input.details ? { details: input.details } : {}), ...(input.document ? { document: input.document } : {}) })
        await audit.record(trx, { actor, action: `dossier.${action}`, targetType: 'dossier', targetId: d.id })
        await tell(trx, d, `Hồ sơ ${code}: ${STATUS_LABELS[to]}`, `Hồ sơ ${code} chuyển sang trạng thái “${STATUS_LABELS[to]}”.${input.message ? `\n${input.message}` : ''}`, undefined, input.sms)
        return to
      })
    },

    /**
     * Work on a dossier that moves no status (a hand-over between steps): the row is locked, the event
     * and an audit row are written with it, in one transaction.
     */
    async record (actor: OfficeActor, code: string, e: { action: string, message?: string | null, note?: string | null, agencyCode?: string, details?: Record<string, unknown>, document?: IssuedDocument, notify?: { subject: string, body: string } }, within: (trx: Executor, d: DossierRow) => Promise<void>): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        await within(trx, d)
        await event(trx, d.id, { action: e.action, actor, actorName: actor.name, agencyCode: e.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: e.message ?? null, note: e.note ?? null, ...(e.details ? { details: e.details } : {}), ...(e.document ? { document: e.document } : {}) })
        await audit.record(trx, { actor, action: `dossier.${e.action}`, targetType: 'dossier', targetId: d.id })
        if (e.notify) await tell(trx, d, e.notify.subject, e.notify.body)
      })
    },

    /**
     * Reserves the next number of an agency's register for a document printed before the event that issues
     * it (a refusal letter is the result it carries); an event that then fails leaves that number unused.
     */
    reserveDocumentNumber: (agencyCode: string) => db.transaction(trx => nextNumber(trx, agencyCode)),

    /** Attaches files kept by the back office (a result) to a dossier, in the caller's transaction. */
    async attachInTransaction (trx: Executor, dossierId: string, component: string, fileIds: string[]): Promise<void> {
      if (fileIds.length > 0) await trx.insertInto('dossierFiles').values(fileIds.map(fileId => ({ dossierId, component, fileId }))).execute()
    },

    /** A submitted dossier as the back office sees it (the caller checks the official's scope). */
    async forOfficial (code: string) {
      const d = await db.kysely.selectFrom('dossiers').selectAll().where('code', '=', code).where('status', '>', 0).executeTakeFirst()
      if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
      return view(db.kysely, d)
    },

    /** A file of a given dossier (the back office reads files only through the dossier it may see). */
    async readDossierFile (code: string, fileId: string) {
      const hit = /^[0-9a-f-]{36}$/.test(fileId) && await db.kysely.selectFrom('dossierFiles as df').innerJoin('dossiers as d', 'd.id', 'df.dossierId')
        .select('df.id').where('d.code', '=', code).where('df.fileId', '=', fileId).executeTakeFirst()
      if (!hit) throw new AppError('NOT_FOUND', 'no such file in this dossier')
      return files.read(fileId)
    },

    /** A file the account may read: its own upload, or a file in one of its dossiers. */
    async readFile (accountId: string, fileId: string) {
      const f = await files.get(db.kysely, fileId)
      if (!f) throw new AppError('NOT_FOUND', 'no such file')
      const mine = await db.kysely.selectFrom('files').select('id').where('id', '=', fileId)
        .where(eb => eb.or([
          eb('ownerAccountId', '=', accountId),
          eb.exists(eb.selectFrom('dossierFiles as df').innerJoin('dossiers as d', 'd.id', 'df.dossierId').select('df.id')
            .whereRef('df.fileId', '=', 'files.id').where('d.accountId', '=', accountId).where('df.component', '!=', INTERNAL_COMPONENT))
        ])).executeTakeFirst()
      if (!mine) throw new AppError('NOT_FOUND', 'no such file')
      return files.read(fileId)
    },

    reusableFiles: (accountId: string) => files.reusable(accountId),

    async notices (accountId: string, limit = 20) {
      return db.kysely.selectFrom('accountNotices as n').leftJoin('dossiers as d', 'd.id', 'n.dossierId')
        .select(['n.id', 'n.text', 'n.createdAt', 'n.readAt', 'd.code']).where('n.accountId', '=', accountId)
        .orderBy('n.id', 'desc').limit(limit).execute()
    },

    async unreadNotices (accountId: string): Promise<number> {
      const r = await db.kysely.selectFrom('accountNotices').select(sql<number>`count(*)::int`.as('n')).where('accountId', '=', accountId).where('readAt', 'is', null).executeTakeFirst()
      return r?.n ?? 0
    },

    async markNoticesRead (accountId: string): Promise<void> {
      await db.kysely.updateTable('accountNotices').set({ readAt: sql`now()` }).where('accountId', '=', accountId).where('readAt', 'is', null).execute()
    },

    /**
     * Public lookup by code. Without proof: status, procedure, agency, dates and steps. With the
     * applicant's (or submitter's) ID number or phone also the applicant's name. Every lookup counts
     * against the visitor's address (docs/decisions/0009): failures (an unknown code, a wrong proof),
     * 20 in a row, lock it; lookups without a right proof, LOOKUP_ALLOWANCE in a row, are then refused
     * until the lock ends (RATE_LIMITED 'proof required'): walking sequential codes shows a handful.
     */
    async lookup (code: string, proof: string | undefined, ip: string) {
      const key = throttleKey('lookup-ip', ip)
      const allowance = throttleKey('lookup-anonymous-ip', ip)
      const clean = code.trim().toUpperCase()
      const wellFormed = /^[0-9A-Z.]{3,40}-\d{6}-\d{4,}$/.test(clean)
      // One round trip (a database function, so its plan is kept): the visitor's locks, the dossier,
      // its agency and procedure, and its steps.
      const r = await sql<{
        locked: Date | null, allowanceLocked: Date | null, code: string | null, status: number, applicant: Person, submitter: Person, procedureCode: string, procedureName: string,
        agencyCode: string | null, agencyName: string | null, submittedAt: Date | null, receivedAt: Date | null, dueAt: Date | null,
        finishedAt: Date | null, returnedAt: Date | null, steps: Array<{ at: string, action: string, to: number, unit: string | null }> | null
      }>`select * from dossier_lookup(${wellFormed ? clean : ''}, ${key}, ${allowance})`.execute(db.kysely)
      const row = r.rows[0]!
      if (row.locked) throw new AppError('RATE_LIMITED', `lookup locked until ${new Date(row.locked).toISOString()}`)
      const given = (proof ?? '').replace(/[\s.-]/g, '').toUpperCase()
      const proven = row.code !== null && given.length >= 9 && [row.applicant, row.submitter].some(p => p.idNumber?.replace(/-/g, '').toUpperCase() === given || p.phone === given || (p.phone && p.phone === `0${given.replace(/^\+?84/, '')}`))
      const keys = [{ key, max: 20 }]
      // A miss or a wrong proof is a failure, refused or not: a guesser ends up locked out altogether.
      const failed = !row.code || (given !== '' && !proven)
      if (!proven) {
        if (row.allowanceLocked) {
          if (failed) await throttle.fail(keys)
          throw new AppError('RATE_LIMITED', 'proof required')
        }
        await throttle.fail([{ key: allowance, max: LOOKUP_ALLOWANCE }])
      }
      if (failed) await throttle.fail(keys)
      if (!row.code) return undefined
      const status = row.status as DossierStatus
      return {
        code: row.code,
        status,
        statusLabel: STATUS_LABELS[status],
        procedure: { code: row.procedureCode, name: row.procedureName },
        agency: row.agencyCode ? { code: row.agencyCode, name: row.agencyName ?? '' } : null,
        submittedAt: row.submittedAt,
        receivedAt: row.receivedAt,
        dueAt: row.dueAt,
        finishedAt: row.finishedAt,
        returnedAt: row.returnedAt,
        steps: (row.steps ?? []).map(e => ({ at: new Date(e.at), label: ACTION_LABELS[e.action] ?? e.action, status: STATUS_LABELS[e.to as DossierStatus], unit: e.unit })),
        proofGiven: given !== '',
        applicant: proven ? { fullName: row.applicant.fullName, idNumber: maskId(row.applicant.idNumber) } : null
      }
    }
  }
  return service
}

/**
 * Who moves a dossier in the back office: the official (or the system) and the agency they act for,
 * which each step of the history names (not the receiving centre's, unless the centre did it).
 */
export type OfficeActor = Actor & { name: string, agencyCode?: string | undefined }

/**
 * A step of the history as the applicant reads it: the step, the agency and the outcome; never the
 * officials' names or their internal notes (docs/decisions/0010).
 */
export function forCitizen<E extends { actorType: string, actorId: string | null, actorName: string | null, note: string | null }> (e: E): E {
  const citizen = e.actorType === 'citizen'
  return { ...e, actorId: citizen ? e.actorId : null, actorName: citizen ? e.actorName : null, note: null }
}

/** A form an event issues, numbered in the register of `agencyCode` (the agency that issues it). */
export interface IssuedDocument { form: string, agencyCode: string, reserved?: { year: number, number: number } }

/** Which ways of handing in and receiving a procedure allows. */
export function deliveryOptions (p: { methods: { post: boolean, online: boolean }, onlineLevel: string }) {
  return { pickup: p.methods.post, post: p.methods.post, online: p.onlineLevel === 'full' }
}

export type DossiersService = ReturnType<typeof createDossiersService>
export type DossierView = Awaited<ReturnType<DossiersService['get']>>
export type LookupResult = NonNullable<Awaited<ReturnType<DossiersService['lookup']>>>
