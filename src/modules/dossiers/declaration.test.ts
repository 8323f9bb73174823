import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'
import { fillDraft } from './fill-draft.js'
import { fromPerson } from './use-cases/declaration.js'
import { words } from '../catalog/search/normalize.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
/** Registration of a special-purpose vehicle: its declaration (Tờ khai đăng ký xe máy chuyên dùng) has a table of rows. */
export const DECLARED = '1.001994.000.00.00.H34'

test('a declaration filled online: prefilled from the applicant, rows added without JavaScript, checked by type beside each field, made into the PDF of its component (every answer in its text), replaced when saved again, read by officials', async () => {
  const c = await newCitizen(t)
  const me = browserSession(t, c.cookie)
  const id = await fillDraft(t.services.dossiers, c.id, DECLARED, () => samplePdf('x'), { leaveEmpty: 'c0' })
  const components = await me.get(`/nop-ho-so/${id}/thanh-phan`)
  assert.match(components.body, new RegExp(`href="/nop-ho-so/${id}/to-khai/c0">Khai trực tuyến`))
  const url = `/nop-ho-so/${id}/to-khai/c0`
  let page = await me.get(url)
  assert.equal(page.statusCode, 200)
  const f = await t.services.dossiers.declaration(c.id, id, 'c0')
  const draft = await t.services.dossiers.draft(c.id, id)
  const person = draft.submitter as { fullName: string, address: string }
  assert.ok(Object.values(f.answers).includes(person.fullName), 'the owner\'s name comes from the applicant')
  assert.ok(page.body.includes(`value="${person.fullName}"`))
  const rows = f.definition.blocks.find(b => b.kind === 'rows')!
  assert.ok(rows && rows.kind === 'rows')

  // Build a form as the browser sends it: every field, one row; then "Thêm dòng".
  const text = f.definition.fields.filter(x => x.type === 'text')
  const date = f.definition.fields.find(x => x.type === 'date')!
  const form: Record<string, string> = {}
  for (const x of f.definition.fields) if (typeof f.answers[x.id] === 'string') form[x.id] = f.answers[x.id] as string
  text.forEach((x, i) => { if (!form[x.id]) form[x.id] = `Khai ${i}` })
  form[date.id] = '31/02/2024'
  form[`${rows.id}-count`] = '1'
  const cell = (type: string, r: number, k: number) => ({ number: String(r + 1), year: String(2019 + r), date: `1${r}/0${k % 9 + 1}/2020`, idNumber: `06209055100${r}`, plate: `82C-12${r}.4${k}`, phone: `091234567${r}`, email: `x${r}@example.vn` } as Record<string, string>)[type] ?? `${r === 0 ? 'Xe' : 'Máy'} ${k}`
  rows.columns.forEach((col, k) => { form[`${rows.id}-0-${col.id}`] = cell(col.type, 0, k) })
  page = await me.post(url, { ...form, action: `add-row:${rows.id}` })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Dòng 2/)
  assert.match(page.body, new RegExp(`name="${rows.id}-count" value="2"`))
  rows.columns.forEach((col, k) => { form[`${rows.id}-1-${col.id}`] = cell(col.type, 1, k) })
  form[`${rows.id}-count`] = '2'

  // A date that does not exist is told beside its field; nothing is made.
  page = await me.post(url, { ...form, action: 'save' })
  assert.equal(page.statusCode, 422)
  assert.match(page.body, new RegExp(`id="${date.id}-error"[^>]*>[^<]*<span class="visually-hidden">Lỗi:</span> ${date.label}: nhập ngày theo dạng ngày/tháng/năm`))
  assert.ok(page.body.includes(`value="${form[`${rows.id}-1-${rows.columns.find(x => x.type === 'text')!.id}`]}"`), 'what was typed is kept')
  form[date.id] = '15/08/2024'
  const saved = await me.post(url, { ...form, action: 'save' })
  assert.ok([200, 303].includes(saved.statusCode), /error-summary__list">(.*?)<\/ul>/.exec(saved.body)?.[1] ?? saved.body.slice(0, 300))
  let d = await t.services.dossiers.draft(c.id, id)
  let files = d.files.filter(x => x.component === 'c0')
  assert.equal(files.length, 1)
  const pdf = (await t.services.dossiers.readFile(c.id, files[0]!.id)).data
  const printed = (await pdfText(pdf)).replace(/\s+/g, ' ')
  for (const [k, v] of Object.entries(form)) if (!k.endsWith('-count') && v && !/^\d$/.test(v)) assert.ok(printed.includes(v), `the answer "${v}" (${k}) is in the PDF`)

  // Saved again: the new PDF takes the place of the one before.
  form[text[0]!.id] = 'Khai lại'
  await me.post(url, { ...form, action: 'save' })
  d = await t.services.dossiers.draft(c.id, id)
  files = d.files.filter(x => x.component === 'c0')
  assert.equal(files.length, 1)
  assert.ok((await pdfText((await t.services.dossiers.readFile(c.id, files[0]!.id)).data)).includes('Khai lại'))

  // A later attempt that fails its checks keeps nothing: the PDF and the answers officials read stay those saved.
  assert.equal((await me.post(url, { ...form, [text[0]!.id]: 'Không lưu', [date.id]: '32/01/2024', action: 'save' })).statusCode, 422)
  assert.equal((await t.services.dossiers.draft(c.id, id)).files.filter(x => x.component === 'c0').length, 1)

  // Officials read the answers as a form.
  await t.services.dossiers.completeComponents(c.id, id)
  const { code } = await t.services.dossiers.submit(c.id, id)
  const desk = browserSession(t, (await newOfficial(t, d.agency!.code, ['receptionist'])).cookie)
  const staff = await desk.get(`/can-bo/ho-so/${encodeURIComponent(code)}`)
  assert.equal(staff.statusCode, 200)
  assert.match(staff.body, /Tờ khai điện tử:/)
  assert.ok(staff.body.includes('Khai lại'))
  assert.ok(!staff.body.includes('Không lưu'))
  assert.ok(staff.body.includes('Dòng 2'))
  // The national sync sends the answers with the declaration's file (label and value).
  const { buildPush } = await import('../national/payload.js')
  const dossierId = (await t.db.kysely.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
  const push = await buildPush(t.db.kysely, dossierId, Number.MAX_SAFE_INTEGER, fileId => `/tep/${fileId}`)
  const sent = (push!.hoSo['TaiLieuNop'] as Array<{ MaThanhPhanHoSo: string, ToKhaiDienTu?: { TenToKhai: string, DuLieu: Array<{ TruongThongTin: string, GiaTri: string }> } }>).find(x => x.MaThanhPhanHoSo === 'c0')!
  assert.ok(sent.ToKhaiDienTu, 'the declaration travels with its file')
  assert.ok(sent.ToKhaiDienTu.DuLieu.some(x => x.GiaTri === 'Khai lại') && sent.ToKhaiDienTu.DuLieu.some(x => /^Dòng 2$/.test(x.TruongThongTin)))
  assert.ok(!sent.ToKhaiDienTu.DuLieu.some(x => x.GiaTri === 'Không lưu'))
  // Another citizen cannot open the form of this draft.
  assert.equal((await browserSession(t, (await newCitizen(t)).cookie).get(url)).statusCode, 404)
})

test('prefill reads the label: the applicant\'s own particulars fill theirs, never a co-owner\'s, a parent\'s or a spouse\'s', () => {
  const person = { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-08-15', idNumber: '062090551001', phone: '0912345678', email: 'an@example.vn', address: '12 Lê Lợi, Kon Tum' }
  const fill = (label: string) => fromPerson(words(label).join(' '), person)
  assert.equal(fill('Họ và tên'), person.fullName)
  assert.equal(fill('Sinh ngày'), '15/08/1990')
  assert.equal(fill('Nơi cư trú'), person.address)
  assert.equal(fill('Địa chỉ thường trú/ Văn phòng'), person.address)
  assert.equal(fill('Số CMND/CCCD hoặc giấy chứng nhận ĐKKD'), person.idNumber)
  for (const other of ['Họ và tên đồng chủ sở hữu (nếu có)', 'Địa chỉ thường trú/văn phòng của đồng chủ sở hữu', 'Số CMND/CCCD hoặc giấy chứng nhận ĐKKD của đồng chủ sở hữu', 'Đại diện cho các đồng sở hữu (nếu có)', 'Họ tên cha', 'Địa chỉ của vợ hoặc chồng']) {
    assert.equal(fill(other), undefined, other)
  }
})
