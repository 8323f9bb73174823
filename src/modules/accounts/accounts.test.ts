import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { formFor, useTestApp } from '../../../test/app.js'
import { browserSession } from '../../../test/dossiers.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp({ config: { DEMO: 'true' } })
const drain = () => createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()

let seq = 0
/** A valid individual registration with unique identifiers (Kon Tum, born 1990). */
function person (over: Record<string, string> = {}) {
  seq++
  return {
    fullName: 'Nguyễn Văn An', citizenId: `062090${String(100000 + seq * 7919 + Math.floor(Math.random() * 9000)).slice(-6)}`, dateOfBirth: '15/08/1990',
    phone: `091${String(1000000 + seq * 1234 + Math.floor(Math.random() * 900000)).slice(-7)}`, email: `an${seq}.${Date.now()}@example.vn`,
    address: '70 Lê Hồng Phong, Kon Tum', password: 'Kon Tum mùa hoa 2024!', passwordConfirm: 'Kon Tum mùa hoa 2024!', consent: 'yes', ...over
  }
}

/** POSTs a form as a browser would after loading it: CSRF token and, where asked, the verification code. */
async function post (url: string, payload: Record<string, string>, cookie?: string) {
  // Signed in, the token comes from a page of the session: tokens are bound to it.
  if (cookie?.includes('mc_session=')) return browserSession(t, cookie).post(url, payload)
  const page = /^\/(dang-nhap|dang-ky\/(ca-nhan|to-chuc|nguoi-nuoc-ngoai))$/.test(url) ? url : '/quen-mat-khau'
  const form = await formFor(t, page)
  return t.app.inject({ method: 'POST', url, payload: { ...form.fields, ...payload }, headers: { cookie: [form.cookie, cookie].filter(Boolean).join('; ') } })
}

/** A citizen registered and confirmed by the e-mailed link. */
async function confirmedCitizen () {
  const p = person()
  await post('/dang-ky/ca-nhan', p)
  const mail = await lastMessageTo(p.email)
  await t.app.inject(/\/dang-ky\/xac-nhan\/[A-Za-z0-9_-]+/.exec(mail!.body)![0])
  return p
}

async function lastMessageTo (recipient: string) {
  await drain()
  const rows = await t.db.kysely.selectFrom('messages').selectAll().where('recipient', '=', recipient).orderBy('id', 'desc').execute()
  return rows[0]
}

test('registration form: every error next to its field, in Vietnamese, nothing saved', async () => {
  const before = await t.db.kysely.selectFrom('accounts').select(t.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const res = await post('/dang-ky/ca-nhan', person({ citizenId: '062098001234', dateOfBirth: '31/02/1990', phone: '123', email: 'không-hợp-lệ', password: 'password', consent: '' }))
  assert.equal(res.statusCode, 422)
  assert.match(res.body, /<title>Lỗi: Đăng ký tài khoản cá nhân/)
  for (const [field, message] of [['dateOfBirth', 'Ngày sinh phải là một ngày có thật'], ['phone', 'Số điện thoại di động gồm 10 chữ số'], ['email', 'Địa chỉ thư điện tử không đúng'], ['password', 'quá phổ biến'], ['consent', 'Cần đồng ý']]) {
    assert.match(res.body, new RegExp(`href="#${field}">[^<]*${message}`), `summary links to ${field}`)
    assert.match(res.body, new RegExp(`id="${field}-error"[^>]*><span class="visually-hidden">Lỗi:</span> [^<]*${message}`), `inline message for ${field}`)
  }
  assert.match(res.body, /value="Nguyễn Văn An"/, 'what was typed is kept')
  assert.doesNotMatch(res.body, /Kon Tum mùa hoa 2024!/, 'passwords are never echoed')
  const after = await t.db.kysely.selectFrom('accounts').select(t.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  assert.equal(Number(after.n), Number(before.n))
})

test('register by e-mail, confirm with the single-use link, sign in, sign out', async () => {
  const p = person()
  const res = await post('/dang-ky/ca-nhan', p)
  assert.equal(res.statusCode, 303)
  assert.equal(res.headers.location, '/dang-ky/kiem-tra?kenh=email')

  const signInEarly = await post('/dang-nhap', { username: p.citizenId, password: p.password })
  assert.equal(signInEarly.statusCode, 422)
  assert.match(signInEarly.body, /chưa được xác nhận/)

  const mail = await lastMessageTo(p.email)
  assert.equal(mail?.state, 'captured')
  const link = /\/dang-ky\/xac-nhan\/([A-Za-z0-9_-]+)/.exec(mail!.body)!
  assert.equal((await t.app.inject(link[0])).statusCode, 200)
  assert.equal((await t.app.inject(link[0])).statusCode, 410, 'the link works once')

  for (const username of [p.citizenId, p.phone, p.email.toUpperCase()]) {
    const ok = await post('/dang-nhap', { username, password: p.password, tiep: '/thu-tuc' })
    assert.equal(ok.statusCode, 303, username)
    assert.equal(ok.headers.location, '/thu-tuc')
  }
  const signIn = await post('/dang-nhap', { username: p.citizenId, password: p.password, tiep: 'https://evil.example/' })
  assert.equal(signIn.headers.location, '/ca-nhan', 'only paths on this site follow sign-in')
  const session = signIn.cookies.find(c => c.name === 'mc_session')!
  assert.equal(session.httpOnly, true)
  const cookie = `mc_session=${session.value}`
  const personal = await t.app.inject({ url: '/ca-nhan', headers: { cookie } })
  assert.equal(personal.statusCode, 200)
  assert.match(personal.body, /Nguyễn Văn An<\/a>/, 'the header names the signed-in citizen')
  const catalog = await t.app.inject({ url: '/thu-tuc', headers: { cookie } })
  assert.match(catalog.body, /Đăng xuất/, 'shared pages are not served from the anonymous cache to a signed-in citizen')
  assert.doesNotMatch((await t.app.inject('/thu-tuc')).body, /Nguyễn Văn An/, 'and never the other way round')

  const out = await post('/dang-xuat', {}, cookie)
  assert.equal(out.statusCode, 303)
  const after = await t.app.inject({ url: '/ca-nhan', headers: { cookie } })
  assert.equal(after.statusCode, 303)
  assert.equal(after.headers.location, '/dang-nhap?tiep=%2Fca-nhan')
})

test('without OIDC_ISSUER there is no national e-identity button and no such route', async () => {
  assert.doesNotMatch((await t.app.inject('/dang-nhap')).body, /vneid/)
  assert.equal((await t.app.inject('/dang-nhap/vneid')).statusCode, 404)
})

test('wrong password and unknown user get the same answer', async () => {
  const p = person({ email: '' })
  await post('/dang-ky/ca-nhan', p)
  const wrong = await post('/dang-nhap', { username: p.citizenId, password: 'not the password at all' })
  const unknown = await post('/dang-nhap', { username: '001090999999', password: 'not the password at all' })
  assert.equal(wrong.statusCode, 422)
  assert.equal(unknown.statusCode, 422)
  const message = (body: string) => /id="username-error"[^>]*>(.*?)<\/p>/.exec(body)?.[1]
  assert.equal(message(wrong.body), message(unknown.body))
})

test('register by phone: a 6-digit SMS code, few attempts', async () => {
  const p = person({ email: '' })
  const res = await post('/dang-ky/ca-nhan', p)
  assert.equal(res.headers.location, '/dang-ky/kiem-tra?kenh=sms')
  const ref = res.cookies.find(c => c.name === 'mc_reg')!
  assert.equal(ref.httpOnly, true)
  const first = /(\d{6})/.exec((await lastMessageTo(p.phone))!.body)![1]!
  // "Gửi lại mã": refused within a minute (told next to the code), then a new code replaces the first.
  const early = await post('/dang-ky/gui-lai-ma', {}, `mc_reg=${ref.value}`)
  assert.equal(early.statusCode, 422)
  assert.match(early.body, /Hãy chờ \d+ giây nữa/)
  await t.db.kysely.updateTable('accountTokens').set({ sentAt: new Date(Date.now() - 61_000) }).where('purpose', '=', 'confirm-phone').where('usedAt', 'is', null).execute()
  const resent = await post('/dang-ky/gui-lai-ma', {}, `mc_reg=${ref.value}`)
  assert.equal(resent.statusCode, 303)
  assert.equal(resent.headers.location, '/dang-ky/kiem-tra?kenh=sms')
  const sms = await lastMessageTo(p.phone)
  const code = /(\d{6})/.exec(sms!.body)![1]!
  if (code !== first) assert.match((await post('/dang-ky/xac-nhan-ma', { code: first }, `mc_reg=${ref.value}`)).body, /Mã xác nhận không đúng/, 'the first code no longer works')
  const wrong = await post('/dang-ky/xac-nhan-ma', { code: code === '000000' ? '111111' : '000000' }, `mc_reg=${ref.value}`)
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /Mã xác nhận không đúng/)
  const ok = await post('/dang-ky/xac-nhan-ma', { code }, `mc_reg=${ref.value}`)
  assert.equal(ok.statusCode, 200)
  assert.match(ok.body, /Tài khoản đã được xác nhận/)
  assert.equal((await post('/dang-nhap', { username: p.phone, password: p.password })).statusCode, 303)
})

test('registering again with a taken ID number reveals nothing and tells the owner', async () => {
  const p = person()
  await post('/dang-ky/ca-nhan', p)
  const second = await post('/dang-ky/ca-nhan', { ...p, email: `other.${Date.now()}@example.vn`, phone: '0987654321' })
  assert.equal(second.statusCode, 303)
  assert.equal(second.headers.location, '/dang-ky/kiem-tra?kenh=email', 'the same answer as a new registration')
  await drain()
  const toOwner = await t.db.kysely.selectFrom('messages').select(['subject', 'template']).where('recipient', '=', p.email).orderBy('id').execute()
  assert.deepEqual(toOwner.map(m => m.template), ['confirm-email', 'register-duplicate'])
  const accounts = await t.db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', p.citizenId).execute()
  assert.equal(accounts.length, 1)
})

test('organizations and foreigners register with their own identifiers', async () => {
  const org = await post('/dang-ky/to-chuc', { fullName: 'Công ty TNHH Vận tải Kon Tum', taxCode: '6000000000', representative: 'Trần Thị Bình', phone: '0905123456', email: `vt.${Date.now()}@example.vn`, address: 'Kon Tum', password: 'Vận tải an toàn 2024', passwordConfirm: 'Vận tải an toàn 2024', consent: 'yes' })
  assert.equal(org.statusCode, 303, /error-summary[\s\S]*?<\/ul>/.exec(org.body)?.[0])
  const badTax = await post('/dang-ky/to-chuc', { fullName: 'X', taxCode: '6000000001', representative: 'Y', phone: '0905123456', email: 'a@b.vn', address: 'Kon Tum', password: 'Vận tải an toàn 2024', passwordConfirm: 'Vận tải an toàn 2024', consent: 'yes' })
  assert.equal(badTax.statusCode, 422)
  assert.match(badTax.body, /chữ số kiểm tra/)
  const foreigner = await post('/dang-ky/nguoi-nuoc-ngoai', { fullName: 'Somchai Phomvihane', passportNumber: `P${String(Date.now() % 10000000).padStart(7, '0')}`, nationality: 'Lào', dateOfBirth: '01/01/1985', phone: '0868123456', email: `sp.${Date.now()}@example.la`, address: 'Pakse', password: 'Sabaidee Kon Tum 2024', passwordConfirm: 'Sabaidee Kon Tum 2024', consent: 'yes' })
  assert.equal(foreigner.statusCode, 303, /error-summary[\s\S]*?<\/ul>/.exec(foreigner.body)?.[0])
})

test('sign out everywhere ends every session of the account', async () => {
  const p = await confirmedCitizen()
  const sessions = await Promise.all([1, 2].map(async () => {
    const r = await post('/dang-nhap', { username: p.citizenId, password: p.password })
    return `mc_session=${r.cookies.find(c => c.name === 'mc_session')!.value}`
  }))
  const res = await post('/dang-xuat-tat-ca', {}, sessions[0])
  assert.equal(res.statusCode, 303)
  for (const cookie of sessions) assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie } })).statusCode, 303)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('action', '=', 'account.sign-out-everywhere').execute()
  assert.equal(audit.length, 1)
})

test('forgot password by e-mail link: same answer for unknown users, a single-use link, sessions ended', async () => {
  const p = await confirmedCitizen()
  const signedIn = await post('/dang-nhap', { username: p.citizenId, password: p.password })
  const cookie = `mc_session=${signedIn.cookies.find(c => c.name === 'mc_session')!.value}`

  const known = await post('/quen-mat-khau', { username: p.email })
  const unknown = await post('/quen-mat-khau', { username: 'khong.co@example.vn' })
  assert.equal(known.statusCode, 303)
  assert.equal(unknown.statusCode, 303)
  assert.equal(known.headers.location, unknown.headers.location, 'nothing tells whether the account exists')

  const mail = await lastMessageTo(p.email)
  assert.equal(mail?.template, 'reset-email')
  const link = /\/dat-lai-mat-khau\/[A-Za-z0-9_-]+/.exec(mail!.body)![0]
  assert.equal((await t.app.inject(link)).statusCode, 200)
  const weak = await post(link, { password: '12345678', passwordConfirm: '12345678' })
  assert.equal(weak.statusCode, 422)
  assert.match(weak.body, /quá phổ biến/)
  const done = await post(link, { password: 'Mật khẩu mới Kon Tum 7', passwordConfirm: 'Mật khẩu mới Kon Tum 7' })
  assert.equal(done.statusCode, 200)
  assert.equal((await post(link, { password: 'Mật khẩu khác Kon Tum 8', passwordConfirm: 'Mật khẩu khác Kon Tum 8' })).statusCode, 410, 'the link works once')
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie } })).statusCode, 303, 'the old session ended')
  assert.equal((await post('/dang-nhap', { username: p.citizenId, password: p.password })).statusCode, 422)
  assert.equal((await post('/dang-nhap', { username: p.citizenId, password: 'Mật khẩu mới Kon Tum 7' })).statusCode, 303)
})

test('forgot password by SMS code for an account without e-mail', async () => {
  const p = person({ email: '' })
  const reg = await post('/dang-ky/ca-nhan', p)
  const regSms = await lastMessageTo(p.phone)
  await post('/dang-ky/xac-nhan-ma', { code: /(\d{6})/.exec(regSms!.body)![1]! }, `mc_reg=${reg.cookies.find(c => c.name === 'mc_reg')!.value}`)

  const start = await post('/quen-mat-khau', { username: p.phone })
  const ref = `mc_reset=${start.cookies.find(c => c.name === 'mc_reset')!.value}`
  const sms = await lastMessageTo(p.phone)
  assert.equal(sms?.template, 'reset-phone')
  const code = /(\d{6})/.exec(sms!.body)![1]!
  const done = await post('/quen-mat-khau/ma', { code, password: 'Mật khẩu mới Kon Tum 9', passwordConfirm: 'Mật khẩu mới Kon Tum 9' }, ref)
  assert.equal(done.statusCode, 200)
  assert.match(done.body, /Đã đổi mật khẩu/)
  assert.equal((await post('/dang-nhap', { username: p.phone, password: 'Mật khẩu mới Kon Tum 9' })).statusCode, 303)
})

test('the verification code: required, single use, an image drawn as paths, a text question for those who cannot see it', async () => {
  const p = person()
  const noCode = await post('/dang-nhap', { username: p.citizenId, password: p.password, captcha: 'WRONG' })
  assert.equal(noCode.statusCode, 422)
  assert.match(noCode.body, /Mã xác thực không đúng/)

  const form = await formFor(t, '/dang-nhap')
  const svg = await t.app.inject(`/ma-xac-thuc/${form.fields['captchaId']}.svg`)
  assert.equal(svg.statusCode, 200)
  assert.match(svg.headers['content-type'] as string, /image\/svg\+xml/)
  assert.equal(svg.headers['cache-control'], 'no-store')
  assert.doesNotMatch(svg.body, /<text/, 'no text for a program to read')
  assert.ok(!svg.body.includes(form.fields['captcha']!.toUpperCase()))
  const first = await t.app.inject({ method: 'POST', url: '/dang-nhap', payload: { ...form.fields, username: 'x', password: 'y' }, headers: { cookie: form.cookie } })
  assert.match(first.body, /Tên đăng nhập hoặc mật khẩu không đúng/, 'the code was right')
  const replay = await t.app.inject({ method: 'POST', url: '/dang-nhap', payload: { ...form.fields, username: 'x', password: 'y' }, headers: { cookie: form.cookie } })
  assert.match(replay.body, /Mã xác thực đã hết hạn/, 'a code is good for one try')
  assert.equal((await t.app.inject(`/ma-xac-thuc/${form.fields['captchaId']}.svg`)).statusCode, 404)

  const question = await t.app.inject('/dang-nhap?cau-hoi=1')
  assert.match(question.body, /<input type="hidden" name="captchaMode" value="question"/)
  assert.doesNotMatch(question.body, /<img class="captcha"/)
})

test('the personal page: contact details, password change, data download, privacy requests with their 72-hour deadline', async () => {
  const p = await confirmedCitizen()
  const signIn = async () => `mc_session=${(await post('/dang-nhap', { username: p.citizenId, password: p.password })).cookies.find(c => c.name === 'mc_session')!.value}`
  const me = await signIn()
  const other = await signIn()

  const page = await t.app.inject({ url: '/ca-nhan', headers: { cookie: me } })
  assert.match(page.body, new RegExp(p.citizenId))
  assert.match(page.body, /15\/08\/1990/)

  const bad = await post('/ca-nhan/thong-tin', { phone: '12', email: p.email, address: '' }, me)
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="phone-error"/)
  assert.match(bad.body, /id="address-error"/)
  const saved = await post('/ca-nhan/thong-tin', { phone: p.phone, email: p.email, address: '12 Trần Phú, Kon Tum' }, me)
  assert.equal(saved.headers.location, '/ca-nhan?da-luu=thong-tin', 'the address alone needs no password')
  assert.match((await t.app.inject({ url: '/ca-nhan?da-luu=thong-tin', headers: { cookie: me } })).body, /Đã lưu thông tin liên hệ[\s\S]*12 Trần Phú/)

  const wrongCurrent = await post('/ca-nhan/mat-khau', { current: 'sai mật khẩu', password: 'Một mật khẩu mới 2024', passwordConfirm: 'Một mật khẩu mới 2024' }, me)
  assert.equal(wrongCurrent.statusCode, 422)
  assert.match(wrongCurrent.body, /Mật khẩu hiện tại không đúng/)
  const changed = await post('/ca-nhan/mat-khau', { current: p.password, password: 'Một mật khẩu mới 2024', passwordConfirm: 'Một mật khẩu mới 2024' }, me)
  assert.equal(changed.statusCode, 303)
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie: me } })).statusCode, 200, 'this session goes on')
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie: other } })).statusCode, 303, 'the others end')

  const request = await post('/ca-nhan/yeu-cau-du-lieu', { kind: 'correction', details: 'Địa chỉ thường trú ghi sai tên phường' }, me)
  assert.equal(request.statusCode, 303)
  const requests = await t.services.accounts.openPrivacyRequests()
  const mine = requests.find(r => r.details === 'Địa chỉ thường trú ghi sai tên phường')!
  assert.equal(Math.round((mine.dueAt.getTime() - mine.createdAt.getTime()) / 3600_000), 72)
  assert.match((await t.app.inject({ url: '/ca-nhan', headers: { cookie: me } })).body, /Sửa dữ liệu<\/td><td[^>]*>[^<]+<\/td><td[^>]*>[^<]+<\/td><td[^>]*>Đang xử lý/)
  const empty = await post('/ca-nhan/yeu-cau-du-lieu', { details: '' }, me)
  assert.equal(empty.statusCode, 422)

  const download = await t.app.inject({ url: '/ca-nhan/du-lieu.json', headers: { cookie: me } })
  assert.equal(download.statusCode, 200)
  assert.match(download.headers['content-disposition'] as string, /attachment; filename="du-lieu-ca-nhan.json"/)
  const data = download.json()
  assert.equal(data.account.citizenId, p.citizenId)
  assert.equal(data.account.phone, p.phone)
  assert.equal(data.requests.length, 1)
  assert.ok(!('passwordHash' in data.account))
})

test('scopes: personal pages and data need a signed-in citizen', async () => {
  for (const url of ['/ca-nhan', '/ca-nhan/du-lieu.json']) {
    const res = await t.app.inject(url)
    assert.equal(res.statusCode, 303, url)
    assert.equal(res.headers.location, `/dang-nhap?tiep=${encodeURIComponent(url)}`)
  }
  for (const url of ['/ca-nhan/thong-tin', '/ca-nhan/mat-khau', '/ca-nhan/yeu-cau-du-lieu', '/dang-xuat-tat-ca']) {
    const res = await post(url, {})
    assert.equal(res.statusCode, 401, url)
  }
})

test('lock-out: five wrong passwords lock the user name for 15 minutes, with the time to try again; unknown names behave the same', async () => {
  const p = await confirmedCitizen()
  for (const username of [p.citizenId, '001090123456']) {
    for (let i = 1; i <= 4; i++) assert.match((await post('/dang-nhap', { username, password: `sai ${i} lần rồi` })).body, /Tên đăng nhập hoặc mật khẩu không đúng/)
    const fifth = await post('/dang-nhap', { username, password: 'sai lần thứ năm' })
    assert.match(fifth.body, /Đăng nhập tạm khóa do nhập sai nhiều lần\. Hãy thử lại sau \d\d:\d\d ngày \d\d\/\d\d\/\d{4}\./, username)
  }
  const right = await post('/dang-nhap', { username: p.citizenId, password: p.password })
  assert.equal(right.statusCode, 422, 'even the right password waits for the lock to end')
  assert.match(right.body, /tạm khóa/)
  // The lock ends; the next run of five locks for twice as long.
  await t.db.kysely.updateTable('throttles').set({ lockedUntil: new Date(Date.now() - 1000) }).execute()
  assert.equal((await post('/dang-nhap', { username: p.citizenId, password: p.password })).statusCode, 303)
  for (let i = 1; i <= 4; i++) await post('/dang-nhap', { username: p.citizenId, password: `sai lượt hai ${i}` })
  await post('/dang-nhap', { username: p.citizenId, password: 'sai lượt hai 5' })
  const rows = await t.db.kysely.selectFrom('throttles').select(['locks', 'lockedUntil']).where('locks', '=', 2).execute()
  assert.equal(rows.length, 1)
  const minutes = (rows[0]!.lockedUntil!.getTime() - Date.now()) / 60_000
  assert.ok(minutes > 29 && minutes <= 30, `second lock ${minutes} minutes`)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('action', 'in', ['account.sign-in.failed', 'account.sign-in.locked']).execute()
  assert.ok(audit.filter(a => a.action === 'account.sign-in.locked').length >= 3)
})

test('a session idle longer than SESSION_IDLE_MINUTES ends; signing in gives a new CSRF secret', async () => {
  const p = await confirmedCitizen()
  const signIn = await post('/dang-nhap', { username: p.citizenId, password: p.password })
  const cleared = signIn.cookies.find(c => c.name === 'mc_csrf')
  assert.ok(cleared && cleared.value === '' , 'the anonymous CSRF secret is dropped at sign-in')
  const cookie = `mc_session=${signIn.cookies.find(c => c.name === 'mc_session')!.value}`
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie } })).statusCode, 200)
  await t.db.kysely.updateTable('sessions').set({ lastSeenAt: new Date(Date.now() - 61 * 60_000) }).where('accountId', '=', (await t.db.kysely.selectFrom('accounts').select('id').where('citizenId', '=', p.citizenId).executeTakeFirstOrThrow()).id).execute()
  assert.equal((await t.app.inject({ url: '/ca-nhan', headers: { cookie } })).statusCode, 303, 'idle for 61 minutes: signed out')
})

test('rate limits: registrations per ID number and reset requests per user name, known or not, with the time to try again', async () => {
  const p = person()
  const emails = [1, 2, 3, 4, 5, 6].map(i => `lan${i}.${Date.now()}@example.vn`)
  for (let i = 0; i < 5; i++) assert.equal((await post('/dang-ky/ca-nhan', { ...p, email: emails[i]! })).statusCode, 303, `registration ${i + 1}`)
  const sixth = await post('/dang-ky/ca-nhan', { ...p, email: emails[5]! })
  assert.equal(sixth.statusCode, 422)
  assert.match(sixth.body, /Bạn đã gửi yêu cầu này quá nhiều lần\. Hãy thử lại sau \d\d:\d\d ngày \d\d\/\d\d\/\d{4}\./)
  await drain()
  const warnings = await t.db.kysely.selectFrom('messages').select('id').where('recipient', '=', emails[0]!).where('template', '=', 'register-duplicate').execute()
  assert.equal(warnings.length, 4, 'the owner is warned of each admitted attempt, and of nothing more')
  assert.equal((await t.db.kysely.selectFrom('messages').select('id').where('recipient', 'in', emails.slice(1)).execute()).length, 0)

  for (const username of [p.citizenId, '001090123456']) {
    for (let i = 1; i <= 5; i++) assert.equal((await post('/quen-mat-khau', { username })).statusCode, 303, `${username} request ${i}`)
    const refused = await post('/quen-mat-khau', { username })
    assert.equal(refused.statusCode, 429, 'known and unknown user names are limited alike')
    assert.match(refused.body, /Bạn đã gửi yêu cầu này quá nhiều lần/)
  }
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('action', 'like', '%.rate-limited').execute()
  assert.deepEqual(audit.map(a => a.action).sort(), ['account.register.rate-limited', 'account.reset.rate-limited', 'account.reset.rate-limited'])
})
