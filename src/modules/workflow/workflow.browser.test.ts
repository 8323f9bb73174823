import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import type { BrowserContext } from 'playwright-core'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const PROCEDURE = '1.004325.000.00.00.H34'

async function contextWith (cookie: string): Promise<BrowserContext> {
  const context = await b.browser.newContext()
  const [name, value] = cookie.split('=') as [string, string]
  await context.addCookies([{ name, value, url: t.url }])
  return context
}

test('reception in the browser: queue, supplement request, the citizen\'s answer, receipt with the due date (axe on each page)', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const agency = (await t.services.dossiers.get(c.id, code)).agency!.code
  const r = await newOfficial(t, agency, ['receptionist'], 'Lê Thị Tiếp Nhận')
  const staff = await contextWith(r.cookie)
  const citizen = await contextWith(c.cookie)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-rcpt-'))
  try {
    const page = await staff.newPage()
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: /Chờ tiếp nhận \(\d+\)/ }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByRole('link', { name: code }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    // Ask for a supplement of the first component.
    const first = (await t.services.dossiers.get(c.id, code)).slots[0]!
    await page.getByRole('checkbox', { name: first.name }).check()
    await page.getByLabel(`Nội dung cần bổ sung: ${first.name}`).fill('Bản chụp không đọc được, chụp lại rõ nét')
    await page.getByRole('button', { name: 'Gửi yêu cầu bổ sung' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText('Đã gửi yêu cầu bổ sung').isVisible())
    assert.ok(await page.getByRole('link', { name: /Phiếu yêu cầu bổ sung \(mẫu 02\)/ }).isVisible())

    // The citizen reads it and answers.
    const cp = await citizen.newPage()
    await visit(cp, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    assert.ok(await cp.getByText('Bản chụp không đọc được, chụp lại rõ nét').isVisible())
    const file = path.join(dir, 'chup-lai.pdf')
    fs.writeFileSync(file, samplePdf('chup lai'))
    const input = cp.getByLabel(/Tệp bổ sung cho/).and(cp.locator('input[type=file]'))
    await input.setInputFiles(file)
    await input.locator('xpath=ancestor::form').getByRole('button', { name: 'Tải lên' }).click()
    await cp.waitForLoadState()
    await cp.getByRole('button', { name: 'Gửi bổ sung' }).click()
    await cp.waitForLoadState()
    await assertAccessible(cp)

    // Back in the queue; the receptionist receives it.
    await visit(page, `${t.url}/can-bo/ho-so?hang-doi=cho-tiep-nhan`)
    await page.getByRole('link', { name: code }).click()
    await page.waitForLoadState()
    assert.ok(await page.getByRole('link', { name: 'chup-lai.pdf' }).isVisible())
    const fileResponse = await page.request.get(`${t.url}${await page.getByRole('link', { name: 'chup-lai.pdf' }).getAttribute('href')}`)
    assert.equal(fileResponse.headers()['content-type'], 'application/pdf')
    await page.getByRole('button', { name: /Tiếp nhận và in giấy hẹn/ }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByText(/Đã tiếp nhận hồ sơ; hẹn trả kết quả/).isVisible())

    // The citizen sees the status, the due date and form 01.
    await visit(cp, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    assert.ok(await cp.getByText('Được tiếp nhận').first().isVisible())
    const due = (await t.services.dossiers.get(c.id, code)).dueAt!
    assert.ok(due > new Date())
    assert.ok(await cp.getByRole('link', { name: /mẫu 01/ }).isVisible())
    assert.ok(await cp.getByText('Tiếp nhận hồ sơ', { exact: true }).isVisible())
  } finally {
    await staff.close()
    await citizen.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
