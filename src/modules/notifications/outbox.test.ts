import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { useBrowser, visit } from '../../../test/browser.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp({ config: { DEMO: 'true' }, listen: true })
const b = useBrowser()

test('demo profile: messages land in the development outbox, readable in the browser', async () => {
  assert.equal(t.services.notifications.emailEnabled, true)
  const id = await t.db.transaction(trx => t.services.notifications.enqueue(trx, {
    channel: 'email', recipient: 'binh.tran@example.vn', subject: 'Xác nhận đăng ký tài khoản', body: 'Bấm vào liên kết để xác nhận: http://localhost:3000/xac-nhan/abc', template: 'test'
  }))
  await t.db.transaction(trx => t.services.notifications.enqueue(trx, { channel: 'sms', recipient: '0912345678', subject: '', body: 'Mã OTP của bạn là 123456', template: 'test' }))
  await createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
  assert.equal((await t.services.notifications.message(id))?.state, 'captured')

  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/dev/hop-thu`)
    assert.match(await page.locator('table').innerText(), /binh\.tran@example\.vn[\s\S]*Xác nhận đăng ký tài khoản/)
    assert.match(await page.locator('table').innerText(), /0912345678[\s\S]*Mã OTP/)
    await page.getByRole('link', { name: 'Xác nhận đăng ký tài khoản' }).click()
    await page.waitForURL(/\/dev\/hop-thu\/\d+/)
    await visit(page, page.url())
    assert.match(await page.locator('.message-body').innerText(), /xac-nhan\/abc/)
  } finally { await page.close() }
})

test('demo profile: the outbox (sign-in codes, reset links) does not exist for another machine', async () => {
  const id = await t.db.transaction(trx => t.services.notifications.enqueue(trx, { channel: 'sms', recipient: '0912345679', subject: '', body: 'Ma dang nhap 654321', template: 'test' }))
  for (const url of ['/dev/hop-thu', `/dev/hop-thu/${id}`]) {
    assert.equal((await t.app.inject({ url, remoteAddress: '203.0.113.7' })).statusCode, 404, url)
    assert.equal((await t.app.inject({ url, remoteAddress: '::ffff:192.168.1.20' })).statusCode, 404, url)
    assert.equal((await t.app.inject({ url, remoteAddress: '127.0.0.1' })).statusCode, 200, url)
  }
})
