import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { samplePdf } from '../../../test/files.js'
import { fillDraft } from './fill-draft.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const DECLARED = '1.001994.000.00.00.H34'

for (const js of [false, true]) {
  test(`a declaration with a table of rows filled in the browser ${js ? 'with' : 'without'} JavaScript: a row added, a wrong date told beside its field, the PDF made${js ? '; axe on each page' : ''}`, async () => {
    const c = await newCitizen(t)
    const id = await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' })
    const f = await t.services.dossiers.declaration(c.id, id, 'c0')
    const rows = f.definition.blocks.find(x => x.kind === 'rows')!
    if (rows.kind !== 'rows') throw new Error('no rows')
    const context = await signedInContext(b.browser, t.url, c.cookie, { javaScript: js })
    const page = await context.newPage()
    const check = async () => { if (js) await assertAccessible(page) }
    try {
      await visit(page, `${t.url}/nop-ho-so/${id}/thanh-phan`, { accessible: js })
      await page.getByRole('link', { name: /Khai trực tuyến/ }).first().click()
      await page.waitForLoadState()
      await check()
      await page.getByLabel('Loại xe máy chuyên dùng').fill('Máy xúc đào bánh xích')
      await page.getByLabel('Số khung').fill('SK-778899')
      await page.getByLabel('Ngày cấp').first().fill('30/02/2020')
      const row0 = page.getByRole('group', { name: 'Dòng 1' })
      await row0.getByLabel('Số của giấy tờ').fill('HĐ-01/2024')
      await row0.getByLabel('Trích yếu nội dung').fill('Hợp đồng mua bán máy xúc')
      await page.getByRole('button', { name: 'Thêm dòng' }).click()
      await page.waitForLoadState()
      const row1 = page.getByRole('group', { name: 'Dòng 2' })
      await row1.getByLabel('Số của giấy tờ').fill('HĐ-02/2024')
      await row1.getByLabel('Trích yếu nội dung').fill('Hóa đơn giá trị gia tăng')
      await page.getByRole('button', { name: 'Lưu tờ khai và tạo tệp PDF' }).click()
      await page.waitForLoadState()
      await check()
      assert.ok(await page.locator('.error-summary').getByText(/Ngày cấp: nhập ngày theo dạng ngày\/tháng\/năm/).isVisible())
      assert.equal(await page.getByRole('group', { name: 'Dòng 2' }).getByLabel('Số của giấy tờ').inputValue(), 'HĐ-02/2024', 'kept after the error')
      await page.getByLabel('Ngày cấp').first().fill('28/02/2020')
      if (js) await press(page, 'Lưu tờ khai và tạo tệp PDF')
      else { await page.getByRole('button', { name: 'Lưu tờ khai và tạo tệp PDF' }).click(); await page.waitForLoadState() }
      assert.match(await page.getByRole('status').innerText(), /Đã lưu tờ khai và tạo tệp PDF/)
      assert.ok(await page.getByRole('link', { name: 'to-khai-c0.pdf' }).isVisible())
    } finally { await context.close() }
  })
}
