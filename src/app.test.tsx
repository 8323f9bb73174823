import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { csrfFor, useTestApp } from '../test/app.js'
import { testEnv } from '../test/env.js'
import { AppError } from './platform/http/errors.js'
import { Form, TextInput } from './platform/html/components/form.js'
import { cliActor } from './modules/audit/audit.service.js'

const t = useTestApp({
  extraRoutes (app) {
    app.get('/test/boom', async () => { throw new Error('secret internal detail at /srv/app.ts:42') })
    app.get('/api/v1/test/boom', async () => { throw new Error('secret internal detail') })
    app.get('/api/v1/test/conflict', async () => { throw new AppError('CONFLICT', 'dossier already received') })
    app.get('/test/form', async (_req, reply) => reply.page(<Form action='/test/form'><TextInput name='name' label='Họ và tên' /></Form>, { title: 'Form' }))
    app.post('/test/form', async (req) => ({ saved: (req.body as { name: string }).name }))
    app.post('/api/v1/test/callback', { config: { csrf: false } }, async () => ({ ok: true }))
  }
})

test('the engine under test is the one the runner asked for', () => {
  assert.equal(t.services.db.engine, testEnv.engine)
})

test('home page: Vietnamese layout with header, navigation, footer and skip link', async () => {
  await t.services.site.loadProfileFile(cliActor('test'), 'kon-tum')
  const res = await t.app.inject('/')
  assert.equal(res.statusCode, 200)
  assert.match(res.headers['content-type'] as string, /text\/html; charset=utf-8/)
  const html = res.body
  assert.match(html, /<html lang="vi">/)
  assert.match(html, /<title>Trang chủ – Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử<\/title>/)
  assert.match(html, /href="#main-content"[^>]*>Bỏ qua để đến nội dung chính/)
  for (const label of ['Trang chủ', 'Thủ tục hành chính', 'Tra cứu hồ sơ', 'Đăng nhập', 'Đăng ký']) assert.ok(html.includes(`>${label}</a>`), label)
  assert.match(html, /Tỉnh Kon Tum/)
  assert.match(html, /Đường dây nóng: <a href="tel:02603797799">0260\.3797799<\/a>/)
  assert.match(html, /aria-current="page">Trang chủ/)
  assert.ok(Buffer.byteLength(html) < 60_000, 'small page')
})

test('security headers: CSP without inline scripts, nosniff, frame denial, request id', async () => {
  const res = await t.app.inject({ url: '/', headers: { 'x-request-id': 'lb-request-12345678' } })
  const csp = res.headers['content-security-policy'] as string
  assert.match(csp, /script-src 'self'/)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
  assert.equal(res.headers['x-frame-options'], 'DENY')
  assert.equal(res.headers['x-request-id'], 'lb-request-12345678', 'a well-formed incoming id is kept')
  const other = await t.app.inject({ url: '/', headers: { 'x-request-id': '<bad id>' } })
  assert.match(other.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/, 'a malformed one is replaced')
  assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)/, 'no inline script in pages')
})

test('a missing page is a friendly Vietnamese 404; under /api it is problem+json', async () => {
  const page = await t.app.inject('/khong-co-trang-nay')
  assert.equal(page.statusCode, 404)
  assert.match(page.body, /<h1 class="heading-l">Không tìm thấy trang<\/h1>/)
  assert.match(page.body, /Về trang chủ/)
  const api = await t.app.inject('/api/v1/khong-co')
  assert.equal(api.statusCode, 404)
  assert.match(api.headers['content-type'] as string, /^application\/problem\+json/)
  const body = api.json()
  assert.equal(body.status, 404)
  assert.equal(body.type, '/problems/not-found')
  assert.equal(body.instance, `urn:request:${api.headers['x-request-id']}`)
})

test('a 500 page shows a reference number and never the error or a stack', async () => {
  const res = await t.app.inject('/test/boom')
  assert.equal(res.statusCode, 500)
  assert.match(res.body, /Hệ thống gặp sự cố/)
  assert.ok(res.body.includes(`<strong class="reference">${res.headers['x-request-id']}</strong>`))
  assert.doesNotMatch(res.body, /secret internal detail|app\.ts|at /)
  const api = await t.app.inject('/api/v1/test/boom')
  assert.equal(api.statusCode, 500)
  assert.equal(api.json().detail, undefined)
  assert.doesNotMatch(api.body, /secret/)
})

test('an AppError maps to its status and problem+json with the detail for 4xx', async () => {
  const res = await t.app.inject('/api/v1/test/conflict')
  assert.equal(res.statusCode, 409)
  assert.deepEqual({ ...(res.json() as object), instance: undefined }, {
    type: '/problems/conflict', title: 'Thao tác không thực hiện được ở trạng thái hiện tại', status: 409, detail: 'dossier already received', instance: undefined
  })
})

test('CSRF: a form POST without the token is refused, with it accepted', async () => {
  const none = await t.app.inject({ method: 'POST', url: '/test/form', payload: { name: 'An' } })
  assert.equal(none.statusCode, 403)
  assert.match(none.body, /Phiên làm việc của biểu mẫu đã hết hạn/)

  const { cookie, token } = await csrfFor(t.app, '/test/form')
  const forged = await t.app.inject({ method: 'POST', url: '/test/form', headers: { cookie }, payload: { name: 'An', _csrf: token.slice(0, -2) + 'xx' } })
  assert.equal(forged.statusCode, 403)
  const otherBrowser = await csrfFor(t.app, '/test/form')
  const mixed = await t.app.inject({ method: 'POST', url: '/test/form', headers: { cookie }, payload: { name: 'An', _csrf: otherBrowser.token } })
  assert.equal(mixed.statusCode, 403, "another browser's token does not fit this cookie")

  const ok = await t.app.inject({ method: 'POST', url: '/test/form', headers: { cookie }, payload: { name: 'Nguyễn Văn An', _csrf: token } })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(ok.json(), { saved: 'Nguyễn Văn An' })
})

test('CSRF applies to API posts too, unless the route opts out (signed callbacks)', async () => {
  const api = await t.app.inject({ method: 'POST', url: '/api/v1/test/form', payload: {} })
  assert.equal(api.statusCode, 403)
  assert.match(api.headers['content-type'] as string, /problem\+json/)
  const callback = await t.app.inject({ method: 'POST', url: '/api/v1/test/callback', payload: {} })
  assert.equal(callback.statusCode, 200)
})

test('CSRF cookie is HttpOnly and SameSite=Lax', async () => {
  const res = await t.app.inject('/test/form')
  const cookie = res.cookies.find(c => c.name === 'mc_csrf')
  assert.ok(cookie)
  assert.equal(cookie.httpOnly, true)
  assert.equal(cookie.sameSite, 'Lax')
})

test('/healthz answers; /readyz checks the database and migrations', async () => {
  assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' })
  const ready = await t.app.inject('/readyz')
  assert.equal(ready.statusCode, 200)
  assert.equal(ready.json().engine, testEnv.engine)
})

test('/readyz is 503 while a migration is pending', async () => {
  // A throwaway app on its own database, so the shared one keeps its bookkeeping.
  const { freshDb } = await import('../test/db.js')
  const { buildServices } = await import('./services.js')
  const { buildApp } = await import('./app.js')
  const { testConfig } = await import('../test/app.js')
  const { pino } = await import('pino')
  const db = await freshDb()
  const services = await buildServices(testConfig(), { db, log: pino({ level: 'silent' }) })
  const app = await buildApp(services)
  try {
    await sql`delete from schema_migrations where name = '0001_platform.sql'`.execute(db.kysely)
    const res = await app.inject('/readyz')
    assert.equal(res.statusCode, 503)
    assert.equal(res.json().status, 'unavailable')
    assert.deepEqual(res.json().checks.migrations.pending, ['0001_platform.sql'])
  } finally {
    await app.close()
    await services.close()
  }
})

test('static assets: stylesheet and the bundled Vietnamese font, nothing else from node_modules', async () => {
  const css = await t.app.inject('/assets/styles.css')
  assert.equal(css.statusCode, 200)
  assert.match(css.body, /font-family: 'Be Vietnam Pro'/)
  assert.match(css.body, /@media print/)
  const font = await t.app.inject('/assets/fonts/be-vietnam-pro-vietnamese-400-normal.woff2')
  assert.equal(font.statusCode, 200)
  assert.equal(font.rawPayload.subarray(0, 4).toString('latin1'), 'wOF2')
  assert.equal((await t.app.inject('/assets/fonts/../package.json')).statusCode, 404)
  assert.equal((await t.app.inject('/assets/fonts/be-vietnam-pro-latin-100-normal.woff2')).statusCode, 404)
})
