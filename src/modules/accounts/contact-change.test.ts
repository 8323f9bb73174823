import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp()
const drain = () => createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
const messagesTo = async (recipient: string) => {
  await drain()
  return t.db.kysely.selectFrom('messages').select(['subject', 'body', 'template']).where('recipient', '=', recipient).orderBy('id', 'desc').execute()
}
const contact = async (id: string) => t.db.kysely.selectFrom('accounts').select(['email', 'phone', 'address']).where('id', '=', id).executeTakeFirstOrThrow()

test('a new e-mail needs the current password, takes effect only from the link sent to it, and the old e-mail and phone are told', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const attacker = 'ke.gian@example.vn'
  // A borrowed session without the password changes nothing.
  const none = await b.post('/ca-nhan/thong-tin', { phone: c.phone, email: attacker, address: 'Kon Tum' })
  assert.equal(none.statusCode, 422)
  assert.match(none.body, /id="contactPassword-error"[^>]*>.*Nhập mật khẩu hiện tại để đổi thư điện tử/)
  const wrong = await b.post('/ca-nhan/thong-tin', { phone: c.phone, email: attacker, address: 'Kon Tum', contactPassword: 'đoán thử' })
  assert.match(wrong.body, /id="contactPassword-error"[^>]*>.*Mật khẩu hiện tại không đúng/)
  assert.equal((await contact(c.id)).email, c.email)
  assert.equal((await messagesTo(attacker)).length, 0)

  const asked = await b.post('/ca-nhan/thong-tin', { phone: c.phone, email: 'Moi.An@Example.vn', address: 'Kon Tum', contactPassword: c.password })
  assert.equal(asked.headers.location, '/ca-nhan?da-luu=cho-xac-nhan-thu')
  assert.equal((await contact(c.id)).email, c.email, 'not yet: the new address must confirm')
  // A reset asked now still goes to the old address.
  await t.services.accounts.startReset(c.citizenId, '192.0.2.1')
  assert.equal((await messagesTo(c.email))[0]!.template, 'reset-email')
  const old = await messagesTo(c.email)
  assert.ok(old.some(m => m.template === 'contact-change-notice' && /sang m\*\*\*@example\.vn/.test(m.body)), 'the old e-mail is told, the new one masked')
  assert.ok((await messagesTo(c.phone)).some(m => m.template === 'contact-change-notice'), 'and the phone')
  const link = /\/ca-nhan\/xac-nhan-thu\/[A-Za-z0-9_-]+/.exec((await messagesTo('moi.an@example.vn'))[0]!.body)![0]
  const confirmed = await t.app.inject(link)
  assert.equal(confirmed.statusCode, 200)
  assert.match(confirmed.body, /Đã đổi thư điện tử/)
  assert.equal((await contact(c.id)).email, 'moi.an@example.vn')
  assert.equal((await t.app.inject(link)).statusCode, 410, 'the link works once')
})

test('a new phone needs the current password and takes effect with the code sent to it', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const asked = await b.post('/ca-nhan/thong-tin', { phone: '0934.567.890', email: c.email, address: 'Kon Tum', contactPassword: c.password })
  assert.equal(asked.statusCode, 303)
  assert.equal(asked.headers.location, '/ca-nhan/so-dien-thoai')
  const ref = asked.cookies.find(x => x.name === 'mc_phone_change')!.value
  const session = browserSession(t, `${c.cookie}; mc_phone_change=${ref}`)
  const page = await session.get('/ca-nhan/so-dien-thoai')
  assert.match(page.body, /inputmode="numeric"/)
  assert.equal((await contact(c.id)).phone, c.phone, 'not yet')
  assert.ok((await messagesTo(c.email)).some(m => /đổi số điện thoại[\s\S]*0934\*\*\*890/.test(m.body)), 'the e-mail is told')
  const bad = await session.post('/ca-nhan/so-dien-thoai', { code: '000000' })
  assert.equal(bad.statusCode, 422)
  const code = /(\d{6})/.exec((await messagesTo('0934567890'))[0]!.body)![1]!
  const ok = await session.post('/ca-nhan/so-dien-thoai', { code })
  assert.equal(ok.headers.location, '/ca-nhan?da-luu=so-dien-thoai')
  assert.equal((await contact(c.id)).phone, '0934567890')
})

test('an account that signs in only through VNeID changes its e-mail only right after such a sign-in', async () => {
  const c = await newCitizen(t)
  await t.db.kysely.updateTable('accounts').set({ passwordHash: '!national-identity' }).where('id', '=', c.id).execute()
  const b = browserSession(t, c.cookie)
  const refused = await b.post('/ca-nhan/thong-tin', { phone: c.phone, email: 'vneid@example.vn', address: 'Kon Tum' })
  assert.match(refused.body, /đăng nhập lại bằng VNeID rồi đổi trong vòng 15 phút/)
  const token = c.cookie.split('=')[1]!
  const { hashSecret } = await import('./passwords.js')
  await t.db.kysely.updateTable('sessions').set({ method: 'national-identity' }).where('tokenHash', '=', hashSecret(token)).execute()
  const asked = await b.post('/ca-nhan/thong-tin', { phone: c.phone, email: 'vneid@example.vn', address: 'Kon Tum' })
  assert.equal(asked.headers.location, '/ca-nhan?da-luu=cho-xac-nhan-thu')
})

test('a reset or a new password ends every outstanding reset link and code', async () => {
  const c = await newCitizen(t)
  await t.services.accounts.startReset(c.email, '192.0.2.2')
  await t.services.accounts.startReset(c.email, '192.0.2.2')
  const links = (await messagesTo(c.email)).filter(m => m.template === 'reset-email').map(m => /\/dat-lai-mat-khau\/([A-Za-z0-9_-]+)/.exec(m.body)![1]!)
  assert.equal(links.length, 2)
  const [second, first] = links as [string, string]
  await t.services.accounts.resetByLink(second, 'Mật khẩu mới hoàn toàn 2025', 'Mật khẩu mới hoàn toàn 2025')
  assert.equal(await t.services.accounts.resetLinkValid(first), false)
  await assert.rejects(t.services.accounts.resetByLink(first, 'Mật khẩu kẻ gian 2025', 'Mật khẩu kẻ gian 2025'), /unknown, used or expired/)
  const page = await t.app.inject(`/dat-lai-mat-khau/${first}`)
  assert.equal(page.statusCode, 410)

  // A password changed on the personal page ends them too.
  await t.services.accounts.startReset(c.citizenId, '192.0.2.2')
  const pending = /\/dat-lai-mat-khau\/([A-Za-z0-9_-]+)/.exec((await messagesTo(c.email))[0]!.body)![1]!
  const signedIn = await t.services.accounts.signIn(c.citizenId, 'Mật khẩu mới hoàn toàn 2025', 'test', '192.0.2.3')
  assert.ok('token' in signedIn)
  await t.services.accounts.changePassword(c.id, signedIn.token, 'Mật khẩu mới hoàn toàn 2025', 'Mật khẩu khác nữa 2025', 'Mật khẩu khác nữa 2025')
  assert.equal(await t.services.accounts.resetLinkValid(pending), false)
  assert.ok(await t.services.accounts.sessionAccount(signedIn.token), 'the session that changed it goes on')
})
