import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { freePort } from '../../../test/net.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
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
  const { c, code } = await dossierAwaitingFees(t)
  const context = await b.browser.newContext()
  const [name, value] = c.cookie.split('=') as [string, string]
  await context.addCookies([{ name, value, url: t.url }])
  return { c, code, context }
}

test('the citizen pays online through the sandbox gateway: declined first, then approved; the page follows the IPN (axe on each page)', async () => {
  const { c, code, context } = await awaitingFees()
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
    await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click()
    await page.waitForURL(/\/sandbox\/vnpay\//)
    await page.getByRole('button', { name: 'Xác nhận thanh toán' }).click()
    await page.waitForURL(/\/thanh-toan\/vnpay\/ket-qua/)
    await assertAccessible(page)
    // The IPN comes from the sandbox's job; the page says so until it arrives, then shows it paid.
    for (let i = 0; i < 100 && (await t.services.dossiers.get(c.id, code)).status !== 4; i++) await new Promise(resolve => setTimeout(resolve, 100))
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)
    await page.reload()
    assert.ok(await page.getByRole('heading', { name: 'Thanh toán thành công' }).isVisible())
    await page.getByRole('link', { name: 'Về trang hồ sơ' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText(/Trực tuyến qua VNPay: Đã thanh toán/).isVisible())
  } finally {
    await context.close()
  }
})
