import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { catalogAdminFor, newOfficial } from '../../../test/officials.js'
import { allFields, citizenLines, filledText, formDefinition } from '../catalog/eforms/definition.js'
import { fillDraft } from '../dossiers/fill-draft.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
/** Registration of a special-purpose vehicle: its declaration has fields and a table of rows. */
const DECLARED = '1.001994.000.00.00.H34'

test('the form designer: a catalog administrator corrects a generated declaration\'s labels and types, previews it (nothing saved), saves it as a version (audited, reason required, errors beside the fields); new drafts get the corrected form, earlier ones keep theirs', async () => {
  const p = await t.services.catalog.getProcedure(DECLARED)
  const n = 0
  const template = p.templates![n]!
  const generated = allFields(formDefinition(template))
  const [first, second, third] = formDefinition(template).fields.filter(f => f.type === 'text')
  assert.ok(first && second && third, 'the template has text fields')
  const { agency, official } = await catalogAdminFor(t, p)
  const admin = browserSession(t, official.cookie)
  const url = `/can-bo/thu-tuc/${DECLARED}/to-khai/${n}`

  // Reached from the content page; shows every generated field with its label and type.
  const content = await admin.get(`/can-bo/thu-tuc/${DECLARED}/thanh-phan`)
  assert.ok(content.body.includes(`href="${url}"`))
  const page = await admin.get(url)
  assert.equal(page.statusCode, 200)
  for (const f of generated) assert.ok(page.body.includes(`name="label-${f.id}"`), `field ${f.id} offered`)

  // A citizen's draft before the correction keeps the generated form.
  const c = await newCitizen(t)
  const before = await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' })

  const form = Object.fromEntries(generated.flatMap(f => [[`label-${f.id}`, f.label], [`type-${f.id}`, f.type]]))
  const changed = { ...form, [`label-${first.id}`]: 'Họ và tên chủ sở hữu xe', [`type-${second.id}`]: 'date' }

  // Preview: the form as it would be, nothing saved.
  const preview = await admin.post(url, { ...changed, action: 'preview' })
  assert.equal(preview.statusCode, 200)
  assert.match(preview.body, /<label class="label" for="f\d+">Họ và tên chủ sở hữu xe<\/label>/)
  assert.equal((await t.services.catalog.getProcedure(DECLARED)).version, p.version)

  // Saving asks why, and checks each label beside its field; nothing saved meanwhile.
  const noReason = await admin.post(url, { ...changed, action: 'save' })
  assert.equal(noReason.statusCode, 422)
  assert.match(noReason.body, /id="reason-error"/)
  const badLabel = await admin.post(url, { ...changed, [`label-${first.id}`]: 'x', reason: 'Nhãn tạo tự động chưa đúng', action: 'save' })
  assert.equal(badLabel.statusCode, 422)
  assert.match(badLabel.body, new RegExp(`id="label-${first.id}-error"`))
  assert.equal((await t.services.catalog.getProcedure(DECLARED)).version, p.version)

  const saved = await admin.post(url, { ...changed, reason: 'Nhãn tạo tự động lấy nhầm lời văn; ô thứ hai là ngày', action: 'save' })
  assert.ok([200, 303].includes(saved.statusCode))
  const after = await t.services.catalog.getProcedure(DECLARED)
  assert.equal(after.version, p.version + 1)
  assert.deepEqual(after.formCorrections?.[template.title]?.fields, { [first.id]: { label: 'Họ và tên chủ sở hữu xe' }, [second.id]: { type: 'date' } })
  const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'details']).where('action', '=', 'catalog.form.correct').where('targetId', '=', DECLARED).executeTakeFirstOrThrow()
  assert.equal((audit.details as { fields: number }).fields, 2)
  assert.match((await admin.get(`/can-bo/thu-tuc/${DECLARED}/thanh-phan`)).body, /\(đã sửa\)/)

  // A new draft fills the corrected form; the earlier one keeps the generated labels.
  const later = await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' })
  const now = await t.services.dossiers.declaration(c.id, later, 'c0')
  assert.equal(now.definition.fields.find(f => f.id === first.id)!.label, 'Họ và tên chủ sở hữu xe')
  assert.equal(now.definition.fields.find(f => f.id === second.id)!.type, 'date')
  const kept = await t.services.dossiers.declaration(c.id, before, 'c0')
  assert.equal(kept.definition.fields.find(f => f.id === first.id)!.label, first.label)

  // A blank the generator took for the citizen's is left out: not asked, a blank when printed; not all of them.
  const all = Object.fromEntries(formDefinition(template).fields.map(f => [`omit-${f.id}`, 'yes']))
  const none = await admin.post(url, { ...changed, ...all, reason: 'Thử bỏ hết các ô của tờ khai', action: 'save' })
  assert.equal(none.statusCode, 422)
  assert.match(none.body, /Tờ khai cần ít nhất một ô người dân điền/)
  const omitSaved = await admin.post(url, { ...changed, [`omit-${third.id}`]: 'yes', reason: 'Ô này là phần cơ quan đăng ký ghi', action: 'save' })
  assert.ok([200, 303].includes(omitSaved.statusCode), /error-summary__list">(.*?)<\/ul>/.exec(omitSaved.body)?.[1] ?? String(omitSaved.statusCode))
  const omitted = await t.services.dossiers.declaration(c.id, await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' }), 'c0')
  assert.ok(!omitted.definition.fields.some(f => f.id === third.id), 'not asked')
  assert.ok(omitted.definition.fields.some(f => f.id === first.id && f.label === 'Họ và tên chủ sở hữu xe'), 'the earlier correction stays')
  assert.match((await admin.get(url)).body, new RegExp(`name="omit-${third.id}" type="checkbox" value="yes" checked`))

  // Only the procedure's catalog administrators.
  assert.equal((await browserSession(t, (await newOfficial(t, agency, ['specialist'])).cookie).get(url)).statusCode, 403)
  assert.equal((await admin.get(`/can-bo/thu-tuc/${DECLARED}/to-khai/999`)).statusCode, 404)
})

test('the form designer adds a field the generator missed at the end of a line of the citizen\'s part (or moves one there), checks it beside its row, and the declaration asks and prints it', async () => {
  const p = await t.services.catalog.getProcedure(DECLARED)
  const template = p.templates![0]!
  const d = formDefinition(template)
  const lines = citizenLines(d)
  const target = lines.find(x => d.blocks[x.line]!.kind === 'line' && (d.blocks[x.line] as { parts: Array<{ field?: string }> }).parts.some(part => part.field))!
  const officials = d.officialsFrom ?? d.blocks.length
  const { official } = await catalogAdminFor(t, p)
  const admin = browserSession(t, official.cookie)
  const url = `/can-bo/thu-tuc/${DECLARED}/to-khai/0`
  const form = Object.fromEntries(allFields(d).flatMap(f => [[`label-${f.id}`, f.label], [`type-${f.id}`, f.type]]))
  const adding = { ...form, 'added-count': '0', 'added-0-label': 'Số giấy phép lái xe (nếu có)', 'added-0-type': 'text', 'added-0-line': String(target.line) }

  // The page offers the citizen's lines only; a row with no line, or a line of the officials' part, is told beside it.
  const page = await admin.get(url)
  assert.match(page.body, /name="added-0-label"/)
  assert.ok(page.body.includes(`<option value="${target.line}"`))
  if (d.officialsFrom !== null) assert.ok(!page.body.includes(`<option value="${officials}"`), 'no line of the officials\' part')
  for (const line of ['', String(officials + 1), 'x']) {
    const bad = await admin.post(url, { ...adding, 'added-0-line': line, reason: 'Mẫu có ô số giấy phép mà máy chưa nhận ra', action: 'save' })
    assert.equal(bad.statusCode, 422, line)
    assert.match(bad.body, /id="added-0-line-error"/)
  }
  assert.equal((await t.services.catalog.getProcedure(DECLARED)).version, p.version)

  // Preview shows it (and a fresh row under it); saved, a new draft asks it right after its line's fields.
  const preview = await admin.post(url, { ...adding, action: 'preview' })
  assert.equal(preview.statusCode, 200)
  assert.match(preview.body, /<label class="label" for="a1">Số giấy phép lái xe \(nếu có\)<\/label>/)
  assert.match(preview.body, /name="added-1-label"/)
  const saved = await admin.post(url, { ...adding, reason: 'Mẫu có ô số giấy phép mà máy chưa nhận ra', action: 'save' })
  assert.ok([200, 303].includes(saved.statusCode))
  const after = await t.services.catalog.getProcedure(DECLARED)
  assert.deepEqual(after.formCorrections?.[template.title]?.added, [{ id: 'a1', line: target.line, label: 'Số giấy phép lái xe (nếu có)', type: 'text' }])
  const c = await newCitizen(t)
  const draft = await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' })
  const now = await t.services.dossiers.declaration(c.id, draft, 'c0')
  const ids = now.definition.fields.map(f => f.id)
  const lastOfLine = (d.blocks[target.line] as { parts: Array<{ field?: string }> }).parts.filter(part => part.field).at(-1)!.field!
  assert.equal(ids[ids.indexOf(lastOfLine) + 1], 'a1', 'asked right after the fields of its line')
  const printed = filledText(now.definition, { a1: 'GPLX-790123' })
  assert.ok(printed.some(x => 'text' in x && x.text.endsWith('GPLX-790123')), 'printed at the end of its line')

  // Shown again with its row; removed, it is no longer asked.
  assert.match((await admin.get(url)).body, /name="added-0-label"[^>]*value="Số giấy phép lái xe \(nếu có\)"|value="Số giấy phép lái xe \(nếu có\)"[^>]*name="added-0-label"/)
  const removed = await admin.post(url, { ...form, 'added-count': '1', 'added-0-label': 'Số giấy phép lái xe (nếu có)', 'added-0-type': 'text', 'added-0-line': String(target.line), 'added-0-remove': 'yes', reason: 'Ô thêm nhầm, bỏ đi', action: 'save' })
  assert.ok([200, 303].includes(removed.statusCode))
  assert.equal((await t.services.catalog.getProcedure(DECLARED)).formCorrections?.[template.title]?.added, undefined)
})
