import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccountsService } from './accounts.service.js'
import type { CaptchaService } from './captcha.js'
import type { NationalIdentity } from './national-identity.js'
import { AppError } from '../../platform/http/errors.js'
import { clearSessionCookie, requireCitizen, setSessionCookie } from './session.js'
import { rotateCsrf } from '../../platform/http/security.js'
import type { RegistrationForm } from './accounts.service.js'
import { CheckInboxPage, ConfirmFailedPage, ConfirmedPage, KIND_SLUGS, kindTitle, RegisterChoosePage, RegisterFormPage } from './views/RegisterPages.js'
import { requireCredentials, validateRegistration } from './registration-form.js'
import { ConfirmMergePage, SignInCodePage, SignInPage } from './views/SignInPages.js'
import { EmailChangedPage, PersonalPage, PhoneChangePage } from './views/PersonalPage.js'
import { ForgotPage, ResetDonePage, ResetLinkPage, ResetSentPage } from './views/ResetPages.js'
import { ConfirmFailedPage as LinkFailedPage } from './views/RegisterPages.js'

/**
 * Only a path on this site may follow sign-in ("tiep"), never another origin; characters a Location
 * header cannot carry (Vietnamese letters, €) are percent-encoded, so the redirect can always be sent.
 */
export function safeNext (value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 1000 || !/^\/(?!\/)[^\s\\\p{Cc}\p{Cf}]*$/u.test(value)) return undefined
  try {
    return [...value].map(ch => /[\x21-\x7e]/.test(ch) ? ch : encodeURIComponent(ch)).join('')
  } catch {
    return undefined // a lone surrogate cannot be encoded
  }
}

const REF_COOKIE = 'mc_reg'

/** What the citizens' account pages use. */
export interface AccountsPagesDeps {
  accounts: AccountsService
  captcha: CaptchaService
  nationalIdentity: NationalIdentity
  config: { PUBLIC_URL: string, SECURE_COOKIES: boolean }
}

export async function accountsPages (app: FastifyInstance, { services }: { services: AccountsPagesDeps }) {
  const secure = services.config.SECURE_COOKIES
  const signInOptions = { nationalIdentity: services.nationalIdentity.enabled, only: services.nationalIdentity.only }
  // When the national e-identity is the only way in, nobody registers a local account.
  if (signInOptions.only) {
    app.addHook('onRequest', async (request, reply) => {
      if (/^\/dang-ky(\/|$)/.test(request.url)) return reply.redirect('/dang-nhap', 303)
    })
  }
  const newCaptcha = (request: FastifyRequest) => services.captcha.forRequest(request)

  app.get('/ma-xac-thuc/:file', async (request, reply) => {
    const m = /^([0-9a-f-]{36})\.svg$/.exec((request.params as { file: string }).file)
    const svg = m ? await services.captcha.svg(m[1]!) : undefined
    if (!svg) throw new AppError('NOT_FOUND')
    return reply.header('cache-control', 'no-store').type('image/svg+xml').send(svg)
  })

  app.get('/dang-ky', async (_request, reply) => reply.page(<RegisterChoosePage />, { title: 'Đăng ký tài khoản' }))

  app.get('/dang-ky/:slug', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    const kind = KIND_SLUGS[slug]
    if (!kind) throw new AppError('NOT_FOUND')
    return reply.page(<RegisterFormPage kind={kind} slug={slug} values={{}} errors={[]} captcha={await newCaptcha(request)} />, { title: kindTitle(kind) })
  })

  app.post('/dang-ky/:slug', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    const kind = KIND_SLUGS[slug]
    if (!kind) throw new AppError('NOT_FOUND')
    const form = request.body as RegistrationForm & { captchaId?: string, captcha?: string }
    if (services.captcha.swapRequested(request)) return reply.page(<RegisterFormPage kind={kind} slug={slug} values={form} errors={[]} captcha={await newCaptcha(request)} />, { title: kindTitle(kind) })
    try {
      await services.captcha.verifyWith(form.captchaId, form.captcha, () => validateRegistration(kind, form))
      const result = await services.accounts.register(kind, form, String(request.id), request.ip)
      // The SMS reference stays in the browser (a cookie), not in a URL that could be shared.
      if (result.ref) reply.setCookie(REF_COOKIE, result.ref, { path: '/dang-ky', httpOnly: true, sameSite: 'lax', secure, maxAge: 900 })
      return reply.redirect(`/dang-ky/kiem-tra?kenh=${result.channel}`, 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) {
        return reply.page(<RegisterFormPage kind={kind} slug={slug} values={form} errors={err.fields} captcha={await newCaptcha(request)} />, { title: kindTitle(kind), status: 422, hasErrors: true })
      }
      throw err
    }
  })

  app.get('/dang-ky/kiem-tra', async (request, reply) => {
    const channel = (request.query as { kenh?: string }).kenh === 'sms' ? 'sms' : 'email'
    return reply.page(<CheckInboxPage channel={channel} ref={request.cookies[REF_COOKIE]} />, { title: channel === 'email' ? 'Kiểm tra thư điện tử' : 'Nhập mã xác nhận' })
  })

  app.post('/dang-ky/xac-nhan-ma', async (request, reply) => {
    const { code = '' } = request.body as { code?: string }
    const ref = request.cookies[REF_COOKIE] ?? ''
    try {
      await services.accounts.confirmPhone(ref, code)
      reply.clearCookie(REF_COOKIE, { path: '/dang-ky' })
      return reply.page(<ConfirmedPage />, { title: 'Tài khoản đã được xác nhận' })
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') {
        return reply.page(<CheckInboxPage channel='sms' ref={ref} error={err.fields?.[0]?.message} />, { title: 'Nhập mã xác nhận', status: 422, hasErrors: true })
      }
      throw err
    }
  })

  app.post('/dang-ky/gui-lai-ma', async (request, reply) => {
    const ref = request.cookies[REF_COOKIE] ?? ''
    try {
      await services.accounts.resendCode(ref, 'confirm-phone')
      return reply.seeOther('/dang-ky/kiem-tra?kenh=sms', 'Đã gửi lại mã. Mã gửi trước đó không dùng được nữa.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return reply.page(<CheckInboxPage channel='sms' ref={ref} error={err.fields?.[0]?.message} />, { title: 'Nhập mã xác nhận', status: 422, hasErrors: true })
      throw err
    }
  })

  app.get('/dang-ky/xac-nhan/:token', async (request, reply) => {
    try {
      await services.accounts.confirmEmail((request.params as { token: string }).token)
      return reply.page(<ConfirmedPage />, { title: 'Tài khoản đã được xác nhận' })
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return reply.page(<ConfirmFailedPage />, { title: 'Liên kết không dùng được', status: 410 })
      throw err
    }
  })

  app.get('/dang-nhap', async (request, reply) => {
    if (request.account) return reply.redirect('/ca-nhan', 303)
    return reply.page(<SignInPage next={safeNext((request.query as { tiep?: string }).tiep)} errors={[]} captcha={await newCaptcha(request)} options={signInOptions} />, { title: 'Đăng nhập' })
  })

  app.post('/dang-nhap', async (request, reply) => {
    const { username = '', password = '', tiep, captchaId, captcha } = request.body as Record<string, string | undefined>
    const next = safeNext(tiep)
    if (signInOptions.only) throw new AppError('FORBIDDEN', 'sign-in only through the national e-identity')
    if (services.captcha.swapRequested(request)) return reply.page(<SignInPage username={username} next={next} errors={[]} captcha={await newCaptcha(request)} options={signInOptions} />, { title: 'Đăng nhập' })
    try {
      await services.captcha.verifyWith(captchaId, captcha, () => requireCredentials(username, password))
      const result = await services.accounts.signIn(username, password, request.headers['user-agent'], request.ip)
      if ('ref' in result) {
        reply.setCookie(CODE_COOKIE, result.ref, { path: '/dang-nhap', httpOnly: true, sameSite: 'lax', secure, maxAge: 600 })
        return reply.redirect(`/dang-nhap/ma?kenh=${result.channel}${next ? `&tiep=${encodeURIComponent(next)}` : ''}`, 303)
      }
      setSessionCookie(reply, result.token, secure)
      rotateCsrf(reply)
      return reply.redirect(next ?? '/ca-nhan', 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) {
        return reply.page(<SignInPage username={username} next={next} errors={err.fields} captcha={await newCaptcha(request)} options={signInOptions} />, { title: 'Đăng nhập', status: 422, hasErrors: true })
      }
      throw err
    }
  })

  // The one-time code after the password (SIGN_IN_CODE=true).
  const CODE_COOKIE = 'mc_signin_code'
  const codePage = (request: FastifyRequest, reply: FastifyReply, error?: string) => {
    const q = { ...(request.query as Record<string, string | undefined>), ...(request.body as Record<string, string | undefined> | undefined) }
    return reply.page(<SignInCodePage channel={q['kenh'] === 'sms' ? 'sms' : 'email'} next={safeNext(q['tiep'])} error={error} />, { title: 'Mã đăng nhập', ...(error ? { status: 422, hasErrors: true } : {}) })
  }
  app.get('/dang-nhap/ma', async (request, reply) => codePage(request, reply))
  app.post('/dang-nhap/ma', async (request, reply) => {
    const { code = '', tiep } = request.body as Record<string, string | undefined>
    try {
      const token = await services.accounts.finishSignIn(request.cookies[CODE_COOKIE] ?? '', code, request.headers['user-agent'], request.ip)
      reply.clearCookie(CODE_COOKIE, { path: '/dang-nhap' })
      setSessionCookie(reply, token, secure)
      rotateCsrf(reply)
      return reply.redirect(safeNext(tiep) ?? '/ca-nhan', 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return codePage(request, reply, err.fields?.[0]?.message ?? err.message)
      throw err
    }
  })

  app.post('/dang-nhap/ma/gui-lai', async (request, reply) => {
    const { kenh, tiep } = request.body as Record<string, string | undefined>
    try {
      await services.accounts.resendCode(request.cookies[CODE_COOKIE] ?? '', 'sign-in')
      const next = safeNext(tiep)
      return reply.seeOther(`/dang-nhap/ma?kenh=${kenh === 'sms' ? 'sms' : 'email'}${next ? `&tiep=${encodeURIComponent(next)}` : ''}`, 'Đã gửi lại mã. Mã gửi trước đó không dùng được nữa.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return codePage(request, reply, err.fields?.[0]?.message ?? err.message)
      throw err
    }
  })

  // The national e-identity (OpenID Connect). The pending state, nonce and PKCE verifier stay in an
  // HttpOnly cookie scoped to these paths; the provider's answer comes back as a top-level GET (SameSite=Lax).
  const OIDC_COOKIE = 'mc_oidc'
  const MERGE_COOKIE = 'mc_merge'
  const oidcCookie = { path: '/dang-nhap/vneid', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: 900 }
  const identityFailed = async (request: FastifyRequest, reply: FastifyReply, message: string, status: number) =>
    reply.page(<SignInPage errors={[{ field: 'vneid', message }]} captcha={await newCaptcha(request)} options={signInOptions} />, { title: 'Đăng nhập', status, hasErrors: true })
  const signedIn = (reply: FastifyReply, token: string) => {
    setSessionCookie(reply, token, secure)
    rotateCsrf(reply)
    return reply.redirect('/ca-nhan', 303)
  }

  app.get('/dang-nhap/vneid', async (request, reply) => {
    if (!services.nationalIdentity.enabled) throw new AppError('NOT_FOUND')
    let start
    try { start = await services.nationalIdentity.start() } catch (err) {
      request.log.warn({ err }, 'national identity provider unreachable')
      return identityFailed(request, reply, 'Hệ thống định danh điện tử đang không trả lời. Hãy thử lại sau ít phút.', 503)
    }
    reply.setCookie(OIDC_COOKIE, start.pending, oidcCookie)
    return reply.redirect(start.url, 303)
  })

  app.get('/dang-nhap/vneid/ve', async (request, reply) => {
    if (!services.nationalIdentity.enabled) throw new AppError('NOT_FOUND')
    reply.clearCookie(OIDC_COOKIE, { path: oidcCookie.path })
    try {
      const outcome = await services.nationalIdentity.finish(new URL(request.url, services.config.PUBLIC_URL), request.cookies[OIDC_COOKIE], { userAgent: request.headers['user-agent'], ip: request.ip })
      if (outcome.kind === 'signed-in') return signedIn(reply, outcome.token)
      reply.setCookie(MERGE_COOKIE, outcome.ref, oidcCookie)
      return reply.page(<ConfirmMergePage fullName={outcome.fullName} />, { title: 'Gộp tài khoản' })
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return identityFailed(request, reply, err.fields?.[0]?.message ?? err.message, 422)
      throw err
    }
  })

  app.post('/dang-nhap/vneid/gop', async (request, reply) => {
    if (!services.nationalIdentity.enabled) throw new AppError('NOT_FOUND')
    try {
      const token = await services.nationalIdentity.confirmMerge(request.cookies[MERGE_COOKIE] ?? '', { userAgent: request.headers['user-agent'], ip: request.ip })
      reply.clearCookie(MERGE_COOKIE, { path: oidcCookie.path })
      return signedIn(reply, token)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return identityFailed(request, reply, err.fields?.[0]?.message ?? err.message, 422)
      throw err
    }
  })

  app.post('/dang-xuat', async (request, reply) => {
    if (request.sessionToken) await services.accounts.signOut(request.sessionToken)
    clearSessionCookie(reply, secure)
    return reply.redirect('/', 303)
  })

  const RESET_COOKIE = 'mc_reset'
  const failedAs = async <T,>(fn: () => Promise<T>, render: (errors: NonNullable<AppError['fields']>) => Promise<unknown>) => {
    try { return await fn() } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return render(err.fields)
      throw err
    }
  }

  app.get('/quen-mat-khau', async (_request, reply) => reply.page(<ForgotPage />, { title: 'Quên mật khẩu' }))

  app.post('/quen-mat-khau', async (request, reply) => {
    const { username = '' } = request.body as { username?: string }
    if (!username.trim()) return reply.page(<ForgotPage errors={[{ field: 'username', message: 'Nhập tên đăng nhập' }]} />, { title: 'Quên mật khẩu', status: 422, hasErrors: true })
    return failedAs(async () => {
      const { ref } = await services.accounts.startReset(username, request.ip)
      reply.setCookie(RESET_COOKIE, ref, { path: '/quen-mat-khau', httpOnly: true, sameSite: 'lax', secure, maxAge: 3600 })
      return reply.redirect('/quen-mat-khau/da-gui', 303)
    }, fields => reply.page(<ForgotPage errors={fields} />, { title: 'Quên mật khẩu', status: 429, hasErrors: true }))
  })

  app.get('/quen-mat-khau/da-gui', async (_request, reply) => reply.page(<ResetSentPage />, { title: 'Đặt lại mật khẩu' }))

  app.post('/quen-mat-khau/ma', async (request, reply) => {
    const { code = '', password = '', passwordConfirm = '' } = request.body as Record<string, string | undefined>
    return failedAs(async () => {
      await services.accounts.resetByCode(request.cookies[RESET_COOKIE] ?? '', code, password, passwordConfirm)
      reply.clearCookie(RESET_COOKIE, { path: '/quen-mat-khau' })
      return reply.page(<ResetDonePage />, { title: 'Đã đổi mật khẩu' })
    }, fields => reply.page(<ResetSentPage errors={fields} />, { title: 'Đặt lại mật khẩu', status: 422, hasErrors: true }))
  })

  app.get('/dat-lai-mat-khau/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    if (!(await services.accounts.resetLinkValid(token))) return reply.page(<LinkFailedPage reset />, { title: 'Liên kết không dùng được', status: 410 })
    return reply.page(<ResetLinkPage token={token} />, { title: 'Đặt mật khẩu mới' })
  })

  app.post('/dat-lai-mat-khau/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const { password = '', passwordConfirm = '' } = request.body as Record<string, string | undefined>
    try {
      return await failedAs(async () => {
        await services.accounts.resetByLink(token, password, passwordConfirm)
        return reply.page(<ResetDonePage />, { title: 'Đã đổi mật khẩu' })
      }, fields => reply.page(<ResetLinkPage token={token} errors={fields} />, { title: 'Đặt mật khẩu mới', status: 422, hasErrors: true }))
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return reply.page(<LinkFailedPage reset />, { title: 'Liên kết không dùng được', status: 410 })
      throw err
    }
  })

  const personal = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply, extra: { errors?: NonNullable<AppError['fields']>, values?: Record<string, string | undefined>, notice?: string } = {}) =>
    reply.page(<PersonalPage profile={await services.accounts.profile(request.account!.id)} unread={request.account!.unread ?? 0} {...extra} />,
      { title: 'Trang cá nhân', ...(extra.errors ? { status: 422, hasErrors: true } : {}) })
  const NOTICES: Record<string, string> = {
    'thong-tin': 'Đã lưu thông tin liên hệ.',
    'cho-xac-nhan-thu': 'Đã lưu thông tin liên hệ. Chúng tôi đã gửi liên kết xác nhận tới thư điện tử mới; địa chỉ mới chỉ có hiệu lực khi bạn mở liên kết đó (trong 24 giờ).',
    'so-dien-thoai': 'Đã đổi số điện thoại.', 'mat-khau': 'Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.', 'yeu-cau': 'Đã gửi yêu cầu; cơ quan sẽ trả lời trong vòng 72 giờ.' }

  app.get('/ca-nhan', { preHandler: requireCitizen }, async (request, reply) =>
    personal(request, reply, { notice: NOTICES[(request.query as { 'da-luu'?: string })['da-luu'] ?? ''] }))

  const PHONE_COOKIE = 'mc_phone_change'
  app.post('/ca-nhan/thong-tin', { preHandler: requireCitizen }, async (request, reply) => {
    const form = request.body as Record<string, string | undefined>
    return failedAs(async () => {
      const change = await services.accounts.updateProfile(request.account!.id, request.sessionToken!, form, request.ip)
      if (change.phoneRef) {
        reply.setCookie(PHONE_COOKIE, change.phoneRef, { path: '/ca-nhan', httpOnly: true, sameSite: 'lax', secure, maxAge: 900 })
        return reply.redirect(`/ca-nhan/so-dien-thoai${change.email === 'pending' ? '?thu=1' : ''}`, 303)
      }
      return reply.redirect(`/ca-nhan?da-luu=${change.email === 'pending' ? 'cho-xac-nhan-thu' : 'thong-tin'}`, 303)
    }, errors => personal(request, reply, { errors, values: form }))
  })

  // A new phone number takes effect with the code sent to it.
  const phonePage = (request: FastifyRequest, reply: FastifyReply, error?: string) =>
    reply.page(<PhoneChangePage error={error} emailPending={(request.query as { thu?: string }).thu === '1'} />, { title: 'Xác nhận số điện thoại mới', ...(error ? { status: 422, hasErrors: true } : {}) })
  app.get('/ca-nhan/so-dien-thoai', { preHandler: requireCitizen }, async (request, reply) => phonePage(request, reply))
  app.post('/ca-nhan/so-dien-thoai', { preHandler: requireCitizen }, async (request, reply) => {
    const { code = '' } = request.body as { code?: string }
    try {
      await services.accounts.confirmPhoneChange(request.cookies[PHONE_COOKIE] ?? '', code)
      reply.clearCookie(PHONE_COOKIE, { path: '/ca-nhan' })
      return reply.redirect('/ca-nhan?da-luu=so-dien-thoai', 303)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return phonePage(request, reply, err.fields?.[0]?.message ?? err.message)
      throw err
    }
  })

  app.post('/ca-nhan/so-dien-thoai/gui-lai', { preHandler: requireCitizen }, async (request, reply) => {
    try {
      await services.accounts.resendCode(request.cookies[PHONE_COOKIE] ?? '', 'change-phone')
      return reply.seeOther('/ca-nhan/so-dien-thoai', 'Đã gửi lại mã. Mã gửi trước đó không dùng được nữa.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') return phonePage(request, reply, err.fields?.[0]?.message ?? err.message)
      throw err
    }
  })

  // A new e-mail takes effect with the link sent to it (opened in any browser: the link is the proof).
  app.get('/ca-nhan/xac-nhan-thu/:token', async (request, reply) => {
    try {
      await services.accounts.confirmEmailChange((request.params as { token: string }).token)
      return reply.page(<EmailChangedPage />, { title: 'Đã đổi thư điện tử' })
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return reply.page(<LinkFailedPage />, { title: 'Liên kết không dùng được', status: 410 })
      throw err
    }
  })

  app.post('/ca-nhan/mat-khau', { preHandler: requireCitizen }, async (request, reply) => {
    const { current = '', password = '', passwordConfirm = '' } = request.body as Record<string, string | undefined>
    return failedAs(async () => {
      await services.accounts.changePassword(request.account!.id, request.sessionToken!, current, password, passwordConfirm)
      return reply.redirect('/ca-nhan?da-luu=mat-khau', 303)
    }, errors => personal(request, reply, { errors }))
  })

  app.post('/ca-nhan/yeu-cau-du-lieu', { preHandler: requireCitizen }, async (request, reply) => {
    const form = request.body as Record<string, string | undefined>
    return failedAs(async () => {
      await services.accounts.requestPrivacy(request.account!.id, form['kind'] ?? '', form['details'] ?? '')
      return reply.redirect('/ca-nhan?da-luu=yeu-cau#du-lieu', 303)
    }, errors => personal(request, reply, { errors, values: form }))
  })

  app.get('/ca-nhan/du-lieu.json', { preHandler: requireCitizen }, async (request, reply) => {
    const data = await services.accounts.profile(request.account!.id)
    return reply.header('content-disposition', 'attachment; filename="du-lieu-ca-nhan.json"').header('cache-control', 'no-store')
      .type('application/json; charset=utf-8').send(JSON.stringify({ exportedAt: new Date().toISOString(), ...data }, null, 2))
  })

  app.post('/dang-xuat-tat-ca', { preHandler: requireCitizen }, async (request, reply) => {
    await services.accounts.signOutEverywhere({ type: 'citizen', id: request.account!.id })
    clearSessionCookie(reply, secure)
    return reply.redirect('/dang-nhap', 303)
  })
}
