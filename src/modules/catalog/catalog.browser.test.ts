import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertReadsOnPhone, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

test('a citizen searches from the home page, filters, and opens a procedure (accessible at each step)', async () => {
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/`)
    await page.getByLabel('Tìm thủ tục hành chính').fill('giay phep lien van')
    await page.getByRole('button', { name: 'Tìm kiếm' }).click()
    await page.waitForURL(/\/thu-tuc\?q=/)
    await visit(page, page.url())
    assert.match(await page.getByRole('status').innerText(), /Tìm thấy \d+ thủ tục/)

    await page.locator('summary', { hasText: 'Lọc theo lĩnh vực' }).click()
    await page.getByLabel('Mức độ trực tuyến').selectOption('full')
    await page.getByRole('button', { name: 'Áp dụng bộ lọc' }).click()
    await page.waitForURL(/muc-do=full/)
    await visit(page, page.url())
    const names = await page.locator('.procedure-list h2').allInnerTexts()
    assert.ok(names.length > 0)
    assert.ok(names.slice(0, 2).every(n => /liên vận/i.test(n)), names.join(' | '))

    await page.getByRole('link', { name: 'Cấp Giấy phép liên vận Việt - Lào cho phương tiện' }).click()
    await page.waitForURL(/\/thu-tuc\/1\.002856/)
    await visit(page, page.url())
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Cấp Giấy phép liên vận Việt - Lào cho phương tiện')
    assert.ok(await page.getByRole('table').first().isVisible())
    assert.ok(await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).isVisible())
  } finally { await page.close() }
})

test('without JavaScript: search, filter and page through results', async () => {
  const context = await b.browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  try {
    // axe needs JavaScript in the page, so accessibility is checked in the other tests.
    await visit(page, `${t.url}/thu-tuc`, { accessible: false })
    await page.getByLabel('Từ khóa').fill('xe')
    await page.locator('summary', { hasText: 'Lọc theo lĩnh vực' }).click()
    await page.getByLabel('Lĩnh vực').selectOption('duong-bo')
    await page.getByRole('button', { name: 'Áp dụng bộ lọc' }).click()
    await page.waitForURL(/linh-vuc=duong-bo/)
    const count = await page.getByRole('status').innerText()
    const total = Number(/Tìm thấy (\d+)/.exec(count)?.[1])
    assert.ok(total > 20, count)
    await page.getByRole('link', { name: 'Trang sau ›' }).click()
    await page.waitForURL(/trang=2/)
    assert.equal(await page.locator('.pagination__current').innerText(), '2')
  } finally { await context.close() }
})

test('at 320 px the list and the detail page (its components tables) read: nothing sideways, no cell squeezed', async () => {
  const context = await b.browser.newContext({ viewport: { width: 320, height: 700 } })
  const page = await context.newPage()
  try {
    for (const url of ['/thu-tuc?linh-vuc=duong-bo', '/thu-tuc/1.002835.000.00.00.H34']) {
      await visit(page, t.url + url)
      await assertReadsOnPhone(page)
    }
  } finally { await context.close() }
})
