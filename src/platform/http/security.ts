import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from './errors.js'

/** The cookies that live for the whole site; `__Host-` names (Secure, Path=/, no Domain) when served over HTTPS. */
export interface CookieNames { csrf: string, session: string, staff: string }
export const cookieNames = (hostPrefix: boolean): CookieNames => {
  const p = hostPrefix ? '__Host-' : ''
  return { csrf: `${p}mc_csrf`, session: `${p}mc_session`, staff: `${p}mc_staff` }
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Accepts a well-formed X-Request-Id from the load balancer, otherwise makes one. */
export function requestId (req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The names of the site-wide cookies (with the `__Host-` prefix over HTTPS). */
    cookieNames: CookieNames
    /** Sets the headers every response carries (for a reply the onSend hooks do not reach). */
    securityHeaders(request: FastifyRequest, reply: FastifyReply): void
  }
  interface FastifyRequest {
    /** The CSRF token for forms on this page; sets the browser's CSRF cookie if it has none. */
    csrfToken(): string
  }
  interface FastifyContextConfig {
    /** false for server-to-server callbacks that carry their own signature (payment IPN). */
    csrf?: boolean
  }
}

/**
 * Security headers on every response, and CSRF protection on every unsafe request:
 * a random secret in an HttpOnly cookie, and in each form a token that is the HMAC, under
 * SESSION_SECRET, of that secret and of the session cookies the browser holds (a signed double-submit
 * bound to the session: a token picked up anonymously, or in another session, does not pass with a
 * victim's session cookie). A route opts out only with `config: { csrf: false }`.
 */
export function registerSecurity (app: FastifyInstance, options: { secret: string, secureCookies: boolean, https: boolean }) {
  const names = cookieNames(options.https && options.secureCookies)
  app.decorate('cookieNames', names)
  app.decorate('securityHeaders', (request: FastifyRequest, reply: FastifyReply) => securityHeaders(request, reply, options.https))
  const sign = (request: FastifyRequest, value: string) => crypto.createHmac('sha256', options.secret)
    .update(`csrf:${value}:${request.cookies[names.session] ?? ''}:${request.cookies[names.staff] ?? ''}`).digest('base64url')

  app.decorateRequest('csrfToken', function (this: FastifyRequest) {
    let secret = this.cookies[names.csrf]
    if (!secret || !/^[A-Za-z0-9_-]{20,}$/.test(secret)) {
      secret = crypto.randomBytes(24).toString('base64url')
      this.cookies[names.csrf] = secret;
      (this as FastifyRequest & { newCsrfSecret?: string }).newCsrfSecret = secret
    }
    (this as FastifyRequest & { csrfUsed?: boolean }).csrfUsed = true
    return sign(this, secret)
  })

  app.addHook('onSend', async (request, reply) => {
    const fresh = (request as FastifyRequest & { newCsrfSecret?: string }).newCsrfSecret
    if (fresh) {
      reply.setCookie(names.csrf, fresh, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies })
    }
    app.securityHeaders(request, reply)
  })

  app.addHook('preValidation', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config?.csrf === false) return
    const secret = request.cookies[names.csrf]
    const body = request.body as Record<string, unknown> | undefined
    const header = request.headers['x-csrf-token']
    let sent = typeof body?.['_csrf'] === 'string' ? body['_csrf'] : header
    // A multipart form is streamed by its handler; its first field is the token (never the address, where
    // history and logs would keep it). That field is read here and the rest is left for `readUploads`.
    if (sent === undefined && request.isMultipart()) sent = await firstFieldToken(request)
    if (!secret || typeof sent !== 'string' || !safeEqual(sent, sign(request, secret))) {
      throw new AppError('CSRF', 'CSRF token missing or invalid')
    }
  })
}

/** The parts of a multipart body still to read after its token; `readUploads` continues from here. */
export const REST_OF_PARTS = Symbol('restOfParts')
type WithRest = FastifyRequest & { [REST_OF_PARTS]?: AsyncIterator<unknown> }

async function firstFieldToken (request: FastifyRequest): Promise<string | undefined> {
  const parts = request.parts()[Symbol.asyncIterator]()
  ;(request as WithRest)[REST_OF_PARTS] = parts
  try {
    const first = await parts.next()
    const part = first.value as { type?: string, fieldname?: string, value?: unknown } | undefined
    return !first.done && part?.type === 'field' && part.fieldname === '_csrf' && typeof part.value === 'string' ? part.value : undefined
  } catch { return undefined }
}

function safeEqual (a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb)
}

/** Paths whose every answer belongs to one person: the personal pages, the back office, a draft. */
const PERSONAL = /^\/(ca-nhan|can-bo|nop-ho-so)(\/|\?|$)/

/**
 * The headers every response carries. A route's own Content-Security-Policy (the sandbox on downloaded
 * files) and Cache-Control are kept. What belongs to one person — a signed-in visitor's page, a page
 * holding a form token, anything under the personal paths — is `private, no-store`: no shared cache
 * keeps it and the browser does not write it to disk.
 */
function securityHeaders (request: FastifyRequest, reply: FastifyReply, https: boolean): void {
  reply.header('x-request-id', request.id)
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP)
  reply.header('x-content-type-options', 'nosniff')
  reply.header('x-frame-options', 'DENY')
  reply.header('referrer-policy', 'same-origin')
  reply.header('cross-origin-opener-policy', 'same-origin')
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()')
  if (https) reply.header('strict-transport-security', 'max-age=31536000')
  const r = request as FastifyRequest & { csrfUsed?: boolean, official?: unknown }
  if (!reply.hasHeader('cache-control') && (r.account || r.official || r.csrfUsed || PERSONAL.test(request.url))) reply.header('cache-control', 'private, no-store')
}

/** A new CSRF secret with a new session: the tokens of the visit before do not carry over. */
export function rotateCsrf (reply: FastifyReply): void {
  reply.clearCookie(reply.server.cookieNames.csrf, { path: '/' })
}
