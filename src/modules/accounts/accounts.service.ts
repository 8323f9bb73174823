import { sql, type Transaction } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import type { Database } from '../../platform/db/database.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import { throttleKey } from '../../platform/throttle.js'
import { checkNewPassword, normalizeMobile } from './identity.js'
import { canonicalUsername, createRateLimit, createSignInGuard } from './lockout.js'
import { hashPassword, hashSecret, newCode, newSecret, NO_PASSWORD, verifyPassword } from './passwords.js'
import { checkResend, renewedExpiry, withCode, type CodeMessage } from './codes.js'

/** The purposes of codes typed from an SMS or e-mail (the links of e-mails are tokens without a code). */
export type CodePurpose = 'confirm-phone' | 'reset-phone' | 'sign-in' | 'change-phone'

import { EMAIL, validateRegistration as validate, type AccountKind, type RegistrationForm } from './registration-form.js'

export type { AccountKind, RegistrationForm } from './registration-form.js'

export interface SignedIn {
  id: string
  kind: AccountKind
  fullName: string
  /** Unread notices, for the header (read with the session, in the same query). */
  unread?: number
}

const CONFIRM_EMAIL_HOURS = 24
const CONFIRM_PHONE_MINUTES = 10
const CODE_ATTEMPTS = 5
const SIGN_IN_CODE_MINUTES = 5
const RESET_MINUTES = 60
const CHANGE_EMAIL_HOURS = 24
const CHANGE_PHONE_MINUTES = 10
/** How long a national e-identity sign-in stands for the password an account of that kind does not have. */
export const FRESH_SIGN_IN_MINUTES = 15

/** An address shown in a notice to the old one: enough to recognise, not to read off. */
export const maskContact = (value: string) => value.includes('@')
  ? value.replace(/^(.)[^@]*(@.*)$/, '$1***$2')
  : `${value.slice(0, 4)}***${value.slice(-3)}`

/** What the personal page's contact form asked for: saved, or waiting for the new address to confirm it. */
export interface ContactChange { email?: 'pending' | 'removed', phoneRef?: string }
/** Data subjects' requests are answered within 72 hours (Decree 13/2023). */
export const PRIVACY_HOURS = 72
export const SESSION_HOURS = 12

export function createAccountsService (deps: { db: Db, audit: AuditService, notifications: NotificationsService, publicUrl: () => string, idleMinutes: number, signInCode?: boolean }) {
  const { db, audit, notifications } = deps
  const guard = createSignInGuard({ db, audit, scope: 'signin', action: 'account.sign-in' })
  const limit = createRateLimit({ db, audit })

  /** Accounts a user name may designate: ID number, tax code, e-mail or phone (a phone may have several). */
  async function findByUsername (username: string) {
    const u = username.trim()
    if (!u) return []
    const phone = normalizeMobile(u)
    return db.kysely.selectFrom('accounts').select(['id', 'kind', 'fullName', 'passwordHash', 'status', 'email', 'phone'])
      .where(eb => eb.or([
        eb('citizenId', '=', u.replace(/\s/g, '')),
        eb('taxCode', '=', u.replace(/\s/g, '')),
        eb(sql`lower(email)`, '=', u.toLowerCase()),
        ...(phone ? [eb('phone', '=', phone)] : [])
      ])).execute()
  }

  /**
   * Checks an SMS code against the pending confirmation the browser's reference points to, counting
   * attempts (a wrong code's attempt is kept even though the call fails), then runs `then` once.
   */
  async function useCode (ref: string, code: string, purpose: CodePurpose, then: (trx: Transaction<Database>, accountId: string, newValue: string | null) => Promise<void>): Promise<void> {
    const fail = (message: string) => new AppError('VALIDATION', message, [{ field: 'code', message }])
    const outcome = await db.transaction(async (trx) => {
      const row = await trx.selectFrom('accountTokens').select(['id', 'accountId', 'tokenHash', 'attempts', 'expiresAt', 'usedAt', 'newValue'])
        .where('refHash', '=', hashSecret(ref)).where('purpose', '=', purpose).forUpdate().executeTakeFirst()
      if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) throw fail('Mã xác nhận đã hết hạn. Hãy làm lại từ đầu để nhận mã mới.')
      if (row.attempts >= CODE_ATTEMPTS) throw fail('Đã nhập sai quá số lần cho phép. Hãy làm lại từ đầu để nhận mã mới.')
      if (!/^\d{6}$/.test(code.trim()) || hashSecret(`${ref}:${code.trim()}`) !== row.tokenHash) {
        await trx.updateTable('accountTokens').set({ attempts: sql`attempts + 1` }).where('id', '=', row.id).execute()
        return 'wrong'
      }
      await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('id', '=', row.id).execute()
      await then(trx, row.accountId, row.newValue)
      return 'ok'
    })
    if (outcome === 'wrong') throw fail('Mã xác nhận không đúng')
  }

  /**
   * A one-time code for the browser holding `ref`: stored hashed with the reference, sent in `message`
   * (`{code}` where it goes), which is kept so that "Gửi lại mã" can send a new code the same way.
   */
  async function issueCode (trx: Transaction<Database>, t: { accountId: string, purpose: CodePurpose, ref: { token: string, hash: string }, newValue?: string, minutes: number }, message: CodeMessage): Promise<void> {
    const code = newCode()
    await trx.insertInto('accountTokens').values({
      accountId: t.accountId, purpose: t.purpose, tokenHash: hashSecret(`${t.ref.token}:${code}`), refHash: t.ref.hash, newValue: t.newValue ?? null,
      expiresAt: new Date(Date.now() + t.minutes * 60_000), resend: JSON.stringify(message)
    }).execute()
    await notifications.enqueue(trx, withCode(message, code))
  }

  /** A new session for the account (a new id at every sign-in), with its audit row. Returns the cookie's token. */
  async function openSession (trx: Transaction<Database>, accountId: string, how: { userAgent?: string | undefined, ip: string, method: string }): Promise<string> {
    const secret = newSecret()
    await trx.insertInto('sessions').values({ accountId, tokenHash: secret.hash, userAgent: how.userAgent?.slice(0, 300) ?? null, method: how.method, expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000) }).execute()
    await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: 'account.sign-in', targetType: 'account', targetId: accountId, details: { ip: how.ip, method: how.method } })
    return secret.token
  }

  /**
   * A new password ends what the old one opened: every session (but `keep`, the one changing it) and
   * every outstanding reset link, reset code, sign-in code and contact change.
   */
  async function setPassword (trx: Transaction<Database>, accountId: string, hash: string, action: 'reset' | 'change', keep?: string): Promise<void> {
    await trx.updateTable('accounts').set({ passwordHash: hash }).where('id', '=', accountId).execute()
    await trx.updateTable('sessions').set({ revokedAt: new Date() }).where('accountId', '=', accountId).where('revokedAt', 'is', null)
      .$if(keep !== undefined, qb => qb.where('tokenHash', '!=', hashSecret(keep!))).execute()
    await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('accountId', '=', accountId).where('usedAt', 'is', null)
      .where('purpose', 'in', ['reset-email', 'reset-phone', 'sign-in', 'change-email', 'change-phone']).execute()
    await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: `account.password.${action}`, targetType: 'account', targetId: accountId })
  }

  /** The same notice to the account's e-mail and phone, as they are before a change. */
  async function tellOwner (trx: Transaction<Database>, to: { email: string | null, phone: string | null }, template: string, subject: string, body: string, sms: string): Promise<void> {
    if (to.email) await notifications.enqueue(trx, { channel: 'email', recipient: to.email, template, subject, body })
    if (to.phone) await notifications.enqueue(trx, { channel: 'sms', recipient: to.phone, template, subject: '', body: sms })
  }

  return {
    openSession,

    /**
     * Registers an account, to be confirmed by e-mail (a link) or, without e-mail, by SMS (a code).
     * Never reveals whether the ID number or tax code is taken: the answer is the same, and the owner
     * of the existing account is told someone tried. Throws VALIDATION with the fields to correct.
     */
    async register (kind: AccountKind, form: RegistrationForm, requestId?: string, ip = 'unknown'): Promise<{ channel: 'email' | 'sms', ref?: string }> {
      const data = validate(kind, form)
      // Each registration sends a message (to the person, or a warning to an existing owner): limited
      // per identity document, so nobody floods an owner, and per address, generously (a ward office
      // helps many people from one address).
      const document = data.citizenId ?? data.taxCode ?? `${data.nationality}:${data.passportNumber}`
      await limit('account.register', 'captcha', ip, [{ key: throttleKey('register-id', document), max: 5 }, { key: throttleKey('register-ip', ip), max: 30 }])
      const passwordHash = await hashPassword(form.password!)
      const channel: 'email' | 'sms' = data.email ? 'email' : 'sms'
      const ref = channel === 'sms' ? newSecret() : undefined
      await db.transaction(async (trx) => {
        const existing = await trx.selectFrom('accounts').select(['id', 'email', 'phone'])
          .where(eb => data.citizenId ? eb('citizenId', '=', data.citizenId) : data.taxCode ? eb('taxCode', '=', data.taxCode) : eb.and([eb('passportNumber', '=', data.passportNumber), eb('nationality', '=', data.nationality)]))
          .executeTakeFirst()
        if (existing) {
          const body = 'Có người vừa đăng ký tài khoản trên Cổng Dịch vụ công bằng số giấy tờ của bạn. Nếu đó là bạn, hãy đăng nhập bằng tài khoản đã có hoặc dùng chức năng quên mật khẩu. Nếu không phải bạn, bạn không cần làm gì; tài khoản của bạn vẫn an toàn.'
          if (existing.email) await notifications.enqueue(trx, { channel: 'email', recipient: existing.email, subject: 'Có người thử đăng ký bằng thông tin của bạn', body, template: 'register-duplicate' })
          else if (existing.phone) await notifications.enqueue(trx, { channel: 'sms', recipient: existing.phone, subject: '', body: 'Cong DVC: co nguoi vua thu dang ky tai khoan bang so giay to cua ban. Neu khong phai ban, khong can lam gi.', template: 'register-duplicate' })
          await audit.record(trx, { actor: { type: 'anonymous' }, action: 'account.register.duplicate', targetType: 'account', targetId: existing.id, ...(requestId ? { requestId } : {}) })
          if (ref) await trx.insertInto('accountTokens').values({ accountId: existing.id, purpose: 'confirm-phone', tokenHash: newSecret().hash, refHash: ref.hash, expiresAt: new Date(Date.now() + CONFIRM_PHONE_MINUTES * 60_000) }).execute()
          return
        }
        const account = await trx.insertInto('accounts').values({ kind, ...data, passwordHash, consentAt: new Date() }).returning('id').executeTakeFirstOrThrow()
        if (channel === 'email') {
          const secret = newSecret()
          await trx.insertInto('accountTokens').values({ accountId: account.id, purpose: 'confirm-email', tokenHash: secret.hash, expiresAt: new Date(Date.now() + CONFIRM_EMAIL_HOURS * 3600_000) }).execute()
          await notifications.enqueue(trx, {
            channel: 'email', recipient: data.email!, template: 'confirm-email', subject: 'Xác nhận đăng ký tài khoản sử dụng Cổng Dịch vụ công',
            body: `Chào ${data.fullName},\n\nĐể hoàn tất đăng ký tài khoản, hãy mở liên kết sau trong vòng ${CONFIRM_EMAIL_HOURS} giờ:\n${deps.publicUrl()}/dang-ky/xac-nhan/${secret.token}\n\nLiên kết chỉ dùng được một lần. Nếu bạn không đăng ký, hãy bỏ qua thư này.`
          })
        } else {
          await issueCode(trx, { accountId: account.id, purpose: 'confirm-phone', ref: ref!, minutes: CONFIRM_PHONE_MINUTES },
            { channel: 'sms', recipient: data.phone!, subject: '', template: 'confirm-phone', body: `Ma xac nhan dang ky tai khoan Cong DVC: {code}. Ma co hieu luc ${CONFIRM_PHONE_MINUTES} phut.` })
        }
        await audit.record(trx, { actor: { type: 'anonymous' }, action: 'account.register', targetType: 'account', targetId: account.id, details: { kind, channel }, ...(requestId ? { requestId } : {}) })
      })
      return ref ? { channel, ref: ref.token } : { channel }
    },

    /**
     * An account created already confirmed, by an administrator or the demo profile (not by the
     * public: they confirm their e-mail or phone). Throws VALIDATION as register does, CONFLICT if taken.
     */
    async createConfirmed (actor: Actor, kind: AccountKind, form: RegistrationForm): Promise<string> {
      const data = validate(kind, { ...form, passwordConfirm: form.password, consent: 'yes' })
      const passwordHash = await hashPassword(form.password!)
      return db.transaction(async (trx) => {
        const taken = await trx.selectFrom('accounts').select('id')
          .where(eb => eb.or([eb('citizenId', '=', data.citizenId ?? '-'), eb('taxCode', '=', data.taxCode ?? '-'), eb.and([eb('passportNumber', '=', data.passportNumber ?? '-'), eb('nationality', '=', data.nationality ?? '-')])]))
          .executeTakeFirst()
        if (taken) throw new AppError('CONFLICT', 'Đã có tài khoản với số giấy tờ này.')
        const row = await trx.insertInto('accounts').values({ kind, ...data, passwordHash, consentAt: new Date(), status: 'active', confirmedAt: new Date() }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor, action: 'account.create', targetType: 'account', targetId: row.id, details: { kind } })
        return row.id
      })
    },

    async count (): Promise<number> {
      const r = await db.kysely.selectFrom('accounts').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
      return r.n
    },

    /** Confirms by the e-mailed link. Throws NOT_FOUND when the link is unknown, used or expired. */
    async confirmEmail (token: string): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('accountTokens').select(['id', 'accountId']).where('tokenHash', '=', hashSecret(token))
          .where('purpose', '=', 'confirm-email').where('usedAt', 'is', null).where('expiresAt', '>', new Date()).executeTakeFirst()
        if (!row) throw new AppError('NOT_FOUND', 'confirmation link unknown, used or expired')
        await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('id', '=', row.id).execute()
        await trx.updateTable('accounts').set({ status: 'active', confirmedAt: new Date() }).where('id', '=', row.accountId).where('status', '=', 'pending').execute()
        await audit.record(trx, { actor: { type: 'citizen', id: row.accountId }, action: 'account.confirm.email', targetType: 'account', targetId: row.accountId })
      })
    },

    /** Confirms by the SMS code; a few attempts only. Throws VALIDATION with the message to show. */
    async confirmPhone (ref: string, code: string): Promise<void> {
      await useCode(ref, code, 'confirm-phone', async (trx, accountId) => {
        await trx.updateTable('accounts').set({ status: 'active', confirmedAt: new Date() }).where('id', '=', accountId).where('status', '=', 'pending').execute()
        await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: 'account.confirm.phone', targetType: 'account', targetId: accountId })
      })
    },

    /**
     * Starts a password reset for a user name: a link by e-mail, or a code by SMS when the account has
     * no e-mail. The answer (a reference for the code form) is the same whether or not the account exists.
     */
    async startReset (username: string, ip = 'unknown'): Promise<{ ref: string }> {
      // Limited per user name (existing or not, so the answer tells nothing) and per address.
      const account = (await findByUsername(username)).find(a => a.status === 'active')
      // Keyed on the account the name designates (any spelling of it), else on the name's one spelling.
      await limit('account.reset', 'username', ip, [{ key: throttleKey('reset-user', account ? `account:${account.id}` : canonicalUsername(username)), max: 5 }, { key: throttleKey('reset-ip', ip), max: 30 }])
      const ref = newSecret()
      await db.transaction(async (trx) => {
        if (!account) return
        const expiresAt = new Date(Date.now() + RESET_MINUTES * 60_000)
        if (account.email) {
          const secret = newSecret()
          await trx.insertInto('accountTokens').values({ accountId: account.id, purpose: 'reset-email', tokenHash: secret.hash, expiresAt }).execute()
          await notifications.enqueue(trx, {
            channel: 'email', recipient: account.email, template: 'reset-email', subject: 'Đặt lại mật khẩu tài khoản Cổng Dịch vụ công',
            body: `Có yêu cầu đặt lại mật khẩu cho tài khoản của bạn. Mở liên kết sau trong vòng ${RESET_MINUTES} phút để đặt mật khẩu mới:\n${deps.publicUrl()}/dat-lai-mat-khau/${secret.token}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.`
          })
        } else if (account.phone) {
          await issueCode(trx, { accountId: account.id, purpose: 'reset-phone', ref, minutes: RESET_MINUTES },
            { channel: 'sms', recipient: account.phone, subject: '', template: 'reset-phone', body: `Ma dat lai mat khau Cong DVC: {code}. Hieu luc ${RESET_MINUTES} phut. Khong chia se ma nay.` })
        }
        await audit.record(trx, { actor: { type: 'anonymous' }, action: 'account.reset.start', targetType: 'account', targetId: account.id })
      })
      return { ref: ref.token }
    },

    /** Whether a reset link is still usable (the page shows the form only then). */
    async resetLinkValid (token: string): Promise<boolean> {
      const row = await db.kysely.selectFrom('accountTokens').select('id').where('tokenHash', '=', hashSecret(token)).where('purpose', '=', 'reset-email')
        .where('usedAt', 'is', null).where('expiresAt', '>', new Date()).executeTakeFirst()
      return row !== undefined
    },

    /** Sets a new password by the e-mailed link; ends every session. Throws VALIDATION or NOT_FOUND. */
    async resetByLink (token: string, password: string, confirm: string): Promise<void> {
      checkNewPassword(password, confirm)
      const hash = await hashPassword(password)
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('accountTokens').select(['id', 'accountId']).where('tokenHash', '=', hashSecret(token)).where('purpose', '=', 'reset-email')
          .where('usedAt', 'is', null).where('expiresAt', '>', new Date()).forUpdate().executeTakeFirst()
        if (!row) throw new AppError('NOT_FOUND', 'reset link unknown, used or expired')
        await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('id', '=', row.id).execute()
        await setPassword(trx, row.accountId, hash, 'reset')
      })
    },

    /** Sets a new password with the SMS code; ends every session. Throws VALIDATION. */
    async resetByCode (ref: string, code: string, password: string, confirm: string): Promise<void> {
      checkNewPassword(password, confirm)
      const hash = await hashPassword(password)
      await useCode(ref, code, 'reset-phone', (trx, accountId) => setPassword(trx, accountId, hash, 'reset'))
    },

    /**
     * Signs in with an ID number, tax code, phone or e-mail and the password. Throws VALIDATION with
     * one message that does not tell which part was wrong.
     */
    async signIn (username: string, password: string, userAgent?: string, ip = 'unknown'): Promise<{ token: string, account: SignedIn } | { ref: string, channel: 'email' | 'sms' }> {
      const candidates = await findByUsername(username)
      const match = await guard({ accounts: candidates.map(c => c.id), name: canonicalUsername(username) }, ip, async () => {
        for (const c of candidates) if (await verifyPassword(password, c.passwordHash)) return { ok: true as const, value: c }
        if (candidates.length === 0) await hashPassword(password) // the same work either way: timing tells nothing
        return { ok: false as const, details: candidates[0] ? { account: candidates[0].id } : {} }
      })
      if (match.status === 'pending') throw new AppError('VALIDATION', 'not confirmed', [{ field: 'username', message: 'Tài khoản chưa được xác nhận. Hãy mở liên kết trong thư điện tử hoặc nhập mã đã gửi qua tin nhắn.' }])
      if (match.status !== 'active') throw new AppError('VALIDATION', 'disabled', [{ field: 'username', message: 'Tài khoản đã bị khóa. Hãy liên hệ đường dây nóng.' }])
      if (deps.signInCode && (match.email || match.phone)) {
        // The second factor: a code to the account's e-mail (or phone), used with the browser's reference.
        const ref = newSecret()
        const channel: 'email' | 'sms' = match.email ? 'email' : 'sms'
        await db.transaction(trx => issueCode(trx, { accountId: match.id, purpose: 'sign-in', ref, minutes: SIGN_IN_CODE_MINUTES }, channel === 'email'
          ? { channel, recipient: match.email!, template: 'sign-in-code', subject: 'Mã đăng nhập: {code}', body: `Mã đăng nhập Cổng Dịch vụ công của bạn là {code}. Mã có hiệu lực ${SIGN_IN_CODE_MINUTES} phút. Không chia sẻ mã này với ai, kể cả người tự xưng là cán bộ.` }
          : { channel, recipient: match.phone!, template: 'sign-in-code', subject: '', body: `Ma dang nhap Cong DVC: {code}. Hieu luc ${SIGN_IN_CODE_MINUTES} phut. Khong chia se ma nay.` }))
        return { ref: ref.token, channel }
      }
      const token = await db.transaction(trx => openSession(trx, match.id, { userAgent, ip, method: 'password' }))
      return { token, account: { id: match.id, kind: match.kind, fullName: match.fullName } }
    },

    /**
     * "Gửi lại mã": a new code for the browser's pending one (the old one stops working), sent the same
     * way, at most MAX_RESENDS times and RESEND_AFTER_SECONDS apart. A decoy reference (a registration
     * with someone else's ID) answers the same and sends nothing. Throws VALIDATION (field `code`).
     */
    async resendCode (ref: string, purpose: CodePurpose): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('accountTokens').select(['id', 'usedAt', 'expiresAt', 'sentAt', 'resends', 'resend'])
          .where('refHash', '=', hashSecret(ref)).where('purpose', '=', purpose).forUpdate().executeTakeFirst()
        checkResend(row)
        const code = newCode()
        await trx.updateTable('accountTokens').set({ tokenHash: hashSecret(`${ref}:${code}`), attempts: 0, sentAt: new Date(), resends: row!.resends + 1, expiresAt: renewedExpiry(row!) }).where('id', '=', row!.id).execute()
        if (row!.resend) await notifications.enqueue(trx, withCode(row!.resend, code))
      })
    },

    /** The one-time code after the password (SIGN_IN_CODE): 5 minutes, 5 attempts. Returns the session token. Throws VALIDATION. */
    async finishSignIn (ref: string, code: string, userAgent?: string, ip = 'unknown'): Promise<string> {
      let token = ''
      await useCode(ref, code, 'sign-in', async (trx, accountId) => { token = await openSession(trx, accountId, { userAgent, ip, method: 'password+code' }) })
      return token
    },

    /** The citizen's own record, for the personal page and the download of their data. */
    async profile (accountId: string) {
      const account = await db.kysely.selectFrom('accounts')
        .select(['id', 'kind', 'fullName', 'citizenId', 'passportNumber', 'nationality', 'taxCode', 'representative', 'dateOfBirth', 'phone', 'email', 'address', 'assurance', 'status', 'consentAt', 'createdAt', 'confirmedAt'])
        .where('id', '=', accountId).executeTakeFirstOrThrow()
      const requests = await db.kysely.selectFrom('privacyRequests').select(['id', 'kind', 'details', 'status', 'createdAt', 'dueAt', 'answeredAt', 'answer'])
        .where('accountId', '=', accountId).orderBy('id', 'desc').execute()
      return { account, requests }
    },

    /**
     * Edits the contact details. The address is saved at once. A new e-mail or phone is where password
     * resets and codes go, so changing either needs the current password (or, for an account that signs in
     * only through the national e-identity, such a sign-in in the last 15 minutes), takes effect only when
     * the new address confirms it (a link by e-mail, a code by SMS), and the old e-mail and phone are told.
     * Throws VALIDATION with every field to correct.
     */
    async updateProfile (accountId: string, sessionToken: string, form: { phone?: string, email?: string, address?: string, contactPassword?: string }, ip = 'unknown'): Promise<ContactChange> {
      const errors: FieldError[] = []
      const phone = normalizeMobile(form.phone ?? '')
      if (!phone) errors.push({ field: 'phone', message: 'Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09' })
      const email = (form.email ?? '').trim().toLowerCase()
      if (email && !EMAIL.test(email)) errors.push({ field: 'email', message: 'Địa chỉ thư điện tử không đúng, ví dụ ten@example.vn' })
      const address = (form.address ?? '').trim()
      if (!address) errors.push({ field: 'address', message: 'Nhập địa chỉ' })
      const account = await db.kysely.selectFrom('accounts').select(['email', 'phone', 'passwordHash', 'fullName']).where('id', '=', accountId).executeTakeFirstOrThrow()
      const emailChange = email !== (account.email ?? '')
      const phoneChange = phone !== null && phone !== account.phone
      if ((emailChange || phoneChange) && account.passwordHash === NO_PASSWORD) {
        const session = await db.kysely.selectFrom('sessions').select(['method', 'createdAt']).where('tokenHash', '=', hashSecret(sessionToken)).executeTakeFirst()
        if (session?.method !== 'national-identity' || session.createdAt.getTime() < Date.now() - FRESH_SIGN_IN_MINUTES * 60_000) {
          errors.push({ field: 'contactPassword', message: `Để đổi thư điện tử hoặc số điện thoại, hãy đăng xuất, đăng nhập lại bằng VNeID rồi đổi trong vòng ${FRESH_SIGN_IN_MINUTES} phút.` })
        }
      } else if ((emailChange || phoneChange) && !form.contactPassword) {
        errors.push({ field: 'contactPassword', message: 'Nhập mật khẩu hiện tại để đổi thư điện tử hoặc số điện thoại' })
      }
      if (errors.length > 0) throw new AppError('VALIDATION', 'profile is invalid', errors)
      if ((emailChange || phoneChange) && account.passwordHash !== NO_PASSWORD) {
        // The password is checked behind the sign-in lock-out: a borrowed session cannot guess it.
        try {
          await guard({ accounts: [accountId], name: '' }, ip, async () => (await verifyPassword(form.contactPassword!, account.passwordHash)) ? { ok: true as const, value: true } : { ok: false as const, details: { account: accountId, during: 'contact-change' } })
        } catch (err) {
          if (err instanceof AppError && err.fields) throw new AppError('VALIDATION', 'wrong password', [{ field: 'contactPassword', message: err.detail === 'locked' ? err.fields[0]!.message : 'Mật khẩu hiện tại không đúng' }])
          throw err
        }
      }
      const result: ContactChange = {}
      await db.transaction(async (trx) => {
        await trx.updateTable('accounts').set({ address }).where('id', '=', accountId).execute()
        const old = { email: account.email, phone: account.phone }
        if (emailChange && !email) {
          await trx.updateTable('accounts').set({ email: null }).where('id', '=', accountId).execute()
          await tellOwner(trx, { email: account.email, phone: null }, 'contact-email-removed', 'Thư điện tử đã được gỡ khỏi tài khoản Cổng Dịch vụ công',
            'Thư điện tử này vừa được gỡ khỏi tài khoản của bạn trên Cổng Dịch vụ công. Nếu không phải bạn, hãy đổi mật khẩu ngay và gọi đường dây nóng.', '')
          result.email = 'removed'
        } else if (emailChange) {
          const secret = newSecret()
          await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('accountId', '=', accountId).where('purpose', '=', 'change-email').where('usedAt', 'is', null).execute()
          await trx.insertInto('accountTokens').values({ accountId, purpose: 'change-email', tokenHash: secret.hash, newValue: email, expiresAt: new Date(Date.now() + CHANGE_EMAIL_HOURS * 3600_000) }).execute()
          await notifications.enqueue(trx, {
            channel: 'email', recipient: email, template: 'change-email', subject: 'Xác nhận thư điện tử mới cho tài khoản Cổng Dịch vụ công',
            body: `Chào ${account.fullName},\n\nĐể dùng địa chỉ này cho tài khoản của bạn trên Cổng Dịch vụ công, hãy mở liên kết sau trong vòng ${CHANGE_EMAIL_HOURS} giờ:\n${deps.publicUrl()}/ca-nhan/xac-nhan-thu/${secret.token}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này; tài khoản giữ địa chỉ cũ.`
          })
          await tellOwner(trx, old, 'contact-change-notice', 'Có yêu cầu đổi thư điện tử của tài khoản',
            `Có yêu cầu đổi thư điện tử của tài khoản Cổng Dịch vụ công của bạn sang ${maskContact(email)}. Địa chỉ mới chỉ có hiệu lực khi được xác nhận. Nếu không phải bạn, hãy đổi mật khẩu ngay và gọi đường dây nóng.`,
            `Cong DVC: co yeu cau doi thu dien tu tai khoan sang ${maskContact(email)}. Neu khong phai ban, hay doi mat khau ngay.`)
          result.email = 'pending'
        }
        if (phoneChange) {
          const ref = newSecret()
          await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('accountId', '=', accountId).where('purpose', '=', 'change-phone').where('usedAt', 'is', null).execute()
          await issueCode(trx, { accountId, purpose: 'change-phone', ref, newValue: phone, minutes: CHANGE_PHONE_MINUTES },
            { channel: 'sms', recipient: phone, subject: '', template: 'change-phone', body: `Ma xac nhan so dien thoai moi cho tai khoan Cong DVC: {code}. Hieu luc ${CHANGE_PHONE_MINUTES} phut. Khong chia se ma nay.` })
          await tellOwner(trx, old, 'contact-change-notice', 'Có yêu cầu đổi số điện thoại của tài khoản',
            `Có yêu cầu đổi số điện thoại của tài khoản Cổng Dịch vụ công của bạn sang ${maskContact(phone)}. Số mới chỉ có hiệu lực khi được xác nhận bằng mã gửi tới số đó. Nếu không phải bạn, hãy đổi mật khẩu ngay và gọi đường dây nóng.`,
            `Cong DVC: co yeu cau doi so dien thoai tai khoan sang ${maskContact(phone)}. Neu khong phai ban, hay doi mat khau ngay.`)
          result.phoneRef = ref.token
        }
        await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: 'account.profile.update', targetType: 'account', targetId: accountId, details: { email: result.email ?? 'same', phone: phoneChange ? 'pending' : 'same' } })
      })
      return result
    },

    /** The new e-mail confirmed by the link sent to it. Throws NOT_FOUND when the link is unknown, used or expired. */
    async confirmEmailChange (token: string): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('accountTokens').select(['id', 'accountId', 'newValue']).where('tokenHash', '=', hashSecret(token)).where('purpose', '=', 'change-email')
          .where('usedAt', 'is', null).where('expiresAt', '>', new Date()).forUpdate().executeTakeFirst()
        if (!row?.newValue) throw new AppError('NOT_FOUND', 'e-mail change link unknown, used or expired')
        await trx.updateTable('accountTokens').set({ usedAt: new Date() }).where('id', '=', row.id).execute()
        await trx.updateTable('accounts').set({ email: row.newValue }).where('id', '=', row.accountId).execute()
        await audit.record(trx, { actor: { type: 'citizen', id: row.accountId }, action: 'account.contact.email', targetType: 'account', targetId: row.accountId })
      })
    },

    /** The new phone confirmed by the code sent to it; a few attempts only. Throws VALIDATION. */
    async confirmPhoneChange (ref: string, code: string): Promise<void> {
      await useCode(ref, code, 'change-phone', async (trx, accountId, phone) => {
        await trx.updateTable('accounts').set({ phone }).where('id', '=', accountId).execute()
        await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: 'account.contact.phone', targetType: 'account', targetId: accountId })
      })
    },

    /** Changes the password with the current one; other sessions end. Throws VALIDATION. */
    async changePassword (accountId: string, sessionToken: string, current: string, password: string, confirm: string): Promise<void> {
      const row = await db.kysely.selectFrom('accounts').select('passwordHash').where('id', '=', accountId).executeTakeFirstOrThrow()
      if (!(await verifyPassword(current, row.passwordHash))) throw new AppError('VALIDATION', 'wrong password', [{ field: 'current', message: 'Mật khẩu hiện tại không đúng' }])
      checkNewPassword(password, confirm)
      const hash = await hashPassword(password)
      await db.transaction(trx => setPassword(trx, accountId, hash, 'change', sessionToken))
    },

    /** A request to correct or delete personal data, due within 72 hours. Throws VALIDATION. */
    async requestPrivacy (accountId: string, kind: string, details: string): Promise<void> {
      if (kind !== 'correction' && kind !== 'deletion') throw new AppError('VALIDATION', 'kind', [{ field: 'kind', message: 'Chọn loại yêu cầu' }])
      if (details.trim().length < 5) throw new AppError('VALIDATION', 'details', [{ field: 'details', message: 'Mô tả dữ liệu cần sửa hoặc xóa' }])
      await db.transaction(async (trx) => {
        const row = await trx.insertInto('privacyRequests').values({ accountId, kind, details: details.trim().slice(0, 2000), dueAt: new Date(Date.now() + PRIVACY_HOURS * 3600_000) }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor: { type: 'citizen', id: accountId }, action: `account.privacy.${kind}`, targetType: 'privacy-request', targetId: String(row.id) })
      })
    },

    /** The administrators' queue: open requests, the most urgent first. */
    async openPrivacyRequests () {
      return db.kysely.selectFrom('privacyRequests as r').innerJoin('accounts as a', 'a.id', 'r.accountId')
        .select(['r.id', 'r.kind', 'r.details', 'r.createdAt', 'r.dueAt', 'a.fullName']).where('r.status', '=', 'open').orderBy('r.dueAt').execute()
    },

    /** The account of a session cookie, if the session is live (not revoked, expired or idle too long). */
    async sessionAccount (token: string): Promise<SignedIn | undefined> {
      const idleSince = new Date(Date.now() - deps.idleMinutes * 60_000)
      const row = await db.kysely.selectFrom('sessions as s').innerJoin('accounts as a', 'a.id', 's.accountId')
        .select(['s.id as sessionId', 's.lastSeenAt', 'a.id', 'a.kind', 'a.fullName'])
        .select(eb => eb.selectFrom('accountNotices as n').select(sql<number>`count(*)::int`.as('n')).whereRef('n.accountId', '=', 'a.id').where('n.readAt', 'is', null).as('unread'))
        .where('s.tokenHash', '=', hashSecret(token)).where('s.revokedAt', 'is', null).where('s.expiresAt', '>', new Date())
        .where('s.lastSeenAt', '>', idleSince).where('a.status', '=', 'active').executeTakeFirst()
      if (!row) return undefined
      // Activity is recorded at most once a minute, not on every request.
      if (Date.now() - row.lastSeenAt.getTime() > 60_000) await db.kysely.updateTable('sessions').set({ lastSeenAt: new Date() }).where('id', '=', row.sessionId).execute()
      return { id: row.id, kind: row.kind, fullName: row.fullName, unread: Number(row.unread ?? 0) }
    },

    async signOut (token: string): Promise<void> {
      await db.kysely.updateTable('sessions').set({ revokedAt: new Date() }).where('tokenHash', '=', hashSecret(token)).where('revokedAt', 'is', null).execute()
    },

    /** Ends every session of the account (all browsers and devices). */
    async signOutEverywhere (actor: Actor & { id: string }): Promise<number> {
      return db.transaction(async (trx) => {
        const r = await trx.updateTable('sessions').set({ revokedAt: new Date() }).where('accountId', '=', actor.id).where('revokedAt', 'is', null).executeTakeFirst()
        await audit.record(trx, { actor, action: 'account.sign-out-everywhere', targetType: 'account', targetId: actor.id })
        return Number(r.numUpdatedRows)
      })
    }
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
