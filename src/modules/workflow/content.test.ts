import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { DECISION_FILE, loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { systemActor } from '../audit/audit.service.js'
import { readContentForm } from './content.pages.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const URL = `/can-bo/thu-tuc/${PROCEDURE}/thanh-phan`

/** The edit form as the page fills it (inputs, ticked boxes, textareas, selected options), with `change` applied. */
async function formOf (page: string, change: Record<string, string>): Promise<Record<string, string>> {
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
  const text = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
  const form: Record<string, string> = {}
  for (const [tag] of page.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name')
    if (!name || !/^[cf]\d+-/.test(name)) continue
    if (attr(tag, 'type') === 'checkbox') { if (/\schecked\b/.test(tag)) form[name] = attr(tag, 'value') ?? 'on'; continue }
    form[name] = text(attr(tag, 'value') ?? '')
  }
  for (const m of page.matchAll(/<textarea\b([^>]*)>([^<]*)<\/textarea>/g)) { const name = attr(m[1]!, 'name'); if (name && /^[cf]\d+-/.test(name)) form[name] = text(m[2]!) }
  for (const m of page.matchAll(/<select\b([^>]*)>([^]*?)<\/select>/g)) { const name = attr(m[1]!, 'name'); if (name && /^[cf]\d+-/.test(name)) form[name] = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1] ?? '' }
  return { ...form, ...change }
}

test('a catalog administrator edits components and fees in the browser form: checked field by field, saved as a version dossiers filed earlier do not see, kept by a re-import of the same decision', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['catalog_admin'])).cookie)
  const before = await t.services.catalog.getProcedure(PROCEDURE)
  const n = before.components.length
  // A dossier filed before the edit keeps its version.
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))

  const page = await admin.get(URL)
  assert.equal(page.statusCode, 200)
  assert.ok(page.body.includes(before.components[0]!.name.slice(0, 30)))
  // Each mistake is told next to its field; nothing is saved.
  const fee = before.fees[0]?.text ?? 'Lệ phí cấp giấy chứng nhận lưu hành'
  let form = await formOf(page.body, { 'c0-quantity': 'hai', [`c${n}-name`]: 'Gi', 'f0-text': fee, 'f0-amount': '-5', reason: '' })
  const bad = await admin.post(URL, form)
  assert.equal(bad.statusCode, 422)
  for (const field of ['c0-quantity', `c${n}-name`, 'f0-amount', 'reason']) assert.match(bad.body, new RegExp(`id="${field}-error"`), field)
  assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).version, before.version)

  // A new component, a fee changed, the last component removed: version + 1.
  form = await formOf(page.body, { [`c${n}-name`]: 'Bản sao giấy chứng nhận bảo hiểm bắt buộc', [`c${n}-copy`]: 'copy', [`c${n}-quantity`]: '1', [`c${n}-required`]: 'yes', 'f0-text': fee, 'f0-amount': '150.000', [`c${n - 1}-remove`]: 'yes', reason: 'Thông tư số 99/2026/TT-BGTVT sửa đổi thành phần hồ sơ' })
  const saved = await admin.post(URL, form)
  assert.equal(saved.statusCode, 200)
  assert.match(saved.body, new RegExp(`Đã lưu phiên bản ${before.version + 1} của thủ tục`))
  const after = await t.services.catalog.getProcedure(PROCEDURE)
  assert.equal(after.version, before.version + 1)
  assert.deepEqual(after.components.slice(0, n - 1), before.components.slice(0, n - 1), 'the form keeps every field of the components it does not change')
  assert.deepEqual(after.components.map(x => x.name), [...before.components.slice(0, n - 1).map(x => x.name), 'Bản sao giấy chứng nhận bảo hiểm bắt buộc'])
  assert.deepEqual(after.components.at(-1), { name: 'Bản sao giấy chứng nhận bảo hiểm bắt buộc', copyType: 'copy', quantity: 1, required: true, group: null, formTemplate: null })
  assert.equal(after.fees[0]!.amountVnd, 150000)
  assert.match(saved.body, /Quản trị danh mục cập nhật/)
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'catalog.content.edit').where('targetId', '=', PROCEDURE).executeTakeFirstOrThrow()
  assert.match((audit.details as { reason: string }).reason, /99\/2026/)
  // The dossier filed before keeps its components; a new draft has the new ones.
  assert.ok(!(await t.services.dossiers.get(c.id, code)).slots.some(s => s.name === 'Bản sao giấy chứng nhận bảo hiểm bắt buộc'))
  const c2 = await newCitizen(t)
  const draft = await t.services.dossiers.draft(c2.id, await t.services.dossiers.startDraft(c2.id, PROCEDURE))
  assert.ok(draft.slots.some(s => s.name === 'Bản sao giấy chứng nhận bảo hiểm bắt buộc'))

  // Saving the same again changes nothing; importing the same decision again keeps the edit.
  const again = await admin.post(URL, await formOf((await admin.get(URL)).body, { reason: 'Lưu lại lần nữa cho chắc chắn' }))
  assert.match(again.body, /Không có thay đổi nào/, /role="status">(.*?)<\/div>/.exec(again.body)?.[1] ?? /error-summary[^]*?<\/ul>/.exec(again.body)?.[0])
  await t.services.catalog.importDecision(systemActor, DECISION_FILE)
  assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).version, before.version + 1)
  assert.equal((await t.services.catalog.getProcedure(PROCEDURE)).components.length, n)
})

test('only a catalog administrator of an agency that receives or processes the procedure edits it', async () => {
  for (const [agency, roles] of [['000.00.11.H34', ['specialist']], ['000.00.15.H34', ['catalog_admin']]] as const) {
    const s = browserSession(t, (await newOfficial(t, agency, [...roles])).cookie)
    assert.equal((await s.get(URL)).statusCode, 403, `${agency} ${roles.join()}`)
    assert.equal((await s.post(URL, { reason: 'x'.repeat(20) })).statusCode, 403)
  }
  // Blank new rows are ignored, a removed row is left out, amounts read with thousands dots.
  assert.deepEqual(readContentForm({ 'c0-name': 'Tờ khai', 'c0-quantity': '2', 'c1-name': '  ', 'c2-name': 'Bỏ', 'c2-remove': 'yes', 'f0-text': 'Lệ phí', 'f0-amount': '1.000.000', 'f1-text': '', reason: 'r' }), {
    components: [{ key: 'c0', name: 'Tờ khai', copyType: null, quantity: 2, required: false, group: null, formTemplate: null }],
    fees: [{ key: 'f0', text: 'Lệ phí', amountVnd: 1000000 }],
    reason: 'r'
  })
})

test('a system administrator sets an agency\'s office hours in the browser form; a malformed one is told at its field; others may not', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['system_admin'])).cookie)
  let page = await admin.get('/can-bo/gio-lam-viec')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Sở Giao thông vận tải tỉnh Kon Tum/)
  const bad = await admin.post('/can-bo/gio-lam-viec', { agency: '000.00.11.H34', hours: '7h-11h' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="hours-error"[^]*Giờ làm việc phải có dạng/)
  page = await admin.post('/can-bo/gio-lam-viec', { agency: '000.00.11.H34', hours: '07:30-11:30,13:30-17:00' })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Đã lưu giờ làm việc của Sở Giao thông vận tải tỉnh Kon Tum: 07:30–11:30, 13:30–17:00/)
  assert.equal((await t.db.kysely.selectFrom('agencies').select('officeHours').where('code', '=', '000.00.11.H34').executeTakeFirstOrThrow()).officeHours, '07:30-11:30,13:30-17:00')
  assert.equal((await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'calendar.office-hours.set').where('targetId', '=', '000.00.11.H34').execute()).length, 1)
  // An agency outside the administrator's, and an official who administers none.
  const unit = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['system_admin'])).cookie)
  assert.equal((await unit.post('/can-bo/gio-lam-viec', { agency: '000.00.11.H34', hours: '08:00-12:00' })).statusCode, 422)
  assert.equal((await browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie).get('/can-bo/gio-lam-viec')).statusCode, 403)
})
