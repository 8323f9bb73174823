import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newOfficial } from '../../../test/officials.js'
import { backOfficeBrowser } from '../../../test/back-office.js'
import { dmy, toLocal } from '../../platform/vn-time.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const PROCEDURE = '1.004325.000.00.00.H34'
const DEPT = '000.00.11.H34'
const { asOfficial, receivedDossier } = backOfficeBrowser(t, b, PROCEDURE)

test('people in the browser: the administrator adds a department and places officials, the head reassigns a step, an official delegates while away (axe on each page)', async () => {
  const specialist = await newOfficial(t, DEPT, ['specialist'], 'Lâm Chuyên Viên')
  const colleague = await newOfficial(t, DEPT, ['specialist'], 'Mai Đồng Nghiệp')
  await asOfficial('000.00.00.H34', ['system_admin'], async page => {
    await visit(page, `${t.url}/can-bo/quan-tri/can-bo`)
    await page.getByRole('link', { name: 'Phòng, ban của cơ quan' }).click()
    await page.waitForLoadState()
    // A name too short is told beside its field; then the department is added.
    await page.getByLabel('Cơ quan').selectOption({ label: 'Sở Giao thông vận tải tỉnh Kon Tum' })
    await page.getByLabel('Tên phòng').fill('P')
    await press(page, 'Thêm phòng')
    assert.ok(await page.locator('#name-error').isVisible())
    await page.getByLabel('Cơ quan').selectOption({ label: 'Sở Giao thông vận tải tỉnh Kon Tum' })
    await page.getByLabel('Tên phòng').fill('Phòng Quản lý phương tiện')
    await press(page, 'Thêm phòng')
    assert.ok(await page.getByRole('cell', { name: 'Phòng Quản lý phương tiện' }).isVisible())
    for (const o of [specialist, colleague]) {
      await visit(page, `${t.url}/can-bo/quan-tri/can-bo/${o.username}/phong`)
      await page.getByLabel('Phòng').selectOption({ label: 'Phòng Quản lý phương tiện' })
      await press(page, 'Lưu')
    }
    assert.equal(await page.getByText('Phòng Quản lý phương tiện').count(), 2)
  })
  const code = await receivedDossier()
  await asOfficial(DEPT, ['department_head'], async page => {
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await page.getByLabel('Giao cho').selectOption({ label: 'Mai Đồng Nghiệp – Phòng Quản lý phương tiện' })
    await page.getByLabel('Lý do giao lại').fill('Chuyên viên phụ trách phương tiện')
    await press(page, 'Giao lại')
    assert.match(await page.getByRole('status').innerText(), /Đã giao bước cho Mai Đồng Nghiệp/)
    assert.match(await page.locator('main').innerText(), /Bước hiện tại: Thẩm định hồ sơ – Mai Đồng Nghiệp/)
  }, 'Ngô Trưởng Phòng')
  await asOfficial(DEPT, ['specialist'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Ủy quyền khi vắng mặt' }).click()
    await page.waitForLoadState()
    await page.getByLabel('Người xử lý thay').selectOption({ label: 'Lâm Chuyên Viên' })
    const today = dmy(toLocal(new Date()).date)
    await page.getByLabel('Từ ngày').fill(today)
    await page.getByLabel('Đến ngày (kể cả ngày này)').fill(today)
    await press(page, 'Ủy quyền')
    assert.ok(await page.locator('#reason-error').isVisible(), 'a reason is needed')
    await page.getByLabel('Lý do vắng mặt').fill('Đi công tác')
    await press(page, 'Ủy quyền')
    assert.ok(await page.getByRole('cell', { name: 'Lâm Chuyên Viên', exact: true }).isVisible())
    await press(page, /^Hủy/)
    assert.match(await page.locator('main').innerText(), /Không có ủy quyền nào/)
  }, 'Oanh Sắp Nghỉ')
})
