import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, signedInContext, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { freePort } from '../../../test/net.js'
import { dossierAwaitingFees } from '../../../test/payments.js'
import { waitFor } from '../../../test/processes.js'
import { createWorker } from '../../platform/jobs/worker.js'

// The stand-in national portal's PayGov answers INIT over HTTP and sends its confirm to PUBLIC_URL.
const port = await freePort()
const t = useTestApp({ config: { DVCQG_STANDIN: 'true', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
let worker: ReturnType<typeof createWorker> | undefined
after(async () => { await worker?.stop() })

test('the citizen pays through the national platform (PayGov) on the stand-in’s page; the callback marks it paid and the e-receipt joins the dossier (axe on each page)', async () => {
  await t.db.kysely.updateTable('agencies').set({ onlinePayment: 'paygov' }).where('code', '=', '000.01.11.H34').execute()
  const { c, code } = await dossierAwaitingFees(t)
  worker = createWorker(t.services.jobs, { concurrency: 2, pollMs: 50, log: pino({ level: 'silent' }) })
  worker.start()
  const context = await signedInContext(b.browser, t.url, c.cookie)
  const page = await context.newPage()
  await visit(page, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
  assert.ok(await page.getByText(/PayGov/).first().isVisible())
  await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click()
  await page.waitForURL(/\/sandbox\/dvcqg\/paygov\/thanh-toan\//)
  await assertAccessible(page)
  assert.ok(await page.getByText('230.000 đồng').isVisible())
  await page.getByRole('button', { name: 'Thanh toán', exact: true }).click()
  await page.waitForURL(/\/thanh-toan\/paygov\/ket-qua/)
  await assertAccessible(page)
  await waitFor('the confirm callback to mark the fees paid', async () => (await t.services.dossiers.get(c.id, code)).status === 4)
  await page.reload()
  assert.ok(await page.getByRole('heading', { name: 'Thanh toán thành công' }).isVisible())
  await waitFor('the e-receipt to be attached', async () => (await t.services.dossiers.get(c.id, code)).files.some(f => f.name.startsWith('Bien-lai-PayGov')))
  await page.getByRole('link', { name: 'Về trang hồ sơ' }).click()
  await page.waitForLoadState()
  await assertAccessible(page)
  assert.ok(await page.getByText(/Trực tuyến qua Nền tảng thanh toán quốc gia \(PayGov\): Đã thanh toán/).isVisible())
  const bill = page.getByRole('link', { name: /biên lai điện tử của Nền tảng thanh toán quốc gia/ })
  assert.ok(await bill.isVisible(), 'the e-receipt is linked from the payment')
  const pdf = await context.request.get(new URL(await bill.getAttribute('href') ?? '', page.url()).toString())
  assert.equal(pdf.status(), 200)
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-')
  await context.close()
})
