import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { useSmsGateway, useSmtpServer } from '../../../test/smtp.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { AppError } from '../../platform/http/errors.js'
import { SEND_JOB } from './notifications.service.js'

const smtp = useSmtpServer()
const sms = useSmsGateway()
const t = useTestApp({ config: () => ({ SMTP_URL: smtp.url, SMS_WEBHOOK_URL: sms.url, MAIL_FROM: 'Cổng Dịch vụ công Kon Tum <no-reply@dichvucong.example.vn>' }) })
const drain = () => createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
const message = (to: string, subject: string) => ({ channel: 'email' as const, recipient: to, subject, body: 'Nội dung thư: hồ sơ của ông/bà đã được tiếp nhận.', template: 'test' })

test('a message queued in a transaction that rolls back is never sent', async () => {
  await assert.rejects(t.db.transaction(async (trx) => {
    await t.services.notifications.enqueue(trx, message('rollback@example.vn', 'Không được gửi'))
    throw new Error('the business step failed')
  }))
  await drain()
  assert.equal(smtp.received.filter(m => m.to.includes('rollback@example.vn')).length, 0)
})

test('a committed message goes through the jobs queue to the SMTP server, once', async () => {
  const id = await t.db.transaction(trx => t.services.notifications.enqueue(trx, message('an.nguyen@example.vn', 'Hồ sơ 000.00.03.H34-220622-0001 đã được tiếp nhận')))
  await drain()
  const got = smtp.received.filter(m => m.to.includes('an.nguyen@example.vn'))
  assert.equal(got.length, 1)
  assert.equal(got[0]!.subject, 'Hồ sơ 000.00.03.H34-220622-0001 đã được tiếp nhận')
  assert.equal(got[0]!.from, 'no-reply@dichvucong.example.vn')
  const row = await t.services.notifications.message(id)
  assert.equal(row?.state, 'sent')
  assert.ok(row?.sentAt)
  // A second delivery job for the same message (a retry after a crash) sends nothing more.
  await t.services.jobs.enqueue(t.db.kysely, SEND_JOB, { messageId: id })
  await drain()
  assert.equal(smtp.received.filter(m => m.to.includes('an.nguyen@example.vn')).length, 1)
})

test('a refused recipient is recorded and retried later, not lost', async () => {
  const id = await t.db.transaction(trx => t.services.notifications.enqueue(trx, message('nobody@reject.test', 'Thư bị từ chối')))
  await drain()
  const row = await t.services.notifications.message(id)
  assert.equal(row?.state, 'queued')
  assert.match(row?.error ?? '', /550|No such user/i)
  const job = await t.db.kysely.selectFrom('jobs').select(['state', 'attempts']).where('dedupeKey', '=', `message:${id}`).executeTakeFirstOrThrow()
  assert.deepEqual(job, { state: 'pending', attempts: 1 })
})

test('an invalid address is refused before anything is queued', async () => {
  await assert.rejects(t.db.transaction(trx => t.services.notifications.enqueue(trx, message('không-phải-email', 'x'))), (err: unknown) => {
    assert.ok(err instanceof AppError && err.code === 'VALIDATION')
    assert.equal(err.fields?.[0]?.field, 'email')
    return true
  })
})

test('without the demo profile there is no development outbox', async () => {
  assert.equal((await t.app.inject('/dev/hop-thu')).statusCode, 404)
})

test('SMS goes to the configured gateway as JSON {to, text}; a failing gateway is retried', async () => {
  const id = await t.db.transaction(trx => t.services.notifications.enqueue(trx, { channel: 'sms', recipient: '0912345678', subject: '', body: 'Ma xac nhan: 123456', template: 'test' }))
  await drain()
  assert.deepEqual(sms.received.filter(m => m.to === '0912345678'), [{ to: '0912345678', text: 'Ma xac nhan: 123456' }])
  assert.equal((await t.services.notifications.message(id))?.state, 'sent')

  const failing = await t.db.transaction(trx => t.services.notifications.enqueue(trx, { channel: 'sms', recipient: '0999999999', subject: '', body: 'x', template: 'test' }))
  await drain()
  const row = await t.services.notifications.message(failing)
  assert.equal(row?.state, 'queued')
  assert.match(row?.error ?? '', /SMS gateway answered 503/)
})

test('the development outbox answers this machine only', async () => {
  const { fromThisMachine } = await import('./notifications.pages.js')
  for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.ok(fromThisMachine(ip), ip)
  for (const ip of ['10.0.0.1', '192.168.1.5', '203.0.113.9', '::ffff:10.0.0.1', '1::1']) assert.ok(!fromThisMachine(ip), ip)
})
