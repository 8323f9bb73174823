import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import type { Actor } from '../../audit/audit.service.js'
import { throttleKey } from '../../../platform/throttle.js'
import { hashPassword, hashSecret, newSecret } from '../passwords.js'
import { validateRegistration as validate, type AccountKind, type RegistrationForm } from '../registration-form.js'
import { CONFIRM_EMAIL_HOURS, CONFIRM_PHONE_MINUTES } from '../accounts.model.js'
import type { AccountsContext } from '../accounts.context.js'

/** Registering an account and confirming its e-mail or phone. */
export function registrationUseCases (ctx: AccountsContext) {
  const { db, audit, notifications, deps, limit, useCode, issueCode } = ctx
  return {
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
    }
  }
}
