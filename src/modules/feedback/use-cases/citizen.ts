import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { words } from '../../catalog/search/normalize.js'
import { chosen, type FileInput } from '../../files/bytes.js'
import type { FeedbackContext } from '../context.js'
import { CATEGORIES, LIMITS, type FeedbackCategory } from '../model.js'

export interface NewFeedback {
  category: string
  title: string
  body: string
  /** The agency it is about, when neither a procedure nor a dossier says which. */
  agencyCode?: string | undefined
  procedureCode?: string | undefined
  dossierCode?: string | undefined
  showName?: boolean
  /** Up to LIMITS.files documents (scanned, type-sniffed and size-checked by the files module). */
  files?: FileInput[]
}

/** What a citizen does: send feedback, follow it, add what they are asked for, rate the answer. */
export function citizenUseCases (ctx: FeedbackContext) {
  const { db, now } = ctx

  /** Where the feedback goes: the dossier's processing agency, else the procedure's, else the one chosen. */
  async function subjectOf (accountId: string, input: NewFeedback, errors: FieldError[]) {
    const k = db.kysely
    if (input.dossierCode) {
      const d = await k.selectFrom('dossiers').select(['id', 'procedureId', sql<string>`coalesce(processing_agency_code, agency_code)`.as('agencyCode')])
        .where('code', '=', input.dossierCode).where('accountId', '=', accountId).executeTakeFirst()
      if (!d) throw new AppError('NOT_FOUND', 'Không tìm thấy hồ sơ của bạn')
      return { agencyCode: d.agencyCode, procedureId: d.procedureId, dossierId: d.id }
    }
    if (input.procedureCode) {
      const p = await k.selectFrom('procedures as p')
        .leftJoin('procedureAgencies as pa', join => join.onRef('pa.procedureId', '=', 'p.id').on('pa.role', '=', 'processing'))
        .leftJoin('agencies as a', 'a.id', 'pa.agencyId')
        .select(['p.id', 'a.code as agencyCode']).where('p.code', '=', input.procedureCode).orderBy('a.id').executeTakeFirst()
      if (!p) throw new AppError('NOT_FOUND', 'Không tìm thấy thủ tục')
      const agencyCode = input.agencyCode && await agencyExists(input.agencyCode) ? input.agencyCode : p.agencyCode
      if (!agencyCode) errors.push({ field: 'agency', message: 'Chọn cơ quan nhận phản ánh' })
      return { agencyCode: agencyCode ?? '', procedureId: p.id, dossierId: null }
    }
    if (!input.agencyCode || !await agencyExists(input.agencyCode)) errors.push({ field: 'agency', message: 'Chọn cơ quan nhận phản ánh' })
    return { agencyCode: input.agencyCode ?? '', procedureId: null, dossierId: null }
  }

  const agencyExists = async (code: string) => Boolean(await db.kysely.selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirst())

  return {
    /**
     * Sends feedback: checked field by field (VALIDATION with every error), refused when the account has
     * sent its day's share or the same text already (RATE_LIMITED / CONFLICT naming the earlier code).
     */
    async send (account: { id: string, fullName: string }, input: NewFeedback): Promise<{ code: string, dueAt: Date }> {
      const errors: FieldError[] = []
      const title = input.title.trim()
      const body = input.body.trim()
      if (!(input.category in CATEGORIES)) errors.push({ field: 'category', message: 'Chọn loại phản ánh, kiến nghị' })
      if (title.length < 5) errors.push({ field: 'title', message: 'Nhập tiêu đề (ít nhất 5 ký tự)' })
      else if (title.length > LIMITS.title) errors.push({ field: 'title', message: `Tiêu đề dài quá ${LIMITS.title} ký tự` })
      if (body.length < LIMITS.bodyMin) errors.push({ field: 'body', message: `Nêu nội dung phản ánh, kiến nghị (ít nhất ${LIMITS.bodyMin} ký tự)` })
      else if (body.length > LIMITS.body) errors.push({ field: 'body', message: `Nội dung dài quá ${LIMITS.body.toLocaleString('vi-VN')} ký tự (hiện ${body.length.toLocaleString('vi-VN')})` })
      const subject = await subjectOf(account.id, input, errors)
      const uploads = (input.files ?? []).filter(chosen)
      if (uploads.length > LIMITS.files) errors.push({ field: 'files', message: `Đính kèm tối đa ${LIMITS.files} tệp` })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid feedback', errors)
      const fingerprint = words(`${title} ${body}`).join(' ')
      const at = now()
      const dueAt = ctx.dueIn(await ctx.calendarOf(subject.agencyCode), at, [])
      // The files are kept first (a refused one refuses the whole feedback, told beside the field); if the
      // feedback is then refused, they go again.
      const stored = await ctx.deps.files.storeMany(account.id, uploads, 'files')
      try {
        return await db.transaction(async trx => {
          // One at a time per account, so the day's share and the duplicate check hold under concurrent sends.
          await sql`select pg_advisory_xact_lock(hashtext(${`feedback:${account.id}`}))`.execute(trx)
          const dayAgo = new Date(at.getTime() - 86_400_000)
          const recent = await trx.selectFrom('feedback').select(['code', 'fingerprint', 'submittedAt']).where('accountId', '=', account.id)
            .where('submittedAt', '>', new Date(at.getTime() - LIMITS.duplicateDays * 86_400_000)).execute()
          const same = recent.find(r => r.fingerprint === fingerprint)
          if (same) throw new AppError('CONFLICT', `Bạn đã gửi phản ánh cùng nội dung (mã ${same.code}); hãy theo dõi phản ánh đó.`, [{ field: 'body', message: `Bạn đã gửi phản ánh cùng nội dung, mã ${same.code}` }])
          if (recent.filter(r => r.submittedAt > dayAgo).length >= LIMITS.perDay) {
            throw new AppError('RATE_LIMITED', `Mỗi tài khoản gửi được tối đa ${LIMITS.perDay} phản ánh trong 24 giờ. Hãy gửi lại sau.`, [{ field: 'body', message: `Mỗi tài khoản gửi được tối đa ${LIMITS.perDay} phản ánh trong 24 giờ` }])
          }
          const row = await trx.insertInto('feedback').values({
            code: sql<string>`'PA-' || to_char(${at}::timestamptz at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(nextval('feedback_numbers')::text, 6, '0')`,
            accountId: account.id, agencyCode: subject.agencyCode, firstAgencyCode: subject.agencyCode, procedureId: subject.procedureId, dossierId: subject.dossierId,
            category: input.category as FeedbackCategory, title, body, showName: input.showName === true, status: 'received',
            submittedAt: at, clockStartedAt: at, dueAt, fingerprint, searchText: ctx.searchText(title, body), updatedAt: at
          }).returning(['id', 'code']).executeTakeFirstOrThrow()
          await ctx.event(trx, row.id, { action: 'send', actor: { type: 'citizen', name: account.fullName }, agencyCode: subject.agencyCode, message: 'Đã gửi phản ánh, kiến nghị' })
          await ctx.deps.audit.record(trx, { actor: { type: 'citizen', id: account.id }, action: 'feedback.send', targetType: 'feedback', targetId: row.code, details: { agency: subject.agencyCode } })
          if (stored.length > 0) await trx.insertInto('feedbackFiles').values(stored.map(f => ({ feedbackId: row.id, fileId: f.id }))).execute()
          await ctx.tell(trx, { code: row.code, accountId: account.id }, 'đã tiếp nhận', `Cổng Dịch vụ công đã nhận phản ánh, kiến nghị “${title}” của bạn, mã ${row.code}; ${ctx.dueText(dueAt)}.`)
          return { code: row.code, dueAt }
          })
      } catch (err) {
        await ctx.deps.files.discard(stored.map(f => f.id))
        throw err
      }
    },

    /** The account's feedback, newest first. */
    async mine (accountId: string) {
      return db.kysely.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode')
        .select(['f.code', 'f.title', 'f.status', 'f.submittedAt', 'f.dueAt', 'f.answeredAt', 'a.name as agencyName'])
        .where('f.accountId', '=', accountId).orderBy('f.submittedAt', 'desc').limit(200).execute()
    },

    /** Adds what the agency asked for; the clock runs again with the wait added back. */
    async addInfo (account: { id: string, fullName: string }, code: string, text: string): Promise<void> {
      const info = text.trim()
      if (info.length < 5 || info.length > LIMITS.body) throw new AppError('VALIDATION', 'invalid info', [{ field: 'info', message: `Nhập thông tin bổ sung (5 đến ${LIMITS.body.toLocaleString('vi-VN')} ký tự)` }])
      const where = await db.kysely.selectFrom('feedback').select('agencyCode').where('code', '=', code).where('accountId', '=', account.id).executeTakeFirst()
      if (!where) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh của bạn')
      const cal = await ctx.calendarOf(where.agencyCode)
      await db.transaction(async trx => {
        const f = await trx.selectFrom('feedback').selectAll().where('code', '=', code).where('accountId', '=', account.id).forUpdate().executeTakeFirst()
        if (!f) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh của bạn')
        ctx.expect(f.status, ['waiting_citizen'], 'bổ sung thông tin')
        // (a transfer cannot happen while the citizen is asked: the agency read above is still the one)
        const at = now()
        const pauses = [...f.pauses, { from: f.pausedAt!.toISOString(), to: at.toISOString() }]
        const dueAt = ctx.dueIn(cal, f.clockStartedAt, pauses)
        await trx.updateTable('feedback').set({ status: 'processing', pauses: JSON.stringify(pauses), pausedAt: null, dueAt, body: `${f.body}\n\n[Bổ sung ${at.toISOString().slice(0, 10)}] ${info}`.slice(0, LIMITS.body * 2), searchText: ctx.searchText(f.title, f.body, info), updatedAt: at }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'add-info', actor: { type: 'citizen', name: account.fullName }, message: `Đã bổ sung thông tin: ${info}` })
        await ctx.deps.audit.record(trx, { actor: { type: 'citizen', id: account.id }, action: 'feedback.add-info', targetType: 'feedback', targetId: code })
      })
    },

    /** Satisfied (1) or not (2) with the published answer; may be changed. */
    async rate (accountId: string, code: string, rating: number): Promise<void> {
      if (rating !== 1 && rating !== 2) throw new AppError('VALIDATION', 'invalid rating', [{ field: 'rating', message: 'Chọn hài lòng hoặc không hài lòng' }])
      await db.transaction(async trx => {
        const f = await trx.selectFrom('feedback').select(['id', 'status']).where('code', '=', code).where('accountId', '=', accountId).forUpdate().executeTakeFirst()
        if (!f) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh của bạn')
        ctx.expect(f.status, ['published'], 'đánh giá')
        await trx.updateTable('feedback').set({ rating, updatedAt: now() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'rate', actor: { type: 'citizen' }, message: rating === 1 ? 'Người gửi hài lòng với câu trả lời' : 'Người gửi chưa hài lòng với câu trả lời' })
        await ctx.deps.audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: 'feedback.rate', targetType: 'feedback', targetId: code, details: { rating } })
      })
    }
  }
}
