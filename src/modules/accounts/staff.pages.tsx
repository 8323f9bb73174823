import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Button, Form, TextInput } from '../../platform/html/components/form.js'
import { CaptchaField } from '../../platform/html/components/CaptchaField.js'
import { requireCredentials } from './registration-form.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { SummaryList } from '../../platform/html/components/layout-parts.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { rotateCsrf } from '../../platform/http/security.js'
import type { Captcha, CaptchaService } from './captcha.js'
import type { RequireOfficial } from './staff-session.js'
import type { OfficialRole, OfficialsService } from './officials.service.js'
import { PasswordChangeForm } from './views/PasswordChangeForm.js'
import { SignInCodePage } from './views/SignInPages.js'
import { ADMIN_PATH, EditRolesPage, NewOfficialPage, OfficialCreatedPage, OfficialsListPage, type OfficialForm } from './views/StaffAdminPages.js'

const CODE_COOKIE = 'mc_staff_code'

function StaffSignIn ({ errors, username, captcha }: { errors: FieldError[], username?: string | undefined, captcha: Captcha }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  return (
    <>
      <h1 class='heading-l'>Đăng nhập dành cho cán bộ</h1>
      <ErrorSummary errors={errors} />
      <Form action='/can-bo/dang-nhap'>
        <TextInput name='username' label='Tên đăng nhập' value={username} error={err('username')} autocomplete='username' />
        <TextInput name='password' label='Mật khẩu' type='password' error={err('password')} autocomplete='current-password' />
        <CaptchaField {...captcha} error={err('captcha')} />
        <Button>Tiếp tục</Button>
      </Form>
    </>
  )
}

function StaffPassword ({ errors, done, required }: { errors: FieldError[], done?: boolean, required?: boolean }) {
  return (
    <>
      <h1 class='heading-l'>Đổi mật khẩu</h1>
      {required && <div class='notice' role='status'><p>Mật khẩu của bạn do quản trị viên cấp. Hãy đặt mật khẩu của riêng bạn trước khi làm việc.</p></div>}
      {done && <div class='notice' role='status'><p>Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.</p></div>}
      <ErrorSummary errors={errors} />
      <PasswordChangeForm action='/can-bo/mat-khau' errors={errors} />
      <p class='body'><a href='/can-bo'>Về không gian làm việc</a></p>
    </>
  )
}

/** What the officials' pages use. */
export interface StaffPagesDeps {
  officials: OfficialsService
  captcha: CaptchaService
  config: { SECURE_COOKIES: boolean }
}

/**
 * The officials' sign-in (password, verification code, then a one-time code), their password and the
 * administration of officials. `requireOfficial` comes from registerStaffSession, in the same scope.
 */
export async function staffPages (app: FastifyInstance, { services, requireOfficial }: { services: StaffPagesDeps, requireOfficial: RequireOfficial }) {
  const secure = services.config.SECURE_COOKIES
  const question = (request: FastifyRequest) => services.captcha.forRequest(request)

  app.get('/can-bo/dang-nhap', async (request, reply) =>
    reply.page(<StaffSignIn errors={[]} captcha={await question(request)} />, { title: 'Đăng nhập cán bộ' }))

  app.post('/can-bo/dang-nhap', async (request, reply) => {
    const { username = '', password = '', captchaId, captcha } = request.body as Record<string, string | undefined>
    if (services.captcha.swapRequested(request)) return reply.page(<StaffSignIn errors={[]} username={username} captcha={await question(request)} />, { title: 'Đăng nhập cán bộ' })
    try {
      await services.captcha.verifyWith(captchaId, captcha, () => requireCredentials(username, password))
      const { ref, channel } = await services.officials.startSignIn(username, password, request.ip)
      reply.setCookie(CODE_COOKIE, ref, { path: '/can-bo', httpOnly: true, sameSite: 'lax', secure, maxAge: 600 })
      return reply.redirect(`/can-bo/dang-nhap/ma?kenh=${channel}`, 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) {
        return reply.page(<StaffSignIn errors={err.fields} username={username} captcha={await question(request)} />, { title: 'Đăng nhập cán bộ', status: 422, hasErrors: true })
      }
      throw err
    }
  })

  const codePage = (kenh: string | undefined, error?: string) => <SignInCodePage channel={kenh === 'sms' ? 'sms' : 'email'} error={error} action='/can-bo/dang-nhap/ma' again='/can-bo/dang-nhap' />
  app.get('/can-bo/dang-nhap/ma', async (request, reply) =>
    reply.page(codePage((request.query as { kenh?: string }).kenh), { title: 'Mã đăng nhập' }))

  app.post('/can-bo/dang-nhap/ma', async (request, reply) => {
    const { code = '', kenh } = request.body as { code?: string, kenh?: string }
    try {
      const token = await services.officials.finishSignIn(request.cookies[CODE_COOKIE] ?? '', code, request.ip)
      reply.clearCookie(CODE_COOKIE, { path: '/can-bo' })
      reply.setCookie(app.cookieNames.staff, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 10 * 3600 })
      rotateCsrf(reply)
      return reply.redirect('/can-bo', 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') {
        return reply.page(codePage(kenh, err.fields?.[0]?.message ?? err.message), { title: 'Mã đăng nhập', status: 422, hasErrors: true })
      }
      throw err
    }
  })

  app.post('/can-bo/dang-nhap/ma/gui-lai', async (request, reply) => {
    const { kenh } = request.body as { kenh?: string }
    try {
      await services.officials.resendCode(request.cookies[CODE_COOKIE] ?? '')
      return reply.seeOther(`/can-bo/dang-nhap/ma?kenh=${kenh === 'sms' ? 'sms' : 'email'}`, 'Đã gửi lại mã. Mã gửi trước đó không dùng được nữa.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return reply.page(codePage(kenh, err.fields?.[0]?.message ?? err.message), { title: 'Mã đăng nhập', status: 422, hasErrors: true })
      throw err
    }
  })

  app.get('/can-bo/mat-khau', { preHandler: requireOfficial }, async (request, reply) =>
    reply.page(<StaffPassword errors={[]} done={(request.query as { xong?: string }).xong === '1'} required={request.official!.mustChangePassword === true} />, { title: 'Đổi mật khẩu' }))

  app.post('/can-bo/mat-khau', { preHandler: requireOfficial }, async (request, reply) => {
    const { current = '', password = '', passwordConfirm = '' } = request.body as Record<string, string | undefined>
    try {
      await services.officials.changePassword(request.official!.id, request.cookies[app.cookieNames.staff] ?? '', current, password, passwordConfirm)
      return reply.redirect('/can-bo/mat-khau?xong=1', 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(<StaffPassword errors={err.fields} />, { title: 'Đổi mật khẩu', status: 422, hasErrors: true })
      throw err
    }
  })

  // A system administrator manages the officials of the agencies their role covers, nothing else.
  const requireAdmin = async (request: FastifyRequest) => {
    await requireOfficial(request)
    if (!request.official!.roles.some(r => r.role === 'system_admin')) throw new AppError('FORBIDDEN')
  }
  const actorOf = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })
  const administered = (request: FastifyRequest) => services.officials.administered(request.official!)

  app.get(ADMIN_PATH, { preHandler: requireAdmin }, async (request, reply) => {
    const officials = await services.officials.list((await administered(request)).map(a => a.id))
    return reply.page(<OfficialsListPage officials={officials} self={request.official!.username} />, { title: 'Quản lý tài khoản cán bộ' })
  })

  app.get(`${ADMIN_PATH}/them`, { preHandler: requireAdmin }, async (request, reply) =>
    reply.page(<NewOfficialPage agencies={await administered(request)} values={{}} errors={[]} />, { title: 'Thêm cán bộ' }))

  app.post(`${ADMIN_PATH}/them`, { preHandler: requireAdmin }, async (request, reply) => {
    const form = request.body as OfficialForm
    const agencies = await administered(request)
    try {
      const input = { username: form.username ?? '', fullName: form.fullName ?? '', agencyCode: form.agency ?? '', roles: ([] as string[]).concat(form.roles ?? []) as OfficialRole[], email: form.email, phone: form.phone }
      const { password } = await services.officials.create(actorOf(request), input, agencies.map(a => a.id))
      return reply.page(<OfficialCreatedPage username={input.username.trim().toLowerCase()} fullName={input.fullName.trim()} password={password} />, { title: 'Đã tạo tài khoản cán bộ' })
    } catch (err) {
      const fields = err instanceof AppError && err.code === 'VALIDATION' ? err.fields : err instanceof AppError && err.code === 'CONFLICT' ? [{ field: 'username', message: 'Tên đăng nhập đã có người dùng' }] : undefined
      if (fields) return reply.page(<NewOfficialPage agencies={agencies} values={form} errors={fields} />, { title: 'Thêm cán bộ', status: 422, hasErrors: true })
      throw err
    }
  })

  /** An official of the administrator's agencies, or NOT_FOUND. */
  const managed = async (request: FastifyRequest) => {
    const { username } = request.params as { username: string }
    const within = (await administered(request)).map(a => a.id)
    const [official] = await services.officials.list(within, username)
    if (!official) throw new AppError('NOT_FOUND')
    return { official, within }
  }

  app.get(`${ADMIN_PATH}/:username/vai-tro`, { preHandler: requireAdmin }, async (request, reply) => {
    const { official } = await managed(request)
    return reply.page(<EditRolesPage official={official} roles={official.roles} errors={[]} />, { title: 'Sửa vai trò' })
  })

  app.post(`${ADMIN_PATH}/:username/vai-tro`, { preHandler: requireAdmin }, async (request, reply) => {
    const { official, within } = await managed(request)
    const roles = ([] as string[]).concat((request.body as { roles?: string | string[] }).roles ?? []) as OfficialRole[]
    try {
      await services.officials.setRoles(actorOf(request), official.username, roles, within)
      return reply.redirect(ADMIN_PATH, 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(<EditRolesPage official={official} roles={roles} errors={err.fields} />, { title: 'Sửa vai trò', status: 422, hasErrors: true })
      throw err
    }
  })

  app.post(`${ADMIN_PATH}/:username/khoa`, { preHandler: requireAdmin }, async (request, reply) => {
    const { username } = request.params as { username: string }
    if (username === request.official!.username) throw new AppError('FORBIDDEN', 'an administrator does not lock themself')
    await services.officials.lock(actorOf(request), username, (await administered(request)).map(a => a.id))
    return reply.redirect(ADMIN_PATH, 303)
  })

  app.post('/can-bo/dang-xuat', async (request, reply) => {
    const token = request.cookies[app.cookieNames.staff]
    if (token) await services.officials.signOut(token)
    reply.clearCookie(app.cookieNames.staff, { path: '/' })
    return reply.redirect('/can-bo/dang-nhap', 303)
  })
}
