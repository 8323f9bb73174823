import { assessFees, assessmentLine } from '../../payments/assessment.js'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { formatInstant } from '../../../platform/vn-time.js'
import type { Person } from '../../dossiers/dossier-form.js'
import { PAGE_SIZE } from '../search.js'
import { chosen, type FileInput } from '../../files/bytes.js'
import type { DossierStatus } from '../../dossiers/status.js'
import type { WorkflowContext } from '../context.js'

/** Reception at the one-stop desk: the queue of online dossiers, receive (form 01), ask for a supplement (form 02), refuse (form 03), and supplements that ran out. */
export function receptionUseCases (ctx: WorkflowContext) {
  const { deps, db, dossiers, calendar, catalog, payments, clock, actorOf, tasks, settings, receptionScope, processingAgencyOf, myTask, visible, feesDue, reasonFrom, requireReception, receptionDue, stepAgency } = ctx
  return {
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
      // The desk may hand the first step to one official (else any official with its role takes it).
      const picked = typeof form['assignee'] === 'string' && form['assignee'] ? form['assignee'] : undefined
      const assignee = picked ? (await tasks.candidates(first.role, firstAgency)).find(c => c.id === picked) : undefined
      if (picked && !assignee) throw new AppError('VALIDATION', 'assignee not allowed', [{ field: 'assignee', message: `Chọn một cán bộ có vai trò của bước “${first.name}”` }])
      await dossiers.act(actorOf(o), code, 'receive', {
        message: `Hẹn trả kết quả: ${formatInstant(due.due)}. ${due.explanation}${assessmentLine(fees)}`,
        ...(assignee ? { note: `Chuyển ${first.name.toLowerCase()}: ${assignee.fullName}` } : {}),
        details: fees.kind === 'standard' ? {} : { fees },
        set: { receivedAt: now, dueAt: due.due, processingAgencyCode: processing, process: JSON.stringify(process), ...(fees.kind === 'case' ? { payableVnd: fees.amountVnd, payableNote: fees.note } : {}) },
        within: async trx => {
          await tasks.open(trx, d.id, 0, first, firstAgency, t, assignee ? { id: assignee.id, name: assignee.fullName } : undefined, due.due)
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

    /**
     * The desk records a supplement brought in person or sent by post (any channel, before or during
     * processing): a scan for each requested component, or "received on paper". Scans are stored
     * first and removed again if the record is refused.
     */
    async recordSupplement (o: SignedInOfficial, code: string, form: Record<string, string | undefined>, uploads: Array<FileInput & { field: string }>): Promise<DossierStatus> {
      const d = await visible(o, code)
      await requireReception(o, d)
      const open = d.openSupplement
      if (d.status !== 5 || !open) throw new AppError('CONFLICT', 'Hồ sơ không có yêu cầu bổ sung đang chờ.')
      const requested = open.items.map(i => i.component)
      const paper = requested.filter(c => form[`giay-${c}`] === 'yes')
      const stored: Array<{ component: string, fileIds: string[] }> = []
      try {
        for (const component of requested) {
          const chosenFiles = uploads.filter(u => u.field === `tp-${component}` && chosen(u))
          if (chosenFiles.length > 0) stored.push({ component, fileIds: (await deps.files.storeMany(null, chosenFiles, `tp-${component}`)).map(f => f.id) })
        }
        return await dossiers.answerSupplementAtDesk(actorOf(o), code, { files: stored, paper, note: form['note'] })
      } catch (err) {
        await deps.files.discard(stored.flatMap(s => s.fileIds))
        throw err
      }
    },

    /** Refuses a dossier at reception (form 03); the reason is required and goes to the applicant. */
    async refuse (o: SignedInOfficial, code: string, reason: string | undefined): Promise<void> {
      const d = await visible(o, code)
      await requireReception(o, d)
      const text = reasonFrom(reason, 'reason', 'Ghi rõ lý do từ chối tiếp nhận (ít nhất 10 ký tự)')
      await dossiers.act(actorOf(o), code, 'refuse', { message: text, document: { form: '03', agencyCode: o.agency.code } })
    }
  }
}
