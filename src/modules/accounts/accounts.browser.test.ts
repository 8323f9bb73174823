import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import type { Page } from 'playwright-core'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp({ config: { DEMO: 'true' }, listen: true })
const b = useBrowser()

/** Types the verification code as a person reading the image would (its answer is in the database). */
async function fillCaptcha (page: Page) {
  const id = await page.locator('input[name="captchaId"]').inputValue()
  const answer = (await t.services.captcha.answer(id))!
  const width = await page.locator('img.captcha').evaluate(img => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth, () => 0))
  assert.ok(width > 0, 'the image loads under the CSP')
  await page.getByLabel('Mã xác thực').fill(answer)
}

test('a citizen registers, confirms from the e-mail, signs in and out (accessible at each step)', async () => {
  const page = await b.browser.newPage()
  const email = `binh.${Date.now()}@example.vn`
  try {
    await visit(page, `${t.url}/dang-ky`)
    await page.getByRole('link', { name: /Công dân Việt Nam/ }).click()
    await assertAccessible(page)
    // First a mistake: the error summary and the field say what to fix.
    await page.getByLabel('Họ và tên').fill('Trần Thị Bình')
    await fillCaptcha(page)
    await page.getByRole('button', { name: 'Đăng ký' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.title(), /^Lỗi: /)
    assert.ok(await page.getByRole('link', { name: 'Nhập số định danh cá nhân (số căn cước)' }).isVisible())

    // A wrong code does not hide the form's own mistakes: both are listed at once.
    await page.getByLabel('Mã xác thực').fill('SAI00')
    await page.getByRole('button', { name: 'Đăng ký' }).click()
    await page.waitForLoadState()
    assert.ok(await page.getByRole('link', { name: 'Nhập số định danh cá nhân (số căn cước)' }).isVisible())
    assert.ok(await page.locator('.error-summary').getByRole('link', { name: /Mã xác thực không đúng/ }).isVisible())
    // Another code, or the question instead of the picture: what was typed stays.
    await page.getByLabel('Số định danh cá nhân (số căn cước)').fill('062195012345')
    await page.getByRole('button', { name: 'Đổi mã khác' }).click()
    await page.waitForLoadState()
    assert.equal(await page.getByLabel('Số định danh cá nhân (số căn cước)').inputValue(), '062195012345')
    assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Trần Thị Bình')
    await page.getByRole('button', { name: /Trả lời câu hỏi thay thế/ }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.equal(await page.getByLabel('Số định danh cá nhân (số căn cước)').inputValue(), '062195012345')
    assert.ok(await page.getByRole('button', { name: 'Dùng mã hình ảnh' }).isVisible())
    assert.equal(await page.locator('.error-summary').count(), 0, 'a new code checks nothing')
    await page.getByRole('button', { name: 'Dùng mã hình ảnh' }).click()
    await page.waitForLoadState()
    assert.ok(await page.locator('img.captcha').isVisible())

    await page.getByLabel('Ngày sinh').fill('20/11/1995')
    await page.getByLabel('Số điện thoại di động').fill('0912 000 111')
    await page.getByLabel('Thư điện tử').fill(email)
    await page.getByLabel(/^Địa chỉ/).fill('Phường Quyết Thắng, Kon Tum')
    await page.getByLabel(/^Mật khẩu/).fill('Hoa dã quỳ tháng 11')
    await page.getByLabel('Nhập lại mật khẩu').fill('Hoa dã quỳ tháng 11')
    await page.getByLabel(/Tôi đã đọc thông báo/).check()
    await fillCaptcha(page)
    await page.getByRole('button', { name: 'Đăng ký' }).click()
    await page.waitForURL(/kiem-tra\?kenh=email/)
    await assertAccessible(page)

    await createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
    await visit(page, `${t.url}/dev/hop-thu`)
    await page.getByRole('link', { name: 'Xác nhận đăng ký tài khoản sử dụng Cổng Dịch vụ công' }).first().click()
    const body = await page.locator('.message-body').innerText()
    const link = /https?:\/\/\S+\/dang-ky\/xac-nhan\/\S+/.exec(body)![0].replace(/^https?:\/\/[^/]+/, t.url)
    await visit(page, link)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Tài khoản đã được xác nhận')

    await page.getByRole('link', { name: 'Đăng nhập' }).first().click()
    await assertAccessible(page)
    await page.getByLabel('Tên đăng nhập').fill('062195012345')
    await page.getByLabel('Mật khẩu').fill('Hoa dã quỳ tháng 11')
    await fillCaptcha(page)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.waitForURL(/\/ca-nhan$/)
    await assertAccessible(page)
    assert.ok(await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Trần Thị Bình' }).isVisible())

    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click()
    await page.waitForURL(`${t.url}/`)
    assert.ok(await page.getByRole('link', { name: 'Đăng nhập' }).first().isVisible())
  } finally { await page.close() }
})
