import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import PDFDocument from 'pdfkit'
import { pdfBytes } from '../../platform/pdf/bytes.js'
import { useTestApp } from '../../../test/app.js'
import { assertReadsOnPhone, follow, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { FLOW_PROCEDURE, toApproval } from '../../../test/approval.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { catalogAdminFor, newOfficial } from '../../../test/officials.js'
import { trustingConfig } from '../../../test/signing-server.js'
import { tampered } from '../../../test/pdf.js'
import { createDemoCa, issueDemoP12 } from './keys.js'

const ca = createDemoCa('CA của bài kiểm tra')
const t = useTestApp({
  listen: true,
  setup: ctx => loadCatalog(ctx.services),
  config: () => trustingConfig(ca)
})
const b = useBrowser()

test('the verification page a QR code opens, and the check of a file someone was given, without JavaScript; axe on each page', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34'))
  const d = await t.services.dossiers.get(c.id, code)
  const agency = { code: d.agency!.code, name: d.agency!.name }
  await t.services.signing.configure({ type: 'official', id: null, name: 'Quản trị' }, agency.code, { p12: issueDemoP12(ca, { commonName: agency.name, organization: 'UBND tỉnh Kon Tum' }, 'p'), passphrase: 'p' })
  const doc = new PDFDocument({ size: 'A4' })
  const bytes = pdfBytes(doc)
  doc.text('KET QUA')
  doc.end()
  const signed = (await t.services.signing.sign({ agency, dossierId: d.id, kind: 'result', title: 'Giấy chứng nhận lưu hành', pdf: await bytes, location: 'Kon Tum' }))!
  const stored = await t.services.files.store(null, { name: 'ket-qua.pdf', data: signed.pdf })
  await signed.record(t.db.kysely, stored)

  const changed = tampered(signed.pdf)
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-up-')), 'nhan-duoc.pdf')
  fs.writeFileSync(file, changed)

  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/xac-thuc/${signed.id}`)
    assert.match(await page.getByRole('status').innerText(), /Văn bản hợp lệ/)
    assert.ok(await page.getByText(agency.name).first().isVisible())
    await assertReadsOnPhone(page)
    // A copy changed after signing, uploaded through the form: not valid, and why.
    await page.getByLabel('Tệp PDF cần kiểm tra').setInputFiles(file)
    await press(page, /^Kiểm tra$/)
    assert.match(await page.getByRole('status').innerText(), /KHÔNG hợp lệ/)
    assert.ok(await page.getByText('Không đạt – nội dung đã bị thay đổi sau khi ký').isVisible())
    // Nothing chosen: the message is beside the field.
    await press(page, /^Kiểm tra$/)
    assert.ok(await page.locator('#file-error').getByText('Chọn tệp PDF cần kiểm tra').isVisible())
  } finally { await page.close() }

  // The same check without JavaScript (axe needs scripts, so it ran above).
  const context = await b.browser.newContext({ javaScriptEnabled: false })
  const plain = await context.newPage()
  try {
    await visit(plain, `${t.url}/xac-thuc`, { accessible: false })
    await plain.getByLabel('Tệp PDF cần kiểm tra').setInputFiles(file)
    await plain.getByRole('button', { name: 'Kiểm tra', exact: true }).click()
    await plain.waitForLoadState()
    assert.match(await plain.getByRole('status').innerText(), /KHÔNG hợp lệ/)
  } finally { await context.close() }
})

test('a system administrator gives the agency its seal certificate in the browser: a wrong passphrase is told beside the field, the right one is listed; axe on each page', async () => {
  const admin = await newOfficial(t, '000.00.11.H34', ['system_admin'])
  const context = await signedInContext(b.browser, t.url, admin.cookie)
  const page = await context.newPage()
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-p12-')), 'con-dau.p12')
  fs.writeFileSync(file, issueDemoP12(ca, { commonName: 'Con dấu của Sở', organization: 'UBND tỉnh Kon Tum' }, 'mk-đúng'))
  try {
    await visit(page, `${t.url}/can-bo`)
    await follow(page, 'Chứng thư số của cơ quan')
    await assertReadsOnPhone(page)
    await page.locator('#p12-agency').selectOption('000.00.11.H34')
    await page.getByLabel('Tệp chứng thư số (.p12, .pfx)').setInputFiles(file)
    await page.getByLabel('Mật khẩu của tệp').fill('sai')
    await press(page, 'Lưu chứng thư số')
    assert.ok(await page.locator('#p12-error').getByText(/sai mật khẩu/).isVisible())
    await page.getByLabel('Tệp chứng thư số (.p12, .pfx)').setInputFiles(file)
    await page.getByLabel('Mật khẩu của tệp').fill('mk-đúng')
    await press(page, 'Lưu chứng thư số')
    assert.match(await page.getByRole('status').innerText(), /Đã lưu chứng thư số/)
    assert.ok(await page.getByRole('cell', { name: /Con dấu của Sở/ }).isVisible())
  } finally { await context.close() }
})

test('a result issued from the procedure\'s template: the catalog administrator writes and previews it, the leader issues it signed without uploading a file; axe on each page', async () => {
  const code = FLOW_PROCEDURE
  const p = await t.services.catalog.getProcedure(code)
  const { official: admin } = await catalogAdminFor(t, p)
  const adminContext = await signedInContext(b.browser, t.url, admin.cookie)
  const page = await adminContext.newPage()
  try {
    await visit(page, `${t.url}/can-bo/thu-tuc/${code}/thanh-phan`)
    await follow(page, 'Soạn mẫu văn bản kết quả')
    await assertReadsOnPhone(page)
    await page.getByLabel('Tên văn bản (in hoa ở giữa trang)').fill('Giấy chứng nhận lưu hành')
    await page.getByLabel(/^Nội dung/).fill('Cấp cho: {applicant}, địa chỉ {address}.\nTheo hồ sơ số {code}; {bienSo}.')
    await press(page, 'Xem trước')
    // The unknown field is said beside the text; the preview waits for it.
    assert.ok(await page.locator('#body-error').getByText(/Không có trường \{bienSo\}/).isVisible())
    await page.getByLabel(/^Nội dung/).fill('Cấp cho: {applicant}, địa chỉ {address}.\nTheo hồ sơ số {code}.')
    await press(page, 'Xem trước')
    assert.ok(await page.getByText('Cấp cho: [Họ và tên người nộp (tổ chức)], địa chỉ [Địa chỉ người nộp].').isVisible())
    await press(page, 'Lưu mẫu')
    assert.match(await page.getByRole('status').innerText(), /Đã lưu mẫu văn bản kết quả/)
  } finally { await adminContext.close() }

  const c = await newCitizen(t)
  const a = await toApproval(t, c.id)
  await t.services.signing.configure({ type: 'official', id: null, name: 'Quản trị' }, a.agency.code, { p12: issueDemoP12(ca, { commonName: a.agency.name, organization: 'UBND tỉnh Kon Tum' }, 'p'), passphrase: 'p' })
  const leader = await signedInContext(b.browser, t.url, a.leaderCookie)
  const lp = await leader.newPage()
  try {
    await visit(lp, `${t.url}${a.url}`)
    assert.ok(await lp.getByLabel(/Ban hành “Giấy chứng nhận lưu hành” theo mẫu/).isChecked())
    await lp.getByLabel('Lý do tiếp tục khi chưa thu phí, lệ phí').fill('Thu khi trả kết quả')
    await press(lp, 'Phê duyệt và ban hành kết quả')
    assert.match(await lp.getByRole('status').innerText(), /Đã phê duyệt/)
  } finally { await leader.close() }
  const d = await t.services.dossiers.get(c.id, a.code)
  assert.equal(d.status, 9)
  const result = d.files.find(f => f.component === 'result')!
  assert.equal(result.name, `ket-qua-${a.code}.pdf`)
  const signed = await t.db.kysely.selectFrom('signedDocuments').select('fileId').where('dossierId', '=', d.id).executeTakeFirstOrThrow()
  assert.equal(signed.fileId, result.id)
})
