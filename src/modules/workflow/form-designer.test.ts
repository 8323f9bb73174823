import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { allFields, formDefinition } from '../catalog/eforms/definition.js'
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
  const agency = p.agencies.processing[0]?.code ?? p.agencies.receiving[0]!.code
  const admin = browserSession(t, (await newOfficial(t, agency, ['catalog_admin'])).cookie)
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
