import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { finishedDossier, FLOW_PROCEDURE } from '../../../test/approval.js'
import { assertAccessible, assertReadsOnPhone, follow, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { fillDraft } from './fill-draft.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

test('the document store in the browser: listed, shared by a link that opens signed out, reused in a new dossier without JavaScript, removed; axe on each page', async () => {
  const c = await newCitizen(t)
  const first = await finishedDossier(t, c.id)
  const store = await t.services.dossiers.storeDocuments(c.id)
  const component = store.find(d => d.kind === 'component')!

  const context = await signedInContext(b.browser, t.url, c.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/ca-nhan`)
    await follow(page, 'Kho dữ liệu của tôi')
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Kho dữ liệu của tôi')
    await assertReadsOnPhone(page)
    assert.ok(await page.getByRole('link', { name: first }).first().isVisible())
    // Share the result for 7 days: the link opens the file for someone not signed in.
    const row = page.getByRole('row').filter({ hasText: 'Kết quả:' })
    await row.getByLabel('Chia sẻ trong').selectOption('7')
    await row.getByRole('button', { name: 'Tạo liên kết chia sẻ' }).click()
    await page.waitForLoadState()
    const link = await page.getByRole('status').getByRole('link').getAttribute('href')
    assert.match(link ?? '', /\/kho-du-lieu\/chia-se\//)
    const anonymous = await b.browser.newContext()
    try {
      // (PUBLIC_URL is the configured address; the test server listens elsewhere.)
      const res = await anonymous.request.get(`${t.url}${new URL(link!).pathname}`)
      assert.equal(res.status(), 200)
      assert.equal(res.headers()['content-type'], 'application/pdf')
    } finally { await anonymous.close() }
  } finally { await context.close() }

  // A new dossier of the same procedure, without JavaScript: the component is offered from the store and reused.
  const slotKey = (await t.services.dossiers.draft(c.id, await t.services.dossiers.startDraft(c.id, FLOW_PROCEDURE))).slots.find(s => s.name === component.name)!.key
  const id = await fillDraft(t.services.dossiers, c.id, FLOW_PROCEDURE, () => samplePdf('moi'), { leaveEmpty: slotKey })
  const plain = await signedInContext(b.browser, t.url, c.cookie, { javaScript: false })
  const p2 = await plain.newPage()
  try {
    await visit(p2, `${t.url}/nop-ho-so/${id}/thanh-phan`, { accessible: false })
    await p2.locator(`#dung-lai-${slotKey}`).selectOption(String(component.entryId))
    await p2.getByRole('button', { name: 'Tải lên và ở lại trang này' }).click()
    await p2.waitForLoadState()
    assert.ok(await p2.getByText(`dùng lại từ kho dữ liệu (hồ sơ ${first})`).isVisible())
  } finally { await plain.close() }

  // The same page with scripts, for axe; then the document removed from the store.
  const again = await signedInContext(b.browser, t.url, c.cookie)
  const p3 = await again.newPage()
  try {
    await visit(p3, `${t.url}/nop-ho-so/${id}/thanh-phan`)
    await visit(p3, `${t.url}/ca-nhan/kho-du-lieu`)
    const row = p3.getByRole('row').filter({ hasText: component.file.name })
    await row.getByRole('button', { name: /Xóa khỏi kho/ }).click()
    await p3.waitForLoadState()
    assert.match(await p3.getByRole('status').innerText(), /Đã xóa .* khỏi kho dữ liệu/)
    await assertAccessible(p3)
  } finally { await again.close() }
})

test('a catalog administrator says which result stands in for which paper, in the browser: a mistake beside its field, then the row; axe on each page', async () => {
  const admin = await newOfficial(t, '000.00.00.H34', ['catalog_admin'])
  const context = await signedInContext(b.browser, t.url, admin.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/can-bo`)
    await follow(page, 'Kết quả dùng thay giấy tờ')
    await page.getByLabel('Mã thủ tục có kết quả dùng thay').fill('không có')
    await page.getByLabel(/Tên giấy tờ được thay/).fill('giấy chứng nhận lưu hành')
    await press(page, 'Thêm')
    assert.ok(await page.locator('#procedure-error').isVisible())
    await page.getByLabel('Mã thủ tục có kết quả dùng thay').fill(FLOW_PROCEDURE)
    await press(page, 'Thêm')
    assert.match(await page.getByRole('status').innerText(), /Đã thêm/)
    assert.ok(await page.getByRole('cell', { name: 'giấy chứng nhận lưu hành', exact: true }).isVisible())
  } finally { await context.close() }
})

test('the desk records a paper\'s validity on the dossier\'s page in the browser: a wrong day beside its field, then saved and shown; axe on each page', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await fillDraft(t.services.dossiers, c.id, FLOW_PROCEDURE, () => samplePdf('giay-to')))
  const desk = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const context = await signedInContext(b.browser, t.url, desk.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await page.getByText('Ghi thời hạn hiệu lực của giấy tờ').click()
    const first = page.locator('input[name^="valid-"]').first()
    await first.fill('30/02/2030')
    await press(page, 'Lưu thời hạn hiệu lực')
    const id = await page.locator('input[name^="valid-"]').first().getAttribute('id')
    assert.ok(await page.locator(`#${id}-error`).getByText(/theo dạng ngày\/tháng\/năm/).isVisible())
    await assertAccessible(page)
    await page.locator(`#${id}`).fill('31/12/2030')
    await press(page, 'Lưu thời hạn hiệu lực')
    assert.match(await page.getByRole('status').innerText(), /Đã ghi thời hạn hiệu lực của 1 giấy tờ/)
    assert.ok(await page.getByText(/có hiệu lực đến hết ngày 31\/12\/2030/).first().isVisible())
    await assertReadsOnPhone(page)
  } finally { await context.close() }
})
