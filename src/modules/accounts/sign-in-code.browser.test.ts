import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { formFor, useTestApp } from '../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../test/browser.js'
import { createWorker } from '../../platform/jobs/worker.js'

// SIGN_IN_CODE=true: after the password, a one-time code by e-mail (or SMS without e-mail).
const t = useTestApp({ config: { SIGN_IN_CODE: 'true' }, listen: true })
const b = useBrowser()
const drain = () => createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()

async function passwordStep (username: string, password: string) {
  const form = await formFor(t, '/dang-nhap')
  const res = await t.app.inject({ method: 'POST', url: '/dang-nhap', payload: { ...form.fields, username, password }, headers: { cookie: form.cookie } })
  const ref = res.cookies.find(c => c.name === 'mc_signin_code')?.value
  return { res, ref, form }
}
const enterCode = (s: Awaited<ReturnType<typeof passwordStep>>, code: string) => t.app.inject({
  method: 'POST', url: '/dang-nhap/ma', payload: { _csrf: s.form.fields['_csrf']!, code, kenh: 'email' }, headers: { cookie: `${s.form.cookie}; mc_signin_code=${s.ref}` }
})
async function lastCode (recipient: string) {
  await drain()
  const m = await t.db.kysely.selectFrom('messages').select(['body', 'template']).where('recipient', '=', recipient).orderBy('id', 'desc').executeTakeFirstOrThrow()
  assert.equal(m.template, 'sign-in-code')
  return /(\d{6})/.exec(m.body)![1]!
}

test('with SIGN_IN_CODE the password alone opens no session; the e-mailed code does, once; five wrong codes end it', async () => {
  await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', {
    fullName: 'Phạm Thị Hai Bước', citizenId: '062190004567', dateOfBirth: '05/05/1990', phone: '0912000111', email: 'haibuoc@example.vn', address: 'Kon Tum', password: 'Hai bước xác thực 2024'
  })
  const first = await passwordStep('062190004567', 'Hai bước xác thực 2024')
  assert.equal(first.res.statusCode, 303)
  assert.equal(first.res.headers.location, '/dang-nhap/ma?kenh=email')
  assert.equal(first.res.cookies.find(c => c.name === 'mc_session'), undefined, 'no session yet')
  const page = await t.app.inject('/dang-nhap/ma?kenh=email')
  assert.match(page.body, /Mã gồm 6 chữ số đã được gửi tới thư điện tử/)
  const code = await lastCode('haibuoc@example.vn')
  const wrong = await enterCode(first, code === '000000' ? '111111' : '000000')
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /Mã xác nhận không đúng/)
  const ok = await enterCode(first, code)
  assert.equal(ok.statusCode, 303)
  assert.equal(ok.headers.location, '/ca-nhan')
  const session = ok.cookies.find(c => c.name === 'mc_session')!
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie: `mc_session=${session.value}` } })).statusCode, 200)
  assert.equal((await enterCode(first, code)).statusCode, 422, 'a code is used once')

  const second = await passwordStep('haibuoc@example.vn', 'Hai bước xác thực 2024')
  const good = await lastCode('haibuoc@example.vn')
  for (let i = 0; i < 5; i++) await enterCode(second, good === '000000' ? '111111' : '000000')
  const after = await enterCode(second, good)
  assert.equal(after.statusCode, 422, 'the right code after five wrong ones is refused')
  assert.match(after.body, /Đã nhập sai quá số lần cho phép/)
  const audit = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'account.sign-in').execute()
  assert.deepEqual(audit.map(a => (a.details as { method: string }).method), ['password+code'])
})

test('"Gửi lại mã": not before a minute, at most three times; the new code replaces the old one', async () => {
  await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', {
    fullName: 'Lê Văn Gửi Lại', citizenId: '062190004568', dateOfBirth: '05/05/1990', phone: '0912000112', email: 'guilai@example.vn', address: 'Kon Tum', password: 'Gửi lại mã thử 2024'
  })
  const s = await passwordStep('062190004568', 'Gửi lại mã thử 2024')
  const page = await t.app.inject('/dang-nhap/ma?kenh=email')
  assert.match(page.body, /inputmode="numeric"/)
  assert.match(page.body, /autocomplete="one-time-code"/)
  assert.match(page.body, /action="\/dang-nhap\/ma\/gui-lai"/)
  const first = await lastCode('guilai@example.vn')
  const resend = () => t.app.inject({ method: 'POST', url: '/dang-nhap/ma/gui-lai', payload: { _csrf: s.form.fields['_csrf']!, kenh: 'email' }, headers: { cookie: `${s.form.cookie}; mc_signin_code=${s.ref}` } })
  const early = await resend()
  assert.equal(early.statusCode, 422)
  assert.match(early.body, /Hãy chờ \d+ giây nữa rồi yêu cầu gửi lại/)
  assert.match(early.body, /id="code-error"/, 'told next to the code field')
  const aMinuteAgo = () => t.db.kysely.updateTable('accountTokens').set({ sentAt: new Date(Date.now() - 61_000) }).where('refHash', 'is not', null).where('purpose', '=', 'sign-in').where('usedAt', 'is', null).execute()
  await aMinuteAgo()
  const again = await resend()
  assert.equal(again.statusCode, 303)
  assert.equal(again.headers.location, '/dang-nhap/ma?kenh=email')
  const notice = again.cookies.find(c => c.name === 'mc_notice')!
  const shown = await t.app.inject({ url: '/dang-nhap/ma?kenh=email', headers: { cookie: `${s.form.cookie}; mc_notice=${notice.value}` } })
  assert.match(shown.body, /Đã gửi lại mã\. Mã gửi trước đó không dùng được nữa\./)
  const second = await lastCode('guilai@example.vn')
  if (second !== first) assert.equal((await enterCode(s, first)).statusCode, 422, 'the first code no longer works')
  for (let i = 0; i < 2; i++) { await aMinuteAgo(); assert.equal((await resend()).statusCode, 303) }
  await aMinuteAgo()
  const fourth = await resend()
  assert.equal(fourth.statusCode, 422)
  assert.match(fourth.body, /Đã gửi lại mã 3 lần/)
  const last = await lastCode('guilai@example.vn')
  assert.equal((await enterCode(s, last)).statusCode, 303, 'the last code sent signs in')
})

test('in a browser: password, then the code from the e-mail, then the personal page (accessible)', async () => {
  await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', {
    fullName: 'Vũ Văn Trình Duyệt', citizenId: '062090007654', dateOfBirth: '07/07/1990', phone: '0912000222', email: 'trinhduyet@example.vn', address: 'Kon Tum', password: 'Trình duyệt thật 2024'
  })
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/dang-nhap`)
    await page.getByLabel('Tên đăng nhập').fill('trinhduyet@example.vn')
    await page.getByLabel('Mật khẩu').fill('Trình duyệt thật 2024')
    const id = await page.locator('input[name="captchaId"]').inputValue()
    await page.getByLabel('Mã xác thực').fill((await t.services.captcha.answer(id))!)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.waitForURL(/\/dang-nhap\/ma/)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    assert.match(await page.locator('#code-error').innerText(), /Mã xác nhận không đúng/)
    await assertAccessible(page)
    await page.getByLabel('Mã đăng nhập').fill(await lastCode('trinhduyet@example.vn'))
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.waitForURL(`${t.url}/ca-nhan`)
    assert.match(await page.locator('main').innerText(), /Vũ Văn Trình Duyệt/)
  } finally { await page.close() }
})
