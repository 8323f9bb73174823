import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { freePort } from '../../../test/net.js'
import { newOfficial } from '../../../test/officials.js'
import { createWorker } from '../../platform/jobs/worker.js'

// The sandbox gateway sends its IPN over HTTP to PUBLIC_URL, so the app listens where PUBLIC_URL says.
const port = await freePort()
const t = useTestApp({ config: { PAYMENT_SANDBOX: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
let worker: ReturnType<typeof createWorker> | undefined
/** The real job worker, as the server runs it in-process: it sends the sandbox's IPN. */
const startWorker = () => { worker ??= createWorker(t.services.jobs, { concurrency: 2, pollMs: 50, log: pino({ level: 'silent' }) }); worker.start() }
after(async () => { await worker?.stop() })
const PROCEDURE = '1.004325.000.00.00.H34'

async function awaitingFees () {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
  await browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie).post(`${url}/tiep-nhan`)
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  await sp.post(`${url}/chuyen`, { taskId: /name="taskId" value="(\d+)"/.exec((await sp.get(url)).body)![1]! })
  const hd = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  await hd.post(`${url}/yeu-cau-nop-phi`, { taskId: /name="taskId" value="(\d+)"/.exec((await hd.get(url)).body)![1]!, amount: '230000' })
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
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
