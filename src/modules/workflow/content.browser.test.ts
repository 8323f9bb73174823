import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { backOfficeBrowser } from '../../../test/back-office.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const PROCEDURE = '1.004325.000.00.00.H34'
const { asOfficial } = backOfficeBrowser(t, b, PROCEDURE)

test('a catalog administrator adds a component and changes a fee in the browser, as a new version; a system administrator sets office hours (axe on each page)', async () => {
  const before = await t.services.catalog.getProcedure(PROCEDURE)
  await asOfficial('000.00.11.H34', ['catalog_admin'], async page => {
    await visit(page, `${t.url}/can-bo/thu-tuc/${PROCEDURE}`)
    await page.getByRole('link', { name: 'Thành phần hồ sơ và phí, lệ phí' }).click()
    await page.waitForLoadState()
    const n = before.components.length
    await page.locator(`#c${n}-name`).fill('Giấy xác nhận của cơ sở sửa chữa')
    await page.locator(`#c${n}-required`).check()
    if (before.fees.length === 0) await page.locator('#f0-text').fill('Lệ phí cấp giấy chứng nhận lưu hành')
    await page.locator('#f0-amount').fill('120.000')
    // No reason: told beside the field, what was typed kept.
    await press(page, 'Lưu thành phiên bản mới')
    assert.ok(await page.locator('#reason-error').isVisible())
    assert.equal(await page.locator(`#c${n}-name`).inputValue(), 'Giấy xác nhận của cơ sở sửa chữa')
    await page.getByLabel('Căn cứ thay đổi').fill('Quyết định số 12/2026/QĐ-UBND của Ủy ban nhân dân tỉnh')
    await press(page, 'Lưu thành phiên bản mới')
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Đã lưu phiên bản ${before.version + 1}`))
    assert.ok(await page.getByRole('cell', { name: 'Quản trị danh mục cập nhật' }).isVisible())
  })
  const after = await t.services.catalog.getProcedure(PROCEDURE)
  assert.equal(after.components.at(-1)!.name, 'Giấy xác nhận của cơ sở sửa chữa')
  assert.equal(after.fees[0]!.amountVnd, 120000)
  await asOfficial('000.00.00.H34', ['system_admin'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Giờ làm việc của cơ quan' }).click()
    await page.waitForLoadState()
    await page.getByLabel('Cơ quan').selectOption({ label: 'Sở Giao thông vận tải tỉnh Kon Tum' })
    await page.getByLabel('Giờ làm việc').fill('07:30-11:30,13:30-17:00')
    await press(page, 'Lưu giờ làm việc')
    assert.match(await page.getByRole('status').innerText(), /07:30–11:30, 13:30–17:00/)
  })
})
