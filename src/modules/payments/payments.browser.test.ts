import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, press, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { freePort } from '../../../test/net.js'
import { dossierAwaitingFees, FEES_PROCEDURE } from '../../../test/payments.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { waitFor } from '../../../test/processes.js'
import { pdfText } from '../../../test/pdf.js'
import { createWorker } from '../../platform/jobs/worker.js'

// The sandbox gateway sends its IPN over HTTP to PUBLIC_URL, so the app listens where PUBLIC_URL says.
const port = await freePort()
const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
let worker: ReturnType<typeof createWorker> | undefined
/** The real job worker, as the server runs it in-process: it sends the sandbox's IPN. */
const startWorker = () => { worker ??= createWorker(t.services.jobs, { concurrency: 2, pollMs: 50, log: pino({ level: 'silent' }) }); worker.start() }
after(async () => { await worker?.stop() })

async function awaitingFees () {
  const { c, code, deskCookie } = await dossierAwaitingFees(t)
  const context = await signedInContext(b.browser, t.url, c.cookie)
  return { c, code, deskCookie, context }
}

/** A dossier with fees just submitted online, and a browser signed in as the one-stop desk that receives it. */
async function waitingForReception () {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FEES_PROCEDURE))
  const desk = await signedInContext(b.browser, t.url, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  return { c, code, theirs: `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`, desk }
}

test('the citizen pays online through the sandbox gateway: declined first, then approved; the page follows the IPN (axe on each page)', async () => {
  const { c, code, deskCookie, context } = await awaitingFees()
  startWorker()
  try {
    const page = await context.newPage()
    await visit(page, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click()
    await page.waitForURL(/\/sandbox\/vnpay\//)
    await assertAccessible(page)
    assert.ok(await page.getByText('230.000 đồng').isVisible())
    await page.getByRole('button', { name: 'Hủy giao dịch' }).click()
    await page.waitForURL(/\/thanh-toan\/vnpay\/ket-qua/)
    await assertAccessible(page)
    assert.ok(await page.getByRole('heading', { name: 'Thanh toán không thành công' }).isVisible())
    await page.getByRole('link', { name: 'Về trang hồ sơ' }).click()
    await page.waitForLoadState()
    // The citizen picks how to pay; the gateway receives it (vnp_BankCode).
    await page.getByRole('radio', { name: /Quét mã VNPAY-QR/ }).check()
    await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click()
    await page.waitForURL(/\/sandbox\/vnpay\/.*vnp_BankCode=VNPAYQR/)
    assert.ok(await page.getByText('Quét mã VNPAY-QR bằng ứng dụng ngân hàng').isVisible())
    await page.getByRole('button', { name: 'Xác nhận thanh toán' }).click()
    await page.waitForURL(/\/thanh-toan\/vnpay\/ket-qua/)
    await assertAccessible(page)
    // The IPN comes from the sandbox's job; the page says so until it arrives, then shows it paid.
    await waitFor('the IPN to mark the fees paid', async () => (await t.services.dossiers.get(c.id, code)).status === 4)
    await page.reload()
    assert.ok(await page.getByRole('heading', { name: 'Thanh toán thành công' }).isVisible())
    await page.getByRole('link', { name: 'Về trang hồ sơ' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText(/Trực tuyến qua VNPay: Đã thanh toán/).isVisible())

    // The citizen withdraws; the desk refunds through the gateway, and the worker's job settles it.
    await t.services.dossiers.withdraw(c.id, code, 'Không còn nhu cầu')
    const staff = await signedInContext(b.browser, t.url, deskCookie)
    try {
      const official = await staff.newPage()
      await visit(official, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
      await official.getByLabel('Lý do hoàn tiền').fill('Công dân rút hồ sơ trước khi giải quyết')
      await press(official, 'Hoàn tiền qua cổng thanh toán')
      assert.ok(await official.getByText(/Đã gửi yêu cầu hoàn 230\.000 đồng qua cổng thanh toán/).isVisible())
      const refunded = async () => (await t.db.kysely.selectFrom('paymentRefunds').select('state').execute()).some(r => r.state === 'done')
      await waitFor('the refund job to settle the refund', refunded)
      await official.reload()
      assert.ok(await official.getByText(/Trực tuyến qua VNPay: Đã hoàn tiền/).isVisible())
      assert.ok(await official.getByText(/Hoàn qua cổng thanh toán 230\.000 đồng .*: đã hoàn/).isVisible())
    } finally {
      await staff.close()
    }
    await page.reload()
    assert.ok(await page.getByText(/Trực tuyến qua VNPay: Đã hoàn tiền/).isVisible())
  } finally {
    await context.close()
  }
})

test('bank transfer in the browser: account and VietQR code, the slip sent, rejected with a reason, sent again, confirmed; the receipt (axe on each page)', async () => {
  const { c, code, deskCookie } = await dossierAwaitingFees(t)
  const citizen = await signedInContext(b.browser, t.url, c.cookie)
  const staff = await signedInContext(b.browser, t.url, deskCookie)
  const mine = `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`
  const theirs = `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`
  try {
    const page = await citizen.newPage()
    await visit(page, mine)
    const qr = page.getByRole('img', { name: /Mã VietQR: chuyển 230\.000 đồng/ })
    assert.ok(await qr.evaluate(img => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), 'the QR code image loads')
    await page.getByLabel('Chứng từ chuyển khoản').setInputFiles({ name: 'uy-nhiem-chi.pdf', mimeType: 'application/pdf', buffer: samplePdf('UNC 230.000') })
    await press(page, 'Gửi chứng từ')
    assert.ok(await page.getByText(/Chuyển khoản: Đang chờ thanh toán/).isVisible())

    const official = await staff.newPage()
    await visit(official, theirs)
    // Rejecting needs a reason: told next to the field.
    await press(official, 'Không chấp nhận chứng từ')
    assert.ok(await official.locator('[id^="reject-"][id$="-error"]').isVisible())
    await official.getByLabel('Lý do không chấp nhận').fill('Chứng từ không rõ số tiền')
    await press(official, 'Không chấp nhận chứng từ')
    assert.ok(await official.getByText(/Chuyển khoản: Không thành công.*Chứng từ không rõ số tiền/).isVisible())

    await page.reload()
    assert.ok(await page.getByText(/Chuyển khoản: Không thành công.*Chứng từ không rõ số tiền/).isVisible())
    await page.getByLabel('Chứng từ chuyển khoản').setInputFiles({ name: 'uy-nhiem-chi-ro.pdf', mimeType: 'application/pdf', buffer: samplePdf('UNC 230.000 ro') })
    await press(page, 'Gửi chứng từ')

    await official.reload()
    await press(official, 'Xác nhận đã nhận tiền')
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)

    await page.reload()
    await assertAccessible(page)
    assert.ok(await page.getByText(/Chuyển khoản: Đã thanh toán/).isVisible())
    const receiptUrl = await page.getByRole('link', { name: /biên lai số/ }).getAttribute('href')
    const pdf = await page.request.get(`${t.url}${receiptUrl}`)
    assert.equal(pdf.status(), 200)
    const text = await pdfText(Buffer.from(await pdf.body()))
    for (const words of ['BIÊN LAI THU PHÍ, LỆ PHÍ', 'Hai trăm ba mươi nghìn đồng', code, 'Chuyển khoản']) assert.ok(text.includes(words), words)
  } finally {
    await citizen.close()
    await staff.close()
  }
})

test('fees set at reception, asked by the department head, paid in cash at the desk, refunded by hand after the citizen withdraws (axe on each page)', async () => {
  const { c, code, theirs, desk } = await waitingForReception()
  const head = await signedInContext(b.browser, t.url, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  try {
    // Reception: an amount for this case needs how it was computed.
    const page = await desk.newPage()
    await visit(page, theirs)
    await page.getByRole('radio', { name: /Số tiền tính theo hồ sơ này/ }).check()
    await page.getByLabel('Số tiền phải nộp của hồ sơ này (đồng)').fill('460.000')
    await press(page, 'Tiếp nhận và in giấy hẹn (mẫu 01)')
    assert.ok(await page.locator('#payable-note-error').isVisible())
    await page.getByLabel('Cách tính', { exact: true }).fill('Hai xe, mỗi xe 230.000 đồng')
    await press(page, 'Tiếp nhận và in giấy hẹn (mẫu 01)')
    assert.ok(await page.getByText(/Phải nộp cho hồ sơ này/).isVisible())
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 2)

    // The specialist forwards (over HTTP); the department head asks for the fees in the browser, from the amount set.
    const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
    assert.equal((await sp.post(`/can-bo/ho-so/${encodeURIComponent(code)}/chuyen`, { taskId: /name="taskId" value="(\d+)"/.exec((await sp.get(`/can-bo/ho-so/${encodeURIComponent(code)}`)).body)![1]! })).statusCode, 200)
    const hp = await head.newPage()
    await visit(hp, theirs)
    await hp.getByText('Yêu cầu nộp phí, lệ phí').click()
    assert.equal(await hp.getByLabel('Số tiền (đồng)').inputValue(), '460000')
    await press(hp, 'Gửi yêu cầu nộp phí')
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)

    // Cash at the desk; processing resumes.
    await page.reload()
    await press(page, 'Ghi nhận đã nộp tiền mặt')
    assert.ok(await page.getByText(/Đã ghi nhận nộp 460\.000 đồng tiền mặt/).isVisible())
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)

    // The citizen withdraws; the desk hands the money back and records it.
    await t.services.dossiers.withdraw(c.id, code, 'Không còn nhu cầu')
    await page.reload()
    await press(page, 'Ghi nhận đã hoàn tiền')
    assert.ok(await page.locator('[id^="refund-"][id$="-error"]').isVisible())
    await page.getByLabel('Lý do, cách hoàn tiền').fill('Trả lại tiền mặt tại quầy, công dân đã ký nhận')
    await press(page, 'Ghi nhận đã hoàn tiền')
    assert.ok(await page.getByText(/Đã ghi nhận hoàn 460\.000 đồng/).isVisible())
    assert.ok(await page.getByText(/Tiền mặt tại bộ phận một cửa: Đã hoàn tiền/).isVisible())
  } finally {
    await desk.close()
    await head.close()
  }
})

test('an applicant recorded exempt at reception in the browser: the reason is required, then nothing is asked (axe on each page)', async () => {
  const { c, code, theirs, desk } = await waitingForReception()
  try {
    const page = await desk.newPage()
    await visit(page, theirs)
    await page.getByRole('radio', { name: /Chủ hồ sơ được miễn phí, lệ phí/ }).check()
    await press(page, 'Tiếp nhận và in giấy hẹn (mẫu 01)')
    assert.ok(await page.locator('#exempt-reason-error').isVisible())
    assert.ok(await page.getByRole('radio', { name: /Chủ hồ sơ được miễn phí, lệ phí/ }).isChecked(), 'the choice is kept')
    await page.getByLabel('Căn cứ miễn phí, lệ phí').fill('Người khuyết tật, theo Thông tư 199/2016/TT-BTC')
    await press(page, 'Tiếp nhận và in giấy hẹn (mẫu 01)')
    assert.ok(await page.getByText(/Được miễn/).first().isVisible())
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 2)
  } finally {
    await desk.close()
  }
})
