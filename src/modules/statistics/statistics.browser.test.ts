import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, assertReadsOnPhone, press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { backOfficeBrowser } from '../../../test/back-office.js'
import { ledgerDossier } from '../../../test/ledger.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const { asOfficial, receivedDossier } = backOfficeBrowser(t, b, '1.004325.000.00.00.H34')

test('a leader opens Biểu 06 from the workspace, drills into a figure and finds that many dossiers; the form reads on a phone (axe on each page)', async () => {
  const codes = [await receivedDossier(), await receivedDossier()]
  // One dossier overdue (from the ledger: due five days ago), so that Biểu 07 draws its heat strip.
  const vnTime = (daysAgo: number) => new Date(Date.now() + 7 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 16).replace('T', ' ')
  await ledgerDossier(t, '1.004325.000.00.00.H34', { status: 4, channel: 'counter', received: vnTime(20), due: vnTime(5) })
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
    await page.goBack()
    await page.waitForLoadState()
    // The Excel file, downloaded as a browser does, reads back with the page's received total.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải biểu Excel (.xlsx)' }).click()])
    assert.match(download.suggestedFilename(), /^bieu-06-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/)
    const { default: ExcelJS } = await import('exceljs')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile((await download.path())!)
    const sheet = wb.getWorksheet('Biểu 06')!
    const totalRow = sheet.getRows(1, sheet.rowCount)!.find(r => r.getCell(2).value === 'Tổng cộng')!
    const cell = totalRow.getCell(3).value as number | { result: number }
    assert.equal(typeof cell === 'number' ? cell : cell.result, n, 'the same received total as the page')
    await page.setViewportSize({ width: 390, height: 800 })
    await assertReadsOnPhone(page)
    await page.getByRole('link', { name: 'Hồ sơ quá hạn và lý do (Biểu 07)' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Hồ sơ giải quyết quá hạn: \d+/)
    assert.ok(await page.getByRole('img', { name: /Hồ sơ quá hạn theo bước chậm đầu tiên/ }).isVisible(), 'the heat strip')
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

test('a leader fills the quarterly self-assessment: a missing score is shown beside its question, then the saved form gives the total and band (axe)', async () => {
  await asOfficial('000.00.11.H34', ['agency_leader'], async page => {
    await visit(page, `${t.url}/can-bo/thong-ke`)
    await page.getByRole('link', { name: 'Tự đánh giá theo quý' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Tự đánh giá theo quý/)
    for (const n of [4, 5, 6, 7]) await page.getByRole('group', { name: new RegExp(`^Chỉ số ${n}\\.`) }).getByLabel(/^2 điểm/).check()
    await page.getByLabel('Căn cứ chấm chỉ số 6').fill('Niêm yết tại Bộ phận Một cửa và công khai trên Cổng')
    await press(page, 'Lưu bản tự đánh giá')
    const error = page.locator('#chi-so-8-error')
    assert.match(await error.innerText(), /Chọn mức điểm của chỉ số 8/)
    assert.equal(await page.getByLabel('Căn cứ chấm chỉ số 6').inputValue(), 'Niêm yết tại Bộ phận Một cửa và công khai trên Cổng', 'what was typed is kept')
    await page.getByRole('group', { name: /^Chỉ số 8\./ }).getByLabel(/^1 điểm/).check()
    await press(page, 'Lưu bản tự đánh giá')
    assert.match(await page.locator('main').innerText(), /Đã lưu bản tự đánh giá quý [IV]+ năm \d{4}: [\d,]+\/18 điểm/)
    const row = page.getByRole('row', { name: /Công khai thủ tục hành chính/ })
    assert.match(await row.innerText(), /2[\s\S]*Niêm yết tại Bộ phận Một cửa/)
    await page.setViewportSize({ width: 390, height: 800 })
    await assertReadsOnPhone(page)
  })
})
