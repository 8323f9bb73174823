import { AppError } from '../../../platform/http/errors.js'
import { throttleKey } from '../../../platform/throttle.js'
import { checkNewPassword } from '../identity.js'
import { canonicalUsername } from '../lockout.js'
import { hashPassword, hashSecret, newSecret } from '../passwords.js'
import { RESET_MINUTES } from '../accounts.model.js'
import type { AccountsContext } from '../accounts.context.js'

/** A forgotten password: by a link (e-mail) or a code (SMS). */
export function resetUseCases (ctx: AccountsContext) {
  const { db, audit, notifications, deps, limit, findByUsername, useCode, issueCode, setPassword } = ctx
  return {
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
    }
  }
}
