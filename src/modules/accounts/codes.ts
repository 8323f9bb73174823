import { AppError } from '../../platform/http/errors.js'
import type { NewMessage } from '../notifications/notifications.repository.js'
import { formatInstant } from '../../platform/vn-time.js'

/** A one-time code may be sent again this long after the last one, at most MAX_RESENDS times. */
export const RESEND_AFTER_SECONDS = 60
export const MAX_RESENDS = 3

/** The message that carries a code, kept with it (`{code}` where the code goes) so it can be sent again. */
export type CodeMessage = NewMessage

export const withCode = (m: CodeMessage, code: string): CodeMessage =>
  ({ ...m, subject: m.subject.replaceAll('{code}', code), body: m.body.replaceAll('{code}', code) })

/**
 * Whether a pending code may be sent again now: refused (VALIDATION next to the code field) when it is
 * used or expired, sent less than RESEND_AFTER_SECONDS ago, or already sent again MAX_RESENDS times.
 */
export function checkResend (row: { usedAt: Date | null, expiresAt: Date, sentAt: Date, resends: number } | undefined, now = new Date(), restart = 'Hãy làm lại từ đầu để nhận mã mới.'): void {
  const refuse = (message: string) => { throw new AppError('VALIDATION', 'resend refused', [{ field: 'code', message }]) }
  if (!row || row.usedAt || row.expiresAt.getTime() < now.getTime()) refuse(`Mã đã hết hạn hoặc đã dùng. ${restart}`)
  if (row!.resends >= MAX_RESENDS) refuse(`Đã gửi lại mã ${MAX_RESENDS} lần. ${restart}`)
  const wait = Math.ceil((row!.sentAt.getTime() + RESEND_AFTER_SECONDS * 1000 - now.getTime()) / 1000)
  if (wait > 0) refuse(`Mã vừa được gửi lúc ${formatInstant(row!.sentAt).slice(0, 5)}. Hãy chờ ${wait} giây nữa rồi yêu cầu gửi lại; tin nhắn có thể đến chậm vài phút.`)
}

/** How long a resent code lives: as long as the first one did. */
export const renewedExpiry = (row: { expiresAt: Date, sentAt: Date }, now = new Date()) => new Date(now.getTime() + Math.max(60_000, row.expiresAt.getTime() - row.sentAt.getTime()))
