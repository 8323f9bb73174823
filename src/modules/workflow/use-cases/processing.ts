import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/db.js'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { formatInstant } from '../../../platform/vn-time.js'
import { fromLocal, toLocal } from '../../../platform/vn-time.js'
import { INTERNAL_COMPONENT } from '../../dossiers/model.js'
import { parseDay } from '../../../platform/http/day-range.js'
import { ONCE_POSTPONED } from '../model.js'
import type { WorkflowContext } from '../context.js'
import { chosen, chunksOf, type FileInput } from '../../files/bytes.js'
import type { DossierView } from '../../dossiers/dossiers.service.js'
import { KeyError } from '../../signing/keys.js'
import { NotAPdf } from '../../signing/pdf-sign.js'
import type { PreparedSignature } from '../../signing/signing.service.js'
import { resultDocuments } from './result-document.js'

/** Whom a step sent back returns to: its assignee (a colleague standing in still sees it), else whoever did it. */
const backTo = (previous: { assigneeId: string | null, assigneeName: string | null, finishedBy: string | null, finishedByName: string | null }) =>
  previous.assigneeId ? { id: previous.assigneeId, name: previous.assigneeName ?? '' } : previous.finishedBy ? { id: previous.finishedBy, name: previous.finishedByName ?? '' } : undefined

/** The steps of processing: forward, send back, approve (the decision), postpone with an apology, stop, refuse after review. */
export function processingUseCases (ctx: WorkflowContext) {
  const { db, dossiers, officials, calendar, catalog, deps, clock, actorOf, tasks, wording, processOf, processingAgencyOf, myTask, visible, feesGoAhead, apologyLate, shared, reasonFrom, stepAgency, issueDecision, signatureFor, renderForm } = ctx
  const results = resultDocuments(ctx)
  /**
   * The signatures of the PDF results (undefined for a scan, or when the agency has no key): each file
   * is checked (type, size) before it is read; a PDF that cannot be signed, or a signing service that
   * does not answer, is said beside the result field.
   */
  async function signResults (d: DossierView, uploads: FileInput[]): Promise<Array<PreparedSignature | undefined>> {
    const signing = deps.signing
    if (!signing || !d.agency) return uploads.map(() => undefined)
    const agency = { code: d.agency.code, name: d.agency.name }
    const location = (await deps.site.profile()).provinceName
    const out: Array<PreparedSignature | undefined> = []
    for (const u of uploads) {
      if (deps.files.check(u, 'result').mediaType !== 'application/pdf') { out.push(undefined); continue }
      try {
        out.push(await signing.sign({ agency, dossierId: d.id, kind: 'result', title: `Kết quả giải quyết thủ tục hành chính: ${d.procedure.name}`, pdf: Buffer.concat(chunksOf(u)), location }))
      } catch (err) {
        if (err instanceof NotAPdf) throw new AppError('VALIDATION', 'unsignable pdf', [{ field: 'result', message: `Không ký số được tệp “${u.name}”: tệp PDF bị hỏng hoặc có mật khẩu. Hãy xuất lại tệp PDF rồi tải lên.` }])
        if (err instanceof KeyError) throw new AppError('UPSTREAM_UNAVAILABLE', `signing: ${err.message}`, [{ field: 'result', message: `Chưa ký số được kết quả: ${err.message}. Vui lòng thử lại sau ít phút.` }], { cause: err })
        throw err
      }
    }
    return out
  }

  return {
    /** Hands the dossier to the next step (to a chosen official, or to the role), with a comment. */
    async forward (o: SignedInOfficial, code: string, form: { taskId?: string, assignee?: string, comment?: string, 'comment-public'?: string }, uploads: FileInput[] = []): Promise<string> {
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
      const stored = await deps.files.storeMany(null, uploads.filter(chosen), 'forward-files')
      const papers = stored.length > 0 ? ` Kèm theo: ${stored.map(f => f.name).join(', ')}.` : ''
      const work = async (trx: Executor) => {
        await tasks.close(trx, t.id, o, 'forwarded', comment ? `${comment}${papers}` : papers.trim() || null)
        await dossiers.attachInTransaction(trx, d.id, INTERNAL_COMPONENT, stored.map(f => f.id))
        // Within the agency the next step stays in the department the dossier is in (or the official's).
        await tasks.open(trx, d.id, t.step + 1, nextStep, agency, p.processingTime, assignee ? { id: assignee.id, name: assignee.fullName } : undefined, d.dueAt, agency === t.agencyCode ? t.departmentId ?? o.department?.id ?? null : null)
      }
      const details = { from: t.name, to: nextStep.name, assignee: assignee?.fullName ?? null, files: stored.map(f => f.id) }
      const note = `${t.name} → ${nextStep.name}${assignee ? ` (${assignee.fullName})` : ''}${comment ? `: ${comment}` : ''}`
      const told = shared(form, comment)
      try {
        if (d.status === 2) await dossiers.act(actorOf(o), code, 'start-processing', { note, details, within: work, ...(told ? { message: told } : {}) })
        else await dossiers.record(actorOf(o), code, { action: 'forward', note, message: told, details }, work)
      } catch (err) {
        await deps.files.discard(stored.map(f => f.id))
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
        await tasks.open(trx, d.id, t.step - 1, processOf(d)[t.step - 1]!, previous.agencyCode, p.processingTime, backTo(previous), d.dueAt, previous.departmentId)
      })
    },

    /**
     * The agency leader approves: the result (a PDF or a scan) is attached and the dossier is finished
     * (status 9); the return of the result becomes the one-stop desk's step.
     */
    async approve (o: SignedInOfficial, code: string, form: { taskId?: string, comment?: string, 'comment-public'?: string, 'fees-reason'?: string, 'valid-until'?: string, 'from-template'?: string }, uploads: FileInput[]): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'approve') throw new AppError('CONFLICT', 'Chỉ bước phê duyệt mới ban hành kết quả.')
      const present = uploads.filter(chosen)
      const errors: FieldError[] = []
      // The result made from the procedure's template, or uploaded (or both: a licence and its annex).
      const template = form['from-template'] === 'yes' ? await results.templateOf(d) : undefined
      if (form['from-template'] === 'yes' && !template) errors.push({ field: 'result', message: 'Thủ tục chưa có mẫu văn bản kết quả; hãy tải lên văn bản kết quả' })
      else if (present.length === 0 && !template) errors.push({ field: 'result', message: 'Tải lên văn bản kết quả giải quyết (PDF hoặc bản quét)' })
      // How long the result is valid, when it says (a licence, a badge): a day after today; blank for none.
      const validText = (form['valid-until'] ?? '').trim()
      const validUntil = validText ? parseDay(validText) : null
      if (validUntil === undefined) errors.push({ field: 'valid-until', message: 'Nhập ngày hết hiệu lực theo dạng ngày/tháng/năm, ví dụ 31/12/2031, hoặc để trống nếu kết quả không ghi thời hạn' })
      else if (validUntil && validUntil <= toLocal(clock()).date) errors.push({ field: 'valid-until', message: 'Ngày hết hiệu lực phải sau hôm nay' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'approval', errors)
      const feesReason = await feesGoAhead(d, form['fees-reason'])
      if (template) present.unshift({ name: `ket-qua-${d.code}.pdf`, data: await results.render(d, template, clock(), o.fullName, validUntil ?? null) })
      // A PDF result is signed with the agency's seal certificate when it has one; a scanned image is kept as it came.
      const signatures = await signResults(d, present)
      const stored = await deps.files.storeMany(null, present.map((u, i) => signatures[i] ? { name: u.name, data: signatures[i].pdf } : u), 'result')
      const comment = (form.comment ?? '').trim().slice(0, 2000) || null
      const told = shared(form, comment)
      const signed = signatures.filter(s => s !== undefined)
      await issueDecision(o, d, t, stored, {
        outcome: 'approved',
        comment,
        message: `Đã phê duyệt, ban hành kết quả${told ? `: ${told.replace(/[.\s]+$/, '')}` : ''}.${signed.length > 0 ? ' Văn bản kết quả đã được ký số; quét mã QR trên văn bản để kiểm tra.' : ''}`,
        note: [comment, feesReason ? `Phí, lệ phí chưa thu; lý do: ${feesReason}` : ''].filter(Boolean).join(' ') || null,
        ...(signed.length > 0 ? { details: { signed: signed.map(s => s.id) } } : {}),
        validUntil,
        within: async trx => { for (const [i, s] of signatures.entries()) if (s) await s.record(trx, stored[i]!) }
      })
    },

    /** The result the template would make now, unsigned, for the leader to read before approving. */
    async previewResult (o: SignedInOfficial, code: string, taskId: number): Promise<{ name: string, data: Buffer }> {
      const d = await visible(o, code)
      const t = await myTask(o, d, taskId)
      if (t.kind !== 'approve') throw new AppError('CONFLICT', 'Chỉ bước phê duyệt mới ban hành kết quả.')
      const template = await results.templateOf(d)
      if (!template) throw new AppError('NOT_FOUND', 'the procedure has no result template')
      return { name: `ban-xem-truoc-ket-qua-${d.code}.pdf`, data: await results.render(d, template, clock(), o.fullName, null) }
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
        await trx.updateTable('dossiers').set({ dueAt: due!, postponedFrom: original, postponedLate: late, updatedAt: clock() }).where('id', '=', row.id).execute()
      })
      return due!
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
    }
  }
}
