import nodemailer from 'nodemailer'
import type { Config } from '../../config.js'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { Write } from '../../platform/db/write-together.js'
import type { NewMessage, NotificationsRepository } from './notifications.repository.js'

export const SEND_JOB = 'notifications.send'
const SEND_ATTEMPTS = 8

/** Refuses a message whose recipient is not an address of its channel. */
function check (message: NewMessage): void {
  if (message.channel === 'email' && !EMAIL.test(message.recipient)) {
    throw new AppError('VALIDATION', 'invalid e-mail address', [{ field: 'email', message: 'Địa chỉ thư điện tử không hợp lệ' }])
  }
  if (message.channel === 'sms' && !/^\+?\d{9,15}$/.test(message.recipient)) {
    throw new AppError('VALIDATION', 'invalid phone number', [{ field: 'phone', message: 'Số điện thoại không hợp lệ' }])
  }
}
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/**
 * E-mail (and SMS) to people. A message is a row written in the caller's transaction together with
 * the job that delivers it: SMTP when SMTP_URL is set, and in the demo profile the development outbox.
 */
export function createNotificationsService (deps: { db: Db, repo: NotificationsRepository, jobs: JobQueue, config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DEMO' | 'SMS_WEBHOOK_URL' | 'DEV_OUTBOX'> }) {
  const { db, repo, jobs, config } = deps
  const smtp = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined
  const outbox = config.DEMO || config.DEV_OUTBOX

  // A message's identity outside: the e-mail's Message-ID, the SMS request's Idempotency-Key.
  const domain = /@([^>\s]+)>?\s*$/.exec(config.MAIL_FROM)?.[1] ?? 'localhost'
  const messageIdOf = (m: { id: number, createdAt: Date }) => `<mc-${m.id}-${m.createdAt.getTime()}@${domain}>`

  /** The SMS adapter: a POST of JSON {to, text} to the configured gateway, with the message's Idempotency-Key; any 2xx is accepted. */
  async function sendSms (to: string, text: string, key: string): Promise<string> {
    const res = await fetch(config.SMS_WEBHOOK_URL!, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ to, text }), signal: AbortSignal.timeout(15_000)
    })
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`)
    const body = await res.text()
    return body.slice(0, 200)
  }

  jobs.register<{ messageId: number }>(SEND_JOB, async (job, { log }) => {
    const message = await repo.findMessage(db.kysely, job.payload.messageId)
    if (!message) { log.warn({ messageId: job.payload.messageId }, 'message to send no longer exists'); return }
    if (message.state === 'sent' || message.state === 'captured') return // delivered by an earlier run
    try {
      if (message.channel === 'email' && smtp) {
        // One Message-ID per message, the same on every attempt: a copy sent again after a crash between
        // the server's acceptance and our record of it is recognisably the same e-mail.
        const info = await smtp.sendMail({ from: config.MAIL_FROM, to: message.recipient, subject: message.subject, text: message.body, messageId: messageIdOf(message) })
        await repo.markDelivered(db.kysely, message.id, 'sent', String(info.messageId ?? ''))
        return
      }
      if (message.channel === 'sms' && config.SMS_WEBHOOK_URL) {
        await repo.markDelivered(db.kysely, message.id, 'sent', await sendSms(message.recipient, message.body, messageIdOf(message)))
        return
      }
      if (outbox) {
        await repo.markDelivered(db.kysely, message.id, 'captured', null)
        return
      }
      throw new Error(message.channel === 'email' ? 'e-mail is not configured (SMTP_URL)' : 'no SMS gateway is configured')
    } catch (err) {
      await repo.markError(db.kysely, message.id, (err as Error).message, job.attempt >= 8)
      throw err
    }
  })

  return {
    /** Whether the mail server accepts a connection (and the credentials); undefined without SMTP. */
    smtpCheck: smtp ? async () => { await smtp.verify() } : undefined,
    /** Whether e-mail reaches people (an SMTP server, or the demo outbox). */
    get emailEnabled (): boolean { return Boolean(smtp) || outbox },
    get smsEnabled (): boolean { return Boolean(config.SMS_WEBHOOK_URL) || outbox },

    /**
     * Queues a message in the caller's transaction. Throws VALIDATION for an invalid recipient.
     * Delivery is at least once: a process that dies between the SMTP answer and the record may resend.
     */
    async enqueue (trx: Executor, message: NewMessage): Promise<number> {
      check(message)
      const id = await repo.insertMessage(trx, message)
      await jobs.enqueue(trx, SEND_JOB, { messageId: id }, { dedupeKey: `message:${id}`, maxAttempts: SEND_ATTEMPTS })
      return id
    },

    /** The same as enqueue, as writes of one statement (writeTogether): the message, then its sending job. */
    enqueueWrites (trx: Executor, message: NewMessage): Write[] {
      check(message)
      return [
        { as: 'message', query: trx.insertInto('messages').values(message).returning('id') },
        jobs.enqueueFor(trx, SEND_JOB, { as: 'message', key: 'messageId', dedupePrefix: 'message:' }, { maxAttempts: SEND_ATTEMPTS })
      ]
    },

    /** Sends a test e-mail (CLI), to check the SMTP configuration end to end through the queue. */
    async sendTest (to: string): Promise<number> {
      return db.transaction(trx => this.enqueue(trx, {
        channel: 'email', recipient: to, template: 'test', subject: 'Thư kiểm tra cấu hình thư điện tử',
        body: 'Đây là thư kiểm tra do quản trị viên gửi từ Cổng Dịch vụ công. Nếu bạn nhận được thư này, cấu hình thư điện tử đã hoạt động.'
      }))
    },

    /** The development outbox (demo profile only). */
    recent: (limit = 50) => repo.listRecent(db.kysely, limit),
    message: (id: number) => repo.findMessage(db.kysely, id),

    async close (): Promise<void> { smtp?.close() }
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
