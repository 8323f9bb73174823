import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Post/redirect/get: answers a successful form with 303 to `url`, carrying `notice` ("Đã chuyển
     * bước…") to the next page in a short-lived cookie. A reload then shows the page, never resubmits.
     */
    seeOther(url: string, notice?: string): FastifyReply
    /** The notice left by the previous answer (once: it is cleared as it is read). */
    takeNotice(): string | undefined
  }
}

const MAX_NOTICE = 600

/**
 * The notice of a post/redirect/get. The cookie holds the text and its HMAC under the session secret,
 * bound to the visitor's session cookies: a cookie set by anyone else (a sibling domain) is ignored.
 * It lives a minute and only until the next page reads it.
 */
export function registerNotices (app: FastifyInstance, options: { secret: string, secureCookies: boolean, https: boolean }) {
  const name = `${options.https && options.secureCookies ? '__Host-' : ''}mc_notice`
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: options.secureCookies }
  const sign = (request: FastifyRequest, text: string) => crypto.createHmac('sha256', options.secret)
    .update(`notice:${text}:${request.cookies[app.cookieNames.session] ?? ''}:${request.cookies[app.cookieNames.staff] ?? ''}`).digest('base64url')

  app.decorateReply('seeOther', function (this: FastifyReply, url: string, notice?: string) {
    if (notice) {
      const text = notice.slice(0, MAX_NOTICE)
      this.setCookie(name, `${Buffer.from(text).toString('base64url')}.${sign(this.request, text)}`, { ...cookie, maxAge: 60 })
    }
    return this.redirect(url, 303)
  })

  app.decorateReply('takeNotice', function (this: FastifyReply) {
    const raw = this.request.cookies[name]
    if (!raw) return undefined
    this.clearCookie(name, cookie)
    const [body = '', mac = ''] = raw.split('.')
    const text = Buffer.from(body, 'base64url').toString('utf8')
    const expected = sign(this.request, text)
    return mac.length === expected.length && crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected)) ? text : undefined
  })
}

/** Whether a request carries a notice (its page is then the visitor's own, never a shared copy). */
export const hasNotice = (request: FastifyRequest) => Object.keys(request.cookies).some(k => k.endsWith('mc_notice'))
