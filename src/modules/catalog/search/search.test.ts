import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../../test/app.js'
import { loadCatalog } from '../../../../test/catalog.js'
import { browserSession } from '../../../../test/dossiers.js'
import { newOfficial } from '../../../../test/officials.js'
import { meaningful, withAbbreviations, words } from './normalize.js'
import { loggedQuery } from './search.service.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const search = (q: string, pageSize = 5) => t.services.catalog.listProcedures({ q, page: 1, pageSize })
const codes = async (q: string) => (await search(q)).items.map(i => i.code)
const QUANG_CAO = 'NHAPTAY.VHTTDL.QUANGCAO'

test('normalisation: diacritics and case folded, punctuation, hyphens and slashes are word breaks, numbers kept; stop phrases set aside, never all; abbreviations both ways', () => {
  assert.deepEqual(words('Băng-rôn, Giấy phép/GPLX hạng B2!'), ['bang', 'ron', 'giay', 'phep', 'gplx', 'hang', 'b2'])
  assert.deepEqual(words('ĐĂNG KIỂM'), ['dang', 'kiem'])
  assert.deepEqual(meaningful(words('thủ tục làm bằng lái xe ở đâu như thế nào')), ['bang', 'lai', 'xe'])
  assert.deepEqual(meaningful(words('làm thủ tục')), ['lam', 'thu', 'tuc'], 'only stop words: kept')
  assert.deepEqual(meaningful(words('xe cơ giới chở hàng ô tô vận tải')), ['xe', 'co', 'gioi', 'cho', 'hang', 'o', 'to', 'van', 'tai'], 'words that fold like filler words are kept')
  assert.deepEqual(withAbbreviations(words('cấp mới giấy phép lái xe')), ['cap', 'moi', 'giay', 'phep', 'lai', 'xe', 'gplx'])
  assert.equal(loggedQuery('đổi bằng lái 062090001234 an@example.vn'), 'doi bang lai', 'no ID numbers or e-mail addresses in the log')
})

test('the seed guide’s search finds its procedure typed with or without the hyphen, the diacritics or the space', async () => {
  for (const q of ['thông báo sản phẩm quảng cáo trên bảng quảng cáo, băng-rôn', 'thong bao san pham quang cao bang ron', 'băng rôn', 'bang-ron', 'bangron', 'banner']) {
    assert.equal((await codes(q))[0], QUANG_CAO, q)
  }
})

test('ranked: everyday words, abbreviations, typos and partial matches; a correction says “Có phải bạn muốn tìm”; full-text and trigram on this engine', async () => {
  assert.equal((await codes('bằng lái xe bị mất làm lại'))[0], '1.002820.000.00.00.H34')
  assert.equal((await codes('gplx cap lai'))[0], '1.002820.000.00.00.H34')
  assert.equal((await codes('xe xúc đăng ký lần đầu'))[0], '1.002030.000.00.00.H34')
  const typo = await search('giay phep lai se')
  assert.ok(typo.items.slice(0, 3).some(i => i.name.includes('Giấy phép lái xe')))
  assert.equal(typo.corrected, 'giấy phép lái xe', 'the corrected words as the names spell them')
  assert.equal((await search('giấy phép lái xe')).corrected, undefined, 'nothing corrected, nothing suggested')
  // Partial: a word no procedure has does not empty the page.
  const partial = await search('giấy phép lái xe zzzqqq')
  assert.ok(partial.total > 0)
  // Nothing at all: the closest names instead of a dead end.
  const none = await search('qqqqqqq')
  assert.equal(none.total, 0)
  const installed = (await sql<{ extname: string }>`select extname from pg_extension`.execute(t.db.kysely)).rows.map(r => r.extname)
  for (const e of ['pg_trgm', 'fuzzystrmatch']) assert.ok(installed.includes(e), `${e} on this engine`)
})

test('the page: did-you-mean link, results that count their opening, no dead end; suggestions as JSON; the log counts empty and unopened searches without personal data', async () => {
  const typo = await t.app.inject('/thu-tuc?q=giay+phep+lai+se')
  assert.match(typo.body, /Có phải bạn muốn tìm: <a href="\/thu-tuc\?q=[^"]+"><strong>giấy phép lái xe<\/strong><\/a>/)
  assert.match(typo.body, /href="\/thu-tuc\/[^"?]+\?tim=giay%20phep%20lai%20se"/)
  const none = await t.app.inject('/thu-tuc?q=xyzxyzxyz+062090001234')
  assert.match(none.body, /Không tìm thấy thủ tục nào phù hợp/)
  assert.match(none.body, /xem thủ tục theo lĩnh vực/)
  const suggest = await t.app.inject('/thu-tuc/goi-y?q=bang+la')
  assert.equal(suggest.statusCode, 200)
  const list = suggest.json() as Array<{ code: string, name: string, href: string }>
  assert.ok(list.length > 0 && list.length <= 8)
  assert.ok(list.some(s => /lái xe/i.test(s.name)), 'the last word is a prefix while typing')
  assert.deepEqual((await t.app.inject('/thu-tuc/goi-y?q=ba')).json(), [], 'three characters first')
  await t.app.inject(`/thu-tuc/1.002835.000.00.00.H34?tim=giay+phep+lai+se`)
  const misses = await t.services.catalog.search.misses()
  const empty = misses.find(m => m.query.startsWith('xyzxyzxyz'))
  assert.ok(empty, 'an empty search is listed')
  assert.equal(empty.query, 'xyzxyzxyz', 'the ID number is not kept')
  assert.ok(!misses.some(m => m.query === 'giay phep lai se'), 'a search whose result was opened is not a miss')
})

test('synonyms page: catalog administrators only; an added pair changes the search at once and is audited; bad input is answered next to its field; removal audited', async () => {
  const admin = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['catalog_admin'])).cookie)
  const clerk = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.equal((await clerk.get('/can-bo/tu-dong-nghia')).statusCode, 403)
  const page = await admin.get('/can-bo/tu-dong-nghia')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /bang lai/)
  assert.equal((await codes('xe mô tô ba bánh chở rác')).includes(QUANG_CAO), false)
  const bad = await admin.post('/can-bo/tu-dong-nghia', { phrase: '', means: 'băng rôn' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Nhập từ, cụm từ người dân thường dùng/)
  const added = await admin.post('/can-bo/tu-dong-nghia', { phrase: 'Khẩu hiệu treo đường', means: 'băng-rôn', note: 'người dân gọi băng rôn là khẩu hiệu' })
  assert.equal(added.statusCode, 200)
  assert.equal((await codes('khau hieu treo duong'))[0], QUANG_CAO, 'effective at once')
  const row = await t.db.kysely.selectFrom('searchSynonyms').selectAll().where('phrase', '=', 'khau hieu treo duong').executeTakeFirstOrThrow()
  assert.equal(row.means, 'bang ron')
  const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'details']).where('action', 'like', 'catalog.synonym.%').where('targetId', '=', String(row.id)).execute()
  assert.deepEqual(audit.map(a => a.action), ['catalog.synonym.add'])
  assert.equal((await admin.post('/can-bo/tu-dong-nghia', { phrase: 'khau hieu treo duong', means: 'bang ron' })).statusCode, 422, 'a pair once')
  assert.equal((await clerk.post(`/can-bo/tu-dong-nghia/${row.id}/xoa`)).statusCode, 403)
  assert.equal((await admin.post(`/can-bo/tu-dong-nghia/${row.id}/xoa`)).statusCode, 200)
  assert.equal((await admin.post('/can-bo/tu-dong-nghia/99999999999/xoa')).statusCode, 404)
  assert.equal((await admin.post('/can-bo/tu-dong-nghia/abc/xoa')).statusCode, 404)
  assert.equal(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'catalog.synonym.remove').where('targetId', '=', String(row.id)).execute().then(r => r.length), 1)
})
