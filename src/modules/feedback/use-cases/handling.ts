import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { HANDLERS, LEADERS, RECEIVERS, type FeedbackContext } from '../context.js'
import { LIMITS, OPEN, RUNNING, type FeedbackStatus } from '../model.js'

export type QueueTab = 'open' | 'overdue' | 'approval' | 'suspected' | 'closed'

const required = (field: string, value: string | undefined, message: string, max: number = LIMITS.reason) => {
  const v = (value ?? '').trim()
  if (v.length < 3) throw new AppError('VALIDATION', `missing ${field}`, [{ field, message }])
  if (v.length > max) throw new AppError('VALIDATION', `${field} too long`, [{ field, message: `Không quá ${max.toLocaleString('vi-VN')} ký tự` }])
  return v
}

/** What the agency's officials do with feedback: the queue, and each step to the published answer. */
export function handlingUseCases (ctx: FeedbackContext) {
  const { db, now } = ctx
  const k = db.kysely

  /**
   * Runs one change of a feedback the official may handle, in one transaction with its event and audit row.
   * What needs other reads (the official's scope, calendars) is read before the transaction opens.
   */
  async function change (official: SignedInOfficial, code: string, action: string, allowed: FeedbackStatus[], what: string,
    apply: (f: Awaited<ReturnType<FeedbackContext['handled']>>, trx: Parameters<Parameters<typeof db.transaction>[0]>[0]) => Promise<Record<string, unknown> | void>, roles = HANDLERS) {
    const scope = await ctx.deps.officials.scope(official, roles)
    await db.transaction(async trx => {
      const f = await ctx.handled(trx, scope, code)
      ctx.expect(f.status, allowed, what)
      const details = await apply(f, trx)
      await ctx.auditOf(trx, official, action, code, details ?? {})
    })
  }
  const by = (official: SignedInOfficial) => ({ type: 'official' as const, name: official.fullName })

  return {
    /** The agencies' feedback for the official's scope: open (due first), overdue, waiting for approval, or closed (newest first). */
    async queue (official: SignedInOfficial, tab: QueueTab) {
      const scope = await ctx.deps.officials.scope(official, HANDLERS)
      if (scope.length === 0) throw new AppError('FORBIDDEN', 'feedback queue: no handling role')
      let q = k.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode').leftJoin('officials as o', 'o.id', 'f.assignedTo')
        .select(['f.code', 'f.title', 'f.category', 'f.status', 'f.submittedAt', 'f.dueAt', 'f.answeredAt', 'f.hiddenReason', 'f.spamSignals', 'a.name as agencyName', 'o.fullName as assignedName'])
        .where('f.agencyCode', 'in', scope)
      if (tab === 'open') q = q.where('f.status', 'in', ['received', 'processing', 'waiting_citizen', 'awaiting_approval']).orderBy('f.dueAt')
      else if (tab === 'overdue') q = q.where('f.status', 'in', RUNNING).where('f.dueAt', '<', now()).orderBy('f.dueAt')
      else if (tab === 'approval') q = q.where('f.status', '=', 'awaiting_approval').orderBy('f.dueAt')
      else if (tab === 'suspected') q = q.where('f.status', 'in', OPEN).where('f.spamSignals', 'is not', null).orderBy('f.dueAt')
      else q = q.where('f.status', 'in', ['published', 'not_competent', 'merged', 'spam']).orderBy('f.answeredAt', 'desc')
      return q.limit(200).execute()
    },

    /** How many are overdue in the official's scope (the workspace's alert). */
    async overdueCount (official: SignedInOfficial): Promise<number> {
      const scope = await ctx.deps.officials.scope(official, HANDLERS)
      if (scope.length === 0) return 0
      const r = await k.selectFrom('feedback').select(sql<string>`count(*)`.as('n')).where('agencyCode', 'in', scope).where('status', 'in', RUNNING).where('dueAt', '<', now()).executeTakeFirstOrThrow()
      return Number(r.n)
    },

    /** One feedback as its handlers see it: the sender, what it is about, its timeline, who may take it, where it may go. */
    async forOfficial (official: SignedInOfficial, code: string) {
      const scope = await ctx.deps.officials.scope(official, HANDLERS)
      const f = await k.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode').leftJoin('accounts as c', 'c.id', 'f.accountId')
        .leftJoin('procedures as p', 'p.id', 'f.procedureId').leftJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .leftJoin('dossiers as d', 'd.id', 'f.dossierId').leftJoin('officials as o', 'o.id', 'f.assignedTo').leftJoin('feedback as m', 'm.id', 'f.mergedInto')
        .selectAll('f').select(['a.name as agencyName', 'c.fullName as senderName', 'c.email as senderEmail', 'c.phone as senderPhone', 'p.code as procedureCode', 'v.name as procedureName', 'd.code as dossierCode', 'o.fullName as assignedName', 'm.code as mergedIntoCode'])
        .where('f.code', '=', code).executeTakeFirst()
      if (!f || !scope.includes(f.agencyCode)) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh')
      const [events, colleagues, agencies, leads, files, handlers] = await Promise.all([
        k.selectFrom('feedbackEvents').selectAll().where('feedbackId', '=', f.id).orderBy('at').orderBy('id').execute(),
        k.selectFrom('officials as o').innerJoin('officialRoles as r', 'r.officialId', 'o.id').innerJoin('agencies as a', 'a.id', 'r.agencyId')
          .select(['o.id', 'o.fullName']).distinct().where('a.code', '=', f.agencyCode).where('r.role', 'in', HANDLERS).where('o.status', '=', 'active').orderBy('o.fullName').execute(),
        k.selectFrom('agencies').select(['code', 'name']).where('code', '!=', f.agencyCode).where('kind', 'in', ['province', 'department', 'unit', 'district']).orderBy('name').execute(),
        ctx.deps.officials.scope(official, LEADERS),
        ctx.attachmentsOf(f.id),
        // About a dossier: the officials who acted on it or hold a step of it (whom the complaint may be about).
        f.dossierId ? sql<{ who: string }>`
          select who from (
            select actor_name as who, min(at) as since from dossier_events where dossier_id = ${f.dossierId} and actor_type = 'official' and actor_name is not null group by actor_name
            union all
            select coalesce(finished_by_name, assignee_name), min(started_at) from dossier_tasks where dossier_id = ${f.dossierId} and coalesce(finished_by_name, assignee_name) is not null group by 1
          ) x group by who order by min(since)`.execute(k).then(r => r.rows.map(x => x.who)) : []
      ])
      return { ...f, events, colleagues, agencies, files, dossierHandlers: handlers, canApprove: leads.includes(f.agencyCode), overdue: RUNNING.includes(f.status) && f.dueAt < now() }
    },

    /** Takes the feedback to handle oneself, or (a leader) gives it to a colleague of the agency. */
    async assign (official: SignedInOfficial, code: string, to: string = official.id): Promise<void> {
      const leads = to === official.id ? [] : await ctx.deps.officials.scope(official, LEADERS)
      await change(official, code, 'assign', ['received', 'processing'], 'phân công', async (f, trx) => {
        const person = await trx.selectFrom('officials as o').innerJoin('officialRoles as r', 'r.officialId', 'o.id').innerJoin('agencies as a', 'a.id', 'r.agencyId')
          .select(['o.id', 'o.fullName']).where('o.id', '=', to).where('a.code', '=', f.agencyCode).where('r.role', 'in', HANDLERS).executeTakeFirst()
        if (!person) throw new AppError('VALIDATION', 'not a handler of the agency', [{ field: 'official', message: 'Chọn cán bộ của cơ quan xử lý phản ánh' }])
        if (to !== official.id && !leads.includes(f.agencyCode)) throw new AppError('FORBIDDEN', 'only leaders assign to others')
        await trx.updateTable('feedback').set({ status: 'processing', assignedTo: person.id, ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'assign', actor: by(official), agencyCode: f.agencyCode, message: f.status === 'received' ? 'Cơ quan đang xử lý phản ánh' : null, note: `Giao ${person.fullName} xử lý` })
        return { to: person.id }
      })
    },

    /** Asks the citizen for more: the clock stops until they answer. */
    async askInfo (official: SignedInOfficial, code: string, request: string | undefined): Promise<void> {
      const text = required('request', request, 'Nêu thông tin cần người gửi bổ sung')
      await change(official, code, 'ask-info', ['received', 'processing'], 'yêu cầu bổ sung', async (f, trx) => {
        await trx.updateTable('feedback').set({ status: 'waiting_citizen', infoRequest: text, pausedAt: now(), ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'ask-info', actor: by(official), agencyCode: f.agencyCode, message: `Đề nghị bổ sung thông tin: ${text}` })
        await ctx.tell(trx, f, 'cần bổ sung thông tin', `Cơ quan xử lý đề nghị bạn bổ sung thông tin cho phản ánh “${f.title}”:\n\n${text}\n\nThời hạn trả lời tạm dừng cho đến khi bạn bổ sung.`)
      })
    },

    /**
     * Sends it to the agency that should answer, with the reason. The receiving agency has the whole
     * time limit again from the transfer (its clock starts then; earlier waits do not carry over).
     */
    async transfer (official: SignedInOfficial, code: string, agencyCode: string | undefined, reason: string | undefined): Promise<void> {
      const why = required('reason', reason, 'Nêu lý do chuyển')
      const cal = agencyCode ? await ctx.calendarOf(agencyCode) : undefined
      await change(official, code, 'transfer', ['received', 'processing'], 'chuyển', async (f, trx) => {
        const target = agencyCode && agencyCode !== f.agencyCode ? await trx.selectFrom('agencies').select(['code', 'name']).where('code', '=', agencyCode).executeTakeFirst() : undefined
        if (!target || !cal) throw new AppError('VALIDATION', 'no target agency', [{ field: 'agency', message: 'Chọn cơ quan nhận phản ánh' }])
        const at = now()
        const dueAt = ctx.dueIn(cal, at, [])
        await trx.updateTable('feedback').set({ status: 'received', agencyCode: target.code, assignedTo: null, clockStartedAt: at, pauses: '[]', pausedAt: null, dueAt, ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'transfer', actor: by(official), agencyCode: f.agencyCode, message: `Chuyển đến ${target.name} để trả lời: ${why}` })
        await ctx.tell(trx, f, 'đã chuyển cơ quan', `Phản ánh “${f.title}” đã được chuyển đến ${target.name} để trả lời. Lý do: ${why}\n\nThời hạn trả lời tính lại từ khi chuyển: ${ctx.dueText(dueAt)}.`)
        await ctx.alert(trx, { agencyCode: target.code, roles: RECEIVERS }, { code: f.code, title: f.title, dueAt }, `được chuyển đến cơ quan để trả lời (${why})`)
        return { from: f.agencyCode, to: target.code, reason: why }
      })
    },

    /** The handler's answer, sent to a leader for approval. */
    async draft (official: SignedInOfficial, code: string, answer: string | undefined): Promise<void> {
      const text = required('answer', answer, 'Nhập nội dung trả lời', LIMITS.answer)
      await change(official, code, 'draft', ['received', 'processing', 'awaiting_approval'], 'dự thảo trả lời', async (f, trx) => {
        await trx.updateTable('feedback').set({ status: 'awaiting_approval', answer: text, answerBy: official.id, assignedTo: f.assignedTo ?? official.id, ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'draft', actor: by(official), agencyCode: f.agencyCode, note: 'Dự thảo trả lời, trình lãnh đạo duyệt' })
        await ctx.alert(trx, { agencyCode: f.agencyCode, roles: LEADERS }, f, `dự thảo trả lời chờ duyệt (${official.fullName})`)
      })
    },

    /** A leader publishes the answer (as drafted, or as they corrected it): the citizen is told, the public page shows it. */
    async approve (official: SignedInOfficial, code: string, answer: string | undefined): Promise<void> {
      const text = required('answer', answer, 'Nhập nội dung trả lời', LIMITS.answer)
      await change(official, code, 'approve', ['awaiting_approval'], 'duyệt', async (f, trx) => {
        const at = now()
        await trx.updateTable('feedback').set({ status: 'published', answer: text, approvedBy: official.id, answeredAt: at, searchVector: ctx.searchDocument({ title: f.title, body: f.body, answer: text }), ...ctx.touch() }).where('id', '=', f.id).execute()
        if (!f.hiddenReason) await ctx.lexicon(trx, f.id, 1)
        await ctx.event(trx, f.id, { action: 'approve', actor: by(official), agencyCode: f.agencyCode, message: 'Cơ quan đã trả lời phản ánh, kiến nghị', note: text === f.answer ? null : 'Lãnh đạo sửa nội dung trả lời khi duyệt' })
        await ctx.tell(trx, f, 'đã có trả lời', `Cơ quan đã trả lời phản ánh, kiến nghị “${f.title}” của bạn:\n\n${text}\n\nBạn có thể đánh giá câu trả lời trên Cổng.`)
        return { onTime: at <= f.dueAt }
      }, LEADERS)
    },

    /** A leader sends the draft back with what to change. */
    async sendBack (official: SignedInOfficial, code: string, note: string | undefined): Promise<void> {
      const text = required('note', note, 'Nêu nội dung cần sửa')
      await change(official, code, 'send-back', ['awaiting_approval'], 'trả lại dự thảo', async (f, trx) => {
        await trx.updateTable('feedback').set({ status: 'processing', ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'send-back', actor: by(official), agencyCode: f.agencyCode, note: `Trả lại dự thảo: ${text}` })
        const handler = f.assignedTo ?? f.answerBy
        if (handler) await ctx.alert(trx, { officialId: handler }, f, `lãnh đạo trả lại dự thảo: ${text}`)
      }, LEADERS)
    },

    /** Not within the province's competence: closed, the citizen told where to turn (not published). */
    async notCompetent (official: SignedInOfficial, code: string, redirectTo: string | undefined, explanation: string | undefined): Promise<void> {
      const where = required('redirect', redirectTo, 'Nêu cơ quan có thẩm quyền người gửi cần liên hệ')
      const text = required('explanation', explanation, 'Giải thích vì sao không thuộc thẩm quyền', LIMITS.answer)
      await change(official, code, 'not-competent', ['received', 'processing', 'awaiting_approval'], 'kết luận không thuộc thẩm quyền', async (f, trx) => {
        await trx.updateTable('feedback').set({ status: 'not_competent', redirectTo: where, answer: text, answerBy: official.id, answeredAt: now(), ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'not-competent', actor: by(official), agencyCode: f.agencyCode, message: `Không thuộc thẩm quyền giải quyết của tỉnh. Đề nghị liên hệ: ${where}. ${text}` })
        await ctx.tell(trx, f, 'không thuộc thẩm quyền', `Phản ánh “${f.title}” không thuộc thẩm quyền giải quyết của tỉnh.\n\n${text}\n\nĐề nghị bạn liên hệ: ${where}.`)
      })
    },

    /** The same matter already raised: this one follows the other's answer. */
    async merge (official: SignedInOfficial, code: string, intoCode: string | undefined): Promise<void> {
      await change(official, code, 'merge', ['received', 'processing'], 'gộp', async (f, trx) => {
        const main = intoCode && intoCode.trim() !== code ? await trx.selectFrom('feedback').select(['id', 'code', 'status', 'agencyCode']).where('code', '=', intoCode.trim()).executeTakeFirst() : undefined
        if (!main || main.agencyCode !== f.agencyCode || main.status === 'merged' || main.status === 'not_competent') {
          throw new AppError('VALIDATION', 'no such feedback to merge into', [{ field: 'into', message: 'Nhập mã một phản ánh của cùng cơ quan, chưa gộp' }])
        }
        await trx.updateTable('feedback').set({ status: 'merged', mergedInto: main.id, answeredAt: now(), ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'merge', actor: by(official), agencyCode: f.agencyCode, message: `Gộp với phản ánh cùng nội dung ${main.code}; câu trả lời của phản ánh đó là câu trả lời cho bạn.` })
        await ctx.tell(trx, f, 'đã gộp', `Phản ánh “${f.title}” có cùng nội dung với phản ánh ${main.code} nên được gộp để trả lời chung. Câu trả lời: ${ctx.deps.publicUrl()}/phan-anh-kien-nghi/${main.code}`)
        return { into: main.code }
      })
    },

    /**
     * A leader rejects advertising or noise (suspected or not): closed with the reason, which the sender
     * is told; never published, not counted as received in the figures.
     */
    async rejectSpam (official: SignedInOfficial, code: string, reason: string | undefined): Promise<void> {
      const why = required('spam', reason, 'Nêu lý do không tiếp nhận')
      await change(official, code, 'reject-spam', ['received', 'processing', 'waiting_citizen', 'awaiting_approval'], 'loại', async (f, trx) => {
        await trx.updateTable('feedback').set({ status: 'spam', answer: why, answerBy: official.id, answeredAt: now(), pausedAt: null, ...ctx.touch() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'reject-spam', actor: by(official), agencyCode: f.agencyCode, message: `Không tiếp nhận: ${why}` })
        await ctx.tell(trx, f, 'không được tiếp nhận', `Phản ánh “${f.title}” không được tiếp nhận vì nội dung là quảng cáo hoặc không phải phản ánh, kiến nghị: ${why}\n\nNếu đây là nhầm lẫn, bạn có thể gửi lại nội dung phản ánh cụ thể.`)
        return { reason: why, signals: f.spamSignals }
      }, LEADERS)
    },

    /** Hides abusive content from the public page (the reason recorded; the citizen still sees their own). */
    async hide (official: SignedInOfficial, code: string, reason: string | undefined): Promise<void> {
      const why = required('hide', reason, 'Nêu lý do ẩn nội dung')
      await change(official, code, 'hide', ['received', 'processing', 'waiting_citizen', 'awaiting_approval', 'published', 'not_competent', 'merged', 'spam'], 'ẩn', async (f, trx) => {
        await trx.updateTable('feedback').set({ hiddenReason: why, ...ctx.touch() }).where('id', '=', f.id).execute()
        // Its words no longer correct anyone's search.
        if (f.status === 'published' && !f.hiddenReason) await ctx.lexicon(trx, f.id, -1)
        await ctx.event(trx, f.id, { action: 'hide', actor: by(official), agencyCode: f.agencyCode, note: `Ẩn khỏi trang công khai: ${why}` })
        return { reason: why }
      })
    }
  }
}
