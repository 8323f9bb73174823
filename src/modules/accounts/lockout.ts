import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import { createThrottle, throttleKey } from '../../platform/throttle.js'
import { countSignInFailure } from '../../platform/metrics.js'
import type { AuditService } from '../audit/audit.service.js'
import { formatInstant } from '../../platform/vn-time.js'
import { normalizeMobile } from './identity.js'

/** The one answer to a wrong user name or password, whichever it was. */
export const wrongCredentials = () => new AppError('VALIDATION', 'sign-in failed', [{ field: 'username', message: 'Tên đăng nhập hoặc mật khẩu không đúng' }])

const lockedError = (until: Date) => new AppError('VALIDATION', 'locked', [{ field: 'username', message: `Đăng nhập tạm khóa do nhập sai nhiều lần. Hãy thử lại sau ${formatInstant(until)}.` }])

/** Failures in a row that lock an account (whatever spelling of its name was typed) and a client address. */
export const ACCOUNT_FAILURES = 5
export const ADDRESS_FAILURES = 50

/**
 * One spelling for every way of typing the same user name, as the account lookup reads it: a mobile
 * number in any notation (0868.000.003, (0868)000003, +84868000003) becomes 0868000003; an ID number or
 * tax code loses its spaces; an e-mail or a staff user name is lower-cased.
 */
export function canonicalUsername (typed: string): string {
  const u = typed.normalize('NFC').trim()
  const phone = normalizeMobile(u)
  if (phone) return phone
  const compact = u.replace(/\s/g, '')
  return /^[\d-]+$/.test(compact) ? compact : compact.toLowerCase()
}

/** Who a sign-in names: the accounts the user name resolves to (by id), and the name in its one spelling. */
export interface SignInSubject { accounts: string[], name: string }

/**
 * Password sign-in behind a progressive lock-out (docs/decisions/0009): 5 failures in a row lock the
 * accounts the typed name resolves to — whichever of their identifiers, in whatever notation, was typed
 * (the name itself when it resolves to none) — and 50 lock the client address. A success clears its
 * accounts' failures and, from the address's count, only the failures this address made against them:
 * one account's success never forgives guesses at another. Every failure and lock leaves an audit row.
 * `scope` names the counters ('signin' for citizens, 'staff' for officials) and the audit actions.
 */
export function createSignInGuard (deps: { db: Db, audit: AuditService, scope: string, action: string }) {
  const throttle = createThrottle(deps.db)
  return async function guard<T> (subject: SignInSubject, ip: string, attempt: () => Promise<{ ok: true, value: T } | { ok: false, details?: Record<string, unknown> }>): Promise<T> {
    const named = subject.accounts.length > 0
      ? subject.accounts.map(id => throttleKey(`${deps.scope}-account`, id))
      : [throttleKey(`${deps.scope}-user`, subject.name)]
    const address = throttleKey(`${deps.scope}-ip`, ip)
    // What this address has got wrong against these names: forgiven from its count when one of them signs in.
    const pairs = named.map(key => ({ key: throttleKey(`${deps.scope}-ip-name`, `${ip}|${key}`), max: Number.MAX_SAFE_INTEGER }))
    const keys = [...named.map(key => ({ key, max: ACCOUNT_FAILURES })), { key: address, max: ADDRESS_FAILURES }]
    const locked = await throttle.lockedUntil(keys)
    if (locked) throw lockedError(locked)
    const result = await attempt()
    if (!result.ok) {
      const lock = await throttle.fail([...keys, ...pairs])
      countSignInFailure(deps.scope, lock !== undefined)
      await deps.db.transaction(trx => deps.audit.record(trx, { actor: { type: 'anonymous' }, action: `${deps.action}.${lock ? 'locked' : 'failed'}`, details: { ip, ...result.details } }))
      throw lock ? lockedError(lock) : wrongCredentials()
    }
    await throttle.succeed(named.map(key => ({ key, max: ACCOUNT_FAILURES })))
    for (const pair of pairs) await throttle.forgive(address, pair.key)
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
