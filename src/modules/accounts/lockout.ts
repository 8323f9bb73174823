import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import { createThrottle, throttleKey } from '../../platform/throttle.js'
import type { AuditService } from '../audit/audit.service.js'
import { formatInstant } from '../calendar/due.js'

/** The one answer to a wrong user name or password, whichever it was. */
export const wrongCredentials = () => new AppError('VALIDATION', 'sign-in failed', [{ field: 'username', message: 'Tên đăng nhập hoặc mật khẩu không đúng' }])

const lockedError = (until: Date) => new AppError('VALIDATION', 'locked', [{ field: 'username', message: `Đăng nhập tạm khóa do nhập sai nhiều lần. Hãy thử lại sau ${formatInstant(until)}.` }])

/**
 * Password sign-in behind a progressive lock-out per user name (5 failures) and per client address
 * (50), whether or not the account exists, with an audit row for each failure and lock.
 * `scope` names the counters ('signin' for citizens, 'staff' for officials) and the audit actions.
 */
export function createSignInGuard (deps: { db: Db, audit: AuditService, scope: string, action: string }) {
  const throttle = createThrottle(deps.db)
  return async function guard<T> (username: string, ip: string, attempt: () => Promise<{ ok: true, value: T } | { ok: false, details?: Record<string, unknown> }>): Promise<T> {
    const keys = [{ key: throttleKey(`${deps.scope}-user`, username), max: 5 }, { key: throttleKey(`${deps.scope}-ip`, ip), max: 50 }]
    const locked = await throttle.lockedUntil(keys)
    if (locked) throw lockedError(locked)
    const result = await attempt()
    if (!result.ok) {
      const lock = await throttle.fail(keys)
      await deps.db.transaction(trx => deps.audit.record(trx, { actor: { type: 'anonymous' }, action: `${deps.action}.${lock ? 'locked' : 'failed'}`, details: { ip, ...result.details } }))
      throw lock ? lockedError(lock) : wrongCredentials()
    }
    await throttle.succeed(keys)
    return result.value
  }
}

/**
 * A rate limit on a request that sends a message (a registration, a password reset): refused with the
 * time to try again and an audit row once `max` requests in a row reach a key.
 */
export function createRateLimit (deps: { db: Db, audit: AuditService }) {
  const throttle = createThrottle(deps.db)
  return async function limit (action: string, field: string, ip: string, keys: Array<{ key: string, max: number }>): Promise<void> {
    const until = await throttle.admit(keys)
    if (!until) return
    await deps.db.transaction(trx => deps.audit.record(trx, { actor: { type: 'anonymous' }, action: `${action}.rate-limited`, details: { ip, until: until.toISOString() } }))
    throw new AppError('VALIDATION', 'rate limited', [{ field, message: `Bạn đã gửi yêu cầu này quá nhiều lần. Hãy thử lại sau ${formatInstant(until)}.` }])
  }
}
