import assert from 'node:assert/strict'
import { test } from 'node:test'
import { csrfFor, useTestApp } from '../../../test/app.js'
import { freePort } from '../../../test/net.js'
import { assuranceOf } from './national-identity.js'

// OIDC_ONLY, with a provider that does not answer (nothing listens on the port).
const t = useTestApp({ config: { OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`, OIDC_CLIENT_ID: 'mot-cua', OIDC_CLIENT_SECRET: 's', OIDC_ONLY: 'true' } })

test('the assurance level is the last digit of the level claim', () => {
  assert.equal(assuranceOf('2'), 'eid-2')
  assert.equal(assuranceOf('vneid-level-1'), 'eid-1')
  assert.equal(assuranceOf(2), 'eid-2')
  assert.equal(assuranceOf(undefined), 'eid-1', 'a provider that says nothing gives the lowest level')
})

test('OIDC_ONLY: the sign-in page offers only the national e-identity; passwords and registration are closed', async () => {
  const page = await t.app.inject('/dang-nhap')
  assert.match(page.body, /href="\/dang-nhap\/vneid"/)
  assert.doesNotMatch(page.body, /name="password"/)
  const { cookie, token } = await csrfFor(t.app, '/quen-mat-khau')
  const post = await t.app.inject({ method: 'POST', url: '/dang-nhap', payload: { _csrf: token, username: '062090000001', password: 'x' }, headers: { cookie } })
  assert.equal(post.statusCode, 403)
  for (const url of ['/dang-ky', '/dang-ky/ca-nhan']) {
    const res = await t.app.inject(url)
    assert.equal(res.statusCode, 303, url)
    assert.equal(res.headers.location, '/dang-nhap')
  }
})

test('a provider that does not answer gets a message to try again later, not an error page', async () => {
  const res = await t.app.inject('/dang-nhap/vneid')
  assert.equal(res.statusCode, 503)
  assert.match(res.body, /Hệ thống định danh điện tử đang không trả lời/)
})
