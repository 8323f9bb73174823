import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, readyDraft } from '../../../test/dossiers.js'
import { samplePdf, samplePng } from '../../../test/files.js'
import { cleanFileName, nameForType } from './files.service.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

test('names: no bidi overrides, zero-width or control characters; the extension of the type read from the content', () => {
  assert.equal(cleanFileName('evil\u202Efdp.exe'), 'evilfdp.exe')
  assert.equal(cleanFileName('a\u200Bb\u2066c\u0007.pdf'), 'abc.pdf')
  assert.equal(cleanFileName('../../etc/passwd'), 'passwd')
  assert.equal(nameForType('poly.html', 'application/pdf'), 'poly.pdf')
  assert.equal(nameForType('evil\u202Efdp.exe', 'application/pdf'), 'evilfdp.pdf')
  assert.equal(nameForType('Giấy tờ.PDF', 'application/pdf'), 'Giấy tờ.PDF')
  assert.equal(nameForType('anh.jpeg', 'image/jpeg'), 'anh.jpeg')
  assert.equal(nameForType('scan', 'image/png'), 'scan.png')
  assert.equal(nameForType('bang.xlsx.', 'application/msword'), 'bang.doc')
})

test('a hostile upload is kept under a safe name and served sandboxed, as what it is', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const id = await readyDraft(t, b, PROCEDURE)
  const polyglot = Buffer.concat([samplePdf(), Buffer.from('<html><script>alert(document.cookie)</script></html>')])
  const res = await b.attach(`/nop-ho-so/${id}/thanh-phan`, 'c0', [
    { name: 'poly.html', data: polyglot, type: 'text/html' },
    { name: 'evil\u202Efdp.exe', data: samplePdf(), type: 'application/pdf' },
    { name: 'anh.svg', data: samplePng(), type: 'image/svg+xml' }
  ])
  assert.ok(res.statusCode < 400, `upload answered ${res.statusCode}`)
  const files = (await t.services.dossiers.draft(c.id, id)).files
  const names = files.map(f => f.name)
  for (const expected of ['poly.pdf', 'evilfdp.pdf', 'anh.png']) assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`)
  assert.ok(!names.some(n => /\.html|\.exe|\.svg|\u202E/.test(n)))
  for (const f of files.filter(x => ['poly.pdf', 'anh.png'].includes(x.name))) {
    const got = await b.get(`/ca-nhan/tep/${f.id}`)
    assert.equal(got.statusCode, 200)
    assert.equal(got.headers['content-security-policy'], "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox", 'the sandbox is not overwritten by the site\'s policy')
    assert.equal(got.headers['x-content-type-options'], 'nosniff')
    assert.equal(got.headers['cache-control'], 'private, no-store')
    assert.match(got.headers['content-disposition'] as string, new RegExp(`^inline; filename="${f.name}"; filename\\*=UTF-8''${f.name}$`))
    assert.equal(got.headers['content-type'], f.mediaType)
  }
  // A file stored under an old name before this rule is served under the safe one.
  const poly = files.find(f => f.name === 'poly.pdf')!
  await t.db.kysely.updateTable('files').set({ name: 'cu\u202Eloh.html' }).where('id', '=', poly.id).execute()
  const old = await b.get(`/ca-nhan/tep/${poly.id}`)
  assert.match(old.headers['content-disposition'] as string, /filename="culoh\.pdf"/)
})
