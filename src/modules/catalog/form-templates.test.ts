import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { splitTemplates, templateFor, templateHtml } from './import/form-templates.js'
import { fold } from './import/text.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const CODE = '1.005018.000.00.00.H34'

test('the templates printed after a procedure in the decision are kept with it, one per heading', async () => {
  const p = await t.services.catalog.getProcedure(CODE)
  assert.deepEqual(p.templates!.map(x => x.title), ['MẪU VĂN BẢN ĐỀ NGHỊ NGHIỆM THU XE CƠ GIỚI CẢI TẠO', 'MẪU BẢNG KÊ CÁC HỆ THỐNG, TỔNG THÀNH THAY THẾ MỚI'])
  assert.match(p.templates![0]!.markdown, /Số khung/)
  // Each component names its form; the name finds the template.
  assert.equal(templateFor(p.forms[0]!, p.templates, fold), 0)
  assert.equal(templateFor(p.forms[1]!, p.templates, fold), 1)
  assert.equal(templateFor('Giấy tờ không có mẫu', p.templates, fold), undefined)
})

test('a form name finds its template by the annex it cites, else by the words of the template\'s bold heading', async () => {
  // Two forms cite annexes 7a and 7b; the decision printed only 7b.
  const lao = await t.services.catalog.getProcedure('1.002852.000.00.00.H34')
  assert.deepEqual(lao.forms.map(f => templateFor(f, lao.templates, fold)), [undefined, 0])
  // The title caught a letterhead ("TÊN ĐƠN VỊ KDVT"); the bold heading "GIẤY ĐỀ NGHỊ CẤP …" names the form.
  const transport = await t.services.catalog.getProcedure('1.000703.000.00.00.H34')
  assert.equal(templateFor(transport.forms[0]!, transport.templates, fold), 0)
  // The hand-entered passport procedure carries its declaration (form TK01), offered for download as elsewhere.
  const passport = await t.services.catalog.getProcedure('NHAPTAY.BCA.HOCHIEU')
  assert.equal(templateFor(passport.forms[0]!, passport.templates, fold), 0)
  assert.match(passport.templates![0]!.markdown, /Số định danh cá nhân/)
  const page = await t.app.inject({ url: '/thu-tuc/NHAPTAY.BCA.HOCHIEU' })
  assert.ok(page.body.includes('href="/thu-tuc/NHAPTAY.BCA.HOCHIEU/mau/1/tai-ve"'))
})

test('a template page to print, and a file Word opens; unknown numbers are 404', async () => {
  const page = await t.app.inject({ url: `/thu-tuc/${CODE}/mau/1` })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<h1 class="heading-l">MẪU VĂN BẢN ĐỀ NGHỊ NGHIỆM THU XE CƠ GIỚI CẢI TẠO<\/h1>/)
  assert.match(page.body, /<strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<\/strong>/)
  const doc = await t.app.inject({ url: `/thu-tuc/${CODE}/mau/2/tai-ve` })
  assert.equal(doc.statusCode, 200)
  assert.equal(doc.headers['content-type'], 'application/msword')
  assert.match(String(doc.headers['content-disposition']), /^attachment; filename="mau-1\.005018\.000\.00\.00\.H34-2\.doc"$/)
  assert.match(doc.body, /<table>.*Động cơ/s)
  for (const bad of ['3', '0', 'x', '1e1']) assert.equal((await t.app.inject({ url: `/thu-tuc/${CODE}/mau/${bad}` })).statusCode, 404, bad)
  const procedure = await t.app.inject({ url: `/thu-tuc/${CODE}` })
  assert.match(procedure.body, new RegExp(`href="/thu-tuc/${CODE.replace(/\./g, '\\.')}/mau/1/tai-ve"`))
})

test('template text is escaped: only the renderer\'s own tags reach the page', () => {
  const html = templateHtml('**Tiêu đề** <script>alert(1)</script>\n- mục *một*\n| a | <img src=x onerror=alert(1)> |\n|---|---|\n| 1 | 2 |')
  assert.ok(!html.includes('<script>'))
  assert.ok(!html.includes('<img'))
  assert.match(html, /<strong>Tiêu đề<\/strong>/)
  assert.match(html, /<li>mục <em>một<\/em><\/li>/)
  assert.match(html, /<th>&lt;img src=x onerror=alert\(1\)&gt;<\/th>/)
  assert.equal(splitTemplates(['', 'ghi chú ngắn']).length, 0, 'a few words are no template')
})

test('the submission journey links each component to its template', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post(`/thu-tuc/${CODE}/nop-ho-so`)
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const page = await b.get(`/nop-ho-so/${id}/thanh-phan`)
  assert.ok(page.body.includes(`href="/thu-tuc/${CODE}/mau/1"`))
  assert.ok(page.body.includes(`href="/thu-tuc/${CODE}/mau/2/tai-ve"`))
})
