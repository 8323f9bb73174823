import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { cliActor } from '../audit/audit.service.js'

const t = useTestApp({ config: { DEMO: 'true' }, listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

test('an official signs in with the one-time code from the outbox and reaches the workspace (accessible)', async () => {
  await t.services.officials.create(cliActor('test'), { username: 'motcua.mai', fullName: 'Lê Thị Mai', agencyCode: '000.01.01.H34', roles: ['receptionist'], email: 'mai@example.vn', password: 'Một cửa Kon Tum 2024' })
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/can-bo`)
    assert.equal(new URL(page.url()).pathname, '/can-bo/dang-nhap')
    await page.getByLabel('Tên đăng nhập').fill('motcua.mai')
    await page.getByLabel('Mật khẩu').fill('Một cửa Kon Tum 2024')
    const id = await page.locator('input[name="captchaId"]').inputValue()
    await page.getByLabel('Mã xác thực').fill((await t.services.captcha.answer(id))!)
    await page.getByRole('button', { name: 'Tiếp tục' }).click()
    await page.waitForURL(/\/can-bo\/dang-nhap\/ma/)
    await assertAccessible(page)
    await createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
    const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', 'mai@example.vn').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await page.getByLabel('Mã đăng nhập').fill(/(\d{6})/.exec(message.body)![1]!)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.waitForURL(`${t.url}/can-bo`)
    await assertAccessible(page)
    assert.match(await page.locator('main').innerText(), /Lê Thị Mai[\s\S]*Cán bộ một cửa/)
    await page.getByRole('button', { name: 'Đăng xuất' }).last().click()
    await page.waitForURL(/\/can-bo\/dang-nhap$/)
  } finally { await page.close() }
})
