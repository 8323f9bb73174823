import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { newOfficial } from '../../../test/officials.js'
import { AppError } from '../../platform/http/errors.js'
import { throttleKey } from '../../platform/throttle.js'
import { canonicalUsername } from './lockout.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

/** The message a sign-in answers with, or 'ok'. */
async function signIn (username: string, password: string, ip: string): Promise<string> {
  try {
    await t.services.accounts.signIn(username, password, 'test', ip)
    return 'ok'
  } catch (err) {
    if (err instanceof AppError && err.fields) return err.fields[0]!.message
    throw err
  }
}

/** Every spelling of an account's identifiers that the lookup accepts. */
function spellings (c: { citizenId: string, phone: string, email: string }) {
  const p = c.phone
  return [
    c.citizenId, `0 ${c.citizenId.slice(1)}`, `${c.citizenId.slice(0, 2)} ${c.citizenId.slice(2)}`, ` ${c.citizenId} `,
    `${p.slice(0, 4)}.${p.slice(4, 7)}.${p.slice(7)}`, `${p.slice(0, 4)}-${p.slice(4, 7)}-${p.slice(7)}`, `(${p.slice(0, 4)})${p.slice(4)}`,
    `+84${p.slice(1)}`, `84${p.slice(1)}`, c.email, c.email.toUpperCase()
  ]
}

test('one spelling for every notation of a user name', () => {
  for (const typed of ['0868.000.003', '0868-000-003', '(0868)000003', '+84868000003', '84868000003', ' 0868 000 003 ']) assert.equal(canonicalUsername(typed), '0868000003', typed)
  assert.equal(canonicalUsername('0 62090001234'), '062090001234')
  assert.equal(canonicalUsername('An@Example.VN '), 'an@example.vn')
  assert.equal(canonicalUsername('CanBo.Mot'), 'canbo.mot')
})

test('the lock-out counts against the account, whichever of its identifiers and notations is typed', async () => {
  const c = await newCitizen(t)
  const names = spellings(c)
  const ip = '198.51.100.1'
  // Five wrong guesses, each under another spelling, lock the account…
  const answers = []
  for (let i = 0; i < 5; i++) answers.push(await signIn(names[i * 2]!, 'sai mật khẩu', ip))
  assert.deepEqual(answers.slice(0, 4), Array(4).fill('Tên đăng nhập hoặc mật khẩu không đúng'))
  assert.match(answers[4]!, /tạm khóa/)
  // …and every spelling, even with the right password and from another address, waits for the lock.
  for (const name of names) assert.match(await signIn(name, c.password, '198.51.100.2'), /tạm khóa/, name)
  // When it ends, the right password signs in under any spelling.
  await t.db.kysely.updateTable('throttles').set({ lockedUntil: null }).execute()
  assert.equal(await signIn(names[5]!, c.password, ip), 'ok')
})

test('an unknown name is counted in its one spelling', async () => {
  const ip = '198.51.100.3'
  for (const typed of ['0868.000.113', '0868-000-113', '(0868)000113', '+84868000113']) assert.doesNotMatch(await signIn(typed, 'x', ip), /tạm khóa/)
  assert.match(await signIn('0868 000 113', 'x', ip), /tạm khóa/)
})

test('another account\'s success never clears what an address guessed; its own success forgives only its own failures', async () => {
  const victim = await newCitizen(t)
  const own = await newCitizen(t)
  const ip = '198.51.100.4'
  // The attacker alternates guesses at the victim with sign-ins to an account of their own: the victim locks at five.
  const answers = []
  for (let i = 0; i < 5; i++) {
    answers.push(await signIn(victim.citizenId, `đoán ${i}`, ip))
    assert.equal(await signIn(own.citizenId, own.password, ip), 'ok')
  }
  assert.match(answers[4]!, /tạm khóa/)
  // Spread over many names, the address's count still grows to its limit of 50 despite the successes in between.
  const before = (await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'account.sign-in.locked').execute()).length
  let locked = false
  for (let i = 0; i < 50 && !locked; i++) {
    const answer = await signIn(`0868${String(100000 + i)}`, 'x', ip)
    if (i % 4 === 3) assert.equal(await signIn(own.citizenId, own.password, ip), 'ok')
    locked = /tạm khóa/.test(answer)
  }
  assert.ok(locked, 'the address is locked after 50 failures')
  assert.match(await signIn(own.citizenId, own.password, ip), /tạm khóa/, 'the address waits, whatever account it signs in to')
  assert.ok((await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'account.sign-in.locked').execute()).length > before)

  // A person who mistypes their own password and then gets it right leaves nothing against the address.
  const ip2 = '198.51.100.5'
  const me = await newCitizen(t)
  for (let i = 0; i < 3; i++) await signIn(me.email, 'gõ nhầm', ip2)
  assert.equal(await signIn(me.email, me.password, ip2), 'ok')
  const address = await t.db.kysely.selectFrom('throttles').select('failures').where('key', '=', throttleKey('signin-ip', ip2)).executeTakeFirstOrThrow()
  assert.equal(address.failures, 0, 'the address\'s count is back to nothing')
})

test('officials: the lock-out counts against the official whatever the case or spaces typed', async () => {
  const o = await newOfficial(t, '000.01.01.H34', ['receptionist'])
  const ip = '198.51.100.6'
  const tries = [o.username.toUpperCase(), ` ${o.username}`, o.username, `${o.username.slice(0, 3).toUpperCase()}${o.username.slice(3)}`, o.username]
  const answers = []
  for (const name of tries) answers.push(await t.services.officials.startSignIn(name, 'sai', ip).then(() => 'ok', (err: AppError) => err.fields![0]!.message))
  assert.match(answers[4]!, /tạm khóa/)
  await assert.rejects(t.services.officials.startSignIn(o.username.toUpperCase(), 'Mật khẩu cán bộ 2024', '198.51.100.7'), /locked/)
})
