import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { useOidcProvider } from '../../../test/oidc.js'
import { verifyPassword } from './passwords.js'

// A real OpenID Connect provider stands in for VNeID; the app is configured as it would be in production.
const idp = useOidcProvider({
  'nguoi-moi': { name: 'Trần Thị Định Danh', citizen_id: '062190000123', birthdate: '1990-03-04', loa: 'vneid-level-2' },
  'chu-that': { name: 'Lê Văn Chủ Thật', citizen_id: '062085000777', loa: '2' }
})
const t = useTestApp({
  config: () => ({ PUBLIC_URL: idp.appUrl, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_LEVEL_CLAIM: 'loa', CAPTCHA: 'off' }),
  listen: () => idp.appPort
})
const b = useBrowser()

/** From our sign-in page through the provider's sign-in and consent pages (when it asks) and back. */
async function throughProvider (page: Page, login: string) {
  await visit(page, `${t.url}/dang-nhap`)
  const authorize = page.waitForRequest(r => r.url().startsWith(`${idp.issuer}/auth?`))
  await page.getByRole('link', { name: 'Đăng nhập bằng tài khoản định danh điện tử VNeID' }).click()
  const params = new URL((await authorize).url()).searchParams
  assert.equal(params.get('code_challenge_method'), 'S256', 'PKCE (the provider also requires it)')
  assert.ok(params.get('state') && params.get('nonce'))
  await page.waitForURL(url => url.href.startsWith(idp.issuer) || url.href.startsWith(t.url))
  if (page.url().startsWith(idp.issuer)) {
    await page.locator('input[name="login"]').fill(login)
    await page.locator('input[name="password"]').fill('bất kỳ')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await page.getByRole('button', { name: 'Continue' }).click()
  }
  await page.waitForURL(url => url.href.startsWith(t.url))
}

test('first sign-in with the national e-identity creates the account with its assurance level; the next one finds it', async () => {
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/dang-nhap`)
    await assertAccessible(page)
    await throughProvider(page, 'nguoi-moi')
    assert.equal(new URL(page.url()).pathname, '/ca-nhan')
    assert.match(await page.locator('main').innerText(), /Trần Thị Định Danh/)
    await assertAccessible(page)
    const rows = await t.db.kysely.selectFrom('accounts').select(['id', 'assurance', 'status', 'dateOfBirth', 'oidcSubject']).where('citizenId', '=', '062190000123').execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.assurance, 'eid-2')
    assert.equal(rows[0]!.status, 'active')
    assert.equal(rows[0]!.oidcSubject, `${idp.issuer}#nguoi-moi`)
    await page.getByRole('button', { name: 'Đăng xuất' }).first().click()
    await throughProvider(page, 'nguoi-moi')
    assert.equal(new URL(page.url()).pathname, '/ca-nhan')
    assert.equal((await t.db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', '062190000123').execute()).length, 1, 'the same account')
    const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'details']).where('actorId', '=', rows[0]!.id).execute()
    assert.ok(audit.some(a => a.action === 'account.national-identity.created'))
    assert.equal(audit.filter(a => a.action === 'account.sign-in').length, 2)
  } finally { await page.close() }
})

test('a local account registered earlier with the same ID number is merged only after the person agrees; its password stops working', async () => {
  // Someone registered a local account with this ID number before its owner came with VNeID.
  await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', {
    fullName: 'Người Đăng Ký Trước', citizenId: '062085000777', dateOfBirth: '01/01/1985', phone: '0912345678', email: 'truoc@example.vn',
    address: 'Kon Tum', password: 'Mật khẩu đăng ký trước 2024'
  })
  const signedBefore = await t.services.accounts.signIn('062085000777', 'Mật khẩu đăng ký trước 2024', 'test', '127.0.0.9')
  assert.ok('token' in signedBefore)
  const page = await b.browser.newPage()
  try {
    await throughProvider(page, 'chu-that')
    await page.getByRole('heading', { name: 'Gộp tài khoản đã đăng ký trước' }).waitFor()
    await assertAccessible(page)
    assert.equal((await t.db.kysely.selectFrom('accounts').select('oidcSubject').where('citizenId', '=', '062085000777').executeTakeFirstOrThrow()).oidcSubject, null, 'nothing merged before the answer')
    await page.getByRole('button', { name: 'Đồng ý gộp và đăng nhập' }).click()
    await page.waitForURL(`${t.url}/ca-nhan`)
    assert.match(await page.locator('main').innerText(), /Lê Văn Chủ Thật/)
    const account = await t.db.kysely.selectFrom('accounts').select(['id', 'assurance', 'passwordHash', 'oidcSubject']).where('citizenId', '=', '062085000777').executeTakeFirstOrThrow()
    assert.equal(account.assurance, 'eid-2')
    assert.equal(account.oidcSubject, `${idp.issuer}#chu-that`)
    assert.equal(await verifyPassword('Mật khẩu đăng ký trước 2024', account.passwordHash), false, 'the old password no longer signs in')
    assert.equal(await t.services.accounts.sessionAccount(signedBefore.token), undefined, 'the earlier session ended')
    assert.equal((await t.db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', '062085000777').execute()).length, 1)
  } finally { await page.close() }
})

test('an answer that did not start here (no state, PKCE verifier or nonce) is refused with a message', async () => {
  const page = await b.browser.newPage()
  try {
    const res = await page.goto(`${t.url}/dang-nhap/vneid/ve?code=abc&state=xyz`)
    assert.equal(res?.status(), 422)
    assert.match(await page.locator('main').innerText(), /Phiên đăng nhập đã hết hạn/)
    await assertAccessible(page)
  } finally { await page.close() }
})
