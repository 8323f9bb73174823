import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertReadsOnPhone, follow, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { catalogAdminFor } from '../../../test/officials.js'
import { allFields, formDefinition } from '../catalog/eforms/definition.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const DECLARED = '1.001994.000.00.00.H34'

test('the form designer in the browser: from the content page, a label corrected and a field added, previewed, saved with its reason as a new version (axe on each page)', async () => {
  const p = await t.services.catalog.getProcedure(DECLARED)
  const field = allFields(formDefinition(p.templates![0]!)).find(f => f.type === 'text')!
  const { official: admin } = await catalogAdminFor(t, p)
  const context = await signedInContext(b.browser, t.url, admin.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/can-bo/thu-tuc/${DECLARED}/thanh-phan`)
    await follow(page, p.templates![0]!.title)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /^Sửa tờ khai điện tử/)
    await page.locator(`#label-${field.id}`).fill('Tên chủ xe (ghi chữ in hoa)')
    // A field the generator missed, added at the end of the line the corrected one is on.
    await page.locator('#added-0-label').fill('Số điện thoại liên hệ')
    await page.locator('#added-0-type').selectOption('phone')
    await page.locator('#added-0-line').selectOption({ index: 1 })
    await press(page, 'Xem trước')
    const preview = page.getByRole('region', { name: /Xem trước/ })
    assert.ok(await preview.getByLabel('Tên chủ xe (ghi chữ in hoa)').isVisible(), 'the preview shows the corrected label')
    assert.ok(await preview.getByLabel('Số điện thoại liên hệ').isVisible(), 'and the added field')
    assert.ok(await page.locator('#added-1-label').isVisible(), 'a fresh row for one more')
    await press(page, 'Lưu thành phiên bản mới')
    assert.ok(await page.locator('#reason-error').isVisible(), 'a reason is asked for, beside its field')
    assert.equal(await page.locator(`#label-${field.id}`).inputValue(), 'Tên chủ xe (ghi chữ in hoa)', 'what was typed is kept')
    await page.getByLabel('Lý do sửa').fill('Nhãn tạo tự động chưa rõ phải ghi chữ in hoa')
    await press(page, 'Lưu thành phiên bản mới')
    assert.match(await page.getByRole('status').first().innerText(), new RegExp(`Đã lưu phiên bản ${p.version + 1}`))
    await page.setViewportSize({ width: 390, height: 800 })
    await assertReadsOnPhone(page)
  } finally { await context.close() }
  const corrected = (await t.services.catalog.getProcedure(DECLARED)).formCorrections?.[p.templates![0]!.title]
  assert.equal(corrected?.fields[field.id]?.label, 'Tên chủ xe (ghi chữ in hoa)')
  assert.deepEqual(corrected?.added?.map(a => [a.label, a.type]), [['Số điện thoại liên hệ', 'phone']])
})
