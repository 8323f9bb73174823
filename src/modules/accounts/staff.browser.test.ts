import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { cliActor } from '../audit/audit.service.js'

const t = useTestApp({ config: { DEMO: 'true' }, listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

/** Signs in through the pages: password, verification code (read through the service), one-time code from the outbox. */
async function signIn (page: Page, username: string, password: string, email: string, check = false) {
  await visit(page, `${t.url}/can-bo`)
  assert.equal(new URL(page.url()).pathname, '/can-bo/dang-nhap')
  await page.getByLabel('Tên đăng nhập').fill(username)
  await page.getByLabel('Mật khẩu').fill(password)
  const id = await page.locator('input[name="captchaId"]').inputValue()
  await page.getByLabel('Mã xác thực').fill((await t.services.captcha.answer(id))!)
  await page.getByRole('button', { name: 'Tiếp tục' }).click()
  await page.waitForURL(/\/can-bo\/dang-nhap\/ma/)
  if (check) await assertAccessible(page)
  await createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
  const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow()
  await page.getByLabel('Mã đăng nhập').fill(/(\d{6})/.exec(message.body)![1]!)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.waitForURL(`${t.url}/can-bo`)
}

test('an official signs in with the one-time code from the outbox and reaches the workspace (accessible)', async () => {
  await t.services.officials.create(cliActor('test'), { username: 'motcua.mai', fullName: 'Lê Thị Mai', agencyCode: '000.01.01.H34', roles: ['receptionist'], email: 'mai@example.vn', password: 'Một cửa Kon Tum 2024' })
  const page = await b.browser.newPage()
  try {
    await signIn(page, 'motcua.mai', 'Một cửa Kon Tum 2024', 'mai@example.vn', true)
    await assertAccessible(page)
    assert.match(await page.locator('main').innerText(), /Lê Thị Mai[\s\S]*Cán bộ một cửa/)
    await page.getByRole('link', { name: 'Đổi mật khẩu' }).click()
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click()
    assert.match(await page.locator('#current-error').innerText(), /Mật khẩu hiện tại không đúng/)
    await assertAccessible(page)
    await page.getByRole('link', { name: 'Về không gian làm việc' }).click()
    await page.getByRole('button', { name: 'Đăng xuất' }).last().click()
    await page.waitForURL(/\/can-bo\/dang-nhap$/)
  } finally { await page.close() }
})

test('a system administrator adds an official (errors beside their fields first), sees the password once and locks the account (accessible)', async () => {
  await t.services.officials.create(cliActor('test'), { username: 'quantri', fullName: 'Nguyễn Quản Trị', agencyCode: '000.00.00.H34', roles: ['system_admin'], email: 'quantri@example.vn', password: 'Quản trị Kon Tum 2024' })
  const page = await b.browser.newPage()
  try {
    await signIn(page, 'quantri', 'Quản trị Kon Tum 2024', 'quantri@example.vn')
    await page.getByRole('link', { name: 'Quản lý tài khoản cán bộ' }).click()
    await page.getByRole('link', { name: 'Thêm cán bộ' }).click()
    await assertAccessible(page)
    await page.getByLabel('Tên đăng nhập').fill('chuyenvien.hoa')
    await page.getByLabel('Họ và tên').fill('Võ Thị Hoa')
    await page.getByLabel('Cơ quan, đơn vị').selectOption('000.00.11.H34')
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click()
    assert.match(await page.locator('#roles-error').innerText(), /Vai trò phải là một trong/)
    assert.match(await page.locator('#email-error').innerText(), /Cần thư điện tử hoặc số điện thoại/)
    await assertAccessible(page)
    assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Võ Thị Hoa', 'what was typed stays')
    await page.getByLabel('Chuyên viên').check()
    await page.getByLabel('Thư điện tử công vụ').fill('hoa@example.vn')
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click()
    await page.getByRole('heading', { name: 'Đã tạo tài khoản cán bộ' }).waitFor()
    await assertAccessible(page)
    assert.ok((await page.locator('code').innerText()).length >= 12)
    await page.getByRole('link', { name: 'Về danh sách cán bộ' }).click()
    await assertAccessible(page)
    await page.getByRole('link', { name: 'Sửa vai trò của chuyenvien.hoa' }).click()
    await assertAccessible(page)
    await page.getByLabel('Lãnh đạo phòng').check()
    await page.getByRole('button', { name: 'Lưu vai trò' }).click()
    await page.getByRole('row', { name: /chuyenvien\.hoa/ }).getByText('Chuyên viên, Lãnh đạo phòng').waitFor()
    await page.getByRole('button', { name: 'Khóa tài khoản chuyenvien.hoa' }).click()
    await page.getByRole('row', { name: /chuyenvien\.hoa/ }).getByText('Đã khóa').waitFor()
  } finally { await page.close() }
})
