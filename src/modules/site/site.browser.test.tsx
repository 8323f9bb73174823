import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, axe, useBrowser, visit } from '../../../test/browser.js'
import { cliActor } from '../audit/audit.service.js'

const t = useTestApp({
  listen: true,
  extraRoutes (app) {
    // A page built to fail: proves the axe harness reports what it should.
    app.get('/test/inaccessible', async (_req, reply) => reply.page(<><img src='/assets/favicon.svg' /><input name='x' type='text' /></>, { title: 'Bad' }))
  }
})
const b = useBrowser()

test('home page in Chromium: layout, bundled font, accessible, keyboard skip link', async () => {
  await t.services.site.loadProfileFile(cliActor('test'), 'kon-tum')
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/`)
    assert.equal(await page.title(), 'Trang chủ – Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử')
    assert.equal(await page.getAttribute('html', 'lang'), 'vi')
    assert.ok(await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Tra cứu hồ sơ' }).isVisible())
    assert.match(await page.locator('footer').innerText(), /0260\.3797799/)

    const font = await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px "Be Vietnam Pro"', 'Thủ tục hành chính') })
    assert.equal(font, true, 'Be Vietnam Pro loaded from our own server')

    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Bỏ qua để đến nội dung chính')
    await page.keyboard.press('Enter')
    assert.equal(new URL(page.url()).hash, '#main-content')
  } finally { await page.close() }
})

test('at 320 px wide nothing scrolls sideways, and the page stays accessible', async () => {
  const context = await b.browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 })
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/`)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.equal(overflow, 0)
    await visit(page, `${t.url}/khong-co`, { status: 404 })
  } finally { await context.close() }
})

test('without JavaScript the home page and its search form still work', async () => {
  const context = await b.browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  try {
    await page.goto(`${t.url}/`)
    await page.getByLabel('Tìm thủ tục hành chính').fill('giấy phép')
    await page.getByRole('button', { name: 'Tìm kiếm' }).click()
    assert.equal(new URL(page.url()).pathname, '/thu-tuc')
    assert.equal(new URL(page.url()).searchParams.get('q'), 'giấy phép')
  } finally { await context.close() }
})

test('the axe harness catches violations (a page built to fail)', async () => {
  const page = await b.browser.newPage()
  try {
    await page.goto(`${t.url}/test/inaccessible`)
    const ids = (await axe(page)).map(v => v.id)
    assert.ok(ids.includes('image-alt'), ids.join())
    assert.ok(ids.includes('label'), ids.join())
    await assert.rejects(assertAccessible(page), /image-alt/)
  } finally { await page.close() }
})
