import { sql, type Transaction } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import type { Database } from '../../platform/db/database.js'
import { AppError } from '../../platform/http/errors.js'
import type { AuditService } from '../audit/audit.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import { normalizeMobile } from './identity.js'
import { createRateLimit, createSignInGuard } from './lockout.js'
import { hashSecret, newCode, newSecret } from './passwords.js'
import { withCode, type CodeMessage } from './codes.js'
import { type CodePurpose, CODE_ATTEMPTS, SESSION_HOURS } from './accounts.model.js'

/** The dependencies of the citizens' accounts. */
export type AccountsDeps = { db: Db, audit: AuditService, notifications: NotificationsService, publicUrl: () => string, idleMinutes: number, signInCode?: boolean }

/**
 * What the use cases of the citizens' accounts share: their dependencies and helpers. Built once per service.
 */
export function createAccountsContext (deps: AccountsDeps) {
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
    deps, db, audit, notifications,
    guard, limit, findByUsername, useCode, issueCode, openSession, setPassword, tellOwner
  }
}

export type AccountsContext = ReturnType<typeof createAccountsContext>
