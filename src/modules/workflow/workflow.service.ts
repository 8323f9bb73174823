import { sql } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { FilesService } from '../files/files.service.js'
import type { PaymentsService } from '../payments/payments.service.js'
import { assessFees, assessmentLine, parseVnd } from '../payments/assessment.js'
import { createTasks, OUTCOME_LABELS, TIMING_LABELS, type OpenTask } from './processing.js'
import { processFrom, type ProcessStep } from './process.js'
import { createProcedureSettings } from './settings.js'
import { createWordingService } from './wording.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { ROLES as ROLE_NAMES, type OfficialRole, type OfficialsService, type SignedInOfficial } from '../accounts/officials.service.js'
import type { CalendarService } from '../calendar/calendar.service.js'
import { formatDay, formatInstant } from '../calendar/due.js'
import { fromLocal, toLocal } from '../calendar/calendar.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { COPY_TYPE, shortDuration } from '../catalog/views/labels.js'
import type { SiteService } from '../site/site.service.js'
import { formatAddress, maskId, RESULT_LABELS, type Delivery, type Person } from '../dossiers/dossier-form.js'
import { caseGroups, CHANNEL_LABELS, componentSlots, INTERNAL_COMPONENT, type ComponentSlot, type DossiersService, type DossierView, type FeeLine, type IssuedDocument, type OfficeActor } from '../dossiers/dossiers.service.js'
import { can, STATUS_LABELS, type DossierStatus } from '../dossiers/status.js'
import { fill, officialFormPdf, type OfficialForm } from '../../platform/pdf/forms-pdf.js'
import type { FormKey } from './form-wording.js'
import { ISSUED_FORMS, type IssuedForm } from '../dossiers/issued-forms.js'
import { parseDay, vnDayStart } from '../../platform/http/day-range.js'
import { dueCounts, dueDossiers, PAGE_SIZE, searchDossiers, type DossierCriteria, type DueQueue } from './search.js'

/** The official's step queues: steps to work on, approvals (the leader's step), results to return. */
export type StepQueue = 'cua-toi' | 'cho-phe-duyet' | 'cho-tra-ket-qua'
const QUEUE_KINDS: Record<StepQueue, ProcessStep['kind']> = { 'cua-toi': 'work', 'cho-phe-duyet': 'approve', 'cho-tra-ket-qua': 'return' }

/** Roles that work on dossiers (administrators of the catalog or of accounts see none). */
export const CASE_ROLES: OfficialRole[] = ['receptionist', 'specialist', 'department_head', 'agency_leader']

const ONCE_POSTPONED = 'Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần nữa.'

/** The most dossiers one printed register holds; a longer period is asked to be split. */
export const REGISTER_LIMIT = 5000

/**
 * The one-stop back office, starting with reception: the queue of new online dossiers with the time
 * left for the decision, and the three decisions (receive with form 01, ask for a supplement with
 * form 02, refuse with form 03). Every view and every act of an official is audited.
 */
export function createWorkflowService (deps: {
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
  /** Where links lead (read when a form is printed: in the demo it follows the request). */
  publicUrl: () => string
  /** The clock deadlines count from. */
  now?: () => Date
}) {
  const { db, dossiers, officials, calendar, catalog, audit, payments } = deps
  const clock = deps.now ?? (() => new Date())
  const actorOf = (o: SignedInOfficial): OfficeActor => ({ type: 'official', id: o.id, name: o.fullName, agencyCode: o.agency.code })
  const tasks = createTasks({ db, officials, calendar })
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

  /** Fees are handled (cash, transfer slips, refunds) by the dossier's one-stop desk or the official holding its step. */
  async function requireFeesHandler (o: SignedInOfficial, d: DossierView) {
    if (await mayReceive(o, d)) return
    const t = await tasks.openTask(db.kysely, d.id)
    if (!(t && await tasks.mayAct(o, t, scopeOf))) throw new AppError('FORBIDDEN', 'not the desk nor the step holder')
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
   * An unanswered supplement request whose time ran out closes the dossier (status 8) with a notice to
   * the applicant (domain §3). Runs every 15 minutes; each dossier moves once (the state machine refuses a second time).
   */
  deps.jobs.registerPeriodic('workflow.supplement-expiry', 15 * 60_000, async (_job, { log }) => {
    const n = await service.expireSupplements()
    if (n > 0) log.info({ closed: n }, 'closed dossiers whose supplement time ran out')
  })

  // When the applicant answers a supplement requested during processing, the due date is computed
  // again from the receipt with every wait as a pause (domain §4: the clock stops while waiting).
  // Runs in the answering transaction: the settings (pause or restart), and the catalog and calendar
  // when their memory is old, are read through it (Db.reader).
  dossiers.onResume(async (trx, d, pauses) => {
    const version = await catalog.getVersion(d.procedureVersionId)
    const p = await catalog.getProcedure(version.code)
    const t = p.processingTime
    if (t.value === null || t.unit === null || !d.receivedAt) return undefined
    const pauseMode = (await settings.get(version.code, trx)).afterSupplement
    return (await calendar.computeDue(d.receivedAt, { value: t.value, unit: t.unit }, { pauses, pauseMode }, d.agencyCode ?? undefined)).due
  })

  // A dossier withdrawn by the applicant or stopped leaves no step open in anyone's queue.
  dossiers.onClose(async (trx, d, to, actor) => {
    await tasks.closeOpen(trx, d.id, to === 7 ? 'withdrawn' : 'stopped', { id: actor.id ?? null, name: actor.name, official: actor.type === 'official' })
  })

  const service = {
    /** Per-procedure time limits and processes (catalog administrators). */
    settings,
    /** The wording of the forms (system administrators). */
    wording,

    /** Closes the dossiers whose supplement request expired unanswered; returns how many. */
    async expireSupplements (now = clock()): Promise<number> {
      const due = await db.kysely.selectFrom('supplementRequests as s').innerJoin('dossiers as d', 'd.id', 's.dossierId')
        .select(['d.code', 's.dueAt']).where('s.answeredAt', 'is', null).where('s.dueAt', '<', now).where('d.status', '=', 5).limit(500).execute()
      let closed = 0
      for (const r of due) {
        try {
          await dossiers.act({ type: 'system', id: null, name: 'Hệ thống' }, r.code!, 'supplement-expired', { message: `Hết thời hạn bổ sung hồ sơ (${formatInstant(r.dueAt!)}) mà chưa nhận được hồ sơ bổ sung; hồ sơ dừng xử lý.` })
          closed++
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err // answered meanwhile
        }
      }
      return closed
    },

    /** New online dossiers waiting for reception in the official's agencies, oldest first, with the time left; a page of PAGE_SIZE. */
    async receptionQueue (o: SignedInOfficial, page = 1) {
      const scope = await receptionScope(o)
      if (scope.length === 0) return { rows: [], page, more: false }
      const rows = await db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId').innerJoin('procedures as p', 'p.id', 'd.procedureId')
        .select(['d.code', 'd.submittedAt', 'd.agencyCode', 'd.applicant', 'd.channel', 'v.name as procedureName', 'p.code as procedureCode'])
        .where('d.status', '=', 1).where('d.agencyCode', 'in', scope).orderBy('d.submittedAt').orderBy('d.id').limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE).execute()
      const more = rows.length > PAGE_SIZE
      const now = clock()
      // Each procedure's reception hours read once for the whole queue.
      const hours = new Map(await Promise.all([...new Set(rows.map(r => r.procedureCode))].map(async c => [c, (await settings.get(c)).receptionHours] as const)))
      return {
        page,
        more,
        rows: await Promise.all(rows.slice(0, PAGE_SIZE).map(async r => {
          const due = (await receptionDue(r, hours.get(r.procedureCode))).due
          return { code: r.code!, submittedAt: r.submittedAt!, procedureName: r.procedureName, applicant: (r.applicant as Person).fullName, decisionDue: due, left: await calendar.remaining(now, due, r.agencyCode ?? undefined) }
        }))
      }
    },

    /** Counts for the workspace: reception, the official's steps by kind, and due dates near or past. */
    async counts (o: SignedInOfficial) {
      // Each scope once: the desk's agencies, the case roles' agencies, and both together.
      const [desk, caseScope] = await Promise.all([receptionScope(o), officials.scope(o, CASE_ROLES)])
      const all = [...new Set([...caseScope, ...desk])]
      const now = clock()
      const [reception, steps, due, consultations] = await Promise.all([
        desk.length === 0
          ? { reception: 0, waitingSupplement: 0 }
          : db.kysely.selectFrom('dossiers').select([
            sql<number>`count(*) filter (where status = 1)::int`.as('reception'),
            sql<number>`count(*) filter (where status = 5 and received_at is null)::int`.as('waitingSupplement')
          ]).where('agencyCode', 'in', desk).where('status', 'in', [1, 5]).executeTakeFirstOrThrow(),
        tasks.countByKind(o, scopeOf),
        dueSoonBefore(now).then(soon => dueCounts(db, all, now, soon)),
        caseScope.length === 0
          ? 0
          : db.kysely.selectFrom('dossierConsultations').select(sql<number>`count(*)::int`.as('n')).where('agencyCode', 'in', caseScope).where('answeredAt', 'is', null).executeTakeFirstOrThrow().then(r => r.n)
      ])
      return { ...reception, ...due, consultations, toProcess: steps.work, toApprove: steps.approve, toReturn: steps.return }
    },

    /** The search of the back office, over the dossiers of the official's agencies. */
    async search (o: SignedInOfficial, criteria: DossierCriteria) {
      return searchDossiers(db, await officialScope(o), criteria)
    },

    /** Open dossiers of the official's agencies past their due date, or due by the end of the next working day. */
    async dueQueue (o: SignedInOfficial, kind: DueQueue) {
      const now = clock()
      const rows = kind === 'overdue' ? await dueDossiers(db, await officialScope(o), now) : await dueDossiers(db, await officialScope(o), await dueSoonBefore(now), now)
      return Promise.all(rows.map(async r => ({ ...r, left: r.dueAt ? await calendar.remaining(now, r.dueAt) : undefined })))
    },

    /** Opens a dossier for an official: recorded in the audit log (every official's read is). */
    async open (o: SignedInOfficial, code: string, requestId?: string) {
      const d = await visible(o, code)
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'dossier.view', targetType: 'dossier', targetId: d.id, details: { code }, ...(requestId ? { requestId } : {}) }))
      const receptionist = await mayReceive(o, d)
      const due = d.status === 1 && d.submittedAt ? await receptionDue({ submittedAt: d.submittedAt, agencyCode: d.agency?.code ?? null, procedureCode: d.procedure.code }) : undefined
      const task = await tasks.openTask(db.kysely, d.id)
      const mine = task ? await tasks.mayAct(o, task, scopeOf) : false
      const process = d.receivedAt ? processOf(d) : (await settings.get(d.procedure.code)).process
      const caseScope = await officials.scope(o, CASE_ROLES)
      const consultations = (await db.kysely.selectFrom('dossierConsultations as c').leftJoin('agencies as a', 'a.code', 'c.agencyCode')
        .selectAll('c').select('a.name as agencyName').where('c.dossierId', '=', d.id).orderBy('c.id').execute())
        .map(c => ({ ...c, mayAnswer: c.answeredAt === null && caseScope.includes(c.agencyCode) }))
      const requests = await payments.ofDossier(d.id)
      const nextStep = task && task.kind === 'work' ? process[task.step + 1] : undefined
      const nextAgency = nextStep ? await stepAgency(d, nextStep) : undefined
      return {
        d,
        task,
        log: await tasks.log(db.kysely, d.id),
        process,
        consultations,
        payments: requests,
        mayRecordCash: d.status === 6 && (receptionist || mine),
        mayRefund: receptionist || mine,
        feesReturnable: feesReturnable(d),
        /** Fees neither paid nor exempted, which approving or returning needs a reason for. */
        unsettledFeesVnd: task && (task.kind === 'approve' || task.kind === 'return') ? await unsettledFees(d) : 0,
        act: mine && task && d.status !== 5 ? {
          taskId: task.id,
          step: task.step,
          forwardTo: nextStep ? { name: nextStep.name, candidates: await tasks.candidates(nextStep.role, nextAgency!) } : undefined,
          sendBack: task.step > 0 && task.kind !== 'return',
          approve: task.kind === 'approve',
          supplement: (d.status === 2 || d.status === 4) && !d.supplements.some(x => x.duringProcessing),
          returnResult: task.kind === 'return',
          returnMethods: returnMethods(d),
          refuse: task.kind === 'approve',
          consult: task.kind === 'work' && [2, 4].includes(d.status) ? (await catalog.listAgencies()).filter(a => a.code !== d.agency?.code && a.code !== task.agencyCode && a.code !== o.agency.code && !caseScope.includes(a.code)) : undefined,
          // The reply's default time: what is left of the dossier's own (whole working days, 1 to 5).
          consultDays: d.dueAt ? Math.max(1, Math.min(5, Math.floor((await calendar.remaining(clock(), d.dueAt, d.agency?.code)).minutes / 480))) : 5,
          postpone: [2, 4, 6].includes(d.status) && d.postponedFrom === null && d.dueAt ? { late: await apologyLate(d.dueAt, d.agency?.code) } : undefined,
          // What to ask: the amount the desk set at reception, else the procedure's; nothing once exempt.
          requestFees: d.status === 4 && task.kind !== 'return' && !requests.some(r => r.state === 'exempt') ? feesDue(d) : undefined,
          stop: can(d.status, 'stop', { decisionIssued: d.finishedAt !== null })
        } : undefined,
        receptionDue: due?.due,
        receptionLeft: due ? await calendar.remaining(clock(), due.due, d.agency?.code) : undefined,
        may: {
          receive: receptionist && can(d.status, 'receive'),
          requestSupplement: receptionist && d.status === 1,
          refuse: receptionist && can(d.status, 'refuse')
        }
      }
    },

    /** Open steps the official may take (assigned to them, or to their role in their agencies), by due time. */
    async taskQueue (o: SignedInOfficial, queue: StepQueue = 'cua-toi') {
      const rows = await tasks.queue(o, scopeOf, [QUEUE_KINDS[queue]])
      const now = clock()
      return Promise.all(rows.map(async r => ({ ...r, left: r.dueAt ? await calendar.remaining(now, r.dueAt) : undefined })))
    },

    /** What a receptionist may enter at the counter: published procedures received by their desk's agencies. */
    async counterProcedures (o: SignedInOfficial) {
      const scope = await receptionScope(o)
      if (scope.length === 0) return []
      const rows = await db.kysely.selectFrom('procedureAgencies as pa').innerJoin('agencies as a', 'a.id', 'pa.agencyId').innerJoin('procedures as p', 'p.id', 'pa.procedureId')
        .select(['p.code', 'a.code as agencyCode', 'a.name as agencyName']).where('pa.role', '=', 'receiving').where('a.code', 'in', scope).orderBy('p.position').execute()
      const out: Array<{ code: string, name: string, agencyCode: string, agencyName: string, fees: FeeLine[], caseGroups: string[], slots: (group: string | undefined) => ComponentSlot[] }> = []
      for (const r of rows) {
        const p = await catalog.getProcedure(r.code).catch(() => undefined)
        if (p) out.push({ code: r.code, name: p.name, agencyCode: r.agencyCode, agencyName: r.agencyName, fees: p.fees, caseGroups: caseGroups(p), slots: (group: string | undefined) => componentSlots(p, group ?? null, false) })
      }
      return out
    },

    /**
     * The desk fills the applicant from what the portal knows of an ID number: the account with it, else
     * the latest dossier whose applicant gave it. Receptionists only; every lookup is audited.
     */
    async findApplicant (o: SignedInOfficial, idNumber: string): Promise<{ from: 'account' | 'dossier', person: Partial<Record<keyof Person, string | null>> } | undefined> {
      if ((await service.counterProcedures(o)).length === 0) throw new AppError('FORBIDDEN', 'counter intake: receptionists only')
      const id = idNumber.replace(/[\s.]/g, '').toUpperCase().slice(0, 20)
      const account = await db.kysely.selectFrom('accounts').select(['fullName', 'citizenId', 'passportNumber', 'taxCode', 'nationality', 'representative', 'dateOfBirth', 'phone', 'email', 'address'])
        .where(eb => eb.or([eb('citizenId', '=', id), eb('passportNumber', '=', id), eb('taxCode', '=', id.replace('-', ''))])).where('status', '=', 'active').executeTakeFirst()
      const earlier = account ? undefined : await db.kysely.selectFrom('dossiers').select('applicant').where('status', '>', 0).where('applicant', '@>', JSON.stringify({ idNumber: id })).orderBy('submittedAt', 'desc').limit(1).executeTakeFirst()
      const found = account
        ? { from: 'account' as const, person: { fullName: account.fullName, idNumber: account.citizenId ?? account.passportNumber ?? account.taxCode, nationality: account.nationality, representative: account.representative, dateOfBirth: account.dateOfBirth ? account.dateOfBirth.split('-').reverse().join('/') : null, phone: account.phone, email: account.email, address: account.address } }
        : earlier ? { from: 'dossier' as const, person: (({ kind: _kind, ...p }) => ({ ...p, dateOfBirth: p.dateOfBirth ? p.dateOfBirth.split('-').reverse().join('/') : null }))(earlier.applicant as Person) } : undefined
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'applicant.lookup', targetType: 'id-number', targetId: maskId(id), details: { found: found?.from ?? 'none' } }))
      return found
    },

    /**
     * Counter or postal intake: the receptionist enters the dossier with its scanned files and
     * receives it at once (form 01 with the due date), as for an online one.
     */
    async enterAtCounter (o: SignedInOfficial, input: Omit<Parameters<DossiersService['enterAtCounter']>[1], 'agencyCode'> & { agencyCode?: string | undefined }): Promise<{ code: string, due: Date }> {
      const offered = (await service.counterProcedures(o)).filter(p => p.code === input.procedureCode)
      const agency = offered.find(p => p.agencyCode === input.agencyCode) ?? (offered.length === 1 ? offered[0] : undefined)
      if (!agency) throw new AppError('VALIDATION', 'no such procedure here', [{ field: 'thu-tuc', message: 'Chọn thủ tục do bộ phận một cửa của bạn tiếp nhận' }])
      // The fees part is checked before anything is written: a wrong amount never leaves a dossier half-entered.
      assessFees(agency.fees, input.form)
      const { code } = await dossiers.enterAtCounter(actorOf(o), { ...input, agencyCode: agency.agencyCode })
      return { code, due: await service.receive(o, code, input.form) }
    },

    /**
     * Asks another agency's opinion (a sub-task with its own deadline, in working days): the official
     * holding a work step; that agency's officials then see the dossier and answer.
     */
    /**
     * Asks another agency's opinion on the step the official holds. Never the official's own agency (or
     * its units: that is internal work) nor the receiving one; a reply due after the dossier's own due
     * date needs a reason, recorded with the request. Throws VALIDATION naming the field.
     */
    async consult (o: SignedInOfficial, code: string, form: { taskId?: string, agency?: string, question?: string, days?: string, reason?: string }): Promise<{ agency: string, due: Date }> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'work') throw new AppError('CONFLICT', 'Chỉ xin ý kiến ở các bước xử lý, trước khi phê duyệt.')
      const errors: FieldError[] = []
      const own = new Set([...(await officials.scope(o, CASE_ROLES)), o.agency.code, t.agencyCode])
      const agency = (await catalog.listAgencies()).find(a => a.code === form.agency && a.code !== d.agency?.code)
      if (!agency) errors.push({ field: 'consult-agency', message: 'Chọn cơ quan cần xin ý kiến' })
      else if (own.has(agency.code)) errors.push({ field: 'consult-agency', message: 'Không xin ý kiến cơ quan, đơn vị của chính mình; hãy chọn cơ quan khác' })
      const question = (form.question ?? '').trim().slice(0, 4000)
      if (question.length < 10) errors.push({ field: 'consult-question', message: 'Nêu rõ nội dung xin ý kiến (ít nhất 10 ký tự)' })
      const days = Number((form.days ?? '').trim())
      if (!Number.isInteger(days) || days < 1 || days > 30) errors.push({ field: 'consult-days', message: 'Thời hạn trả lời từ 1 đến 30 ngày làm việc' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'consultation incomplete', errors)
      const due = (await calendar.computeDue(clock(), { value: days, unit: 'working_days' }, {}, agency!.code)).due
      const reason = (form.reason ?? '').trim().slice(0, 1000)
      if (d.dueAt && due > d.dueAt && reason.length < 10) {
        throw new AppError('VALIDATION', 'reply due after the dossier', [{ field: 'consult-reason', message: `Hạn trả lời (${formatInstant(due)}) muộn hơn hạn trả kết quả của hồ sơ (${formatInstant(d.dueAt)}). Rút ngắn thời hạn trả lời, hoặc ghi lý do (ít nhất 10 ký tự) để vẫn gửi.` }])
      }
      const late = d.dueAt && due > d.dueAt ? ` Hạn trả lời sau hạn trả kết quả; lý do: ${reason}` : ''
      await dossiers.record(actorOf(o), code, { action: 'consult', note: `Xin ý kiến ${agency!.name}, hạn trả lời ${formatInstant(due)}.${late}`, agencyCode: t.agencyCode, details: { agency: agency!.code } }, async (trx, row) => {
        await trx.insertInto('dossierConsultations').values({ dossierId: row.id, agencyCode: agency!.code, question, askedBy: o.id, askedByName: o.fullName, dueAt: due }).execute()
      })
      return { agency: agency!.name, due }
    },

    /** An official of the consulted agency answers; once. */
    async answerConsultation (o: SignedInOfficial, code: string, form: { consultation?: string, answer?: string }): Promise<void> {
      const d = await visible(o, code)
      const id = Number(form.consultation)
      const c = Number.isInteger(id) ? await db.kysely.selectFrom('dossierConsultations').selectAll().where('id', '=', id).where('dossierId', '=', d.id).executeTakeFirst() : undefined
      if (!c) throw new AppError('NOT_FOUND', 'no such consultation')
      if (!(await officials.scope(o, CASE_ROLES)).includes(c.agencyCode)) throw new AppError('FORBIDDEN', 'not the consulted agency')
      const answer = reasonFrom(form.answer, `answer-${c.id}`, 'Nhập ý kiến trả lời', 5, 4000)
      await dossiers.record(actorOf(o), code, { action: 'consult-answer', note: `Ý kiến của cơ quan được hỏi đã có.`, agencyCode: c.agencyCode, details: { consultation: c.id } }, async (trx) => {
        const r = await trx.updateTable('dossierConsultations').set({ answer, answeredBy: o.id, answeredByName: o.fullName, answeredAt: sql`now()` })
          .where('id', '=', c.id).where('answeredAt', 'is', null).executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Ý kiến này vừa được cán bộ khác trả lời.')
      })
    },

    /** Questions other agencies asked of the official's agencies, not yet answered, earliest due first. */
    async consultationQueue (o: SignedInOfficial) {
      const scope = await officials.scope(o, CASE_ROLES)
      if (scope.length === 0) return []
      const rows = await db.kysely.selectFrom('dossierConsultations as c').innerJoin('dossiers as d', 'd.id', 'c.dossierId').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.code', 'v.name as procedureName', 'c.question', 'c.askedByName', 'c.askedAt', 'c.dueAt'])
        .where('c.agencyCode', 'in', scope).where('c.answeredAt', 'is', null).orderBy('c.dueAt').limit(200).execute()
      const now = clock()
      return Promise.all(rows.map(async r => ({ ...r, code: r.code!, left: await calendar.remaining(now, r.dueAt) })))
    },

    /** Hands the dossier to the next step (to a chosen official, or to the role), with a comment. */
    async forward (o: SignedInOfficial, code: string, form: { taskId?: string, assignee?: string, comment?: string, 'comment-public'?: string }, uploads: Array<{ name: string, data: Buffer, truncated?: boolean }> = []): Promise<string> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      const process = processOf(d)
      const nextStep = process[t.step + 1]
      if (!nextStep || t.kind !== 'work') throw new AppError('CONFLICT', 'Bước này không chuyển tiếp được; hãy phê duyệt hoặc trả kết quả.')
      const agency = await stepAgency(d, nextStep)
      const candidates = await tasks.candidates(nextStep.role, agency)
      const assignee = form.assignee ? candidates.find(c => c.id === form.assignee) : undefined
      if (form.assignee && !assignee) throw new AppError('VALIDATION', 'assignee not allowed', [{ field: 'assignee', message: 'Chọn một cán bộ có vai trò của bước tiếp theo' }])
      const comment = (form.comment ?? '').trim().slice(0, 2000) || null
      const p = await catalog.getProcedure(d.procedure.code)
      // Working papers handed on with the step (an appraisal report): kept with the dossier, for officials only.
      const stored = await deps.files.storeMany(null, uploads.filter(u => u.name !== '' || u.data.length > 0), 'forward-files')
      const papers = stored.length > 0 ? ` Kèm theo: ${stored.map(f => f.name).join(', ')}.` : ''
      const work = async (trx: Executor) => {
        await tasks.close(trx, t.id, o, 'forwarded', comment ? `${comment}${papers}` : papers.trim() || null)
        await dossiers.attachInTransaction(trx, d.id, INTERNAL_COMPONENT, stored.map(f => f.id))
        await tasks.open(trx, d.id, t.step + 1, nextStep, agency, p.processingTime, assignee ? { id: assignee.id, name: assignee.fullName } : undefined, d.dueAt)
      }
      const details = { from: t.name, to: nextStep.name, assignee: assignee?.fullName ?? null, files: stored.map(f => f.id) }
      const note = `${t.name} → ${nextStep.name}${assignee ? ` (${assignee.fullName})` : ''}${comment ? `: ${comment}` : ''}`
      const told = shared(form, comment)
      try {
        if (d.status === 2) await dossiers.act(actorOf(o), code, 'start-processing', { note, details, within: work, ...(told ? { message: told } : {}) })
        else await dossiers.record(actorOf(o), code, { action: 'forward', note, message: told, details }, work)
      } catch (err) {
        for (const f of stored) await deps.files.deleteIfUnused(f.id)
        throw err
      }
      return nextStep.name
    },

    /** Sends the dossier back to the previous step's official, with the reason. */
    async sendBack (o: SignedInOfficial, code: string, form: { taskId?: string, comment?: string, 'comment-public'?: string }): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.step === 0 || t.kind === 'return') throw new AppError('CONFLICT', 'Bước này không trả lại được.')
      const comment = reasonFrom(form.comment, 'back-reason', 'Ghi rõ lý do trả lại', 5)
      const previous = (await tasks.log(db.kysely, d.id)).reverse().find(x => x.step === t.step - 1)!
      const p = await catalog.getProcedure(d.procedure.code)
      await dossiers.record(actorOf(o), code, { action: 'send-back', note: `${t.name} → ${previous.name}: ${comment}`, message: shared(form, comment) }, async trx => {
        await tasks.close(trx, t.id, o, 'sent-back', comment)
        await tasks.open(trx, d.id, t.step - 1, processOf(d)[t.step - 1]!, previous.agencyCode, p.processingTime, previous.finishedBy ? { id: previous.finishedBy, name: previous.finishedByName ?? '' } : undefined, d.dueAt)
      })
    },

    /**
     * The agency leader approves: the result (a PDF or a scan) is attached and the dossier is finished
     * (status 9); the return of the result becomes the one-stop desk's step.
     */
    async approve (o: SignedInOfficial, code: string, form: { taskId?: string, comment?: string, 'comment-public'?: string, 'fees-reason'?: string }, uploads: Array<{ name: string, data: Buffer, truncated?: boolean }>): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'approve') throw new AppError('CONFLICT', 'Chỉ bước phê duyệt mới ban hành kết quả.')
      const present = uploads.filter(u => u.name !== '' || u.data.length > 0)
      if (present.length === 0) throw new AppError('VALIDATION', 'result required', [{ field: 'result', message: 'Tải lên văn bản kết quả giải quyết (PDF hoặc bản quét)' }])
      const feesReason = await feesGoAhead(d, form['fees-reason'])
      const stored = await deps.files.storeMany(null, present, 'result')
      const comment = (form.comment ?? '').trim().slice(0, 2000) || null
      const told = shared(form, comment)
      await issueDecision(o, d, t, stored, {
        outcome: 'approved',
        comment,
        message: `Đã phê duyệt, ban hành kết quả${told ? `: ${told.replace(/[.\s]+$/, '')}` : ''}.`,
        note: [comment, feesReason ? `Phí, lệ phí chưa thu; lý do: ${feesReason}` : ''].filter(Boolean).join(' ') || null
      })
    },

    /**
     * A late dossier (form 04): the official holding the step records the reason and a new date; once
     * per dossier. The law wants it at least one working day before the due date; one sent later (the
     * dossier is already late, or nearly) is still sent, recorded as sent late (`postponedLate`, in the
     * register), and its wording says the date has passed. The due date moves; the original is kept (the
     * dossier still counts as late), and the applicant gets the apology.
     */
    async postpone (o: SignedInOfficial, code: string, form: { taskId?: string, reason?: string, date?: string }): Promise<Date> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      if (![2, 4, 6].includes(d.status) || !d.dueAt) throw new AppError('CONFLICT', 'Chỉ hẹn lại ngày trả với hồ sơ đang giải quyết.')
      if (d.postponedFrom !== null) throw new AppError('CONFLICT', ONCE_POSTPONED)
      const errors: FieldError[] = []
      const reason = (form.reason ?? '').trim().slice(0, 2000)
      if (reason.length < 10) errors.push({ field: 'reason', message: 'Ghi rõ lý do chậm trả kết quả (ít nhất 10 ký tự)' })
      const cal = await calendar.calendar(d.agency?.code)
      const date = parseDay(form.date ?? '')
      const original = d.dueAt
      let due: Date | undefined
      if (!date) errors.push({ field: 'date', message: 'Nhập ngày hẹn trả mới theo dạng ngày/tháng/năm' })
      else if (!cal.isWorkingDay(date)) errors.push({ field: 'date', message: 'Ngày hẹn trả mới phải là ngày làm việc' })
      else {
        // The same clock time as the original appointment, on the new day.
        due = fromLocal(date, toLocal(original).minute)
        if (due.getTime() <= original.getTime()) errors.push({ field: 'date', message: `Ngày hẹn trả mới phải sau ngày hẹn cũ (${formatInstant(original)})` })
        else if (due.getTime() <= clock().getTime()) errors.push({ field: 'date', message: 'Ngày hẹn trả mới phải sau hôm nay' })
      }
      if (errors.length > 0) throw new AppError('VALIDATION', 'postponement incomplete', errors)
      const late = await apologyLate(original, d.agency?.code)
      await dossiers.record(actorOf(o), code, {
        action: 'postpone',
        document: { form: '04', agencyCode: await processingAgencyOf(d) },
        message: `Hẹn lại ngày trả kết quả: ${formatInstant(due!)} (hẹn cũ ${formatInstant(original)}). Lý do: ${reason}`,
        note: late ? 'Phiếu xin lỗi gửi muộn: sau thời hạn chậm nhất một ngày làm việc trước ngày hẹn trả.' : null,
        details: { from: original.toISOString(), to: due!.toISOString(), reason, late },
        notify: { subject: `Hồ sơ ${code}: xin lỗi và hẹn lại ngày trả kết quả`, body: `${d.agency?.name ?? 'Cơ quan giải quyết'} xin lỗi vì ${late ? 'chưa trả' : 'không thể trả'} kết quả hồ sơ ${code} đúng hẹn (${formatInstant(original)}).\nLý do: ${reason}\nNgày hẹn trả mới: ${formatInstant(due!)}.` }
      }, async (trx, row) => {
        if (row.postponedFrom !== null) throw new AppError('CONFLICT', ONCE_POSTPONED)
        await trx.updateTable('dossiers').set({ dueAt: due!, postponedFrom: original, postponedLate: late, updatedAt: sql`now()` }).where('id', '=', row.id).execute()
      })
      return due!
    },

    /**
     * The official holding the step asks for the fees (4 → 6): the amount (from the procedure's fees,
     * or set for the case, with a note); the applicant is told and processing waits for the payment.
     */
    async requestFees (o: SignedInOfficial, code: string, form: { taskId?: string, amount?: string, note?: string }): Promise<number> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      const amount = parseVnd(form.amount, 'amount')
      const note = (form.note ?? '').trim().slice(0, 1000) || null
      await dossiers.act(actorOf(o), code, 'request-fees', {
        message: `Đề nghị nộp ${amount.toLocaleString('vi-VN')} đồng phí, lệ phí${note ? ` (${note})` : ''}. Nộp trực tuyến trên Cổng hoặc tại bộ phận một cửa.`,
        sms: `Số tiền phải nộp: ${amount.toLocaleString('vi-VN')} đồng`,
        details: { amount },
        within: trx => payments.request(trx, d.id, amount, note, { id: o.id, name: o.fullName })
      })
      return amount
    },

    /** The official holding the step records the applicant as exempt from the fees, with the reason (the dossier goes on). */
    async exemptFees (o: SignedInOfficial, code: string, form: { taskId?: string, reason?: string }): Promise<void> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      if (d.status !== 4) throw new AppError('CONFLICT', 'Chỉ ghi nhận miễn phí khi hồ sơ đang xử lý.')
      const reason = reasonFrom(form.reason, 'exempt-reason', 'Ghi rõ căn cứ miễn phí, lệ phí', 5, 1000)
      await dossiers.record(actorOf(o), code, { action: 'fees-exempt', message: `Miễn phí, lệ phí: ${reason}` }, trx => payments.exempt(trx, d.id, Math.max(1, feesDue(d)), reason, { id: o.id, name: o.fullName }))
    },

    /** The desk (or the step holder) records money returned to the payer, with the reason. */
    async refund (o: SignedInOfficial, code: string, paymentId: number, reason?: string): Promise<{ amountVnd: number, via: 'gateway' | 'manual' }> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      const text = reasonFrom(reason, `refund-${paymentId}`, 'Ghi rõ lý do và cách hoàn tiền', 5, 1000)
      let amountVnd = 0
      const route = await payments.refundRoute(d.id, paymentId)
      if (!route) throw new AppError('NOT_FOUND', 'no such payment')
      // Fees are returned when the dossier will not be decided (withdrawn, stopped, refused); a surplus always.
      if (!route.surplus && !feesReturnable(d)) throw new AppError('CONFLICT', 'Chỉ hoàn phí, lệ phí khi hồ sơ đã rút, dừng hoặc bị từ chối giải quyết, hoặc khoản nộp thừa.')
      // Paid online: asked of the gateway now, the applicant told when it accepts. Paid otherwise: already handed back.
      const byGateway = route.via === 'gateway'
      await dossiers.record(actorOf(o), code, byGateway
        ? { action: 'refund-asked', message: `Đã đề nghị cổng thanh toán hoàn tiền: ${text}` }
        : { action: 'refund', message: `Đã hoàn tiền: ${text}`, notify: { subject: `Hồ sơ ${code}: đã hoàn tiền phí, lệ phí`, body: `Cơ quan đã hoàn lại khoản tiền bạn nộp cho hồ sơ ${code}.\n${text}` } },
      async trx => { amountVnd = await payments.refund(trx, d.id, paymentId, route.via, text, { id: o.id, name: o.fullName }) })
      return { amountVnd, via: route.via }
    },

    /** Cash taken at the counter (6 → 4): the one-stop desk or the official holding the step records it. */
    async recordCash (o: SignedInOfficial, code: string): Promise<number> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      let amount = 0
      await dossiers.act(actorOf(o), code, 'fees-paid', {
        message: 'Đã nộp phí, lệ phí bằng tiền mặt tại bộ phận một cửa.',
        within: async trx => { amount = await payments.recordCash(trx, d.id, { id: o.id, name: o.fullName }) }
      })
      return amount
    },

    /** The desk or the step holder confirms a transfer slip (6 → 4), or rejects it with the reason (the fees stay due). */
    async decideTransfer (o: SignedInOfficial, code: string, paymentId: number, confirm: boolean, reason?: string): Promise<void> {
      const d = await visible(o, code)
      await requireFeesHandler(o, d)
      const by = { id: o.id, name: o.fullName }
      if (confirm) {
        await dossiers.act(actorOf(o), code, 'fees-paid', {
          message: 'Đã xác nhận chứng từ chuyển khoản phí, lệ phí.',
          within: async trx => { await payments.decideTransfer(trx, d.id, paymentId, true, null, by) }
        })
        return
      }
      const text = reasonFrom(reason, `reject-${paymentId}`, 'Ghi rõ lý do không chấp nhận chứng từ', 5, 1000)
      await dossiers.record(actorOf(o), code, {
        action: 'transfer-rejected', message: `Không chấp nhận chứng từ chuyển khoản: ${text}`,
        notify: { subject: `Hồ sơ ${code}: chứng từ chuyển khoản chưa được chấp nhận`, body: `Chứng từ chuyển khoản bạn gửi cho hồ sơ ${code} chưa được chấp nhận.\nLý do: ${text}\nBạn có thể gửi lại chứng từ hoặc nộp bằng cách khác.` }
      }, async trx => { await payments.decideTransfer(trx, d.id, paymentId, false, text, by) })
    },

    /** A fee receipt of a dossier the official may see, as a PDF. */
    async receiptPdf (o: SignedInOfficial, code: string, receiptId: number): Promise<Buffer> {
      const d = await visible(o, code)
      const pdf = await payments.receiptPdf(d.id, receiptId, (await deps.site.profile()).provinceName)
      await downloaded(o, d, 'dossier.receipt.download', { receipt: receiptId })
      return pdf
    },

    /** The agency stops processing (form 05), with the reason; only while no decision has been issued. */
    async stop (o: SignedInOfficial, code: string, form: { taskId?: string, reason?: string }): Promise<void> {
      const d = await visible(o, code)
      await myTask(o, d, Number(form.taskId))
      const reason = reasonFrom(form.reason, 'stop-reason', 'Ghi rõ lý do dừng giải quyết (ít nhất 10 ký tự)')
      await dossiers.act(actorOf(o), code, 'stop', { message: reason, document: { form: '05', agencyCode: await processingAgencyOf(d) } })
    },

    /**
     * The leader refuses the request after review: a letter giving the reasons is generated and becomes
     * the dossier's result (status 9), to be returned like any result.
     */
    async refuseAfterReview (o: SignedInOfficial, code: string, form: { taskId?: string, reason?: string }): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'approve') throw new AppError('CONFLICT', 'Chỉ bước phê duyệt mới quyết định từ chối giải quyết.')
      const reason = reasonFrom(form.reason, 'refuse-reason', 'Ghi rõ lý do từ chối giải quyết (ít nhất 10 ký tự)')
      const issuer = await processingAgencyOf(d)
      const reserved = await dossiers.reserveDocumentNumber(issuer)
      const letter = await renderForm(d, 'refusal', clock(), o.fullName, { reason }, {}, { document: reserved, issuer, signature: await signatureFor('refusal', issuer, { actorId: o.id, actorName: o.fullName }, false) })
      const stored = await deps.files.storeMany(null, [{ name: `van-ban-tu-choi-${d.code}.pdf`, data: letter }], 'result')
      await issueDecision(o, d, t, stored, { outcome: 'refused', comment: reason, message: `Từ chối giải quyết: ${reason}`, details: { refused: true }, document: { form: 'refusal', agencyCode: issuer, reserved } })
    },

    /** The one-stop desk returns the result: at the counter, by post (tracking number) or online. */
    async returnResult (o: SignedInOfficial, code: string, form: { taskId?: string, method?: string, tracking?: string, 'fees-reason'?: string }): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'return') throw new AppError('CONFLICT', 'Hồ sơ chưa đến bước trả kết quả.')
      const methods = returnMethods(d)
      const method = form.method ?? ''
      if (method === 'online' && !(method in methods)) throw new AppError('VALIDATION', 'method', [{ field: 'method', message: 'Chủ hồ sơ không có tài khoản trên Cổng nên không nhận được kết quả trực tuyến; trả tại bộ phận một cửa hoặc qua bưu chính.' }])
      if (!(method in methods)) throw new AppError('VALIDATION', 'method', [{ field: 'method', message: 'Chọn cách trả kết quả' }])
      const tracking = (form.tracking ?? '').trim().slice(0, 60)
      if (method === 'post' && tracking.length < 5) throw new AppError('VALIDATION', 'tracking', [{ field: 'tracking', message: 'Nhập số hiệu bưu gửi' }])
      // A refusal letter carries no fee; a result does.
      const refused = d.events.some(e => e.action === 'finish' && (e.details as { refused?: boolean }).refused)
      const feesReason = refused ? undefined : await feesGoAhead(d, form['fees-reason'])
      await dossiers.act(actorOf(o), code, 'return-result', {
        message: `Đã trả kết quả ${RETURNED_BY[method]}${tracking ? ` (số hiệu bưu gửi ${tracking})` : ''}.`,
        note: feesReason ? `Phí, lệ phí chưa thu; lý do: ${feesReason}` : null,
        details: { method, tracking: tracking || null },
        within: trx => tasks.close(trx, t.id, o, 'returned', tracking || null)
      })
    },

    /** Reads a file of a dossier the official may see. */
    async file (o: SignedInOfficial, code: string, fileId: string) {
      const d = await visible(o, code)
      const read = await dossiers.readDossierFile(code, fileId)
      await downloaded(o, d, 'dossier.file.download', { file: fileId, name: read.file.name })
      return read
    },

    /**
     * Receives an online dossier: the due date is computed now from the procedure's processing time
     * by the calendar (with its explanation kept in the timeline), and form 01 becomes available.
     */
    async receive (o: SignedInOfficial, code: string, form: Record<string, unknown> = {}): Promise<Date> {
      const d = await visible(o, code)
      await requireReception(o, d)
      const fees = assessFees(d.fees, form)
      const p = await catalog.getProcedure(d.procedure.code)
      const t = p.processingTime
      if (t.value === null || t.unit === null) {
        throw new AppError('VALIDATION', 'no processing time', [{ field: 'receive', message: 'Thủ tục chưa có thời hạn giải quyết xác định; quản trị danh mục cần đặt thời hạn trước khi tiếp nhận.' }])
      }
      const now = clock()
      const due = await calendar.computeDue(now, { value: t.value, unit: t.unit }, {}, d.agency!.code)
      const processing = await processingAgencyOf(d)
      // The process in force now goes with the dossier: a later edit never changes one in flight.
      const process = (await settings.get(d.procedure.code)).process
      const first = process[0]!
      const firstAgency = await stepAgency(d, first)
      await dossiers.act(actorOf(o), code, 'receive', {
        message: `Hẹn trả kết quả: ${formatInstant(due.due)}. ${due.explanation}${assessmentLine(fees)}`,
        details: fees.kind === 'standard' ? {} : { fees },
        set: { receivedAt: now, dueAt: due.due, processingAgencyCode: processing, process: JSON.stringify(process), ...(fees.kind === 'case' ? { payableVnd: fees.amountVnd, payableNote: fees.note } : {}) },
        within: async trx => {
          await tasks.open(trx, d.id, 0, first, firstAgency, t, undefined, due.due)
          if (fees.kind === 'exempt') await payments.exempt(trx, d.id, Math.max(1, feesDue(d)), fees.reason, { id: o.id, name: o.fullName })
        }
      })
      return due.due
    },

    /**
     * Asks for everything missing in one go (form 02): components ticked, what is wrong with each.
     * The applicant has the procedure's supplement days (15 working days by default); the reception clock has not started.
     */
    async requestSupplement (o: SignedInOfficial, code: string, form: Record<string, string | string[] | undefined>): Promise<void> {
      const d = await visible(o, code)
      // Before reception the desk asks; during processing the official holding the step does (once, by the state machine).
      if (d.status === 2 || d.status === 4) await myTask(o, d, form['taskId'] ? Number(form['taskId']) : undefined)
      else await requireReception(o, d)
      const ticked = ([] as string[]).concat(form['components'] ?? [])
      const errors: FieldError[] = []
      const items = ticked.filter(k => d.slots.some(s => s.key === k)).map(k => ({ component: k, note: String(form[`note-${k}`] ?? '').trim().slice(0, 1000) }))
      if (items.length === 0) errors.push({ field: 'components', message: 'Đánh dấu ít nhất một thành phần cần bổ sung' })
      for (const i of items) if (!i.note) errors.push({ field: `note-${i.component}`, message: `Ghi rõ nội dung cần bổ sung của “${d.slots.find(s => s.key === i.component)!.name}”` })
      if (errors.length > 0) throw new AppError('VALIDATION', 'supplement request incomplete', errors)
      const due = await calendar.computeDue(clock(), { value: (await settings.get(d.procedure.code)).supplementDays, unit: 'working_days' }, {}, d.agency!.code)
      const message = String(form['message'] ?? '').trim().slice(0, 2000)
      // Form 02 is issued by the desk's agency before reception, by the processing agency during processing.
      const issuer = d.status === 2 || d.status === 4 ? await processingAgencyOf(d) : o.agency.code
      await dossiers.requestSupplement(actorOf(o), code, { items, ...(message ? { message } : {}), dueAt: due.due, document: () => ({ form: '02', agencyCode: issuer }) })
    },

    /** Refuses a dossier at reception (form 03); the reason is required and goes to the applicant. */
    async refuse (o: SignedInOfficial, code: string, reason: string | undefined): Promise<void> {
      const d = await visible(o, code)
      await requireReception(o, d)
      const text = reasonFrom(reason, 'reason', 'Ghi rõ lý do từ chối tiếp nhận (ít nhất 10 ký tự)')
      await dossiers.act(actorOf(o), code, 'refuse', { message: text, document: { form: '03', agencyCode: o.agency.code } })
    },

    /**
     * The control sheet (form 06): every hand-over of the dossier, who gave and who took it, when, and
     * early / on time / late against the step's allotted time.
     */
    async controlSheetPdf (o: SignedInOfficial, code: string): Promise<Buffer> {
      const d = await visible(o, code)
      const log = await tasks.log(db.kysely, d.id)
      if (log.length === 0) throw new AppError('NOT_FOUND', 'no processing yet')
      await downloaded(o, d, 'dossier.form.download', { form: '06' })
      const receivedBy = [...d.events].reverse().find(e => e.action === 'receive')?.actorName ?? 'Bộ phận một cửa'
      const names = await db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', 'in', [...new Set(log.map(r => r.agencyCode))]).execute()
      const agencyName = (c: string) => names.find(n => n.code === c)?.name ?? c
      const rows = log.map((r, i) => {
        const giver = i === 0 ? receivedBy : (log[i - 1]!.finishedByName ?? '')
        const taker = r.finishedByName ?? r.assigneeName ?? ROLE_NAMES[r.role as OfficialRole] ?? r.role
        return [
          String(i + 1),
          `${r.name}\n${agencyName(r.agencyCode)}`,
          `Giao: ${giver}\nNhận: ${taker}`,
          `${formatInstant(r.startedAt)}${r.dueAt ? `\nHạn: ${formatInstant(r.dueAt)}` : ''}`,
          r.finishedAt ? `${formatInstant(r.finishedAt)}${r.timing ? `\n${TIMING_LABELS[r.timing]}` : ''}` : 'Đang xử lý',
          [r.outcome ? OUTCOME_LABELS[r.outcome] ?? r.outcome : '', r.comment ?? ''].filter(Boolean).join(': ')
        ]
      })
      return renderForm(d, '06', clock(), o.fullName, {}, {
        signatures: [],
        table: {
          columns: [{ title: 'STT', share: 0.75 }, { title: 'Bước, đơn vị', share: 2.4 }, { title: 'Người giao, người nhận', share: 2.2 }, { title: 'Thời gian giao, nhận', share: 1.7 }, { title: 'Hoàn thành (trước hạn / đúng hạn / quá hạn)', share: 1.7 }, { title: 'Kết quả, ghi chú', share: 2 }],
          rows
        }
      })
    },

    /** The agencies whose register (form 07) the official may print: those they receive for or work in. */
    async registerAgencies (o: SignedInOfficial) {
      const scope = await officialScope(o)
      if (scope.length === 0) return []
      return db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', 'in', scope).orderBy('code').execute()
    },

    /**
     * The register (form 07): dossiers received in a period, in order, with their dates and outcome; those
     * an agency received (`by` receiving: its one-stop desk) or those it processes (`by` processing: a
     * department whose dossiers the centre receives).
     */
    async register (o: SignedInOfficial, agencyCode: string, from: string, to: string, by: RegisterBy = 'receiving') {
      if (!(await officialScope(o)).includes(agencyCode)) throw new AppError('FORBIDDEN', 'register of another agency')
      const rows = await db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.code', 'd.status', 'd.channel', 'd.applicant', 'd.receivedAt', 'd.dueAt', 'd.postponedFrom', 'd.postponedLate', 'd.finishedAt', 'd.returnedAt', 'v.name as procedureName'])
        .where(by === 'processing' ? 'd.processingAgencyCode' : 'd.agencyCode', 'in', by === 'processing' ? await officials.withUnits(agencyCode) : [agencyCode]).where('d.receivedAt', '>=', vnDayStart(from)).where('d.receivedAt', '<', vnDayStart(to, 1))
        .orderBy('d.receivedAt').limit(REGISTER_LIMIT + 1).execute()
      const agency = await db.kysely.selectFrom('agencies as a').leftJoin('agencies as p', 'p.id', 'a.parentId').select(['a.name', 'p.name as parentName']).where('a.code', '=', agencyCode).executeTakeFirst()
      return { agency: agency?.name ?? agencyCode, parent: agency?.parentName ?? null, by, rows: rows.slice(0, REGISTER_LIMIT), truncated: rows.length > REGISTER_LIMIT }
    },

    async registerPdf (o: SignedInOfficial, agencyCode: string, from: string, to: string, by: RegisterBy = 'receiving'): Promise<Buffer> {
      const r = await service.register(o, agencyCode, from, to, by)
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'register.download', targetType: 'agency', targetId: agencyCode, details: { from, to, rows: r.rows.length } }))
      const site = await deps.site.profile()
      const day = (s: string) => s.split('-').reverse().join('/')
      const words = await wording.get('07')
      const body = words.body.map(l => fill(l, { agency: r.agency, agencyRole: by === 'processing' ? 'Cơ quan giải quyết' : 'Cơ quan tiếp nhận', from: day(from), to: day(to), count: String(r.rows.length) }))
      return officialFormPdf({
        number: words.number,
        title: words.title,
        // Headed like every other form: the agency under its parent (the province for a top-level one).
        issuer: { parent: r.parent ?? site.provinceName, agency: r.agency },
        province: site.provinceName,
        date: clock(),
        body,
        signatures: [],
        landscape: true,
        table: {
          columns: [{ title: 'STT', share: 0.75 }, { title: 'Mã hồ sơ', share: 2.7 }, { title: 'Tên thủ tục hành chính', share: 2.9 }, { title: 'Tổ chức, cá nhân', share: 1.8 }, { title: 'Địa chỉ, số điện thoại', share: 1.8 }, { title: 'Ngày tiếp nhận', share: 1.2 }, { title: 'Ngày hẹn trả', share: 1.2 }, { title: 'Ngày có kết quả', share: 1.2 }, { title: 'Ngày trả kết quả', share: 1.2 }, { title: 'Ghi chú', share: 1.3 }],
          rows: r.rows.map((x, i) => {
            const a = x.applicant as Person
            const late = x.finishedAt && x.dueAt && x.finishedAt.getTime() > (x.postponedFrom ?? x.dueAt).getTime()
            return [String(i + 1), x.code!, x.procedureName, a.fullName, `${a.address}\n${a.phone}`, formatInstant(x.receivedAt!), x.dueAt ? formatInstant(x.dueAt) : '', x.finishedAt ? formatInstant(x.finishedAt) : '', x.returnedAt ? formatInstant(x.returnedAt) : '',
              [STATUS_LABELS[x.status as DossierStatus], late ? 'Quá hạn' : '', x.postponedFrom ? (x.postponedLate ? 'Đã hẹn lại (xin lỗi muộn)' : 'Đã hẹn lại') : '', CHANNEL_LABELS[x.channel]].filter(Boolean).join('; ')]
          })
        }
      })
    },

    /** Forms 01–05 of a dossier as PDFs, for the official (any case role) or the applicant's account. */
    async formPdf (reader: { official: SignedInOfficial } | { accountId: string }, code: string, form: IssuedForm): Promise<Buffer> {
      const d = 'official' in reader ? await visible(reader.official, code) : await dossiers.get(reader.accountId, code)
      const action = ISSUED_FORMS.find(f => f.form === form)!.action
      const event = [...d.events].reverse().find(e => e.action === action)
      if (!event) throw new AppError('NOT_FOUND', `form ${form} not issued for ${code}`)
      if ('official' in reader) await downloaded(reader.official, d, 'dossier.form.download', { form })
      const supplement = form === '02' ? [...d.supplements].reverse()[0] : undefined
      const details = event.details as { from?: string, to?: string, reason?: string, late?: boolean }
      const extra: Record<string, string> = form === '01'
        ? { explanation: (event.message ?? '').replace(/^Hẹn trả kết quả: [^.]*\.\s*/, '') }
        : form === '02'
          ? {
              items: supplement ? supplement.items.map((i, n) => `- ${n + 1}. ${d.slots.find(s => s.key === i.component)?.name ?? i.component}: ${i.note}`).join('\n') : '',
              message: supplement?.message ?? '',
              ...(supplement?.dueAt ? { dueAt: formatInstant(supplement.dueAt) } : {})
            }
          : form === '04'
            ? {
                reason: details.reason ?? '',
                originalDueAt: details.from ? formatInstant(new Date(details.from)) : '',
                dueAt: details.to ? formatInstant(new Date(details.to)) : '',
                // Sent in time, the apology announces the delay; sent late, it owns it.
                delay: details.late
                  ? `Tuy nhiên đến nay, ${d.agency?.name ?? 'cơ quan'} chưa trả kết quả giải quyết hồ sơ cho ông (bà) đúng hạn được như đã hẹn.`
                  : `Tuy nhiên, ${d.agency?.name ?? 'cơ quan'} không thể trả kết quả giải quyết hồ sơ cho ông (bà) đúng hạn như đã hẹn.`
              }
            : { reason: event.message ?? '' }
      // The issuing agency and number recorded with the event; the signer who legally issues the form.
      const document = (event.details as { document?: { agencyCode: string, year: number, number: number } }).document
      const issuer = document?.agencyCode ?? event.agencyCode ?? d.agency?.code ?? ''
      const signature = await signatureFor(form, issuer, event, event.fromStatus === 2 || event.fromStatus === 4)
      return renderForm(d, form, event.at, event.actorName ?? '', extra, {}, { ...(document ? { document } : {}), signature, issuer })
    }
  }

  /**
   * The approving step issues the decision (9): its step closes with the outcome, the result files
   * (stored already) are attached, and the return step opens, in one transaction; the files are
   * removed again if that fails.
   */
  async function issueDecision (o: SignedInOfficial, d: DossierView, t: OpenTask, stored: Array<{ id: string }>, e: { outcome: 'approved' | 'refused', comment: string | null, message: string, note?: string | null, details?: Record<string, unknown>, document?: IssuedDocument }): Promise<void> {
    try {
      await dossiers.act(actorOf(o), d.code!, 'finish', {
        message: e.message,
        note: e.note ?? null,
        ...(e.document ? { document: e.document } : {}),
        ...(e.details ? { details: e.details } : {}),
        within: async (trx) => {
          await tasks.close(trx, t.id, o, e.outcome, e.comment)
          await dossiers.attachInTransaction(trx, d.id, 'result', stored.map(f => f.id))
          await tasks.open(trx, d.id, t.step + 1, processOf(d)[t.step + 1]!, d.agency!.code, { value: null, unit: null }, undefined, d.dueAt)
        }
      })
    } catch (err) {
      for (const f of stored) await deps.files.deleteIfUnused(f.id)
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

  async function renderForm (d: DossierView, form: FormKey, at: Date, signer: string, extra: Record<string, string>, layout: Partial<Pick<OfficialForm, 'table' | 'landscape' | 'signatures'>> = {}, issue: { document?: { year: number, number: number }, signature?: Signature, issuer?: string } = {}): Promise<Buffer> {
    const site = await deps.site.profile()
    const applicant = d.applicant as Person
    const delivery = d.delivery as Partial<Delivery>
    const values: Record<string, string> = {
      code: d.code!,
      agency: d.agency?.name ?? '',
      applicant: applicant.fullName,
      address: applicant.address,
      phone: applicant.phone,
      email: applicant.email ?? '—',
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
      hotline: site.hotline,
      ...extra
    }
    const words = await wording.get(form)
    const body = words.body.flatMap(line => fill(line, values).split('\n')).filter(l => l.trim() !== '')
    // The heading names the issuing agency and its parent the same way on every form.
    const issuerCode = issue.issuer ?? d.agency?.code ?? ''
    const agency = await db.kysely.selectFrom('agencies as a').leftJoin('agencies as p', 'p.id', 'a.parentId').select(['a.name', 'p.name as parentName']).where('a.code', '=', issuerCode).executeTakeFirst()
    const head = issue.signature ?? { title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer }
    return officialFormPdf({
      number: words.number,
      title: words.title,
      issuer: { parent: agency?.parentName ?? site.provinceName, agency: agency?.name ?? d.agency?.name ?? '' },
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

  return service
}

export type WorkflowService = ReturnType<typeof createWorkflowService>

/** Whose register (form 07): the dossiers an agency received, or those it processes. */
export type RegisterBy = 'receiving' | 'processing'

type Signature = { title: string, note: string, name: string }

/** The symbol after a document's number ("Số: 12/2026/PXL"): the kind of paper it is. */
const DOCUMENT_SYMBOLS: Partial<Record<FormKey, string>> = { '02': 'PBS', '03': 'PTC', '04': 'PXL', '05': 'TB', refusal: 'VB' }
