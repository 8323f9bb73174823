import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

test('an administrator adjusts a form\'s wording (plain text, known placeholders only); the next PDFs use it; back to the shipped text', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['system_admin'])).cookie)
  assert.match((await admin.get('/can-bo/mau-van-ban')).body, /Giấy tiếp nhận hồ sơ và hẹn trả kết quả/)
  const page = await admin.get('/can-bo/mau-van-ban/01')
  assert.match(page.body, /\{receivedAt\}/)
  const bad = await admin.post('/can-bo/mau-van-ban/01', { title: 'Giấy hẹn', body: 'Mã hồ sơ: {code}\nNgười nhận: {nguoiNhan}\n<b>đậm</b>' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Không có trường \{nguoiNhan\}/)
  assert.match(bad.body, /không dùng thẻ HTML/)
  const body = 'Mã hồ sơ: {code}\n{agency} đã nhận hồ sơ của {applicant} lúc {receivedAt}.\nHẹn trả kết quả: {dueAt}. Xin cảm ơn quý khách.'
  assert.equal((await admin.post('/can-bo/mau-van-ban/01', { title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', body })).statusCode, 200)

  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34'))
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  await desk.post(`/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`)
  const text = await pdfText((await desk.get(`/can-bo/ho-so/${encodeURIComponent(code)}/mau-01.pdf`)).rawPayload)
  assert.ok(text.includes('Xin cảm ơn quý khách.'))
  assert.ok(text.includes(code))
  assert.equal((await admin.post('/can-bo/mau-van-ban/01/mac-dinh')).statusCode, 200)
  const shipped = await pdfText((await desk.get(`/can-bo/ho-so/${encodeURIComponent(code)}/mau-01.pdf`)).rawPayload)
  assert.ok(!shipped.includes('Xin cảm ơn quý khách.'))
  assert.ok(shipped.includes('Thành phần hồ sơ nộp gồm'))
  // Only system administrators; every change audited.
  assert.equal((await desk.get('/can-bo/mau-van-ban/01')).statusCode, 403)
  assert.equal((await admin.get('/can-bo/mau-van-ban/99')).statusCode, 404)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('targetType', '=', 'form').execute()
  assert.deepEqual(audit.map(a => a.action), ['forms.wording.set', 'forms.wording.reset'])
})
