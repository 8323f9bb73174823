import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import type { Actor } from '../../audit/audit.service.js'
import { canonicalUsername } from '../lockout.js'
import { hashPassword, hashSecret, newCode, newSecret, verifyPassword } from '../passwords.js'
import { checkResend, renewedExpiry, withCode } from '../codes.js'
import { type CodePurpose, type SignedIn, SIGN_IN_CODE_MINUTES } from '../accounts.model.js'
import type { AccountsContext } from '../accounts.context.js'

/** Signing in (with a one-time code when asked), sessions and signing out. */
export function signInUseCases (ctx: AccountsContext) {
  const { db, audit, notifications, deps, guard, findByUsername, useCode, issueCode, openSession } = ctx
  return {
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
