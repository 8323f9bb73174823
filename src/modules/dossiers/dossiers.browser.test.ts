import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import type { Page } from 'playwright-core'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, assertReadsOnPhone, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { sampleJpeg, samplePdf } from '../../../test/files.js'
import { pdfText } from '../../../test/pdf.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp({ config: { DEV_OUTBOX: 'true' }, listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-upload-'))
const file = (name: string, data: Buffer) => { const p = path.join(dir, name); fs.writeFileSync(p, data); return p }

async function fillCaptcha (page: Page) {
  const id = await page.locator('input[name="captchaId"]').inputValue()
  await page.getByLabel('Mã xác thực').fill((await t.services.captcha.answer(id))!)
}

async function next (page: Page, button = 'Lưu và tiếp tục') {
  await page.getByRole('button', { name: button }).click()
  await page.waitForLoadState()
  await assertAccessible(page)
}

/** Chooses files for the component whose file input has this label. */
async function choose (page: Page, label: string | RegExp, paths: string[]) {
  await page.getByLabel(label).and(page.locator('input[type=file]')).setInputFiles(paths)
}

/** Chooses files, presses the form's upload-only button and waits for the page to come back. */
async function upload (page: Page, label: string | RegExp, paths: string[]) {
  await choose(page, label, paths)
  await page.getByRole('button', { name: /^Tải lên/ }).click()
  await page.waitForLoadState()
}

test('guide 001 end to end: register, confirm, sign in, search, fill in, upload, submit, PDF, look it up (axe on each page)', async () => {
  const page = await b.browser.newPage()
  try {
    // Register as in step 1 of the guide, confirmed by the e-mail link.
    await visit(page, `${t.url}/dang-ky/ca-nhan`)
    await page.getByLabel('Họ và tên').fill('Nguyễn Trung Hiếu')
    await page.getByLabel('Số định danh cá nhân (số căn cước)').fill('062088004321')
    await page.getByLabel('Ngày sinh').fill('12/05/1988')
    await page.getByLabel('Số điện thoại di động').fill('0913 222 333')
    await page.getByLabel('Thư điện tử').fill('nthieu@example.vn')
    await page.getByLabel(/^Địa chỉ/).fill('Phường Quyết Thắng, Kon Tum')
    await page.getByLabel(/^Mật khẩu/).fill('Núi Ngọc Linh 2022')
    await page.getByLabel('Nhập lại mật khẩu').fill('Núi Ngọc Linh 2022')
    await page.getByLabel(/Tôi đã đọc thông báo/).check()
    await fillCaptcha(page)
    await page.getByRole('button', { name: 'Đăng ký' }).click()
    await page.waitForURL(/kiem-tra/)
    const worker = createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) })
    await worker.drain()
    const mail = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', 'nthieu@example.vn').orderBy('id', 'desc').executeTakeFirstOrThrow()
    await visit(page, /https?:\/\/\S+\/dang-ky\/xac-nhan\/\S+/.exec(mail.body)![0].replace(/^https?:\/\/[^/]+/, t.url))

    // Sign in (user name, password, verification code).
    await visit(page, `${t.url}/dang-nhap`)
    await page.getByLabel('Tên đăng nhập').fill('062088004321')
    await page.getByLabel('Mật khẩu').fill('Núi Ngọc Linh 2022')
    await fillCaptcha(page)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.waitForURL(/\/ca-nhan$/)

    // Search the procedure and open it.
    await visit(page, `${t.url}/thu-tuc`)
    await page.getByLabel('Từ khóa').fill('tem luu hanh xe cho hang bon banh')
    await page.getByRole('button', { name: 'Tìm kiếm' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByRole('link', { name: /Cấp Giấy chứng nhận lưu hành, tem lưu hành cho xe chở hàng bốn bánh/ }).first().click()
    await page.waitForLoadState()
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await next(page, 'Bắt đầu nộp hồ sơ mới')

    // Step 1: pre-filled from the account.
    assert.equal(await page.getByLabel('Họ và tên').first().inputValue(), 'Nguyễn Trung Hiếu')
    await page.getByLabel('Nơi cấp').first().fill('Cục Cảnh sát QLHC về TTXH')
    // The applicant block shows only when filing for someone else (CSS, no script needed).
    const applicantBlock = page.getByRole('group', { name: 'Chủ hồ sơ (người được nộp thay)' })
    await page.getByLabel('Cho chính tôi (tổ chức của tôi)').check()
    assert.equal(await applicantBlock.isVisible(), false)
    await page.getByLabel('Nộp thay cho người khác, có văn bản ủy quyền').check()
    assert.equal(await applicantBlock.isVisible(), true)
    await assertAccessible(page)
    await page.getByLabel('Cho chính tôi (tổ chức của tôi)').check()
    assert.equal(await applicantBlock.isVisible(), false)
    await next(page)

    // Step 3: components. First "continue" without files: the summary names what is missing.
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Thành phần hồ sơ/)
    await next(page)
    assert.match(await page.title(), /^Lỗi: /)
    const required = await page.locator('section.section h2:has(.required)').allInnerTexts()
    assert.ok(required.length > 0)
    const inputs = await page.locator('input[type=file]').evaluateAll(els => els.map(e => ({ id: e.id, label: document.querySelector(`label[for="${e.id}"]`)?.textContent ?? '' })))
    for (const [i, input] of inputs.entries()) {
      const heading = await page.locator(`#h-${input.id.replace(/^tp-/, '')}`).innerText()
      if (!/bắt buộc/.test(heading)) continue
      await upload(page, input.label, [file(`giay-to-${i}.pdf`, samplePdf(`trang ${i}`))])
      await assertAccessible(page)
    }
    assert.ok(await page.getByRole('link', { name: 'giay-to-0.pdf' }).isVisible())
    await next(page)

    // Step 4: have the result sent by post.
    const byPost = page.getByLabel('Qua dịch vụ bưu chính, tại địa chỉ dưới đây')
    if (await byPost.count() > 0) {
      await byPost.check()
      await page.locator('#r-province').selectOption({ label: 'Tỉnh Quảng Ngãi' })
      await page.locator('#r-commune').fill('Phường Kon Tum')
      await page.locator('#r-street').fill('70 Lê Hồng Phong')
    } else {
      await page.getByLabel('Tại cơ quan tiếp nhận').check()
    }
    await page.getByLabel('Tôi mang bản gốc đến cơ quan').check()
    await next(page)

    // Step 5: review, verification code, declaration, submit.
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Kiểm tra và nộp/)
    assert.ok(await page.getByRole('link', { name: /Thay đổi/ }).first().isVisible())
    await fillCaptcha(page)
    await page.getByLabel('Tôi xin chịu trách nhiệm trước pháp luật về lời khai trên').check()
    await next(page, 'Nộp hồ sơ')
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nộp hồ sơ thành công')
    const code = (await page.locator('.panel .reference').innerText()).trim()
    assert.match(code, /^[0-9A-Z.]+-\d{6}-\d{4}$/)
    assert.ok(await page.getByText('Hồ sơ đang chờ tiếp nhận').isVisible())
    assert.ok(await page.getByRole('table', { name: 'Thành phần hồ sơ' }).isVisible())
    assert.ok(await page.getByRole('table', { name: 'Lệ phí hồ sơ' }).isVisible())

    // The PDF: Vietnamese text that a reader extracts, the code, a QR code image.
    const pdfHref = await page.getByRole('link', { name: /Tải giấy xác nhận nộp hồ sơ/ }).getAttribute('href')
    const pdf = await page.request.get(`${t.url}${pdfHref}`)
    assert.equal(pdf.status(), 200)
    const bytes = Buffer.from(await pdf.body())
    const text = await pdfText(bytes)
    assert.match(text, /GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN/)
    assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/)
    assert.ok(text.includes(code))
    assert.match(text, /Nguyễn Trung Hiếu/)
    assert.match(bytes.toString('latin1'), /\/Subtype \/Image/)

    // Look it up as anyone would, from the public page.
    const visitor = await b.browser.newPage()
    try {
      await visit(visitor, `${t.url}/tra-cuu-ho-so`)
      await visitor.getByLabel('Mã hồ sơ').fill(code)
      await visitor.getByRole('button', { name: 'Tra cứu' }).click()
      await visitor.waitForLoadState()
      await assertAccessible(visitor)
      assert.ok(await visitor.getByRole('heading', { name: `Hồ sơ ${code}` }).isVisible())
      assert.equal(await visitor.getByText('Nguyễn Trung Hiếu').count(), 0)
    } finally { await visitor.close() }

    // The personal page lists it and shows the notice.
    await visit(page, `${t.url}/ca-nhan/ho-so`)
    assert.ok(await page.getByRole('link', { name: code }).isVisible())
    await visit(page, `${t.url}/ca-nhan/thong-bao`)
    assert.ok(await page.getByText(`Hồ sơ ${code} đã được nộp`).isVisible())
  } finally {
    await page.close()
  }
})

test('guide 002 passport: portrait and both sides of the ID card as JPEG, receiving agency, by post', async () => {
  const c = await newCitizen(t)
  const context = await signedInContext(b.browser, t.url, c.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/thu-tuc?q=h%E1%BB%99%20chi%E1%BA%BFu`)
    await page.getByRole('link', { name: /Cấp hộ chiếu phổ thông/ }).first().click()
    await page.waitForLoadState()
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click()
    await page.waitForLoadState()
    await next(page, 'Bắt đầu nộp hồ sơ mới')
    await page.getByLabel('Cho chính tôi (tổ chức của tôi)').check()
    await next(page)
    // Every component's file chosen on one page, then one press of "Lưu và tiếp tục" uploads them all.
    for (const [label, fileName] of [[/Ảnh chân dung/, 'chan-dung.jpg'], [/Ảnh mặt trước/, 'mat-truoc.jpg'], [/Ảnh mặt sau/, 'mat-sau.jpg']] as const) {
      await choose(page, label, [file(fileName, sampleJpeg())])
    }
    await choose(page, /Tờ khai đề nghị cấp hộ chiếu/, [file('to-khai.pdf', samplePdf('to khai'))])
    await next(page)
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /nhận kết quả/i, 'on to step 4 with every file kept')
    await page.getByLabel('Qua dịch vụ bưu chính, tại địa chỉ dưới đây').check()
    await next(page)
    assert.match(await page.title(), /^Lỗi: /, 'the post needs an address')
    await page.locator('#r-province').selectOption({ label: 'Tỉnh Quảng Ngãi' })
    await page.locator('#r-commune').fill('Phường Kon Tum')
    await page.locator('#r-street').fill('70 Lê Hồng Phong')
    await next(page)
    assert.ok(await page.getByText('70 Lê Hồng Phong, Phường Kon Tum, Tỉnh Quảng Ngãi').isVisible())
    await fillCaptcha(page)
    await page.getByLabel('Tôi xin chịu trách nhiệm trước pháp luật về lời khai trên').check()
    await next(page, 'Nộp hồ sơ')
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Nộp hồ sơ thành công')
    assert.ok(await page.getByRole('link', { name: 'chan-dung.jpg' }).isVisible())
    // On a phone the dossier (components and fees), and the list of dossiers read: each row a block, the status not cut off.
    await page.setViewportSize({ width: 390, height: 800 })
    await visit(page, page.url())
    await assertReadsOnPhone(page)
    assert.ok(await page.getByText('Tệp tin').first().isVisible())
    await visit(page, `${t.url}/ca-nhan/ho-so`)
    await assertReadsOnPhone(page)
    assert.ok(await page.getByText('Trạng thái').first().isVisible())
  } finally {
    await context.close()
  }
})

test('a supplement answered in the browser, with the earlier file still visible', async () => {
  const c = await newCitizen(t)
  const { browserSession, pressSubmit, readyDraft } = await import('../../../test/dossiers.js')
  const s = browserSession(t, c.cookie)
  const id = await readyDraft(t, s, '1.004325.000.00.00.H34')
  const code = decodeURIComponent(/\/ca-nhan\/ho-so\/([^?]+)/.exec((await pressSubmit(t, s, id)).headers.location as string)![1]!)
  const d = await t.services.dossiers.get(c.id, code)
  const slot = d.slots.find(x => x.required)!
  await t.services.dossiers.requestSupplement({ type: 'official', id: 'o1', name: 'Cán bộ tiếp nhận' }, code, { items: [{ component: slot.key, note: 'Bản chụp thiếu trang 2' }] })

  const context = await signedInContext(b.browser, t.url, c.cookie)
  const page = await context.newPage()
  try {
    await visit(page, `${t.url}/ca-nhan/ho-so?trang-thai=5`)
    await page.getByRole('link', { name: code }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText('Bản chụp thiếu trang 2').isVisible())
    // The file chosen and the note typed are sent together by "Gửi bổ sung".
    await choose(page, /Tệp bổ sung cho/, [file('du-trang.pdf', samplePdf('du trang'))])
    await page.getByLabel('Ghi chú gửi cơ quan (nếu có)').fill('Đã bổ sung trang 2')
    await next(page, 'Gửi bổ sung')
    assert.ok(await page.getByText('Đã gửi hồ sơ bổ sung').isVisible())
    assert.ok(await page.getByText('Phiên bản trước (1)').isVisible())
    assert.ok(await page.getByText('Công dân bổ sung hồ sơ').isVisible())
  } finally {
    await context.close()
  }
})
