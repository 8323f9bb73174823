import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { words } from '../../catalog/search/normalize.js'
import { chosen, type FileInput } from '../../files/bytes.js'
import { normalizeMobile } from '../../accounts/identity.js'
import { hashSecret, newCode } from '../../accounts/passwords.js'
import { EMAIL } from '../../accounts/registration-form.js'
import { RECEIVERS, type FeedbackContext, type Owner } from '../context.js'
import { CATEGORIES, LIMITS, linksIn, spamSignals, type FeedbackCategory } from '../model.js'

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

/** Who sends: a signed-in account, or someone who proved an e-mail address or phone by a code. */
export type Sender = { accountId: string, name: string } | { contact: string }

const PENDING_MINUTES = 10
const PENDING_ATTEMPTS = 5

/** What a citizen does: send feedback, follow it, add what they are asked for, rate the answer. */
export function citizenUseCases (ctx: FeedbackContext) {
  const { db, now } = ctx

  /** Where the feedback goes: the dossier's processing agency, else the procedure's, else the one chosen. */
  async function subjectOf (accountId: string | null, input: NewFeedback, errors: FieldError[]) {
    const { dossier: d, procedure: p } = await ctx.subject(accountId, input)
    if (d) return { agencyCode: d.agencyCode, procedureId: d.procedureId, dossierId: d.id }
    if (p) {
      const agencyCode = input.agencyCode && await agencyExists(input.agencyCode) ? input.agencyCode : p.agencyCode
      if (!agencyCode) errors.push({ field: 'agency', message: 'Chọn cơ quan nhận phản ánh' })
      return { agencyCode: agencyCode ?? '', procedureId: p.id, dossierId: null }
    }
    if (!input.agencyCode || !await agencyExists(input.agencyCode)) errors.push({ field: 'agency', message: 'Chọn cơ quan nhận phản ánh' })
    return { agencyCode: input.agencyCode ?? '', procedureId: null, dossierId: null }
  }

  const agencyExists = async (code: string) => Boolean(await db.kysely.selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirst())

  /** Title and text checked; every mistake beside its field. */
  function checkText (input: NewFeedback, errors: FieldError[]) {
    const title = input.title.trim()
    const body = input.body.trim()
    if (!(input.category in CATEGORIES)) errors.push({ field: 'category', message: 'Chọn loại phản ánh, kiến nghị' })
    if (title.length < 5) errors.push({ field: 'title', message: 'Nhập tiêu đề (ít nhất 5 ký tự)' })
    else if (title.length > LIMITS.title) errors.push({ field: 'title', message: `Tiêu đề dài quá ${LIMITS.title} ký tự` })
    if (body.length < LIMITS.bodyMin) errors.push({ field: 'body', message: `Nêu nội dung phản ánh, kiến nghị (ít nhất ${LIMITS.bodyMin} ký tự)` })
    else if (body.length > LIMITS.body) errors.push({ field: 'body', message: `Nội dung dài quá ${LIMITS.body.toLocaleString('vi-VN')} ký tự (hiện ${body.length.toLocaleString('vi-VN')})` })
    else if (linksIn(`${title} ${body}`) > LIMITS.links) errors.push({ field: 'body', message: `Nội dung có quá ${LIMITS.links} đường dẫn trang web; hãy bỏ bớt, chỉ giữ trang liên quan đến phản ánh` })
    return { title, body }
  }

  /**
   * Records checked feedback from a sender (an account, or a contact proved by a code), in one transaction
   * with its files, event, audit row and message; refused when the sender has sent its day's share or the
   * same text already (RATE_LIMITED / CONFLICT naming the earlier code).
   */
  async function create (sender: Sender, input: NewFeedback, text: { title: string, body: string }, subject: { agencyCode: string, procedureId: number | null, dossierId: string | null }, fileIds: string[] = []) {
    const { title, body } = text
    const folded = words(`${title} ${body}`)
    const fingerprint = folded.join(' ')
    // Two or more signs of advertising or noise mark it for the officials; it is received all the same.
    const signals = spamSignals(`${title}\n${body}`, folded)
    const at = now()
    const dueAt = ctx.dueIn(await ctx.calendarOf(subject.agencyCode), at, [])
    const who = 'accountId' in sender ? sender.accountId : sender.contact
    return db.transaction(async trx => {
      // One at a time per sender, so the day's share and the duplicate check hold under concurrent sends.
      await sql`select pg_advisory_xact_lock(hashtext(${`feedback:${who}`}))`.execute(trx)
      const dayAgo = new Date(at.getTime() - 86_400_000)
      const recent = await trx.selectFrom('feedback').select(['code', 'fingerprint', 'submittedAt'])
        .where('accountId' in sender ? 'accountId' : 'contact', '=', who)
        .where('submittedAt', '>', new Date(at.getTime() - LIMITS.duplicateDays * 86_400_000)).execute()
      const same = recent.find(r => r.fingerprint === fingerprint)
      if (same) throw new AppError('CONFLICT', `Bạn đã gửi phản ánh cùng nội dung (mã ${same.code}); hãy theo dõi phản ánh đó.`, [{ field: 'body', message: `Bạn đã gửi phản ánh cùng nội dung, mã ${same.code}` }])
      if (recent.filter(r => r.submittedAt > dayAgo).length >= LIMITS.perDay) {
        throw new AppError('RATE_LIMITED', `Mỗi người gửi được tối đa ${LIMITS.perDay} phản ánh trong 24 giờ. Hãy gửi lại sau.`, [{ field: 'body', message: `Mỗi người gửi được tối đa ${LIMITS.perDay} phản ánh trong 24 giờ` }])
      }
      const owner = 'accountId' in sender ? { accountId: sender.accountId, contact: null } : { accountId: null, contact: sender.contact }
      const row = await trx.insertInto('feedback').values({
        code: sql<string>`'PA-' || to_char(${at}::timestamptz at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(nextval('feedback_numbers')::text, 6, '0')`,
        ...owner, agencyCode: subject.agencyCode, firstAgencyCode: subject.agencyCode, procedureId: subject.procedureId, dossierId: subject.dossierId,
        category: input.category as FeedbackCategory, title, body, showName: 'accountId' in sender && input.showName === true, status: 'received',
        submittedAt: at, clockStartedAt: at, dueAt, fingerprint, updatedAt: at, spamSignals: signals.length >= 2 ? signals.join('; ') : null
      }).returning(['id', 'code']).executeTakeFirstOrThrow()
      await ctx.event(trx, row.id, { action: 'send', actor: { type: 'citizen', name: 'accountId' in sender ? sender.name : null }, agencyCode: subject.agencyCode, message: 'Đã gửi phản ánh, kiến nghị' })
      await ctx.deps.audit.record(trx, { actor: 'accountId' in sender ? { type: 'citizen', id: sender.accountId } : { type: 'anonymous' }, action: 'feedback.send', targetType: 'feedback', targetId: row.code, details: { agency: subject.agencyCode } })
      if (fileIds.length > 0) await trx.insertInto('feedbackFiles').values(fileIds.map(fileId => ({ feedbackId: row.id, fileId }))).execute()
      await ctx.tell(trx, { code: row.code, ...owner }, 'đã tiếp nhận', `Cổng Dịch vụ công đã nhận phản ánh, kiến nghị “${title}” của bạn, mã ${row.code}; ${ctx.dueText(dueAt)}.`)
      await ctx.alert(trx, { agencyCode: subject.agencyCode, roles: RECEIVERS }, { code: row.code, title, dueAt }, 'phản ánh mới cần xử lý')
      return { code: row.code, dueAt }
    })
  }

  const { ownedBy } = ctx
  /** What someone without an account typed, checked: every mistake beside its field (VALIDATION). */
  async function validateAnonymous (input: NewFeedback & { contact: string }) {
    const errors: FieldError[] = []
    const text = checkText(input, errors)
    const raw = input.contact.trim()
    const contact = EMAIL.test(raw) ? raw.toLowerCase() : normalizeMobile(raw)
    if (!contact || raw.length > 200) errors.push({ field: 'contact', message: 'Nhập địa chỉ thư điện tử hoặc số điện thoại di động để nhận mã xác nhận, ví dụ ten@example.vn hoặc 0912345678' })
    const subject = await subjectOf(null, { ...input, dossierCode: undefined }, errors)
    if (errors.length > 0) throw new AppError('VALIDATION', 'invalid feedback', errors)
    return { text, contact: contact!, subject }
  }

  return {
    validateAnonymous,

    /** Sends feedback from a signed-in account, with up to LIMITS.files attached files. */
    async send (account: { id: string, fullName: string }, input: NewFeedback): Promise<{ code: string, dueAt: Date }> {
      const errors: FieldError[] = []
      const text = checkText(input, errors)
      const subject = await subjectOf(account.id, input, errors)
      const uploads = (input.files ?? []).filter(chosen)
      if (uploads.length > LIMITS.files) errors.push({ field: 'files', message: `Đính kèm tối đa ${LIMITS.files} tệp` })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid feedback', errors)
      // The files are kept first (a refused one refuses the whole feedback, told beside the field); if the
      // feedback is then refused, they go again.
      const stored = await ctx.deps.files.storeMany(account.id, uploads, 'files')
      try {
        return await create({ accountId: account.id, name: account.fullName }, input, text, subject, stored.map(f => f.id))
      } catch (err) {
        await ctx.deps.files.discard(stored.map(f => f.id))
        throw err
      }
    },

    /**
     * Feedback from someone without an account: checked like any, then held until they type the code sent
     * to the e-mail address or phone they gave (10 minutes, 5 tries). At most 5 codes a day to one
     * contact and 20 from one address. Returns the pending id and where the code went.
     */
    async startAnonymous (input: NewFeedback & { contact: string }, ip: string): Promise<{ pendingId: string, channel: 'email' | 'sms' }> {
      const { text, contact, subject } = await validateAnonymous(input)
      const channel = contact.includes('@') ? 'email' as const : 'sms' as const
      const at = now()
      const code = newCode()
      return db.transaction(async trx => {
        await sql`select pg_advisory_xact_lock(hashtext(${`feedback-pending:${contact}`}))`.execute(trx)
        const since = new Date(at.getTime() - 86_400_000)
        const [byContact, byIp] = await Promise.all([
          trx.selectFrom('feedbackPending').select(sql<string>`count(*)`.as('n')).where('contact', '=', contact).where('createdAt', '>', since).executeTakeFirstOrThrow(),
          trx.selectFrom('feedbackPending').select(sql<string>`count(*)`.as('n')).where('ip', '=', ip).where('createdAt', '>', since).executeTakeFirstOrThrow()
        ])
        if (Number(byContact.n) >= LIMITS.perDay || Number(byIp.n) >= LIMITS.perAddress) {
          throw new AppError('RATE_LIMITED', 'too many anonymous feedback codes', [{ field: 'contact', message: 'Đã gửi quá nhiều mã xác nhận đến địa chỉ này hoặc từ máy này trong 24 giờ. Hãy thử lại sau, hoặc đăng nhập để gửi.' }])
        }
        const row = await trx.insertInto('feedbackPending').values({
          contact: contact, channel, codeHash: hashSecret(code), expiresAt: new Date(at.getTime() + PENDING_MINUTES * 60_000), ip, createdAt: at,
          input: JSON.stringify({ category: input.category, title: text.title, body: text.body, agencyCode: subject.agencyCode, procedureCode: input.procedureCode, showName: false })
        }).returning('id').executeTakeFirstOrThrow()
        await ctx.deps.notifications.enqueue(trx, channel === 'email'
          ? { channel, recipient: contact, template: 'feedback-code', subject: 'Mã xác nhận gửi phản ánh, kiến nghị', body: `Mã xác nhận của bạn là ${code} (dùng trong ${PENDING_MINUTES} phút). Nếu bạn không gửi phản ánh nào, hãy bỏ qua thư này.` }
          : { channel, recipient: contact, template: 'feedback-code', subject: '', body: `Cong DVC: ma xac nhan phan anh ${code}, dung trong ${PENDING_MINUTES} phut.` })
        await ctx.deps.audit.record(trx, { actor: { type: 'anonymous' }, action: 'feedback.code', targetType: 'feedback-pending', targetId: row.id, details: { ip, channel } })
        return { pendingId: row.id, channel }
      })
    },

    /** The code typed: the feedback is recorded (the clock starts now) and the follow link sent; VALIDATION beside `code` otherwise. */
    async confirmAnonymous (pendingId: string, code: string): Promise<{ code: string, dueAt: Date, token: string }> {
      if (!/^[0-9a-f-]{36}$/.test(pendingId)) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh chờ xác nhận')
      const pending = await db.transaction(async trx => {
        const p = await trx.selectFrom('feedbackPending').selectAll().where('id', '=', pendingId).forUpdate().executeTakeFirst()
        if (!p) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh chờ xác nhận')
        if (p.usedAt) throw new AppError('NOT_FOUND', 'Phản ánh này đã được xác nhận')
        if (p.expiresAt < now() || p.attempts >= PENDING_ATTEMPTS) throw new AppError('VALIDATION', 'code expired', [{ field: 'code', message: 'Mã đã hết hạn hoặc nhập sai quá số lần cho phép. Hãy gửi lại phản ánh để nhận mã mới.' }])
        if (hashSecret(code.trim()) !== p.codeHash) {
          await trx.updateTable('feedbackPending').set({ attempts: p.attempts + 1 }).where('id', '=', p.id).execute()
          return { wrong: PENDING_ATTEMPTS - p.attempts - 1 }
        }
        await trx.updateTable('feedbackPending').set({ usedAt: now() }).where('id', '=', p.id).execute()
        return { p }
      })
      if ('wrong' in pending) throw new AppError('VALIDATION', 'wrong code', [{ field: 'code', message: `Mã xác nhận không đúng; còn ${pending.wrong} lần nhập.` }])
      const p = pending.p
      const errors: FieldError[] = []
      const input = { ...p.input, title: p.input.title, body: p.input.body }
      const subject = await subjectOf(null, input, errors)
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid feedback', errors)
      const r = await create({ contact: p.contact }, input, { title: p.input.title, body: p.input.body }, subject)
      return { ...r, token: ctx.followToken(r.code) }
    },

    /** The account's feedback, newest first. */
    async mine (accountId: string) {
      return db.kysely.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode')
        .select(['f.code', 'f.title', 'f.status', 'f.submittedAt', 'f.dueAt', 'f.answeredAt', 'a.name as agencyName'])
        .where('f.accountId', '=', accountId).orderBy('f.submittedAt', 'desc').limit(200).execute()
    },

    /** Adds what the agency asked for; the clock runs again with the wait added back. */
    async addInfo (owner: Owner, code: string | undefined, text: string): Promise<void> {
      const info = text.trim()
      if (info.length < 5 || info.length > LIMITS.body) throw new AppError('VALIDATION', 'invalid info', [{ field: 'info', message: `Nhập thông tin bổ sung (5 đến ${LIMITS.body.toLocaleString('vi-VN')} ký tự)` }])
      const where = await ownedBy(owner, code)
      const cal = await ctx.calendarOf(where.agencyCode)
      await db.transaction(async trx => {
        const f = await trx.selectFrom('feedback').selectAll().where('code', '=', where.code).forUpdate().executeTakeFirstOrThrow()
        ctx.expect(f.status, ['waiting_citizen'], 'bổ sung thông tin')
        // (a transfer cannot happen while the citizen is asked: the agency read above is still the one)
        const at = now()
        const pauses = [...f.pauses, { from: f.pausedAt!.toISOString(), to: at.toISOString() }]
        const dueAt = ctx.dueIn(cal, f.clockStartedAt, pauses)
        await trx.updateTable('feedback').set({ status: 'processing', pauses: JSON.stringify(pauses), pausedAt: null, dueAt, body: `${f.body}\n\n[Bổ sung ${at.toISOString().slice(0, 10)}] ${info}`.slice(0, LIMITS.body * 2), updatedAt: at }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'add-info', actor: { type: 'citizen' }, message: `Đã bổ sung thông tin: ${info}` })
        await ctx.deps.audit.record(trx, { actor: f.accountId ? { type: 'citizen', id: f.accountId } : { type: 'anonymous' }, action: 'feedback.add-info', targetType: 'feedback', targetId: f.code })
      })
    },

    /** Satisfied (1) or not (2) with the published answer; may be changed. */
    async rate (owner: Owner, code: string | undefined, rating: number): Promise<void> {
      if (rating !== 1 && rating !== 2) throw new AppError('VALIDATION', 'invalid rating', [{ field: 'rating', message: 'Chọn hài lòng hoặc không hài lòng' }])
      const where = await ownedBy(owner, code)
      await db.transaction(async trx => {
        const f = await trx.selectFrom('feedback').select(['id', 'status', 'accountId']).where('code', '=', where.code).forUpdate().executeTakeFirstOrThrow()
        ctx.expect(f.status, ['published'], 'đánh giá')
        await trx.updateTable('feedback').set({ rating, updatedAt: now() }).where('id', '=', f.id).execute()
        await ctx.event(trx, f.id, { action: 'rate', actor: { type: 'citizen' }, message: rating === 1 ? 'Người gửi hài lòng với câu trả lời' : 'Người gửi chưa hài lòng với câu trả lời' })
        await ctx.deps.audit.record(trx, { actor: f.accountId ? { type: 'citizen', id: f.accountId } : { type: 'anonymous' }, action: 'feedback.rate', targetType: 'feedback', targetId: where.code, details: { rating } })
      })
    }
  }
}
