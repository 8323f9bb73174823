import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { formFor, useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { AppError } from '../../platform/http/errors.js'
import { cliActor } from '../audit/audit.service.js'

const t = useTestApp({ config: { DEMO: 'true' }, setup: ctx => loadCatalog(ctx.services) })
const actor = cliActor('test')
const drain = () => createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()

async function signIn (username: string, password: string) {
  const form = await formFor(t, '/can-bo/dang-nhap')
  const first = await t.app.inject({ method: 'POST', url: '/can-bo/dang-nhap', payload: { ...form.fields, username, password }, headers: { cookie: form.cookie } })
  if (first.statusCode !== 303) return { first }
  const ref = first.cookies.find(c => c.name === 'mc_staff_code')!.value
  await drain()
  const email = (await t.db.kysely.selectFrom('officials').select('email').where('username', '=', username).executeTakeFirstOrThrow()).email!
  const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow()
  const code = /(\d{6})/.exec(message.body)![1]!
  return { first, ref, code, cookie: form.cookie, token: form.fields['_csrf']! }
}

const submitCode = (s: { ref?: string, cookie?: string, token?: string }, code: string) => t.app.inject({
  method: 'POST', url: '/can-bo/dang-nhap/ma', payload: { _csrf: s.token!, code }, headers: { cookie: `${s.cookie}; mc_staff_code=${s.ref}` }
})

test('an official is created with roles in an agency; bad input names its field', async () => {
  await assert.rejects(t.services.officials.create(actor, { username: 'x', fullName: '', agencyCode: '999.99.99.H99', roles: ['boss' as 'specialist'] }), (err: unknown) => {
    assert.ok(err instanceof AppError && err.code === 'VALIDATION')
    assert.deepEqual(err.fields?.map(f => f.field), ['username', 'fullName', 'roles', 'email', 'agency'])
    return true
  })
  const { password } = await t.services.officials.create(actor, { username: 'quantri', fullName: 'Quản Trị Viên', agencyCode: '000.01.01.H34', roles: ['system_admin'], email: 'quantri@example.vn' })
  assert.ok(password.length >= 12, 'a generated password')
  await assert.rejects(t.services.officials.create(actor, { username: 'QuanTri', fullName: 'X', agencyCode: '000.01.01.H34', roles: ['specialist'], email: 'x@example.vn' }), (err: unknown) => err instanceof AppError && err.code === 'CONFLICT')
})

test('officials sign in with password, verification code and a one-time code every time', async () => {
  await t.services.officials.create(actor, { username: 'motcua.an', fullName: 'Lê Văn An', agencyCode: '000.01.01.H34', roles: ['receptionist'], email: 'motcua.an@example.vn', password: 'Một cửa Kon Tum 2024' })
  assert.equal((await t.app.inject('/can-bo')).headers.location, '/can-bo/dang-nhap')
  const s = await signIn('motcua.an', 'Một cửa Kon Tum 2024')
  assert.equal(s.first.statusCode, 303)
  const wrong = await submitCode(s, s.code === '000000' ? '111111' : '000000')
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /Mã đăng nhập không đúng/)
  const ok = await submitCode(s, s.code!)
  assert.equal(ok.statusCode, 303)
  const staff = ok.cookies.find(c => c.name === 'mc_staff')!
  assert.equal(staff.httpOnly, true)
  const workspace = await t.app.inject({ url: '/can-bo', headers: { cookie: `mc_staff=${staff.value}` } })
  assert.equal(workspace.statusCode, 200)
  assert.match(workspace.body, /Lê Văn An[\s\S]*Cán bộ một cửa \(Trung tâm Phục vụ hành chính công tỉnh Kon Tum\)/)
  assert.equal((await submitCode(s, s.code!)).statusCode, 422, 'a code is used once')
})

test('an official asks for the sign-in code again: after a minute, and the new code replaces the old', async () => {
  await t.services.officials.create(actor, { username: 'motcua.gui', fullName: 'Lê Văn Gửi', agencyCode: '000.01.01.H34', roles: ['receptionist'], email: 'motcua.gui@example.vn', password: 'Một cửa gửi lại 2024' })
  const s = await signIn('motcua.gui', 'Một cửa gửi lại 2024')
  const resend = () => t.app.inject({ method: 'POST', url: '/can-bo/dang-nhap/ma/gui-lai', payload: { _csrf: s.token!, kenh: 'email' }, headers: { cookie: `${s.cookie}; mc_staff_code=${s.ref}` } })
  const early = await resend()
  assert.equal(early.statusCode, 422)
  assert.match(early.body, /Hãy chờ \d+ giây nữa/)
  await t.db.kysely.updateTable('officialCodes').set({ sentAt: new Date(Date.now() - 61_000) }).where('usedAt', 'is', null).execute()
  const again = await resend()
  assert.equal(again.statusCode, 303)
  assert.equal(again.headers.location, '/can-bo/dang-nhap/ma?kenh=email')
  await drain()
  const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', 'motcua.gui@example.vn').orderBy('id', 'desc').executeTakeFirstOrThrow()
  const code = /(\d{6})/.exec(message.body)![1]!
  if (code !== s.code) assert.equal((await submitCode(s, s.code!)).statusCode, 422, 'the old code no longer works')
  assert.equal((await submitCode(s, code)).statusCode, 303)
})

test('a wrong password for an official gives the common message; a locked official cannot sign in and loses sessions', async () => {
  await t.services.officials.create(actor, { username: 'chuyenvien.binh', fullName: 'Trần Bình', agencyCode: '000.00.11.H34', roles: ['specialist'], email: 'cv.binh@example.vn', password: 'Chuyên viên GTVT 2024' })
  const bad = await signIn('chuyenvien.binh', 'sai mật khẩu rồi')
  assert.equal(bad.first.statusCode, 422)
  assert.match(bad.first.body, /Tên đăng nhập hoặc mật khẩu không đúng/)
  const s = await signIn('chuyenvien.binh', 'Chuyên viên GTVT 2024')
  const cookie = `mc_staff=${(await submitCode(s, s.code!)).cookies.find(c => c.name === 'mc_staff')!.value}`
  assert.equal((await t.app.inject({ url: '/can-bo', headers: { cookie } })).statusCode, 200)
  await t.services.officials.lock(actor, 'chuyenvien.binh')
  assert.equal((await t.app.inject({ url: '/can-bo', headers: { cookie } })).statusCode, 303)
  assert.match((await signIn('chuyenvien.binh', 'Chuyên viên GTVT 2024')).first.body, /Tên đăng nhập hoặc mật khẩu không đúng/)
})

test('scoping: a role applies within its agency and the units below it', async () => {
  await t.services.officials.create(actor, { username: 'lanhdao.gtvt', fullName: 'Phạm Lãnh Đạo', agencyCode: '000.00.11.H34', roles: ['agency_leader'], email: 'ld.gtvt@example.vn', password: 'Lãnh đạo sở GTVT 2024' })
  const id = (await t.db.kysely.selectFrom('officials').select('id').where('username', '=', 'lanhdao.gtvt').executeTakeFirstOrThrow()).id
  assert.equal(await t.services.officials.sessionOfficial('x'.repeat(43)), undefined)
  const s = await signIn('lanhdao.gtvt', 'Lãnh đạo sở GTVT 2024')
  const token = (await submitCode(s, s.code!)).cookies.find(c => c.name === 'mc_staff')!.value
  const official = (await t.services.officials.sessionOfficial(token))!
  assert.equal(official.id, id)
  assert.equal(await t.services.officials.can(official, 'agency_leader', '000.00.11.H34'), true, 'its own department')
  assert.equal(await t.services.officials.can(official, 'agency_leader', '000.01.11.H34'), true, 'a unit below it')
  assert.equal(await t.services.officials.can(official, 'agency_leader', '000.00.15.H34'), false, 'another department')
  assert.equal(await t.services.officials.can(official, 'specialist', '000.00.11.H34'), false, 'a role it does not hold')
})

test('a system administrator creates and locks officials in the back office, only within the agencies their role covers', async () => {
  await t.services.officials.create(actor, { username: 'quantri.gtvt', fullName: 'Quản Trị Sở', agencyCode: '000.00.11.H34', roles: ['system_admin'], email: 'qt.gtvt@example.vn', password: 'Quản trị sở GTVT 2024' })
  await t.services.officials.create(actor, { username: 'cv.khac', fullName: 'Chuyên Viên Khác', agencyCode: '000.00.15.H34', roles: ['specialist'], email: 'cv.khac@example.vn', password: 'Chuyên viên sở khác 2024' })
  await t.services.officials.create(actor, { username: 'cv.thuong', fullName: 'Chuyên Viên Thường', agencyCode: '000.00.11.H34', roles: ['specialist'], email: 'cv.thuong@example.vn', password: 'Chuyên viên thường 2024' })
  const session = async (username: string, password: string) => {
    const s = await signIn(username, password)
    const staff = (await submitCode(s, s.code!)).cookies.find(c => c.name === 'mc_staff')!.value
    // The CSRF secret is new with the session, and tokens are bound to it: the page signed in gives the token.
    const cookie = `mc_staff=${staff}`
    const page = await t.app.inject({ url: '/can-bo', headers: { cookie } })
    const csrf = page.cookies.find(c => c.name === 'mc_csrf')!.value
    return { cookie: `${cookie}; mc_csrf=${csrf}`, token: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! }
  }
  const specialist = await session('cv.thuong', 'Chuyên viên thường 2024')
  assert.equal((await t.app.inject({ url: '/can-bo/quan-tri/can-bo', headers: { cookie: specialist.cookie } })).statusCode, 403, 'not for other roles')
  assert.equal((await t.app.inject({ method: 'POST', url: '/can-bo/quan-tri/can-bo/cv.khac/khoa', payload: { _csrf: specialist.token }, headers: { cookie: specialist.cookie } })).statusCode, 403)

  const admin = await session('quantri.gtvt', 'Quản trị sở GTVT 2024')
  const post = (url: string, payload: Record<string, string | string[]>) => t.app.inject({ method: 'POST', url, payload: new URLSearchParams([['_csrf', admin.token], ...Object.entries(payload).flatMap(([k, v]) => ([] as string[]).concat(v).map(x => [k, x]))]).toString(), headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' } })
  const list = await t.app.inject({ url: '/can-bo/quan-tri/can-bo', headers: { cookie: admin.cookie } })
  assert.equal(list.statusCode, 200)
  assert.match(list.body, /cv\.thuong/)
  assert.doesNotMatch(list.body, /cv\.khac/, 'officials of another department are not listed')
  const form = await t.app.inject({ url: '/can-bo/quan-tri/can-bo/them', headers: { cookie: admin.cookie } })
  assert.match(form.body, /<option value="000.01.11.H34"/, 'a unit below the department')
  assert.doesNotMatch(form.body, /<option value="000.00.15.H34"/)

  const bad = await post('/can-bo/quan-tri/can-bo/them', { username: 'Có dấu', fullName: '', agency: '000.00.15.H34', email: 'sai' })
  assert.equal(bad.statusCode, 422)
  for (const message of ['Tên đăng nhập gồm 3–40 chữ cái không dấu', 'Nhập họ và tên', 'Vai trò phải là một trong', 'Địa chỉ thư điện tử không đúng', 'Bạn không quản trị cơ quan này']) assert.match(bad.body, new RegExp(message))
  assert.equal(await t.db.kysely.selectFrom('officials').select('id').where('fullName', '=', '').executeTakeFirst(), undefined, 'nothing saved')

  const created = await post('/can-bo/quan-tri/can-bo/them', { username: 'motcua.dang', fullName: 'Đặng Thị Một Cửa', agency: '000.01.11.H34', roles: ['receptionist', 'specialist'], email: 'motcua.dang@example.vn' })
  assert.equal(created.statusCode, 200)
  const password = /<code>([^<]+)<\/code>/.exec(created.body)![1]!
  const first = await signIn('motcua.dang', password)
  assert.equal(first.first.statusCode, 303, 'the password shown once signs in')
  // …and must be changed before anything else: every page leads to the password form, every action is refused.
  const entered = await submitCode(first, first.code!)
  const newcomer = `mc_staff=${entered.cookies.find(c => c.name === 'mc_staff')!.value}`
  const home = await t.app.inject({ url: '/can-bo', headers: { cookie: newcomer } })
  assert.equal(home.statusCode, 303)
  assert.equal(home.headers.location, '/can-bo/mat-khau?bat-buoc=1')
  assert.equal((await t.app.inject({ url: '/can-bo/ho-so?hang-doi=cho-tiep-nhan', headers: { cookie: newcomer } })).headers.location, '/can-bo/mat-khau?bat-buoc=1')
  const pwPage = await t.app.inject({ url: '/can-bo/mat-khau?bat-buoc=1', headers: { cookie: newcomer } })
  assert.equal(pwPage.statusCode, 200)
  const csrf = pwPage.cookies.find(c => c.name === 'mc_csrf')!.value
  const token = /name="_csrf" value="([^"]+)"/.exec(pwPage.body)![1]!
  const changed = await t.app.inject({ method: 'POST', url: '/can-bo/mat-khau', payload: { _csrf: token, current: password, password: 'Mật khẩu riêng của Đặng 2025', passwordConfirm: 'Mật khẩu riêng của Đặng 2025' }, headers: { cookie: `${newcomer}; mc_csrf=${csrf}` } })
  assert.equal(changed.statusCode, 303)
  assert.equal((await t.app.inject({ url: '/can-bo', headers: { cookie: newcomer } })).statusCode, 200, 'free once changed')
  assert.equal((await post('/can-bo/quan-tri/can-bo/them', { username: 'motcua.dang', fullName: 'Trùng', agency: '000.01.11.H34', roles: 'specialist', email: 'trung@example.vn' })).body.includes('Tên đăng nhập đã có người dùng'), true)

  // Roles: changed within the administrator's agencies, at least one, audited with before and after.
  const none = await post('/can-bo/quan-tri/can-bo/cv.thuong/vai-tro', {})
  assert.equal(none.statusCode, 422)
  assert.match(none.body, /Chọn ít nhất một vai trò/)
  assert.equal((await post('/can-bo/quan-tri/can-bo/cv.thuong/vai-tro', { roles: ['receptionist', 'department_head'] })).statusCode, 303)
  const roles = await t.db.kysely.selectFrom('officialRoles as r').innerJoin('officials as o', 'o.id', 'r.officialId').select('r.role').where('o.username', '=', 'cv.thuong').orderBy('r.role').execute()
  assert.deepEqual(roles.map(r => r.role), ['department_head', 'receptionist'])
  const change = await t.db.kysely.selectFrom('auditLog').select('details').where('action', '=', 'official.roles.set').executeTakeFirstOrThrow()
  assert.deepEqual(change.details, { before: ['specialist'], after: ['department_head', 'receptionist'] })
  assert.equal((await t.app.inject({ url: '/can-bo/quan-tri/can-bo/cv.khac/vai-tro', headers: { cookie: admin.cookie } })).statusCode, 404)
  assert.equal((await post('/can-bo/quan-tri/can-bo/cv.khac/vai-tro', { roles: 'system_admin' })).statusCode, 404, 'not an official of theirs')
  assert.equal((await post('/can-bo/quan-tri/can-bo/cv.khac/khoa', {})).statusCode, 404, 'not an official of theirs')
  assert.equal((await post('/can-bo/quan-tri/can-bo/quantri.gtvt/khoa', {})).statusCode, 403, 'not themself')
  assert.equal((await post('/can-bo/quan-tri/can-bo/motcua.dang/khoa', {})).statusCode, 303)
  assert.match((await t.app.inject({ url: '/can-bo/quan-tri/can-bo', headers: { cookie: admin.cookie } })).body, /motcua\.dang[\s\S]*?Đã khóa/)
  const adminId = (await t.db.kysely.selectFrom('officials').select('id').where('username', '=', 'quantri.gtvt').executeTakeFirstOrThrow()).id
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('actorId', '=', adminId).where('action', 'in', ['official.create', 'official.lock']).orderBy('id').execute()
  assert.deepEqual(audit.map(a => a.action), ['official.create', 'official.lock'])
  assert.equal((await t.db.kysely.selectFrom('officials').select('status').where('username', '=', 'cv.khac').executeTakeFirstOrThrow()).status, 'active')
})

test('an official changes their own password: the current one is checked, the policy applies, other sessions end', async () => {
  await t.services.officials.create(actor, { username: 'doi.matkhau', fullName: 'Đỗ Mật Khẩu', agencyCode: '000.00.11.H34', roles: ['specialist'], email: 'doi.mk@example.vn', password: 'Mật khẩu ban đầu 2024' })
  const open = async (password: string) => {
    const s = await signIn('doi.matkhau', password)
    const staff = (await submitCode(s, s.code!)).cookies.find(c => c.name === 'mc_staff')!.value
    // The CSRF secret is new with the session, and tokens are bound to it: the page signed in gives the token.
    const cookie = `mc_staff=${staff}`
    const page = await t.app.inject({ url: '/can-bo', headers: { cookie } })
    const csrf = page.cookies.find(c => c.name === 'mc_csrf')!.value
    return { cookie: `${cookie}; mc_csrf=${csrf}`, token: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! }
  }
  const other = await open('Mật khẩu ban đầu 2024')
  const me = await open('Mật khẩu ban đầu 2024')
  const change = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/can-bo/mat-khau', payload: { _csrf: me.token, ...payload }, headers: { cookie: me.cookie } })
  const wrong = await change({ current: 'không phải', password: 'Mật khẩu mới hẳn 2025', passwordConfirm: 'Mật khẩu mới hẳn 2025' })
  assert.equal(wrong.statusCode, 422)
  assert.match(wrong.body, /Mật khẩu hiện tại không đúng/)
  const weak = await change({ current: 'Mật khẩu ban đầu 2024', password: 'password', passwordConfirm: 'password' })
  assert.equal(weak.statusCode, 422)
  assert.match(weak.body, /id="password-error"/)
  const ok = await change({ current: 'Mật khẩu ban đầu 2024', password: 'Mật khẩu mới hẳn 2025', passwordConfirm: 'Mật khẩu mới hẳn 2025' })
  assert.equal(ok.statusCode, 303)
  assert.equal((await t.app.inject({ url: '/can-bo', headers: { cookie: me.cookie } })).statusCode, 200, 'this session stays')
  assert.equal((await t.app.inject({ url: '/can-bo', headers: { cookie: other.cookie } })).statusCode, 303, 'the other session ended')
  assert.equal((await signIn('doi.matkhau', 'Mật khẩu mới hẳn 2025')).first.statusCode, 303)
  assert.equal(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'official.password.change').executeTakeFirst() !== undefined, true)
})
