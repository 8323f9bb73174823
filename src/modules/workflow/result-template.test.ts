import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { FLOW_PROCEDURE, toApproval } from '../../../test/approval.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { catalogAdminFor, newOfficial } from '../../../test/officials.js'
import { pdfsig, pdfText, tampered } from '../../../test/pdf.js'
import { trustingConfig } from '../../../test/signing-server.js'
import { createDemoCa, issueDemoP12 } from '../signing/keys.js'
import { declaredFields, resultPlaceholders } from '../catalog/result-template.js'

const ca = createDemoCa('CA của bài kiểm tra mẫu kết quả')
const t = useTestApp({ setup: ctx => loadCatalog(ctx.services), config: () => trustingConfig(ca) })
const system = { type: 'official' as const, id: null, name: 'Quản trị hệ thống' }
const TEMPLATE = {
  title: 'Giấy chứng nhận lưu hành',
  body: [
    'Cấp cho: {applicant}, số định danh {idNumber}, địa chỉ {address}.',
    'Theo hồ sơ số {code} nộp ngày {submittedDay}, thủ tục {procedure}.',
    'Giấy chứng nhận có hiệu lực đến ngày {validUntil}.'
  ].join('\n'),
  signerTitle: 'Giám đốc'
}

test('a result template: the catalog administrator writes it (unknown fields refused beside it, a preview that saves nothing, each save a version, audited); the leader previews it and issues the result from it; the PDF carries the dossier\'s data and its signature verifies with pdfsig, and fails after one byte changes', async () => {
  const p = await t.services.catalog.getProcedure(FLOW_PROCEDURE)
  const { agency, official } = await catalogAdminFor(t, p)
  const admin = browserSession(t, official.cookie)
  const url = `/can-bo/thu-tuc/${FLOW_PROCEDURE}/mau-ket-qua`

  // Reached from the procedure's content page; lists the fields a template may use.
  assert.ok((await admin.get(`/can-bo/thu-tuc/${FLOW_PROCEDURE}/thanh-phan`)).body.includes(`href="${url}"`))
  const page = await admin.get(url)
  assert.equal(page.statusCode, 200)
  for (const x of resultPlaceholders(p)) assert.ok(page.body.includes(`{${x.name}}`), `{${x.name}} listed`)
  // A citizen or an official without the role may not.
  assert.equal((await browserSession(t, (await newOfficial(t, agency, ['specialist'])).cookie).get(url)).statusCode, 403)

  // An unknown field and an empty title are said beside their fields; nothing saved.
  const bad = await admin.post(url, { ...TEMPLATE, title: '', body: `${TEMPLATE.body}\nBiển số {bienSo}` })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="body-error"[\s\S]*Không có trường \{bienSo\}/)
  assert.match(bad.body, /id="title-error"/)
  // The preview names what each field will hold; nothing saved either.
  const preview = await admin.post(url, { ...TEMPLATE, action: 'preview' })
  assert.equal(preview.statusCode, 200)
  assert.ok(preview.body.includes('Cấp cho: [Họ và tên người nộp (tổ chức)]'))
  assert.equal((await t.services.catalog.getProcedure(FLOW_PROCEDURE)).version, p.version)
  assert.equal((await t.services.catalog.getProcedure(FLOW_PROCEDURE)).resultTemplate, undefined)

  const saved = await admin.post(url, TEMPLATE)
  assert.ok([200, 303].includes(saved.statusCode), saved.body.slice(0, 300))
  const after = await t.services.catalog.getProcedure(FLOW_PROCEDURE)
  assert.ok(after.version >= p.version)
  assert.deepEqual(after.resultTemplate, { title: TEMPLATE.title, body: TEMPLATE.body.split('\n'), signerTitle: 'Giám đốc' })
  const audit = await t.db.kysely.selectFrom('auditLog').select(['details']).where('action', '=', 'catalog.result-template.set').where('targetId', '=', FLOW_PROCEDURE).execute()
  assert.equal(audit.length, 1)

  // The leader: the approval offers the template and a preview of the result with this dossier's data.
  const c = await newCitizen(t)
  const a = await toApproval(t, c.id)
  await t.services.signing!.configure(system, a.agency.code, { p12: issueDemoP12(ca, { commonName: a.agency.name, organization: 'UBND tỉnh Kon Tum' }, 'p'), passphrase: 'p' })
  const leaderPage = (await a.ld.get(a.url)).body
  assert.match(leaderPage, /name="from-template" type="checkbox" value="yes" checked/)
  const previewHref = `${a.url}/ket-qua-theo-mau?taskId=${a.taskId}`
  assert.ok(leaderPage.includes(previewHref.replace(/&/g, '&amp;')))
  const draft = await a.ld.get(previewHref)
  assert.equal(draft.statusCode, 200)
  assert.equal(draft.headers['content-type'], 'application/pdf')
  assert.ok((await pdfText(draft.rawPayload)).includes(a.code))
  // Nobody else previews it: the citizen is sent to the officials' sign-in, an official without the step is refused.
  const citizenTry = await browserSession(t, c.cookie).get(previewHref)
  assert.equal(citizenTry.statusCode, 303)
  assert.notEqual(citizenTry.headers['content-type'], 'application/pdf')
  const other = await browserSession(t, (await newOfficial(t, agency, ['specialist'])).cookie).get(previewHref)
  assert.ok([403, 404, 409].includes(other.statusCode), String(other.statusCode))

  // Issued from the template, with no file uploaded: signed with the agency's seal, the citizen's data in it.
  const approved = await a.ld.upload(`${a.url}/phe-duyet`, [], { taskId: a.taskId, 'from-template': 'yes', 'fees-reason': 'Thu khi trả kết quả', 'valid-until': '31/12/2031' })
  assert.equal(approved.statusCode, 200, approved.body.slice(0, 300))
  const d = await t.services.dossiers.get(c.id, a.code)
  assert.equal(d.status, 9)
  const result = d.files.find(f => f.component === 'result')!
  assert.equal(result.name, `ket-qua-${a.code}.pdf`)
  const { data } = await t.services.dossiers.readFile(c.id, result.id)
  const text = (await pdfText(data)).replace(/\s+/g, ' ')
  for (const part of ['GIẤY CHỨNG NHẬN LƯU HÀNH', `Cấp cho: Nguyễn Văn Thử, số định danh ${c.citizenId}`, '70 Lê Hồng Phong, Kon Tum', `Theo hồ sơ số ${a.code}`, 'có hiệu lực đến ngày 31/12/2031', 'GIÁM ĐỐC', 'Phạm Văn Lãnh']) {
    assert.ok(text.includes(part), `the result says “${part}”: ${text.slice(0, 600)}`)
  }
  assert.match(pdfsig(data), /Signature Validation: Signature is Valid/)
  assert.match(pdfsig(tampered(data)), /Digest Mismatch/)
  // In the citizen's document store, with its validity.
  const stored = (await t.services.dossiers.storeDocuments(c.id)).find(x => x.kind === 'result')
  assert.equal(stored?.dossierCode, a.code)
  assert.equal(stored?.validUntil, '2031-12-31')

  // Unchecked and with nothing uploaded: the result is asked for beside its field.
  const c2 = await newCitizen(t)
  const b = await toApproval(t, c2.id)
  const none = await b.ld.upload(`${b.url}/phe-duyet`, [], { taskId: b.taskId, 'fees-reason': 'Thu khi trả kết quả' })
  assert.equal(none.statusCode, 422)
  assert.match(none.body, /id="result-error"/)
  // Removed by the administrator: the approval asks for a file again, and a stale "from template" is said beside it.
  assert.ok([200, 303].includes((await admin.post(`${url}/xoa`, {})).statusCode))
  assert.equal((await t.services.catalog.getProcedure(FLOW_PROCEDURE)).resultTemplate, undefined)
  assert.doesNotMatch((await b.ld.get(b.url)).body, /name="from-template"/)
  const stale = await b.ld.upload(`${b.url}/phe-duyet`, [], { taskId: b.taskId, 'from-template': 'yes', 'fees-reason': 'Thu khi trả kết quả' })
  assert.equal(stale.statusCode, 422)
  assert.match(stale.body, /Thủ tục chưa có mẫu văn bản kết quả/)
})

test('a result template may repeat the declaration\'s answers: the fields of the procedure\'s declaration are offered by id, and others are refused', async () => {
  const DECLARED = '1.001994.000.00.00.H34'
  const p = await t.services.catalog.getProcedure(DECLARED)
  const fields = declaredFields(p)
  assert.ok(fields.length > 3, 'the declaration has fields')
  const { official } = await catalogAdminFor(t, p)
  const admin = browserSession(t, official.cookie)
  const url = `/can-bo/thu-tuc/${DECLARED}/mau-ket-qua`
  assert.ok((await admin.get(url)).body.includes(`Tờ khai: ${fields[0]!.label}`))
  const ok = await admin.post(url, { title: 'Giấy chứng nhận đăng ký xe máy chuyên dùng', body: `Chủ sở hữu: {${fields[0]!.id}}` })
  assert.ok([200, 303].includes(ok.statusCode), ok.body.slice(0, 300))
  const refused = await admin.post(url, { title: 'Giấy chứng nhận đăng ký xe máy chuyên dùng', body: 'Chủ sở hữu: {f999}' })
  assert.equal(refused.statusCode, 422)
  assert.equal((await t.services.catalog.getProcedure(DECLARED)).resultTemplate?.body[0], `Chủ sở hữu: {${fields[0]!.id}}`)
})
