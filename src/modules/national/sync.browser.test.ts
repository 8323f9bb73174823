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
