import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { FLOW_PROCEDURE } from '../../../test/approval.js'
import { assertAccessible, assertReadsOnPhone, follow, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

test('feedback in the browser: a citizen sends it about their dossier (errors beside the fields first), an official drafts the answer, a leader approves it and reads the figures, anyone finds it on the public page without the sender; axe on each page', async () => {
  const c = await newCitizen(t)
  const { code: dossierCode } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FLOW_PROCEDURE))

  // The citizen, from their dossier's page.
  const citizen = await signedInContext(b.browser, t.url, c.cookie)
  const page = await citizen.newPage()
  let code: string
  try {
    await visit(page, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(dossierCode)}`)
    await follow(page, 'Phản ánh, kiến nghị về hồ sơ này')
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Gửi phản ánh, kiến nghị')
    assert.ok(await page.getByText(dossierCode).first().isVisible(), 'the dossier it is about')
    await assertReadsOnPhone(page)
    await page.getByLabel('Tiêu đề').fill('Bị yêu cầu nộp thêm giấy tờ')
    await press(page, 'Gửi phản ánh')
    assert.match(await page.locator('#body-error').innerText(), /Nêu nội dung phản ánh/)
    assert.equal(await page.getByLabel('Tiêu đề').inputValue(), 'Bị yêu cầu nộp thêm giấy tờ', 'what was typed is kept')
    await page.getByLabel('Nội dung', { exact: true }).fill('Cán bộ một cửa yêu cầu tôi nộp thêm giấy xác nhận cư trú, giấy này không có trong thành phần hồ sơ của thủ tục. Điện thoại của tôi: 0912345678.')
    await press(page, 'Gửi phản ánh')
    assert.match(await page.getByRole('status').first().innerText(), /Đã gửi phản ánh, kiến nghị, mã PA-/)
    code = /PA-\d{6}-\d{6}/.exec(await page.getByRole('status').first().innerText())![0]
    assert.ok(await page.getByText('Đã tiếp nhận').first().isVisible())
  } finally { await citizen.close() }

  // The specialist drafts, the leader approves.
  const f = await t.db.kysely.selectFrom('feedback').select('agencyCode').where('code', '=', code).executeTakeFirstOrThrow()
  const specialist = await newOfficial(t, f.agencyCode, ['specialist'])
  const sp = await signedInContext(b.browser, t.url, specialist.cookie)
  const p2 = await sp.newPage()
  try {
    await visit(p2, `${t.url}/can-bo`)
    await p2.locator('main').getByRole('link', { name: 'Phản ánh, kiến nghị', exact: true }).click()
    await p2.waitForLoadState()
    await assertAccessible(p2)
    await follow(p2, code)
    await p2.getByLabel('Nội dung trả lời').fill('Sở đã kiểm tra: giấy xác nhận cư trú không thuộc thành phần hồ sơ. Cán bộ đã được nhắc nhở, hồ sơ của ông được giải quyết đúng hạn.')
    await press(p2, 'Trình lãnh đạo duyệt')
    assert.ok(await p2.getByText('Chờ lãnh đạo duyệt trả lời').first().isVisible())
    assert.equal(await p2.getByRole('button', { name: 'Duyệt và công khai' }).count(), 0, 'a specialist cannot approve')
  } finally { await sp.close() }

  const leader = await newOfficial(t, f.agencyCode, ['agency_leader'])
  const ld = await signedInContext(b.browser, t.url, leader.cookie)
  const p3 = await ld.newPage()
  try {
    await visit(p3, `${t.url}/can-bo/phan-anh?hang-doi=cho-duyet`)
    await follow(p3, code)
    await press(p3, 'Duyệt và công khai')
    assert.ok(await p3.getByText('Đã trả lời').first().isVisible())
    // The leader's figures (the statistics page, reached from the queue): answered on time, 100%.
    await visit(p3, `${t.url}/can-bo/phan-anh`)
    await follow(p3, 'Thống kê')
    assert.equal(await p3.getByRole('heading', { level: 1 }).innerText(), 'Thống kê\nTiếp nhận, trả lời phản ánh, kiến nghị')
    const agencyRow = p3.locator('tbody tr').filter({ hasText: 'Tổng cộng' })
    assert.match(await agencyRow.innerText(), /100%/)
    const [download] = await Promise.all([p3.waitForEvent('download'), p3.getByRole('link', { name: 'Tải Excel (.xlsx)' }).click()])
    await p3.setViewportSize({ width: 390, height: 800 })
    await assertReadsOnPhone(p3)
    assert.match(download.suggestedFilename(), /^phan-anh-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/)
  } finally { await ld.close() }

  // Anyone: the public page finds it by words without diacritics; no name, no phone.
  const anonymous = await b.browser.newContext()
  const p4 = await anonymous.newPage()
  try {
    await visit(p4, `${t.url}/`)
    await follow(p4, 'Phản ánh, kiến nghị')
    await p4.getByLabel('Tìm trong câu hỏi và trả lời').fill('giay xac nhan cu tru')
    await press(p4, 'Tìm')
    await follow(p4, 'Bị yêu cầu nộp thêm giấy tờ')
    const text = await p4.locator('main').innerText()
    assert.match(text, /Cán bộ đã được nhắc nhở/)
    assert.doesNotMatch(text, /Nguyễn Văn Thử|0912345678/)
    assert.match(text, /\[đã ẩn\]/)
    await assertAccessible(p4)
  } finally { await anonymous.close() }
})
