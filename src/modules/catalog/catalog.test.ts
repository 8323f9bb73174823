import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

const search = async (q: string) => (await t.app.inject({ url: '/api/v1/procedures', query: { q, pageSize: '100' } })).json() as { items: Array<{ code: string, name: string }>, total: number }

test('the demo catalog: 72 procedures of the decision and 2 entered by hand, by sector', async () => {
  const sectors = (await t.app.inject('/api/v1/sectors')).json() as Array<{ code: string, name: string, procedureCount: number }>
  assert.deepEqual(sectors.map(s => [s.name, s.procedureCount]), [['Đăng kiểm', 6], ['Đường bộ', 55], ['Đường thủy nội địa', 11], ['Xuất nhập cảnh', 1], ['Quảng cáo', 1]])
  const all = (await t.app.inject({ url: '/api/v1/procedures', query: { pageSize: '100' } })).json() as { total: number }
  assert.equal(all.total, 74)
})

test('search ignores case and diacritics, ranks the phrase in the name first, and still lists partial matches after them', async () => {
  const plain = await search('giay phep lien van')
  const phrase = plain.items.filter(p => /giấy phép liên vận/i.test(p.name)).length
  assert.ok(phrase >= 5)
  assert.ok(plain.items.slice(0, phrase).every(p => /giấy phép liên vận/i.test(p.name)), `the phrase as typed first: ${plain.items.map(p => p.name).join(' | ')}`)
  assert.ok(plain.total > phrase, 'procedures sharing some of the words follow (an OR of the meaningful words, ranked)')
  assert.deepEqual((await search('GIẤY PHÉP LIÊN VẬN')).items.map(p => p.code), plain.items.map(p => p.code))
  assert.ok((await search('xe tap lai')).items.slice(0, 2).some(p => p.name === 'Cấp Giấy phép xe tập lái'))
  const byCode = await search('1.002835')
  assert.equal(byCode.items[0]?.code, '1.002835.000.00.00.H34')
  // Words in another order: names holding them all rank before matches elsewhere.
  const ranked = await search('phương tiện đăng ký lại')
  assert.ok(ranked.total > 0)
  const rank = (name: string) => ['phương tiện', 'đăng ký', 'lại'].every(w => name.toLowerCase().includes(w)) ? 0 : 1
  const ranks = ranked.items.map(p => rank(p.name))
  assert.equal(ranks[0], 0)
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'name matches first')
})

test('search normalises Unicode: NFD input and both tone-mark placements (hoà / hòa)', async () => {
  const nfc = await search('thủy nội địa')
  const nfd = await search('thủy nội địa'.normalize('NFD'))
  const oldStyle = await search('thuỷ nội địa')
  assert.ok(nfc.total > 0)
  assert.deepEqual(nfd.items.map(p => p.code), nfc.items.map(p => p.code))
  assert.deepEqual(oldStyle.items.map(p => p.code), nfc.items.map(p => p.code))
  assert.deepEqual((await search('hoà')).items.map(p => p.code), (await search('hòa')).items.map(p => p.code))
})

test('filters: sector, agency, government level, online level; paging', async () => {
  const get = async (query: Record<string, string>) => (await t.app.inject({ url: '/api/v1/procedures', query })).json() as { items: Array<{ code: string, levels: string[], onlineLevel: string }>, total: number, page: number, pageSize: number }
  assert.equal((await get({ sector: 'duong-thuy-noi-dia' })).total, 11)
  const threeLevels = await get({ level: 'commune', pageSize: '50' })
  assert.equal(threeLevels.total, 9, 'the nine waterway procedures done at all three levels')
  assert.ok(threeLevels.items.every(p => p.levels.includes('commune')))
  const dangKiem = await get({ agency: '000.01.11.H34' })
  assert.equal(dangKiem.total, 5, 'the inspection centre receives or processes five of the six inspection procedures')
  const full = await get({ onlineLevel: 'full', pageSize: '100' })
  assert.ok(full.total > 0 && full.items.every(p => p.onlineLevel === 'full'))
  const page2 = await get({ sector: 'duong-bo', page: '2', pageSize: '20' })
  assert.equal(page2.items.length, 20)
  assert.equal(page2.page, 2)
  const page1 = await get({ sector: 'duong-bo', page: '1', pageSize: '20' })
  assert.equal(new Set([...page1.items, ...page2.items].map(p => p.code)).size, 40)
})

test('GET /api/v1/procedures/{code} gives every attribute', async () => {
  const res = await t.app.inject('/api/v1/procedures/1.004325.000.00.00.H34')
  assert.equal(res.statusCode, 200)
  const p = res.json()
  assert.equal(p.name, 'Cấp Giấy chứng nhận lưu hành, tem lưu hành cho xe chở hàng bốn bánh có gắn động cơ')
  assert.deepEqual(p.sector, { code: 'dang-kiem', name: 'Đăng kiểm' })
  assert.equal(p.agency.code, '000.01.11.H34')
  assert.deepEqual(p.fees.map((f: { amountVnd: number | null }) => f.amountVnd), [180000, 50000])
  assert.equal(p.processingTime.unit, 'same_day')
  assert.equal(p.processingTime.workingDays, 0)
  assert.deepEqual(p.decision, { number: '213/QĐ-UBND', date: '2021-04-22' })
  for (const key of ['steps', 'methods', 'components', 'numberOfSets', 'applicantTypes', 'result', 'forms', 'requirements', 'legalBasis', 'onlineLevel', 'levels']) assert.ok(key in p, key)
  assert.ok(p.components.length > 0 && 'copyType' in p.components[0] && 'group' in p.components[0])
})

test('API errors: an unknown code is 404 and a bad parameter 400, both problem+json naming it', async () => {
  const missing = await t.app.inject('/api/v1/procedures/9.999999.000.00.00.H34')
  assert.equal(missing.statusCode, 404)
  assert.match(missing.headers['content-type'] as string, /application\/problem\+json/)
  for (const [query, field] of [[{ page: '0' }, 'page'], [{ pageSize: '1000' }, 'pageSize'], [{ level: 'village' }, 'level'], [{ bogus: '1' }, 'bogus']] as const) {
    const res = await t.app.inject({ url: '/api/v1/procedures', query })
    assert.equal(res.statusCode, 400, JSON.stringify(query))
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
    assert.ok((res.json().errors as Array<{ field: string }>).some(e => e.field === field), res.body)
  }
})

test('agencies API: a tree with codes marked as assumed until confirmed', async () => {
  const agencies = (await t.app.inject('/api/v1/agencies')).json() as Array<{ code: string, parentCode: string | null, codeConfirmed: boolean, procedureCount: number }>
  const centre = agencies.find(a => a.code === '000.01.01.H34')!
  assert.equal(centre.parentCode, '000.00.01.H34')
  assert.equal(centre.codeConfirmed, false)
  assert.ok(centre.procedureCount > 40, 'the public service centre receives most procedures')
})

test('OpenAPI document and docs page', async () => {
  const doc = (await t.app.inject('/api/openapi.json')).json()
  assert.equal(doc.openapi, '3.0.3')
  assert.ok(doc.paths['/api/v1/procedures'].get)
  assert.ok(doc.paths['/api/v1/procedures/{code}'].get)
  assert.ok(doc.paths['/api/v1/sectors'] && doc.paths['/api/v1/agencies'])
  const page = await t.app.inject('/api/docs')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /GET \/api\/v1\/procedures/)
})

test('pages: list with count and filters, detail with every section, both small', async () => {
  const list = await t.app.inject({ url: '/thu-tuc', query: { q: 'giay phep lien van', 'linh-vuc': 'duong-bo' } })
  assert.equal(list.statusCode, 200)
  assert.match(list.body, /Tìm thấy \d+ thủ tục/)
  assert.match(list.body, /href="\/thu-tuc\/1\.002856\.000\.00\.00\.H34\?tim=[^"]+"/)
  assert.match(list.body, /<option value="duong-bo" selected>/)
  assert.ok(Buffer.byteLength(list.body) < 60_000, `list page ${Buffer.byteLength(list.body)} bytes`)

  const detail = await t.app.inject('/thu-tuc/1.002835.000.00.00.H34')
  assert.equal(detail.statusCode, 200)
  for (const heading of ['Trình tự thực hiện', 'Cách thức thực hiện', 'Thành phần hồ sơ', 'Phí, lệ phí', 'Mẫu đơn, tờ khai', 'Yêu cầu, điều kiện', 'Căn cứ pháp lý']) {
    assert.ok(detail.body.includes(`>${heading}</h2>`), heading)
  }
  assert.match(detail.body, /<ol class="list list--number">/)
  assert.match(detail.body, /135\.000 đồng/)
  assert.match(detail.body, /Nộp hồ sơ trực tuyến/)
  assert.ok(Buffer.byteLength(detail.body) < 60_000, `detail page ${Buffer.byteLength(detail.body)} bytes`)

  assert.equal((await t.app.inject('/thu-tuc/khong-co')).statusCode, 404)
  const lenient = await t.app.inject({ url: '/thu-tuc', query: { trang: 'abc', cap: 'x' } })
  assert.equal(lenient.statusCode, 200, 'bad page parameters fall back instead of failing')
})

test('home page: sectors and agencies with counts', async () => {
  const home = await t.app.inject('/')
  assert.match(home.body, /href="\/thu-tuc\?linh-vuc=duong-bo">Đường bộ<\/a> <span class="count">55 thủ tục<\/span>/)
  assert.match(home.body, /Trung tâm Phục vụ hành chính công tỉnh Kon Tum/)
})

test('the hand-entered examples are marked as such', async () => {
  const p = (await t.app.inject('/api/v1/procedures/NHAPTAY.BCA.HOCHIEU')).json()
  assert.equal(p.enteredByHand, true)
  assert.deepEqual(p.components.map((c: { name: string }) => c.name).slice(1), ['Ảnh chân dung', 'Ảnh mặt trước thẻ Căn cước công dân gắn chip', 'Ảnh mặt sau thẻ Căn cước công dân gắn chip'])
  const page = await t.app.inject('/thu-tuc/NHAPTAY.VHTTDL.QUANGCAO')
  assert.match(page.body, /Nhập tay theo hướng dẫn sử dụng/)
})

test('a search that finds nothing is not a dead end: the sectors to browse and the hotline', async () => {
  const res = await t.app.inject('/thu-tuc?q=xyzzy%20qwrtp')
  assert.equal(res.statusCode, 200)
  assert.match(res.body, /Không tìm thấy thủ tục nào phù hợp/)
  const sectors = [...res.body.matchAll(/href="\/thu-tuc\?linh-vuc=([^"]+)"/g)]
  assert.ok(sectors.length >= 3, `${sectors.length} sectors offered`)
  assert.equal((await t.app.inject(`/thu-tuc?linh-vuc=${sectors[0]![1]!}`)).body.includes('Không tìm thấy'), false, 'each sector link leads to procedures')
  assert.match(res.body, /đường dây nóng <a href="tel:[\d+]+">/)
  assert.match(res.body, /<a href="\/phan-anh-kien-nghi\/gui">gửi câu hỏi cho bộ phận một cửa<\/a>/, 'a way to ask the one-stop office (issue 24)')
})
