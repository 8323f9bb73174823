import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import type { BrowserContext } from 'playwright-core'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, assertReadsOnPhone, press, useBrowser, visit } from '../../../test/browser.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { backOfficeBrowser } from '../../../test/back-office.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()
const PROCEDURE = '1.004325.000.00.00.H34'
const { contextWith, asOfficial, answerSupplement, receivedDossier } = backOfficeBrowser(t, b, PROCEDURE)

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
    await press(page, 'Gửi yêu cầu bổ sung')
    assert.ok(await page.getByText('Đã gửi yêu cầu bổ sung').isVisible())
    assert.ok(await page.getByRole('link', { name: /Phiếu yêu cầu bổ sung \(mẫu 02\)/ }).isVisible())

    // The citizen reads it and answers.
    const cp = await citizen.newPage()
    await visit(cp, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    assert.ok(await cp.getByText('Bản chụp không đọc được, chụp lại rõ nét').isVisible())
    await answerSupplement(cp, dir, 'chup-lai.pdf')

    // Back in the queue; the receptionist receives it.
    await visit(page, `${t.url}/can-bo/ho-so?hang-doi=cho-tiep-nhan`)
    await page.getByRole('link', { name: code }).click()
    await page.waitForLoadState()
    assert.ok(await page.getByRole('link', { name: 'chup-lai.pdf' }).isVisible())
    const fileResponse = await page.request.get(`${t.url}${await page.getByRole('link', { name: 'chup-lai.pdf' }).getAttribute('href')}`)
    assert.equal(fileResponse.headers()['content-type'], 'application/pdf')
    await press(page, /Tiếp nhận và in giấy hẹn/)
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

test('the whole life in a browser: received, specialist → head → leader approves with the result, returned; the citizen downloads it and rates (axe)', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const dept = '000.00.11.H34'
  const people = {
    desk: await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa'),
    specialist: await newOfficial(t, dept, ['specialist'], 'Trần Văn Chuyên'),
    head: await newOfficial(t, dept, ['department_head'], 'Nguyễn Thị Trưởng'),
    leader: await newOfficial(t, dept, ['agency_leader'], 'Phạm Văn Lãnh')
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-life-'))
  const contexts: BrowserContext[] = []
  const open = async (cookie: string) => { const ctx = await contextWith(cookie); contexts.push(ctx); return ctx.newPage() }
  const click = async (page: import('playwright-core').Page, name: string | RegExp) => {
    await page.getByRole('button', { name }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
  }
  try {
    const desk = await open(people.desk.cookie)
    await visit(desk, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await click(desk, /Tiếp nhận và in giấy hẹn/)

    for (const [who, next] of [['specialist', 'Nguyễn Thị Trưởng'], ['head', 'Phạm Văn Lãnh']] as const) {
      const page = await open(people[who].cookie)
      await visit(page, `${t.url}/can-bo/ho-so?hang-doi=cua-toi`)
      await page.getByRole('link', { name: code }).click()
      await page.waitForLoadState()
      await assertAccessible(page)
      await page.getByLabel('Người xử lý').selectOption({ label: next })
      await page.getByLabel('Ý kiến, nội dung chuyển').fill('Đề nghị xem xét')
      await click(page, /^Chuyển /)
      assert.ok(await page.getByText(/Đã chuyển bước/).isVisible())
    }

    const leader = await open(people.leader.cookie)
    await visit(leader, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    const result = path.join(dir, 'giay-chung-nhan.pdf')
    fs.writeFileSync(result, samplePdf('giay chung nhan'))
    await leader.getByLabel('Văn bản kết quả giải quyết (PDF hoặc bản quét)').setInputFiles(result)
    // The fees were never asked: the leader is told and gives the reason to go on.
    await leader.getByLabel('Lý do tiếp tục khi chưa thu phí, lệ phí').fill('Thu phí khi trả kết quả tại quầy')
    await click(leader, 'Phê duyệt và ban hành kết quả')
    assert.ok(await leader.getByText('Đã phê duyệt; kết quả chờ trả cho công dân.').isVisible())

    await visit(desk, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await desk.getByLabel('Tại bộ phận một cửa').check()
    await desk.getByLabel('Lý do tiếp tục khi chưa thu phí, lệ phí').fill('Người nộp nộp phí tại quầy khi nhận kết quả')
    await click(desk, 'Xác nhận đã trả kết quả')
    assert.ok(await desk.getByRole('table', { name: 'Phiếu kiểm soát quá trình giải quyết' }).isVisible())

    const citizen = await open(c.cookie)
    await visit(citizen, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    assert.ok(await citizen.getByText('Đã trả kết quả').first().isVisible())
    const href = await citizen.getByRole('link', { name: 'giay-chung-nhan.pdf' }).getAttribute('href')
    assert.equal((await citizen.request.get(`${t.url}${href}`)).headers()['content-type'], 'application/pdf')
    await citizen.getByLabel('Rất hài lòng').check()
    await click(citizen, 'Gửi đánh giá')
    assert.ok(await citizen.getByText('Cảm ơn bạn đã đánh giá.').isVisible())
    for (const step of ['Tiếp nhận hồ sơ', 'Chuyển xử lý', 'Đã có kết quả giải quyết', 'Trả kết quả']) {
      assert.ok(await citizen.getByText(step, { exact: true }).first().isVisible(), step)
    }
  } finally {
    for (const ctx of contexts) await ctx.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('an official searches dossiers and opens the overdue queue; an administrator reads the audit log (axe on each page)', async () => {
  const code = await receivedDossier()
  await t.db.kysely.updateTable('dossiers').set({ dueAt: new Date(Date.now() - 86_400_000) }).where('code', '=', code).execute()
  await asOfficial('000.00.11.H34', ['department_head'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Tìm kiếm nâng cao' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByLabel('Tên chủ hồ sơ').fill('nguyen van thu')
    await page.getByLabel('Trạng thái').selectOption({ label: 'Được tiếp nhận' })
    await press(page, 'Tìm kiếm')
    assert.ok(await page.getByRole('link', { name: code }).isVisible())
    // A bad date is told next to its field.
    await page.getByLabel('Nộp từ ngày').fill('2026-05-01')
    await page.getByLabel('Đến ngày').fill('2026-04-01')
    await press(page, 'Tìm kiếm')
    assert.ok(await page.locator('#den-error').getByText('Đến ngày phải sau hoặc bằng Từ ngày').isVisible())
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: /Quá hạn \(\d+\)/ }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    assert.ok(await page.getByRole('row', { name: new RegExp(code.replace(/\./g, '\\.')) }).getByText('Quá hạn').isVisible())
    // On a phone the dossier (its components and process log) reads.
    await page.setViewportSize({ width: 390, height: 800 })
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await assertReadsOnPhone(page)
  })
  await asOfficial('000.00.00.H34', ['system_admin'], async ap => {
    await visit(ap, `${t.url}/can-bo`)
    await ap.getByRole('link', { name: 'Nhật ký thao tác' }).click()
    await ap.waitForLoadState()
    await ap.getByLabel('Mã hồ sơ').fill(code)
    await press(ap, 'Lọc')
    assert.ok(await ap.getByRole('cell', { name: /Tiếp nhận hồ sơ/ }).first().isVisible())
    // On a phone the log and the calendar read (each row a block, nothing cut off).
    await ap.setViewportSize({ width: 390, height: 800 })
    for (const url of [ap.url(), `${t.url}/can-bo/lich`]) {
      await visit(ap, url)
      await assertReadsOnPhone(ap)
    }
  })
  await asOfficial('000.00.00.H34', ['catalog_admin'], async ca => {
    await ca.setViewportSize({ width: 390, height: 800 })
    await visit(ca, `${t.url}/can-bo/thu-tuc`)
    await assertReadsOnPhone(ca)
  })
})

test('counter intake in the browser: choose the procedure, enter the walk-in applicant and the scans, receive with form 01 (axe on each page)', async () => {
  const desk = await contextWith((await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')).cookie)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-counter-'))
  try {
    const page = await desk.newPage()
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Tiếp nhận trực tiếp, qua bưu chính' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByLabel('Thủ tục hành chính').selectOption({ value: `${PROCEDURE}|000.01.11.H34` })
    await press(page, 'Tiếp tục')
    await page.getByLabel('Họ và tên').fill('Y Blơng Niê')
    await page.getByLabel('Ngày sinh').fill('01/01/1985')
    await page.getByLabel('Số định danh cá nhân (căn cước)').fill('062085123457')
    await page.getByLabel('Số điện thoại di động').fill('0905123457')
    await page.locator('#a-address').fill('Thôn 3, xã Đăk Hà, Kon Tum')
    const inputs = page.locator('input[type=file]')
    const n = await inputs.count()
    for (let i = 0; i < n; i++) {
      const file = path.join(dir, `scan-${i}.pdf`)
      fs.writeFileSync(file, samplePdf(`scan ${i}`))
      await inputs.nth(i).setInputFiles(file)
    }
    await press(page, /Tiếp nhận hồ sơ và in giấy hẹn/)
    assert.ok(await page.getByText('Đã tiếp nhận hồ sơ. In giấy tiếp nhận').isVisible())
    assert.ok(await page.getByRole('link', { name: /Giấy tiếp nhận và hẹn trả kết quả \(mẫu 01\)/ }).isVisible())
    assert.ok(await page.getByText('Y Blơng Niê').first().isVisible())
  } finally {
    await desk.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the desk records in the browser a supplement the applicant brought in person: the paper received, the dossier back in processing (axe on the page)', async () => {
  const code = await receivedDossier()
  const url = `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`
  await asOfficial('000.00.11.H34', ['specialist'], async page => {
    await visit(page, url)
    const label = (await page.locator('label[for="components"]').textContent())!
    await page.getByRole('checkbox', { name: label }).check()
    await page.getByLabel(`Nội dung cần bổ sung: ${label}`).fill('Bản sao chưa chứng thực')
    await press(page, 'Gửi yêu cầu bổ sung')
  })
  await asOfficial('000.01.01.H34', ['receptionist'], async page => {
    await visit(page, url)
    await assertAccessible(page)
    const section = page.getByRole('region', { name: 'Nhận hồ sơ bổ sung trực tiếp, qua bưu chính' })
    await section.getByText('Đã nhận bản giấy, không quét').click()
    await press(page, 'Ghi nhận đã nhận hồ sơ bổ sung')
    assert.ok(await page.getByText(/Đã ghi nhận hồ sơ bổ sung; hồ sơ trở lại trạng thái “Đang xử lý”/).isVisible())
    await assertAccessible(page)
  })
  const row = await t.db.kysely.selectFrom('dossiers').select(['id', 'status']).where('code', '=', code).executeTakeFirstOrThrow()
  assert.equal(row.status, 4, 'back in processing')
  const answered = await t.db.kysely.selectFrom('supplementRequests').select('answeredAt').where('dossierId', '=', row.id).executeTakeFirstOrThrow()
  assert.ok(answered.answeredAt, 'the request is answered')
})
