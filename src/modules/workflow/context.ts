import { sql } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import type { SigningService } from '../signing/signing.service.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { FilesService } from '../files/files.service.js'
import type { PaymentsService } from '../payments/payments.service.js'
import { createTasks, type OpenTask } from './processing.js'
import { processFrom, type ProcessStep } from './process.js'
import { createProcedureSettings } from './settings.js'
import { createWordingService } from './wording.js'
import { AppError } from '../../platform/http/errors.js'
import type { AuditService } from '../audit/audit.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import type { OfficialRole, OfficialsService, SignedInOfficial } from '../accounts/officials.service.js'
import type { CalendarService } from '../calendar/calendar.service.js'
import { formatDay, formatInstant } from '../../platform/vn-time.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { COPY_TYPE, shortDuration } from '../catalog/views/labels.js'
import type { SiteService } from '../site/site.service.js'
import { formatAddress, RESULT_LABELS, type Delivery, type Person } from '../dossiers/dossier-form.js'
import type { DossiersService, DossierView } from '../dossiers/dossiers.service.js'
import type { IssuedDocument, OfficeActor } from '../dossiers/model.js'
import { fill, officialFormPdf, type OfficialForm } from '../../platform/pdf/forms-pdf.js'
import type { FormKey } from './form-wording.js'
import { CASE_ROLES, type Signature, DOCUMENT_SYMBOLS } from './model.js'

/** The dependencies of the back office. */
export interface WorkflowDeps {
  db: Db
  dossiers: DossiersService
  officials: OfficialsService
  calendar: CalendarService
  catalog: CatalogService
  audit: AuditService
  site: SiteService
  jobs: JobQueue
  files: FilesService
  payments: PaymentsService
  /** Messages to officials (a step about to run out is told to the head above). */
  notifications: NotificationsService
  /** Where links lead (read when a form is printed: in the demo it follows the request). */
  publicUrl: () => string
  /** Signs the results an agency issues with its seal certificate, when it has one (issue 23). */
  signing?: Pick<SigningService, 'sign'> | undefined
  /** The clock deadlines count from. */
  now?: () => Date
}

/**
 * What the back-office use cases share: the dependencies, the official's scope and steps, fees, and
 * the printed forms. Built once per service.
 */
export function createWorkflowContext (deps: WorkflowDeps) {
  const { db, dossiers, officials, calendar, catalog, audit, payments } = deps
  const clock = deps.now ?? (() => new Date())
  const actorOf = (o: SignedInOfficial): OfficeActor => ({ type: 'official', id: o.id, name: o.fullName, agencyCode: o.agency.code })
  const tasks = createTasks({ db, officials, calendar, now: clock })
  const settings = createProcedureSettings({ db, audit })
  const wording = createWordingService({ db, audit })
  /** The process a dossier was received under (the default for one received before processes were configurable). */
  const processOf = (d: { process: unknown }) => processFrom(d.process)
  /** Where an official holds a role: the reception desk counts for receptionists. */
  const scopeOf = async (o: SignedInOfficial, role: OfficialRole) => role === 'receptionist' ? receptionScope(o) : officials.scope(o, [role])

  /**
   * The agencies whose dossiers the official receives: those their receptionist role covers, and
   * those (with their units) whose one-stop desk is one of them (a department received at the
   * public service centre).
   */
  async function receptionScope (o: SignedInOfficial): Promise<string[]> {
    const own = await officials.scope(o, ['receptionist'])
    if (own.length === 0) return []
    const delegated = await sql<{ code: string }>`
      with recursive tree(id, code) as (
        select id, code from agencies where reception_desk_code in (${sql.join(own)})
        union select a.id, a.code from agencies a join tree t on a.parent_id = t.id)
      select code from tree`.execute(db.kysely)
    return [...new Set([...own, ...delegated.rows.map(r => r.code)])]
  }

  /** The agency that processes a dossier: recorded at reception; before it, the procedure's processing agency, else the receiving one. */
  async function processingAgencyOf (d: DossierView): Promise<string> {
    if (d.processingAgencyCode) return d.processingAgencyCode
    const p = await catalog.getProcedure(d.procedure.code).catch(() => undefined)
    return p?.agencies.processing[0]?.code ?? d.agency?.code ?? ''
  }

  /** The open task of a dossier, if the official may act on it; CONFLICT when the form was for another step. */
  async function myTask (o: SignedInOfficial, d: DossierView, taskId?: number): Promise<OpenTask> {
    const t = await tasks.openTask(db.kysely, d.id)
    if (!t || (taskId !== undefined && t.id !== taskId)) throw new AppError('CONFLICT', 'Bước xử lý này vừa được cán bộ khác thực hiện.')
    if (!(await tasks.mayAct(o, t, scopeOf))) throw new AppError('FORBIDDEN', 'not this official\'s step')
    if (d.status === 5) throw new AppError('CONFLICT', 'Hồ sơ đang chờ công dân bổ sung; thời hạn tạm dừng, chưa xử lý tiếp được.')
    return t
  }

  /** A dossier the official may see (a case role over its receiving agency, or its one-stop desk), else NOT_FOUND. */
  async function visible (o: SignedInOfficial, code: string): Promise<DossierView> {
    const d = await dossiers.forOfficial(code)
    const scope = await officialScope(o)
    const processing = await processingAgencyOf(d)
    if (d.agency && (scope.includes(d.agency.code) || scope.includes(processing))) return d
    // An agency whose opinion was asked sees the dossier too.
    if (scope.length > 0 && await db.kysely.selectFrom('dossierConsultations').select('id').where('dossierId', '=', d.id).where('agencyCode', 'in', scope).executeTakeFirst()) return d
    throw new AppError('NOT_FOUND', 'dossier outside the official\'s agencies')
  }

  /** Every agency whose dossiers the official works on, in any case role or at the one-stop desk. */
  async function officialScope (o: SignedInOfficial): Promise<string[]> {
    return [...new Set([...await officials.scope(o, CASE_ROLES), ...await receptionScope(o)])]
  }

  /** "Due soon": by the end of the next working day. */
  async function dueSoonBefore (now: Date): Promise<Date> {
    return (await calendar.computeDue(now, { value: 1, unit: 'working_days' })).due
  }

  /** What a dossier's applicant owes: the amount the desk set at reception for the case, else the procedure's. */
  const feesDue = (d: DossierView) => d.payable?.amountVnd ?? d.feeTotal

  /**
   * The fees of a dossier neither paid nor exempted (0 when none are due or they are settled). Approving
   * or returning such a dossier needs a reason: a fee forgotten is money the state does not collect.
   */
  async function unsettledFees (d: DossierView): Promise<number> {
    const due = feesDue(d)
    if (due <= 0) return 0
    return (await payments.ofDossier(d.id)).some(r => r.state === 'paid' || r.state === 'exempt') ? 0 : due
  }

  /** The reason given to go on with fees unsettled, or VALIDATION on the field 'fees-reason' saying what is owed. */
  async function feesGoAhead (d: DossierView, reason: string | undefined): Promise<string | undefined> {
    const owed = await unsettledFees(d)
    if (owed === 0) return undefined
    const text = (reason ?? '').trim().slice(0, 1000)
    if (text.length < 10) {
      throw new AppError('VALIDATION', 'fees unsettled', [{ field: 'fees-reason', message: `Thủ tục thu phí, lệ phí ${owed.toLocaleString('vi-VN')} đồng nhưng hồ sơ chưa nộp và chưa được ghi nhận miễn. Hãy yêu cầu nộp phí trước, hoặc ghi lý do (ít nhất 10 ký tự) để tiếp tục.` }])
    }
    return text
  }

  /** Whether the fees of a dossier go back to the payer: it will not be decided (withdrawn, stopped) or was refused after review. */
  const feesReturnable = (d: DossierView) => d.status === 7 || d.status === 8 || d.events.some(e => e.action === 'finish' && (e.details as { refused?: boolean }).refused)

  /** The dossier's one-stop desk, or the official holding its open step. */
  async function deskOrStepHolder (o: SignedInOfficial, d: DossierView): Promise<boolean> {
    if (await mayReceive(o, d)) return true
    const t = await tasks.openTask(db.kysely, d.id)
    return Boolean(t && await tasks.mayAct(o, t, scopeOf))
  }

  /** Fees are handled (cash, transfer slips, refunds) by the dossier's one-stop desk or the official holding its step. */
  async function requireFeesHandler (o: SignedInOfficial, d: DossierView) {
    if (!(await deskOrStepHolder(o, d))) throw new AppError('FORBIDDEN', 'not the desk nor the step holder')
  }

  /**
   * The ways the desk may hand a result over: at the desk or by post always; online only to an applicant
   * with an account on the portal, where the result is published (a counter applicant may have none,
   * and the public lookup carries no documents).
   */
  const RETURNED_BY: Record<string, string> = { counter: 'tại bộ phận một cửa', post: 'qua bưu chính', online: 'trực tuyến trên Cổng' }
  function returnMethods (d: DossierView): Record<string, string> {
    return { counter: 'Tại bộ phận một cửa', post: 'Qua bưu chính', ...(d.hasAccount ? { online: 'Trực tuyến trên Cổng' } : {}) }
  }

  /** What an official took out of the system (a file, a form, a receipt) is in the audit log, like every view. */
  async function downloaded (o: SignedInOfficial, d: { id: string, code: string | null }, action: string, details: Record<string, unknown>): Promise<void> {
    await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action, targetType: 'dossier', targetId: d.id, details: { code: d.code, ...details } }))
  }

  /** Whether an apology (form 04) sent now comes later than one working day before `due`. */
  async function apologyLate (due: Date, agencyCode: string | undefined): Promise<boolean> {
    const left = await calendar.remaining(clock(), due, agencyCode)
    return left.overdue || left.minutes < (await calendar.calendar(agencyCode)).dayLength
  }

  /**
   * A comment an official chose to show the citizen ("Công dân được xem ý kiến này"); otherwise comments
   * stay in the officials' notes (docs/decisions/0010).
   */
  const shared = (form: { 'comment-public'?: string }, comment: string | null): string | null => form['comment-public'] === 'yes' && comment ? comment : null

  /** A reason typed in a form: trimmed, at most `max` characters, at least `min` or a message next to `field`. */
  function reasonFrom (value: string | undefined, field: string, message: string, min = 10, max = 2000): string {
    const text = (value ?? '').trim().slice(0, max)
    if (text.length < min) throw new AppError('VALIDATION', `${field} required`, [{ field, message }])
    return text
  }

  async function mayReceive (o: SignedInOfficial, d: DossierView): Promise<boolean> {
    return d.agency !== null && (await receptionScope(o)).includes(d.agency.code)
  }

  async function requireReception (o: SignedInOfficial, d: DossierView) {
    if (!(await mayReceive(o, d))) throw new AppError('FORBIDDEN', `not a receptionist for ${d.agency?.code ?? '?'}`)
  }

  /** When the reception decision is due: the procedure's reception hours (8 by default) after submission. */
  const receptionDue = async (d: { submittedAt: Date | null, agencyCode: string | null, procedureCode: string }, hours?: number) =>
    calendar.computeDue(d.submittedAt!, { value: hours ?? (await settings.get(d.procedureCode)).receptionHours, unit: 'working_hours' }, {}, d.agencyCode ?? undefined)

  /** The agency where a step is done: the processing agency, or the one-stop desk that received the dossier. */
  const stepAgency = async (d: DossierView, step: ProcessStep) => step.at === 'receiving' ? d.agency!.code : processingAgencyOf(d)

  /**
   * The approving step issues the decision (9): its step closes with the outcome, the result files
   * (stored already) are attached, and the return step opens, in one transaction; the files are
   * removed again if that fails.
   */
  async function issueDecision (o: SignedInOfficial, d: DossierView, t: OpenTask, stored: Array<{ id: string }>, e: { outcome: 'approved' | 'refused', comment: string | null, message: string, note?: string | null, details?: Record<string, unknown>, document?: IssuedDocument, validUntil?: string | null, within?: (trx: Executor) => Promise<void> }): Promise<void> {
    try {
      await dossiers.act(actorOf(o), d.code!, 'finish', {
        message: e.message,
        note: e.note ?? null,
        ...(e.document ? { document: e.document } : {}),
        ...(e.details ? { details: e.details } : {}),
        within: async (trx) => {
          await tasks.close(trx, t.id, o, e.outcome, e.comment)
          await dossiers.attachInTransaction(trx, d.id, 'result', stored.map(f => f.id), e.validUntil)
          await tasks.open(trx, d.id, t.step + 1, processOf(d)[t.step + 1]!, d.agency!.code, { value: null, unit: null }, undefined, d.dueAt)
          await e.within?.(trx)
        }
      })
    } catch (err) {
      await deps.files.discard(stored.map(f => f.id))
      throw err
    }
  }

  /** Fills a form's wording with the dossier's particulars (and `extra`) and lays it out as a PDF. */
  /**
   * Who signs a form, by who legally issues it: the apology (04), the notice of stopping (05) and the
   * refusal letter are signed by the head of the issuing agency (the official who acted, when they are
   * its leader; else its one leader; else left for a hand signature); the supplement request during
   * processing by the official handling the dossier; the reception forms by the desk's official.
   */
  async function signatureFor (form: FormKey, issuer: string, event: { actorId: string | null, actorName: string | null }, duringProcessing: boolean): Promise<Signature> {
    if (form === '04' || form === '05' || form === 'refusal') {
      const leaders = await tasks.candidates('agency_leader', issuer)
      const name = leaders.find(l => l.id === event.actorId)?.fullName ?? (leaders.length === 1 ? leaders[0]!.fullName : '')
      return { title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên và đóng dấu)', name }
    }
    return { title: form === '02' && duringProcessing ? 'Người xử lý hồ sơ' : 'Người tiếp nhận hồ sơ', note: '(Ký và ghi rõ họ tên)', name: event.actorName ?? '' }
  }

  /** The dossier's particulars, as the forms' placeholders name them. */
  async function particularsOf (d: DossierView): Promise<Record<string, string>> {
    const site = await deps.site.profile()
    const applicant = d.applicant as Person
    const delivery = d.delivery as Partial<Delivery>
    return {
      code: d.code!,
      agency: d.agency?.name ?? '',
      applicant: applicant.fullName,
      address: applicant.address,
      phone: applicant.phone,
      email: applicant.email ?? '—',
      idNumber: applicant.idNumber ?? '',
      procedure: d.procedure.name,
      // Each document with its kind of copy and how many (form 01 lists what was handed in).
      components: d.slots.map((s, i) => `- ${i + 1}. ${s.name} (${[s.copyType ? COPY_TYPE[s.copyType] : '', `${String(s.quantity ?? 1).padStart(2, '0')} bản`].filter(Boolean).join(', ')})`).join('\n'),
      duration: shortDuration(d.procedure.processingTime),
      receivedAt: d.receivedAt ? formatInstant(d.receivedAt) : '',
      dueAt: d.dueAt ? formatInstant(d.dueAt) : '',
      submittedAt: d.submittedAt ? formatInstant(d.submittedAt) : '',
      // "Ngày {…}" in the forms: the date alone (the instant would read "Ngày 13:32 ngày 05/12/2026").
      submittedDay: d.submittedAt ? formatDay(d.submittedAt) : '',
      receivedDay: d.receivedAt ? formatDay(d.receivedAt) : '',
      delivery: delivery.result ? `${RESULT_LABELS[delivery.result]}${delivery.resultAddress ? ` (${formatAddress(delivery.resultAddress)})` : ''}` : '',
      hotline: site.hotline
    }
  }

  /** The issuing body as every document's heading names it: the agency, and its parent (else the province). */
  async function issuerOf (issuerCode: string, d: DossierView): Promise<OfficialForm['issuer']> {
    const site = await deps.site.profile()
    const agency = await db.kysely.selectFrom('agencies as a').leftJoin('agencies as p', 'p.id', 'a.parentId').select(['a.name', 'p.name as parentName']).where('a.code', '=', issuerCode).executeTakeFirst()
    return { parent: agency?.parentName ?? site.provinceName, agency: agency?.name ?? d.agency?.name ?? '' }
  }

  async function renderForm (d: DossierView, form: FormKey, at: Date, signer: string, extra: Record<string, string>, layout: Partial<Pick<OfficialForm, 'table' | 'landscape' | 'signatures'>> = {}, issue: { document?: { year: number, number: number }, signature?: Signature, issuer?: string } = {}): Promise<Buffer> {
    const site = await deps.site.profile()
    const applicant = d.applicant as Person
    const values = { ...await particularsOf(d), ...extra }
    const words = await wording.get(form)
    const body = words.body.flatMap(line => fill(line, values).split('\n')).filter(l => l.trim() !== '')
    const head = issue.signature ?? { title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer }
    return officialFormPdf({
      number: words.number,
      title: words.title,
      issuer: await issuerOf(issue.issuer ?? d.agency?.code ?? '', d),
      ...(issue.document ? { reference: `Số: ${issue.document.number}/${issue.document.year}/${DOCUMENT_SYMBOLS[form] ?? 'VB'}` } : {}),
      province: site.provinceName,
      date: at,
      body,
      signatures: layout.signatures ?? (form === '01'
        ? [{ title: 'Người nộp hồ sơ', note: '(Ký và ghi rõ họ tên)', name: applicant.fullName }, { title: 'Người tiếp nhận hồ sơ', note: '(Ký và ghi rõ họ tên)', name: signer }]
        : [head]),
      ...(layout.table ? { table: layout.table } : {}),
      ...(layout.landscape ? { landscape: true } : {}),
      ...(form === '01' ? { qr: { url: `${deps.publicUrl()}/tra-cuu-ho-so?ma=${encodeURIComponent(d.code!)}`, caption: 'Quét mã để tra cứu tình trạng hồ sơ' } } : {})
    })
  }

  return {
    deps, db, dossiers, officials, calendar, catalog, audit, payments,
    clock, actorOf, tasks, settings, wording, processOf, scopeOf, receptionScope, processingAgencyOf, myTask, visible, officialScope, dueSoonBefore, feesDue, unsettledFees, feesGoAhead, feesReturnable, requireFeesHandler, deskOrStepHolder, returnMethods, downloaded, apologyLate, shared, reasonFrom, mayReceive, requireReception, receptionDue, stepAgency, issueDecision, signatureFor, renderForm, particularsOf, issuerOf, RETURNED_BY
  }
}

export type WorkflowContext = ReturnType<typeof createWorkflowContext>
