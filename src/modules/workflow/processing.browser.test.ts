import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import type { BrowserContext } from 'playwright-core'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, press, useBrowser, visit } from '../../../test/browser.js'
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

test('a catalog administrator sets a procedure\'s time limits and process in the browser (axe on each page)', async () => {
  await asOfficial('000.00.00.H34', ['catalog_admin'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Thời hạn và quy trình của thủ tục' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await visit(page, `${t.url}/can-bo/thu-tuc/${encodeURIComponent(PROCEDURE)}`)
    await assertAccessible(page)
    await page.getByLabel('Thời hạn công dân bổ sung hồ sơ (ngày làm việc)').fill('0')
    await press(page, 'Lưu thời hạn tiếp nhận và bổ sung')
    assert.ok(await page.locator('#supplementDays-error').getByText('Số ngày làm việc từ 1 đến 60').isVisible())
    await page.getByLabel('Thời hạn công dân bổ sung hồ sơ (ngày làm việc)').fill('10')
    await press(page, 'Lưu thời hạn tiếp nhận và bổ sung')
    assert.ok(await page.getByText('Đã lưu thời hạn tiếp nhận và bổ sung.').isVisible())
    await page.locator('#step-1-share').fill('50')
    await press(page, 'Lưu quy trình')
    assert.ok(await page.getByText(/phải bằng 100%/).first().isVisible())
  })
})

test('asking another agency\'s opinion in the browser: the specialist asks, the consulted agency answers (axe on each page)', async () => {
  const code = await receivedDossier()
  await asOfficial('000.00.11.H34', ['specialist'], async page => {
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`)
    await page.getByText('Xin ý kiến một cơ quan khác').click()
    await page.getByLabel('Cơ quan được hỏi').selectOption({ value: '000.00.15.H34' })
    await page.getByLabel('Nội dung xin ý kiến').fill('Đề nghị cho ý kiến về phương tiện phục vụ lễ hội.')
    // Received in the morning, a same-day dossier is due before any reply: the reason lets it go whatever the hour.
    await page.getByLabel('Lý do, nếu hạn trả lời muộn hơn hạn trả kết quả').fill('Cần ý kiến chuyên ngành trước khi trình lãnh đạo')
    await press(page, 'Gửi xin ý kiến')
    assert.ok(await page.getByText(/Đã gửi xin ý kiến/).isVisible())
  })
  await asOfficial('000.00.15.H34', ['specialist'], async cp => {
    await visit(cp, `${t.url}/can-bo`)
    await cp.getByRole('link', { name: /Xin ý kiến \(1\)/ }).click()
    await cp.waitForLoadState()
    await assertAccessible(cp)
    await cp.getByRole('link', { name: code }).click()
    await cp.waitForLoadState()
    await cp.getByLabel('Ý kiến của cơ quan').fill('Không cần cấp phép riêng.')
    await press(cp, 'Gửi ý kiến')
    assert.ok(await cp.getByText('Đã gửi ý kiến; cơ quan hỏi đã nhận được.').isVisible())
  })
})

test('a system administrator adjusts a form\'s wording in the browser (axe on each page)', async () => {
  await asOfficial('000.00.00.H34', ['system_admin'], async page => {
    await visit(page, `${t.url}/can-bo`)
    await page.getByRole('link', { name: 'Mẫu văn bản' }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByRole('link', { name: /Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ/ }).click()
    await page.waitForLoadState()
    await assertAccessible(page)
    await page.getByLabel('Nội dung', { exact: false }).fill('Hồ sơ {code} cần bổ sung: {items}\n{thuMoi}')
    await press(page, 'Lưu mẫu')
    assert.ok(await page.locator('#body-error').getByText(/Không có trường \{thuMoi\}/).isVisible())
  })
})

test('late and stopped dossiers in the browser: the apology with a new date (form 04), then stopping another (form 05) (axe on each page)', async () => {
  const late = await receivedDossier()
  const dept = '000.00.11.H34'
  // Due in five working days, so the apology is still allowed.
  const due = (await t.services.calendar.computeDue(new Date(), { value: 5, unit: 'working_days' }, {}, dept)).due
  await t.db.kysely.updateTable('dossiers').set({ dueAt: due }).where('code', '=', late).execute()
  const cal = await t.services.calendar.calendar(dept)
  let day = new Date(due.getTime() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10)
  while (!cal.isWorkingDay(day)) day = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  await asOfficial(dept, ['specialist'], async page => {
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(late)}`)
    await page.getByText('Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)').click()
    await page.getByLabel('Lý do chậm trả kết quả').fill('Chờ kết quả kiểm định lại phương tiện')
    await page.getByLabel('Ngày hẹn trả mới').fill(day)
    await press(page, 'Gửi phiếu xin lỗi và hẹn lại')
    assert.ok(await page.getByText(/Đã gửi phiếu xin lỗi và hẹn lại/).isVisible())
    assert.ok(await page.getByRole('link', { name: /Phiếu xin lỗi và hẹn lại ngày trả kết quả \(mẫu 04\)/ }).isVisible())

    // Another dossier, forwarded to processing, then stopped by the head.
    const stopped = await receivedDossier()
    await visit(page, `${t.url}/can-bo/ho-so/${encodeURIComponent(stopped)}`)
    await press(page, /Chuyển xem xét, trình ký/)
    await asOfficial(dept, ['department_head'], async hp => {
      await visit(hp, `${t.url}/can-bo/ho-so/${encodeURIComponent(stopped)}`)
      await hp.getByText('Dừng giải quyết hồ sơ (mẫu 05)').click()
      await hp.getByLabel('Lý do dừng giải quyết').fill('Phương tiện đang bị tạm giữ theo quyết định của cơ quan công an')
      await press(hp, 'Dừng giải quyết')
      assert.ok(await hp.getByText(/Đã dừng giải quyết hồ sơ/).isVisible())
      assert.ok(await hp.getByRole('link', { name: /mẫu 05/ }).isVisible())
    })
  }, 'Trần Văn Chuyên')
})

test('processing in the browser: forward with a working paper, send back, supplement during processing answered by the citizen, refusal after review (axe on each page)', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const desk = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  await t.services.workflow.receive((await t.services.officials.sessionOfficial(desk.cookie.split('=')[1]!))!, code)
  const dept = '000.00.11.H34'
  const people = {
    specialist: await newOfficial(t, dept, ['specialist'], 'Đỗ Văn Thẩm'),
    head: await newOfficial(t, dept, ['department_head'], 'Hà Thị Duyệt'),
    leader: await newOfficial(t, dept, ['agency_leader'], 'Vũ Văn Ký')
  }
  const url = `${t.url}/can-bo/ho-so/${encodeURIComponent(code)}`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-proc-'))
  const contexts: BrowserContext[] = []
  const open = async (cookie: string) => { const ctx = await contextWith(cookie); contexts.push(ctx); return ctx.newPage() }
  try {
    // The specialist forwards with a working paper only officials see.
    const sp = await open(people.specialist.cookie)
    await visit(sp, url)
    const paper = path.join(dir, 'to-trinh-noi-bo.pdf')
    fs.writeFileSync(paper, samplePdf('to trinh'))
    await sp.getByLabel('Người xử lý').selectOption({ label: 'Hà Thị Duyệt' })
    await sp.getByLabel('Tài liệu kèm theo (nếu có, chỉ cán bộ xem được)').setInputFiles(paper)
    await press(sp, /^Chuyển /)

    // The head reads the paper, then sends the dossier back; a reason is required.
    const hd = await open(people.head.cookie)
    await visit(hd, url)
    assert.ok(await hd.getByRole('link', { name: 'to-trinh-noi-bo.pdf' }).isVisible())
    await hd.locator('summary', { hasText: 'Trả lại bước trước' }).click()
    await press(hd, 'Trả lại')
    assert.ok(await hd.locator('#back-reason-error').isVisible())
    await hd.getByLabel('Lý do trả lại').fill('Kiểm tra lại giấy chứng nhận bảo hiểm')
    await press(hd, 'Trả lại')
    assert.ok(await hd.getByText(/Đã trả lại/).isVisible())

    // Back with the specialist, who asks the citizen for a supplement (once; the clock pauses).
    await visit(sp, `${t.url}/can-bo/ho-so?hang-doi=cua-toi`)
    await sp.getByRole('link', { name: code }).click()
    await sp.waitForLoadState()
    assert.ok(await sp.getByText('Kiểm tra lại giấy chứng nhận bảo hiểm').first().isVisible())
    const slot = (await t.services.dossiers.get(c.id, code)).slots[1]!
    await sp.getByRole('checkbox', { name: slot.name }).check()
    await sp.getByLabel(`Nội dung cần bổ sung: ${slot.name}`).fill('Giấy chứng nhận bảo hiểm đã hết hạn, nộp bản còn hiệu lực')
    await press(sp, 'Gửi yêu cầu bổ sung')
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 5)

    // The citizen answers; the working paper is never shown to them.
    const cp = await open(c.cookie)
    await visit(cp, `${t.url}/ca-nhan/ho-so/${encodeURIComponent(code)}`)
    assert.equal(await cp.getByText('to-trinh-noi-bo.pdf').count(), 0)
    assert.ok(await cp.getByText('Giấy chứng nhận bảo hiểm đã hết hạn, nộp bản còn hiệu lực').isVisible())
    await answerSupplement(cp, dir, 'bao-hiem-moi.pdf')
    assert.equal((await t.services.dossiers.get(c.id, code)).status, 4)

    // The dossier is back with the same specialist, the new file there; on to the head and the leader.
    await visit(sp, url)
    assert.ok(await sp.getByRole('link', { name: 'bao-hiem-moi.pdf' }).isVisible())
    await sp.getByLabel('Người xử lý').selectOption({ label: 'Hà Thị Duyệt' })
    await press(sp, /^Chuyển /)
    await visit(hd, url)
    await hd.getByLabel('Người xử lý').selectOption({ label: 'Vũ Văn Ký' })
    await press(hd, /^Chuyển /)

    // The leader refuses after review: the reason is required, and a letter becomes the result.
    const ld = await open(people.leader.cookie)
    await visit(ld, url)
    await ld.locator('summary', { hasText: 'Từ chối giải quyết' }).click()
    await press(ld, 'Từ chối giải quyết')
    assert.ok(await ld.locator('#refuse-reason-error').isVisible())
    await ld.getByLabel('Lý do từ chối giải quyết').fill('Phương tiện không đáp ứng điều kiện lưu hành theo quy định')
    await press(ld, 'Từ chối giải quyết')
    assert.ok(await ld.getByText('Đã từ chối giải quyết; văn bản trả lời chờ trả cho công dân.').isVisible())
    const d = await t.services.dossiers.get(c.id, code)
    assert.equal(d.status, 9)
    const letter = d.files.find(f => f.component === 'result')
    assert.ok(letter, 'the refusal letter is the result')
  } finally {
    for (const ctx of contexts) await ctx.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
