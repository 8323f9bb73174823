import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import PDFDocument from 'pdfkit'
import { pdfBytes } from '../../platform/pdf/bytes.js'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { toApproval } from '../../../test/approval.js'
import { browserSession } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfsig, pdfText, tampered } from '../../../test/pdf.js'
import { signingServer, trustingConfig } from '../../../test/signing-server.js'
import { createDemoCa, issueDemoCrl, issueDemoP12 } from './keys.js'

// The province's trusted root: a CA made for this test, written where SIGNING_TRUSTED_ROOTS points.
const ca = createDemoCa('CA của bài kiểm tra')
// Where the CA's revocation list is kept (written by the test when it revokes the agency's certificate).
const CRL_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-crl-')), 'ca.crl')
const t = useTestApp({
  setup: ctx => loadCatalog(ctx.services),
  config: () => trustingConfig(ca, { SIGNING_CRLS: CRL_FILE })
})
const enc = encodeURIComponent
const admin = { type: 'official' as const, id: null, name: 'Quản trị hệ thống' }

async function resultPdf (): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' })
  const bytes = pdfBytes(doc)
  doc.fontSize(14).text('GIAY CHUNG NHAN DANG KY XE', { align: 'center' })
  doc.end()
  return bytes
}

const atApproval = async () => {
  const c = await newCitizen(t)
  return { c, ...await toApproval(t, c.id) }
}

test('an agency with a seal certificate signs its PDF results: pdfsig verifies the file the citizen downloads, the QR page says it is authentic, a changed copy is refused', async () => {
  const a = await atApproval()
  // The administrator gives the agency its PKCS#12 file: a wrong passphrase and a certificate from an untrusted CA are refused.
  const p12 = issueDemoP12(ca, { commonName: a.agency.name, organization: 'UBND tỉnh Kon Tum' }, 'đúng-mật-khẩu')
  await assert.rejects(t.services.signing.configure(admin, a.agency.code, { p12, passphrase: 'sai' }), /sai mật khẩu/)
  const stranger = issueDemoP12(createDemoCa('CA lạ'), { commonName: 'X', organization: 'Y' }, 'p')
  await assert.rejects(t.services.signing.configure(admin, a.agency.code, { p12: stranger, passphrase: 'p' }), /không do tổ chức cung cấp dịch vụ chứng thực được tin cậy/)
  const configured = await t.services.signing.configure(admin, a.agency.code, { p12, passphrase: 'đúng-mật-khẩu' })
  assert.match(configured.subject, new RegExp(`CN=${a.agency.name}`))
  const key = await t.db.kysely.selectFrom('signingKeys').select(['sealedSecret']).where('agencyCode', '=', a.agency.code).where('revokedAt', 'is', null).executeTakeFirstOrThrow()
  assert.ok(!key.sealedSecret!.includes('đúng-mật-khẩu'), 'the passphrase is sealed')

  // A PDF that cannot be read is told beside the result field, and nothing is approved.
  const bad = await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'hong.pdf', data: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n') }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Không ký số được tệp “hong\.pdf”/)
  assert.equal((await t.services.dossiers.get(a.c.id, a.code)).status, 4)

  const approved = await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'giay-chung-nhan.pdf', data: await resultPdf() }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả' })
  assert.equal(approved.statusCode, 200, approved.body.slice(0, 300))
  const d = await t.services.dossiers.get(a.c.id, a.code)
  assert.equal(d.status, 9)
  assert.ok(d.events.some(e => /Văn bản kết quả đã được ký số/.test(e.message ?? '')))
  const result = d.files.find(f => f.component === 'result')!
  const { data } = await t.services.dossiers.readFile(a.c.id, result.id)
  const said = pdfsig(data)
  assert.match(said, /Signature Validation: Signature is Valid/, said)
  assert.match(said, /ETSI\.CAdES\.detached/)
  assert.match(said, new RegExp(`Signer Certificate Common Name: ${a.agency.name}`))
  const doc = await t.db.kysely.selectFrom('signedDocuments').selectAll().where('dossierId', '=', d.id).executeTakeFirstOrThrow()
  assert.equal(doc.fileId, result.id)
  assert.equal(doc.signer, a.agency.name)

  // The QR code's page: authentic, what it is and who issued it; no name of the applicant.
  const page = await t.app.inject({ url: `/xac-thuc/${doc.id}` })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Văn bản hợp lệ: chữ ký số đúng, văn bản không bị thay đổi kể từ khi ban hành/)
  assert.ok(page.body.includes(a.code))
  assert.ok(page.body.includes(a.agency.name))
  assert.ok((await pdfText(data)).includes(`/xac-thuc/${doc.id}`), 'the verification address is printed on the result')
  assert.equal((await t.app.inject({ url: '/xac-thuc/00000000-0000-0000-0000-000000000000' })).statusCode, 404)
  assert.match(page.body, /Chưa kiểm tra \(chưa cấu hình danh sách thu hồi/)
  // The CA revokes the agency's certificate and publishes its list: the page says so, and the document is no longer valid.
  const leafPem = (await t.db.kysely.selectFrom('signingKeys').select('certificates').where('agencyCode', '=', a.agency.code).where('revokedAt', 'is', null).executeTakeFirstOrThrow()).certificates.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n'
  fs.writeFileSync(CRL_FILE, await issueDemoCrl(ca, []))
  assert.match((await t.app.inject({ url: `/xac-thuc/${doc.id}` })).body, /Chưa bị thu hồi \(theo danh sách thu hồi ngày/)
  fs.writeFileSync(CRL_FILE, await issueDemoCrl(ca, [leafPem]))
  const revoked = await t.app.inject({ url: `/xac-thuc/${doc.id}` })
  assert.match(revoked.body, /Đã bị thu hồi \(theo danh sách thu hồi ngày/)
  assert.match(revoked.body, /Văn bản KHÔNG hợp lệ/)
  fs.rmSync(CRL_FILE)

  // Anyone checks a file they were given: the very file is found in the register; one changed byte is not valid.
  const visitor = browserSession(t, '')
  await visitor.get('/xac-thuc')
  const same = await visitor.upload('/xac-thuc', [{ name: 'nhan-duoc.pdf', data }], {})
  assert.equal(same.statusCode, 200, same.body.slice(0, 300))
  assert.match(same.body, /Văn bản hợp lệ/)
  const changed = tampered(data)
  const refused = await visitor.upload('/xac-thuc', [{ name: 'da-sua.pdf', data: changed }], {})
  assert.match(refused.body, /Văn bản KHÔNG hợp lệ/)
  assert.match(refused.body, /Không đạt – nội dung đã bị thay đổi sau khi ký/)
  assert.match(pdfsig(changed), /Digest Mismatch/)
  const unsigned = await visitor.upload('/xac-thuc', [{ name: 'khong-ky.pdf', data: samplePdf('x') }], {})
  assert.match(unsigned.body, /Tệp này không có chữ ký số/)
  const notPdf = await visitor.upload('/xac-thuc', [{ name: 'anh.txt', data: Buffer.from('hello') }], {})
  assert.equal(notPdf.statusCode, 400)
  assert.match(notPdf.body, /id="file-error"[\s\S]*Tệp không phải PDF/)

  // The reception form (01) is signed with the seal of the agency that issued it (the one-stop desk's), once, and the same copy served again.
  const receipt = await t.db.kysely.selectFrom('dossierEvents').select(['details', 'agencyCode']).where('dossierId', '=', d.id).where('action', '=', 'receive').executeTakeFirstOrThrow()
  const deskAgency = (receipt.details as { document?: { agencyCode: string } }).document?.agencyCode ?? receipt.agencyCode ?? a.agency.code
  await t.services.signing.configure(admin, deskAgency, { p12: issueDemoP12(ca, { commonName: 'Bộ phận một cửa', organization: 'UBND tỉnh Kon Tum' }, 'p'), passphrase: 'p' })
  const citizen = browserSession(t, a.c.cookie)
  const form01 = await citizen.get(`/ca-nhan/ho-so/${encodeURIComponent(a.code)}/mau-01.pdf`)
  assert.equal(form01.statusCode, 200)
  assert.match(pdfsig(form01.rawPayload), /Signature Validation: Signature is Valid/)
  const again = await citizen.get(`/ca-nhan/ho-so/${encodeURIComponent(a.code)}/mau-01.pdf`)
  assert.ok(again.rawPayload.equals(form01.rawPayload), 'the same signed copy')
  const forms = await t.db.kysely.selectFrom('signedDocuments').select(['kind', 'formKey', 'title']).where('dossierId', '=', d.id).where('kind', '=', 'form').execute()
  assert.equal(forms.length, 1)
  assert.match(forms[0]!.formKey!, /^01:\d+$/)
  assert.match((await t.app.inject({ url: `/xac-thuc/${(await t.db.kysely.selectFrom('signedDocuments').select('id').where('formKey', '=', forms[0]!.formKey).executeTakeFirstOrThrow()).id}` })).body, /Giấy tiếp nhận và hẹn trả kết quả/)

  const audit = await t.db.kysely.selectFrom('auditLog').select(['action']).where('action', 'like', 'signing.%').execute()
  assert.ok(audit.some(r => r.action === 'signing.key.configure'))
})

test('an agency signs through a remote signing service (a stand-in over HTTP); when the service does not answer, the leader is told and nothing is approved', async () => {
  const a = await atApproval()
  const server = await signingServer(ca, { token: 'tk', keys: { 'seal-9': { commonName: a.agency.name, organization: 'UBND tỉnh Kon Tum' } } })
  try {
    await t.services.signing.configure(admin, a.agency.code, { url: server.url, keyId: 'seal-9', token: 'tk' })
    await server.close()
    const down = await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'kq.pdf', data: await resultPdf() }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả' })
    assert.equal(down.statusCode, 503)
    assert.match(down.body, /Chưa ký số được kết quả: Không kết nối được dịch vụ ký số từ xa/)
    assert.equal((await t.services.dossiers.get(a.c.id, a.code)).status, 4)
  } finally { await server.close().catch(() => undefined) }
  // The service is back (a new one with the same key id): the approval signs.
  const again = await signingServer(ca, { token: 'tk', keys: { 'seal-9': { commonName: a.agency.name, organization: 'UBND tỉnh Kon Tum' } } })
  try {
    await t.services.signing.configure(admin, a.agency.code, { url: again.url, keyId: 'seal-9', token: 'tk' })
    const ok = await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'kq.pdf', data: await resultPdf() }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả' })
    assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
    const d = await t.services.dossiers.get(a.c.id, a.code)
    const { data } = await t.services.dossiers.readFile(a.c.id, d.files.find(f => f.component === 'result')!.id)
    assert.match(pdfsig(data), /Signature is Valid/)
    assert.ok(again.signed.length >= 2, 'the probe at configuration and the result')
  } finally { await again.close() }
})

test('the administrators\' page: a system administrator gives an agency its PKCS#12 file, sees it, withdraws it; mistakes are told beside their field; others may not', async () => {
  const agency = '000.00.11.H34'
  const admin = browserSession(t, (await newOfficial(t, agency, ['system_admin'], 'Quản Trị Sở')).cookie)
  const specialist = browserSession(t, (await newOfficial(t, agency, ['specialist'])).cookie)
  assert.equal((await specialist.get('/can-bo/chu-ky-so')).statusCode, 403)
  let page = await admin.get('/can-bo/chu-ky-so')
  assert.equal(page.statusCode, 200)
  const name = /<option value="000\.00\.11\.H34"[^>]*>([^<]+)<\/option>/.exec(page.body)![1]!
  const p12 = issueDemoP12(ca, { commonName: 'Con dấu điện tử của Sở', organization: 'UBND tỉnh Kon Tum' }, 'mk-123')

  let r = await admin.upload('/can-bo/chu-ky-so/tep', [{ name: 'so.p12', data: p12, field: 'p12' }], { agency, passphrase: 'sai' })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /id="p12-error"[\s\S]*?sai mật khẩu hoặc tệp không đúng định dạng/)
  r = await admin.upload('/can-bo/chu-ky-so/tep', [], { agency, passphrase: '' })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /Chọn tệp chứng thư số/)
  assert.match(r.body, /Nhập mật khẩu của tệp/)
  r = await admin.upload('/can-bo/chu-ky-so/tep', [{ name: 'so.p12', data: p12, field: 'p12' }], { agency: '000.00.99.H34', passphrase: 'mk-123' })
  assert.match(r.body, /Chọn một cơ quan bạn quản trị/)
  r = await admin.upload('/can-bo/chu-ky-so/tep', [{ name: 'so.p12', data: p12, field: 'p12' }], { agency, passphrase: 'mk-123' })
  assert.equal(r.statusCode, 200, r.body.slice(0, 300))
  assert.match(r.body, new RegExp(`Đã lưu chứng thư số của ${name}: Con dấu điện tử của Sở`))
  page = await admin.get('/can-bo/chu-ky-so')
  assert.match(page.body, /Con dấu điện tử của Sở<br\/?><span class="hint">Tệp PKCS#12/)

  r = await admin.post('/can-bo/chu-ky-so/tu-xa', { agency, url: 'ftp://x', 'key-id': '' })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /id="url-error"/)
  assert.match(r.body, /id="key-id-error"/)
  r = await admin.post('/can-bo/chu-ky-so/tu-xa', { agency, url: 'http://127.0.0.1:9', 'key-id': 'k', token: 't' })
  assert.equal(r.statusCode, 422)
  assert.match(r.body, /Không kết nối được dịch vụ ký số từ xa/)

  r = await admin.post('/can-bo/chu-ky-so/thu-hoi', { agency })
  assert.equal(r.statusCode, 200)
  assert.match(r.body, /Đã ngừng dùng chứng thư số/)
  assert.equal((await t.services.signing.keysOf([agency])).size, 0)
  const actions = (await t.db.kysely.selectFrom('auditLog').select(['action', 'actorId']).where('action', 'like', 'signing.key.%').execute())
  assert.ok(actions.some(a => a.action === 'signing.key.configure' && a.actorId !== null))
  assert.ok(actions.some(a => a.action === 'signing.key.revoke'))
})

test('forms 06 and 07 are signed with the agency\'s seal once they are final: the control sheet when every step is done (signed once, kept), the register of a period that has ended (each copy registered); working copies stay unsigned', async () => {
  const a = await atApproval()
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  for (const code of new Set([a.agency.code, '000.01.01.H34'])) {
    await t.services.signing.configure(admin, code, { p12: issueDemoP12(ca, { commonName: `Con dấu ${code}`, organization: 'UBND tỉnh Kon Tum' }, 'p'), passphrase: 'p' })
  }
  const sheetUrl = `${a.url}/mau-06.pdf`
  // While the dossier is being processed the control sheet is a working copy.
  const working = await desk.get(sheetUrl)
  assert.equal(working.statusCode, 200)
  assert.doesNotMatch(pdfsig(working.rawPayload), /Signature Validation/)
  assert.equal((await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'kq.pdf', data: await resultPdf() }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả' })).statusCode, 200)
  const returnTask = /name="taskId" value="(\d+)"/.exec((await desk.get(a.url)).body)![1]!
  assert.equal((await desk.post(`${a.url}/tra-ket-qua`, { taskId: returnTask, method: 'post', tracking: 'EK123456789VN', 'fees-reason': 'Đã thu tại quầy' })).statusCode, 200)
  assert.equal((await t.services.dossiers.get(a.c.id, a.code)).status, 10)
  // Every step done: signed with the seal of the agency the dossier belongs to, and the same copy served again.
  const final = await desk.get(sheetUrl)
  const said = pdfsig(final.rawPayload)
  assert.match(said, /Signature Validation: Signature is Valid/, said)
  assert.match(said, new RegExp(`Signer Certificate Common Name: Con dấu ${a.agency.code.replace(/\./g, '\\.')}`))
  assert.ok((await a.ld.get(sheetUrl)).rawPayload.equals(final.rawPayload), 'the kept copy')
  const d = await t.services.dossiers.get(a.c.id, a.code)
  const sheets = await t.db.kysely.selectFrom('signedDocuments').select(['id', 'title', 'formKey']).where('dossierId', '=', d.id).where('formKey', 'like', '06:%').execute()
  assert.equal(sheets.length, 1)
  assert.match((await t.app.inject({ url: `/xac-thuc/${sheets[0]!.id}` })).body, /Phiếu kiểm soát quá trình giải quyết hồ sơ/)

  // The register: today's period is a working copy; one that has ended is signed, each copy registered.
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
  const current = await desk.get(`/can-bo/so-theo-doi.pdf?co-quan=000.01.01.H34&tu=${today}&den=${today}`)
  assert.equal(current.statusCode, 200)
  assert.doesNotMatch(pdfsig(current.rawPayload), /Signature Validation/)
  const before = await t.db.kysely.selectFrom('signedDocuments').select('id').where('dossierId', 'is', null).execute()
  const ended = await desk.get('/can-bo/so-theo-doi.pdf?co-quan=000.01.01.H34&tu=2026-01-01&den=2026-01-31')
  assert.equal(ended.statusCode, 200)
  assert.match(pdfsig(ended.rawPayload), /Signature Validation: Signature is Valid/)
  const registers = await t.db.kysely.selectFrom('signedDocuments').select(['id', 'title']).where('dossierId', 'is', null).execute()
  assert.equal(registers.length, before.length + 1)
  const issued = registers.find(r => !before.some(b => b.id === r.id))!
  assert.equal(issued.title, 'Sổ theo dõi hồ sơ từ 01/01/2026 đến 31/01/2026')
  const page = await t.app.inject({ url: `/xac-thuc/${issued.id}` })
  assert.match(page.body, /Văn bản hợp lệ/)
  assert.match(page.body, /Sổ theo dõi hồ sơ từ 01\/01\/2026 đến 31\/01\/2026/)
  // Anyone holding the copy checks it by upload; one changed byte is not valid.
  const visitor = browserSession(t, '')
  await visitor.get('/xac-thuc')
  assert.match((await visitor.upload('/xac-thuc', [{ name: 'so.pdf', data: ended.rawPayload }], {})).body, /Văn bản hợp lệ/)
  assert.match(pdfsig(tampered(ended.rawPayload)), /Digest Mismatch/)
})
