import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const DEPT = '000.00.11.H34'

async function submitted (fullName: string) {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  await t.db.kysely.updateTable('dossiers').set({ applicant: sql`jsonb_set(applicant, '{fullName}', to_jsonb(${fullName}::text))` }).where('code', '=', code).execute()
  const d = await t.services.dossiers.get(c.id, code)
  return { c, code, idNumber: (d.applicant as { idNumber: string }).idNumber }
}

test('search by code, name without diacritics, ID number, procedure, status and dates, scoped to the official\'s agencies', async () => {
  const a = await submitted('Đỗ Thị Hường Quỳnh')
  const b = await submitted('Trần Văn Bình')
  const sp = browserSession(t, (await newOfficial(t, DEPT, ['specialist'])).cookie)
  const find = async (q: string) => (await sp.get(`/can-bo/ho-so?${q}`)).body
  /** Whether a result links the dossier (the form echoes what was typed, so the code alone proves nothing). */
  const listed = (body: string, code: string) => body.includes(`href="/can-bo/ho-so/${encodeURIComponent(code)}"`)

  let page = await find(`ma=${encodeURIComponent(a.code.toLowerCase())}`)
  assert.ok(listed(page, a.code) && !listed(page, b.code), 'by code, in any case')
  page = await find('ten=do+thi+huong+quynh')
  assert.ok(listed(page, a.code) && !listed(page, b.code), 'by name without diacritics')
  page = await find(`ten=${encodeURIComponent('Hường')}`)
  assert.ok(listed(page, a.code) && !listed(page, b.code), 'by part of the name with diacritics')
  page = await find(`giay-to=${b.idNumber}`)
  assert.ok(listed(page, b.code) && !listed(page, a.code), 'by ID number')
  page = await find(`thu-tuc=${encodeURIComponent('tem lưu hành')}&trang-thai=1`)
  assert.ok(listed(page, a.code) && listed(page, b.code), 'by procedure name and status')
  assert.ok(!listed(await find('thu-tuc=tem+luu+hanh&trang-thai=10'), a.code))
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
  assert.ok(listed(await find(`tu=${today}&den=${today}&ten=quynh`), a.code), 'submitted today')
  assert.match(await find('tu=2020-01-01&den=2020-01-31&ten=quynh'), /không tìm thấy hồ sơ phù hợp/)

  // Bad input: a message next to the field, never a 500.
  const bad = await sp.get('/can-bo/ho-so?tu=2026-02-30&den=2026-01-01&trang-thai=42&ten=x')
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Từ ngày không hợp lệ/)
  assert.match(bad.body, /Chọn một trạng thái trong danh sách/)
  assert.match(bad.body, /Nhập ít nhất 2 ký tự/)
  const reversed = await sp.get('/can-bo/ho-so?tu=2026-02-01&den=2026-01-01')
  assert.match(reversed.body, /Đến ngày phải sau hoặc bằng Từ ngày/)
  assert.equal((await sp.get(`/can-bo/ho-so?ten=${encodeURIComponent("%' or 1=1 --")}`)).statusCode, 200)

  // Another department's official finds nothing of it; a citizen cannot search at all.
  const stranger = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['specialist'])).cookie)
  const strangers = (await stranger.get(`/can-bo/ho-so?ma=${encodeURIComponent(a.code)}`)).body
  assert.ok(!listed(strangers, a.code))
  assert.match(strangers, /không tìm thấy hồ sơ phù hợp/)
  const citizen = await t.app.inject({ url: `/can-bo/ho-so?ma=${encodeURIComponent(a.code)}`, headers: { cookie: a.c.cookie } })
  assert.notEqual(citizen.statusCode, 200)
})

test('due soon and overdue queues list open dossiers by due date, overdue ones marked; the workspace counts them', async () => {
  const late = await submitted('Lê Quá Hạn')
  const soon = await submitted('Lê Sắp Hạn')
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  for (const d of [late, soon]) assert.equal((await desk.post(`/can-bo/ho-so/${encodeURIComponent(d.code)}/tiep-nhan`)).statusCode, 200)
  await t.db.kysely.updateTable('dossiers').set({ dueAt: new Date(Date.now() - 3600_000) }).where('code', '=', late.code).execute()
  await t.db.kysely.updateTable('dossiers').set({ dueAt: new Date(Date.now() + 60_000) }).where('code', '=', soon.code).execute()
  const head = browserSession(t, (await newOfficial(t, DEPT, ['department_head'])).cookie)
  const overdue = (await head.get('/can-bo/ho-so?hang-doi=qua-han')).body
  assert.ok(overdue.includes(late.code) && !overdue.includes(soon.code))
  assert.match(overdue, /row--overdue/)
  const dueSoon = (await head.get('/can-bo/ho-so?hang-doi=sap-den-han')).body
  assert.ok(dueSoon.includes(soon.code) && !dueSoon.includes(late.code))
  const workspace = (await head.get('/can-bo')).body
  assert.match(workspace, /Quá hạn \([1-9]\d*\)/)
  assert.match(workspace, /Sắp đến hạn \([1-9]\d*\)/)
  // The search marks it too.
  assert.match((await head.get(`/can-bo/ho-so?ma=${encodeURIComponent(late.code)}`)).body, /Quá hạn/)
})
