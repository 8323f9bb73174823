import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, assertReadsOnPhone, press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { backOfficeBrowser } from '../../../test/back-office.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const { asOfficial, receivedDossier } = backOfficeBrowser(t, b, '1.004325.000.00.00.H34')

test('a leader opens Biểu 06 from the workspace, drills into a figure and finds that many dossiers; the form reads on a phone (axe on each page)', async () => {
  const codes = [await receivedDossier(), await receivedDossier()]
  await asOfficial('000.00.00.H34', ['agency_leader'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Thống kê (Biểu 06)' }).click()
    await page.waitForLoadState()
    await page.getByLabel('Cơ quan giải quyết').check()
    await press(page, 'Xem báo cáo')
    const total = page.getByRole('row', { name: /Tổng cộng/ })
    // The received total of the totals row, then the list behind it.
    const link = total.getByRole('link').first()
    const n = Number(/^\s*([\d.]+)/.exec(await link.innerText())![1]!.replace(/\./g, ''))
    assert.ok(n >= codes.length, `${n} received`)
    await link.click()
    await page.waitForLoadState()
    assert.equal(await page.locator('td[data-label="Mã hồ sơ"]').count(), n)
    for (const code of codes) assert.ok(await page.getByRole('link', { name: code }).isVisible())
    await page.setViewportSize({ width: 390, height: 800 })
    await page.goBack()
    await page.waitForLoadState()
    await assertReadsOnPhone(page)
    await page.getByRole('link', { name: 'Hồ sơ quá hạn và lý do (Biểu 07)' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Hồ sơ giải quyết quá hạn: \d+/)
    for (const [link, heading] of [['Khối lượng xử lý theo cán bộ', /Khối lượng xử lý theo cán bộ và bước/], ['Mức độ hài lòng', /Mức độ hài lòng của người dân/], ['Bộ chỉ số 766', /Bộ chỉ số phục vụ người dân, doanh nghiệp/]] as const) {
      await page.goBack()
      await page.waitForLoadState()
      await page.getByRole('link', { name: link }).click()
      await page.waitForLoadState()
      await assertAccessible(page)
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), heading)
    }
  })
})

test('the public statistics page, from the home page: figures, the chart with its description and table, readable on a phone (axe)', async () => {
  const page = await b.browser.newPage()
  try {
    await visit(page, t.url)
    await page.getByRole('link', { name: 'Công khai kết quả giải quyết' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByRole('img', { name: /Tỉ lệ giải quyết đúng hạn theo tháng/ }).isVisible())
    assert.ok(await page.getByRole('table', { name: /Số liệu của biểu đồ/ }).isVisible())
    await page.setViewportSize({ width: 390, height: 800 })
    await assertReadsOnPhone(page)
    await assertAccessible(page)
  } finally { await page.close() }
})
