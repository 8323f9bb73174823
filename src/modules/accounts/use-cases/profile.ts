import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { checkNewPassword, normalizeMobile } from '../identity.js'
import { hashPassword, hashSecret, newSecret, NO_PASSWORD, verifyPassword } from '../passwords.js'
import { EMAIL } from '../registration-form.js'
import { CHANGE_EMAIL_HOURS, CHANGE_PHONE_MINUTES, FRESH_SIGN_IN_MINUTES, maskContact, type ContactChange, PRIVACY_HOURS } from '../accounts.model.js'
import type { AccountsContext } from '../accounts.context.js'

/** The account's own page: contacts, password, privacy requests. */
export function profileUseCases (ctx: AccountsContext) {
  const { db, audit, notifications, deps, guard, useCode, issueCode, setPassword, tellOwner } = ctx
  return {
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
    }
  }
}
