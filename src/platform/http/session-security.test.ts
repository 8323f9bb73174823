import assert from 'node:assert/strict'
import { test } from 'node:test'
import { csrfFor, useTestApp } from '../../../test/app.js'
import { loadAgencies, loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ setup: ctx => loadAgencies(ctx.services) })
const https = useTestApp({ config: { PUBLIC_URL: 'https://dichvucong.example.vn', SECURE_COOKIES: 'true' } })

test('a CSRF token picked up anonymously, or in another session, does not pass with a victim\'s session cookie', async () => {
  const victim = await newCitizen(t)
  const attacker = await csrfFor(t.app, '/dang-nhap')
  const forged = await t.app.inject({ method: 'POST', url: '/dang-xuat-tat-ca', payload: { _csrf: attacker.token }, headers: { cookie: `${attacker.cookie}; ${victim.cookie}` } })
  assert.equal(forged.statusCode, 403)
  const other = await newCitizen(t)
  const otherPage = await t.app.inject({ url: '/ca-nhan', headers: { cookie: `${attacker.cookie}; ${other.cookie}` } })
  const otherToken = /name="_csrf" value="([^"]+)"/.exec(otherPage.body)![1]!
  const crossed = await t.app.inject({ method: 'POST', url: '/dang-xuat-tat-ca', payload: { _csrf: otherToken }, headers: { cookie: `${attacker.cookie}; ${victim.cookie}` } })
  assert.equal(crossed.statusCode, 403, 'another session\'s token with the same CSRF cookie')
  assert.ok(await t.services.accounts.sessionAccount(victim.cookie.split('=')[1]!), 'the victim is still signed in')
  // The victim's own page gives a token that works.
  const own = await browserSession(t, victim.cookie).post('/dang-xuat-tat-ca')
  assert.equal(own.statusCode, 303)

  // Officials the same.
  const official = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const staffForged = await t.app.inject({ method: 'POST', url: '/can-bo/dang-xuat', payload: { _csrf: attacker.token }, headers: { cookie: `${attacker.cookie}; ${official.cookie}` } })
  assert.equal(staffForged.statusCode, 403)
})

// A citizen's sign-in dropping the CSRF secret is tested in accounts.test.ts.
test('an official\'s sign-in starts a new CSRF secret', async () => {
  const o = await t.services.officials.create({ type: 'system' }, { username: 'csrf.canbo', fullName: 'Cán bộ', agencyCode: '000.01.01.H34', roles: ['receptionist'], email: 'csrf.canbo@example.vn', password: 'Mật khẩu cán bộ 2024' })
  assert.ok(o.id)
  const { ref } = await t.services.officials.startSignIn('csrf.canbo', 'Mật khẩu cán bộ 2024', '127.0.0.1')
  const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', 'csrf.canbo@example.vn').orderBy('id', 'desc').executeTakeFirstOrThrow()
  const codeForm = await csrfFor(t.app, '/can-bo/dang-nhap/ma')
  const done = await t.app.inject({ method: 'POST', url: '/can-bo/dang-nhap/ma', payload: { _csrf: codeForm.token, code: /(\d{6})/.exec(message.body)![1]! }, headers: { cookie: `${codeForm.cookie}; mc_staff_code=${ref}` } })
  assert.equal(done.statusCode, 303)
  const cleared = done.cookies.find(x => x.name === 'mc_csrf')
  assert.ok(cleared && cleared.value === '' && cleared.expires!.getTime() < Date.now(), 'the anonymous CSRF secret is dropped')
})

test('over HTTPS the site-wide cookies carry the __Host- prefix (Secure, Path=/, no Domain)', async () => {
  const page = await https.app.inject('/dang-nhap')
  const csrf = page.cookies.find(c => c.name === '__Host-mc_csrf')
  assert.ok(csrf, `cookies: ${page.cookies.map(c => c.name).join(', ')}`)
  assert.equal(csrf.secure, true)
  assert.equal(csrf.path, '/')
  assert.equal(csrf.domain, undefined)
  const c = await newCitizen(https)
  const token = c.cookie.split('=')[1]!
  const me = await https.app.inject({ url: '/ca-nhan', headers: { cookie: `__Host-mc_session=${token}` } })
  assert.equal(me.statusCode, 200)
  assert.equal((await https.app.inject({ url: '/ca-nhan', headers: { cookie: `mc_session=${token}` } })).statusCode, 303, 'the unprefixed name is not read')
  assert.equal(page.headers['strict-transport-security'], 'max-age=31536000')
})

test('what belongs to one person is never cached: signed-in pages, pages with a form token, personal paths', async () => {
  await loadCatalog(t.services)
  const c = await newCitizen(t)
  const code = (await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34'))).code
  const official = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const cacheOf = async (url: string, cookie = '') => (await t.app.inject({ url, headers: { cookie } })).headers['cache-control']
  for (const url of ['/ca-nhan', '/ca-nhan/ho-so', `/ca-nhan/ho-so/${encodeURIComponent(code)}`, `/ca-nhan/ho-so/${encodeURIComponent(code)}/phieu.pdf`, '/ca-nhan/thong-bao', '/thu-tuc']) {
    assert.equal(await cacheOf(url, c.cookie), 'private, no-store', `${url} signed in`)
  }
  for (const url of ['/can-bo', `/can-bo/ho-so/${encodeURIComponent(code)}`, '/can-bo/ho-so?hang-doi=cho-tiep-nhan', `/can-bo/ho-so/${encodeURIComponent(code)}/mau-06.pdf`]) {
    assert.equal(await cacheOf(url, official.cookie), 'private, no-store', url)
  }
  assert.equal(await cacheOf('/dang-nhap'), 'private, no-store', 'a form token is the visitor\'s')
  assert.equal(await cacheOf('/ca-nhan'), 'private, no-store', 'the sign-in redirect of a personal path')
  assert.equal(await cacheOf('/thu-tuc'), undefined, 'a public page with nothing personal may be cached')
})

test('an official signed in sees their own name and sign-out in the header, not the citizens\' sign-in', async () => {
  const o = await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Đầu Trang')
  const page = await t.app.inject({ url: '/can-bo', headers: { cookie: o.cookie } })
  const header = /<header[\s\S]*<\/header>/.exec(page.body)![0]
  assert.match(header, /Lê Thị Đầu Trang/)
  assert.match(header, /action="\/can-bo\/dang-xuat"/)
  assert.doesNotMatch(header, /href="\/dang-ky"/)
})

test('an upload form carries its CSRF token as its first field, never in the address; anything else is refused', async () => {
  await loadCatalog(t.services)
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const id = await serviceDraft(t.services, c.id, '1.004325.000.00.00.H34')
  const before = (await t.services.dossiers.draft(c.id, id)).files.length
  const page = await b.get(`/nop-ho-so/${id}/thanh-phan`)
  const form = /<form[^>]*enctype="multipart\/form-data"[^>]*>\s*<input[^>]*>/.exec(page.body)?.[0] ?? ''
  assert.match(form, /type="hidden" name="_csrf"/, 'the token is the form\'s first field')
  assert.doesNotMatch(page.body, /action="[^"]*_csrf=/, 'no form address carries the token')
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
  const cookie = `${c.cookie}; ${page.headers['set-cookie'] ? String(page.headers['set-cookie']).split(';')[0] : ''}`
  const { multipart, samplePdf } = await import('../../../test/files.js')
  const file = { name: 'a.pdf', data: samplePdf(), field: 'tp-c0' }
  const inQuery = multipart([file], { action: 'upload' })
  const viaQuery = await t.app.inject({ method: 'POST', url: `/nop-ho-so/${id}/thanh-phan?_csrf=${encodeURIComponent(token)}`, headers: { cookie, ...inQuery.headers }, payload: inQuery.payload })
  assert.equal(viaQuery.statusCode, 403, 'a token in the address is not accepted')
  const late = multipart([file], { action: 'upload', _csrf: token })
  assert.equal((await t.app.inject({ method: 'POST', url: `/nop-ho-so/${id}/thanh-phan`, headers: { cookie, ...late.headers }, payload: late.payload })).statusCode, 403, 'the token must come first')
  assert.equal((await b.attach(`/nop-ho-so/${id}/thanh-phan`, 'c0', [{ name: 'a.pdf', data: samplePdf() }])).statusCode, 303)
  assert.equal((await t.services.dossiers.draft(c.id, id)).files.length, before + 1, 'only the well-formed upload was kept')
})
