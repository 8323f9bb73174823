import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadAgencies } from '../../../test/catalog.js'
import { assertAccessible, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ listen: true, setup: ctx => loadAgencies(ctx.services) })
const b = useBrowser()

test('an administrator enters a day off on /can-bo/lich in the browser; a mistake is shown next to its field (axe)', async () => {
  const admin = await newOfficial(t, '000.00.00.H34', ['system_admin'])
  const context = await signedInContext(b.browser, t.url, admin.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Lịch làm việc, ngày nghỉ' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByLabel(/^Ngày/).first().fill('30/02/2027')
    await page.getByRole('button', { name: 'Lưu ngày điều chỉnh' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.title(), /^Lỗi: /)
    await page.locator('#date').fill('15/10/2027')
    await page.getByLabel('Nghỉ (nghỉ thêm, ngày hoán đổi)').check()
    await page.getByLabel('Căn cứ (văn bản thông báo)').fill('Thông báo thử nghiệm số 1/TB')
    await page.getByRole('button', { name: 'Lưu ngày điều chỉnh' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText('Đã lưu ngày 15/10/2027').isVisible())
    assert.ok(await page.getByRole('cell', { name: 'Thông báo thử nghiệm số 1/TB' }).isVisible())
  } finally {
    await context.close()
  }
})
