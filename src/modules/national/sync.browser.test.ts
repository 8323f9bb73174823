import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { backOfficeBrowser } from '../../../test/back-office.js'
import { freePort } from '../../../test/net.js'

const port = await freePort()
const t = useTestApp({ config: { DVCQG_URL: `http://127.0.0.1:${port}/sandbox/dvcqg`, DVCQG_STANDIN: 'true', DVCQG_TOKEN: 'the-province-token', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const { asOfficial, receivedDossier } = backOfficeBrowser(t, b, '1.004325.000.00.00.H34')

test('an administrator watches the sync: a received dossier is pushed, followed on the national portal\'s page; a wrong code is told beside its field; reconciliation finds no difference (axe)', async () => {
  const code = await receivedDossier()
  await t.services.national.run()
  await asOfficial('000.00.00.H34', ['system_admin'], async page => {
    await visit(page, `${t.url}/can-bo/dong-bo`)
    assert.match(await page.locator('main').innerText(), /Đã đồng bộ\s+\d+ hồ sơ/)
    await page.getByLabel('Mã hồ sơ').fill('000.00.11.H34-000000-9999')
    await press(page, 'Đồng bộ lại')
    assert.match(await page.locator('#code-error').innerText(), /Không có hồ sơ với mã này/)
    await page.getByLabel('Mã hồ sơ').fill(code)
    await press(page, 'Đồng bộ lại')
    assert.match(await page.locator('main').innerText(), new RegExp(`Đã xếp hồ sơ ${code.replace(/\./g, '\\.')} để đồng bộ lại`))
    await press(page, 'Đối chiếu')
    assert.match(await page.locator('main').innerText(), /không có chênh lệch/)
    // A dossier submitted on the national portal for a procedure not ours waits with its reason, until handled.
    await fetch(`${t.url}/sandbox/dvcqg/api/nop-ho-so`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ MaHoSoQG: 'G22.99-261206-0009', MaTTHC: '9.999999.000.00.00.H34', MaDonVi: '000.00.11.H34', NgayNop: '20261206080000', ChuHoSo: { HoTen: 'A Thuận', SoDinhDanh: '062080123456' }, TepDinhKem: [] }) })
    await press(page, 'Lấy hồ sơ ngay')
    const row = page.getByRole('row', { name: /G22\.99-261206-0009/ })
    assert.match(await row.innerText(), /không có trong danh mục của tỉnh/)
    await press(page, 'Đã xử lý hồ sơ G22.99-261206-0009')
    assert.equal(await page.getByRole('row', { name: /G22\.99-261206-0009/ }).count(), 0)
    // The dossier as the national portal shows it, with its steps.
    await visit(page, `${t.url}/sandbox/dvcqg/`)
    await page.getByRole('link', { name: code }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), new RegExp(`Hồ sơ ${code.replace(/\./g, '\\.')}`))
    assert.match(await page.locator('main').innerText(), /Được tiếp nhận|Đang xử lý/)
  })
  // Another official may not open the sync page.
  await asOfficial('000.00.11.H34', ['specialist'], async page => {
    await visit(page, `${t.url}/can-bo/dong-bo`, { status: 403 })
  })
})

test('the stand-in refuses a push without the province\'s credential', async () => {
  const r = await fetch(`${t.url}/sandbox/dvcqg/api/dong-bo-ho-so`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  assert.equal(r.status, 401)
  assert.equal(((await r.json()) as { error_code: string }).error_code, '401')
})

test('a catalog administrator applies a change from the national procedure database in the browser, and rejects another with its reason told beside the field (axe)', async () => {
  const PROCEDURE = '1.004325.000.00.00.H34'
  const content = (await t.services.catalog.getVersion((await t.services.catalog.getProcedure(PROCEDURE)).versionId)).content
  const publish = (record: Record<string, unknown>) => fetch(`${t.url}/sandbox/dvcqg/api/danh-muc-tthc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record) })
  await publish({ MaTTHC: PROCEDURE, TenTTHC: content.name, ThoiHanGiaiQuyet: { GiaTri: 4, DonVi: 'working_days' } })
  await asOfficial('000.01.01.H34', ['catalog_admin'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Thay đổi từ Cơ sở dữ liệu quốc gia' }).click()
    await page.waitForLoadState()
    await press(page, 'Lấy thay đổi ngay')
    const table = page.getByRole('table', { name: `Khác biệt của thủ tục ${PROCEDURE}` })
    assert.match(await table.innerText(), /4 ngày làm việc/)
    await press(page, /^Áp dụng thay đổi của thủ tục/)
    assert.match(await page.locator('main').innerText(), new RegExp(`Đã áp dụng thay đổi của thủ tục ${PROCEDURE.replace(/\./g, '\\.')} \\(phiên bản \\d+\\)`))
    assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).processingTime.value, 4)
    // Another change, not applied: the reason is asked for beside its field.
    await publish({ MaTTHC: PROCEDURE, TenTTHC: `${content.name} (bản sửa)` })
    await press(page, 'Lấy thay đổi ngay')
    await press(page, `Không áp dụng thay đổi của thủ tục ${PROCEDURE}`)
    const field = page.getByLabel('Ghi chú hoặc lý do không áp dụng')
    assert.match(await page.locator('.error-message').first().innerText(), /Ghi lý do không áp dụng/)
    await field.fill('Tỉnh chưa công bố quyết định sửa đổi')
    await press(page, `Không áp dụng thay đổi của thủ tục ${PROCEDURE}`)
    assert.match(await page.locator('main').innerText(), /Không có thay đổi nào chờ xử lý/)
  })
})
