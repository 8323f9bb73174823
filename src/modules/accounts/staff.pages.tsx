import { workflowPages } from '../workflow/workflow.pages.js'
import { calendarPages } from '../calendar/calendar.pages.js'
import { auditPages } from '../audit/audit.pages.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import { Button, Form, TextInput } from '../../platform/html/components/form.js'
import { CaptchaField } from '../../platform/html/components/CaptchaField.js'
import { requireCredentials } from './registration-form.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { SummaryList } from '../../platform/html/components/layout-parts.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { rotateCsrf } from '../../platform/http/security.js'
import type { Captcha } from './captcha.js'
import { ROLES, type OfficialRole, type SignedInOfficial } from './officials.service.js'
import { PasswordChangeForm } from './views/PasswordChangeForm.js'
import { SignInCodePage } from './views/SignInPages.js'
import { ADMIN_PATH, EditRolesPage, NewOfficialPage, OfficialCreatedPage, OfficialsListPage, type OfficialForm } from './views/StaffAdminPages.js'

const CODE_COOKIE = 'mc_staff_code'

declare module 'fastify' {
  interface FastifyRequest { official?: SignedInOfficial }
}

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

type WorkspaceCounts = Awaited<ReturnType<Services['workflow']['counts']>>

function Workspace ({ official, counts, provinceAdmin }: { official: SignedInOfficial, counts: WorkspaceCounts, provinceAdmin: boolean }) {
  const has = (...roles: string[]) => official.roles.some(r => roles.includes(r.role))
  const card = (href: string, title: string, n: number, text: string, urgent = false) => (
    <li class='card' key={href}><a class='heading-s' href={href}>{title} ({n})</a>{urgent && n > 0 ? <> <strong class='tag tag--red'>Cần xử lý ngay</strong></> : null}<p class='body'>{text}</p></li>
  )
  return (
    <>
      <h1 class='heading-l'>Không gian làm việc</h1>
      <SummaryList rows={[
        ['Cán bộ', official.fullName],
        ['Đơn vị', official.agency.name],
        ['Vai trò', official.roles.map(r => `${ROLES[r.role]} (${r.agencyName})`).join('; ')]
      ]} />
      {has('catalog_admin') && <p class='body'><a href='/can-bo/thu-tuc'>Thời hạn và quy trình của thủ tục</a></p>}
      {has('system_admin') && <p class='body'><a href={ADMIN_PATH}>Quản lý tài khoản cán bộ</a> · <a href='/can-bo/nhat-ky'>Nhật ký thao tác</a>{provinceAdmin && <> · <a href='/can-bo/lich'>Lịch làm việc, ngày nghỉ</a> · <a href='/can-bo/mau-van-ban'>Mẫu văn bản</a></>}</p>}
      {has('receptionist', 'specialist', 'department_head', 'agency_leader') && (
        <>
          <form action='/can-bo/ho-so' method='get' role='search' aria-label='Tìm hồ sơ theo mã' class='inline-search'>
            <label class='label' for='tim-ma'>Tìm hồ sơ theo mã</label>
            <input class='input' id='tim-ma' name='ma' type='search' />
            <button type='submit' class='button button--secondary'>Tìm</button>
            <a class='body' href='/can-bo/ho-so'>Tìm kiếm nâng cao</a>
            <a class='body' href='/can-bo/so-theo-doi'>Sổ theo dõi hồ sơ (mẫu 07)</a>
          </form>
          <ul class='list cards'>
            {has('receptionist') && card('/can-bo/ho-so?hang-doi=cho-tiep-nhan', 'Chờ tiếp nhận', counts.reception, 'Hồ sơ nộp trực tuyến cần quyết định trong 8 giờ làm việc.')}
            {has('receptionist') && <li class='card'><a class='heading-s' href='/can-bo/tiep-nhan-truc-tiep'>Tiếp nhận trực tiếp, qua bưu chính</a><p class='body'>Nhập hồ sơ người đến nộp tại quầy hoặc gửi qua bưu chính, in giấy hẹn.</p></li>}
            {has('receptionist') && <li class='card'><p class='heading-s'>Chờ công dân bổ sung ({counts.waitingSupplement})</p><p class='body'>Đã yêu cầu bổ sung trước khi tiếp nhận.</p></li>}
            {card('/can-bo/ho-so?hang-doi=cua-toi', 'Cần xử lý', counts.toProcess, 'Các bước thẩm định, xem xét được giao cho bạn hoặc cho vai trò của bạn.')}
            {has('agency_leader') && card('/can-bo/ho-so?hang-doi=cho-phe-duyet', 'Chờ phê duyệt', counts.toApprove, 'Hồ sơ trình ký chờ bạn phê duyệt và ban hành kết quả.')}
            {has('receptionist') && card('/can-bo/ho-so?hang-doi=cho-tra-ket-qua', 'Chờ trả kết quả', counts.toReturn, 'Kết quả đã ban hành, chờ trả cho công dân.')}
            {card('/can-bo/ho-so?hang-doi=xin-y-kien', 'Xin ý kiến', counts.consultations, 'Cơ quan khác xin ý kiến của đơn vị bạn về hồ sơ họ đang giải quyết.')}
            {card('/can-bo/ho-so?hang-doi=sap-den-han', 'Sắp đến hạn', counts.dueSoon, 'Hồ sơ đến hạn trả kết quả trước khi hết ngày làm việc tiếp theo.')}
            {card('/can-bo/ho-so?hang-doi=qua-han', 'Quá hạn', counts.overdue, 'Hồ sơ đã quá ngày hẹn trả.', true)}
          </ul>
        </>
      )}
      <p class='body'><a href='/can-bo/mat-khau'>Đổi mật khẩu</a></p>
      <Form action='/can-bo/dang-xuat'><Button secondary>Đăng xuất</Button></Form>
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

/** The officials' sign-in (password, verification code, then a one-time code) and their workspace. */
export async function staffPages (app: FastifyInstance, { services }: { services: Services }) {
  const secure = services.config.SECURE_COOKIES
  const question = (request: FastifyRequest) => services.captcha.forRequest(request)

  app.addHook('onRequest', async (request) => {
    const token = request.cookies[app.cookieNames.staff]
    if (token && /^[A-Za-z0-9_-]{40,60}$/.test(token)) request.official = await services.officials.sessionOfficial(token)
  })
  // An official whose password someone else set may do nothing but change it (GETs are sent there).
  const requireOfficial = async (request: FastifyRequest, reply?: FastifyReply) => {
    if (!request.official) throw new AppError('UNAUTHENTICATED')
    if (request.official.mustChangePassword && !request.url.startsWith('/can-bo/mat-khau')) {
      if (request.method === 'GET' && reply) return reply.redirect('/can-bo/mat-khau?bat-buoc=1', 303)
      throw new AppError('FORBIDDEN', 'the password must be changed first')
    }
  }

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

  app.get('/can-bo', { preHandler: requireOfficial }, async (request, reply) =>
    reply.page(<Workspace official={request.official!} counts={await services.workflow.counts(request.official!)} provinceAdmin={await services.officials.provinceWide(request.official!, 'system_admin')} />, { title: 'Không gian làm việc' }))

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

  await app.register(workflowPages, { services, requireOfficial })
  await app.register(calendarPages, { services, requireOfficial })
  await app.register(auditPages, { services, requireOfficial })

  app.post('/can-bo/dang-xuat', async (request, reply) => {
    const token = request.cookies[app.cookieNames.staff]
    if (token) await services.officials.signOut(token)
    reply.clearCookie(app.cookieNames.staff, { path: '/' })
    return reply.redirect('/can-bo/dang-nhap', 303)
  })
}
