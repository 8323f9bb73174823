import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AccountsService, SignedIn } from './accounts.service.js'
import { SESSION_HOURS } from './accounts.service.js'
import { AppError } from '../../platform/http/errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, resolved from the session cookie before the handler runs. */
    account?: SignedIn
    sessionToken?: string
  }
}

/** Resolves the session cookie on every request that carries one (one indexed query), except for static files. */
export function registerSessions (app: FastifyInstance, deps: { accounts: AccountsService, secureCookies: boolean }) {
  app.decorateRequest('account', undefined)
  app.decorateRequest('sessionToken', undefined)
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[app.cookieNames.session]
    if (!token || request.url.startsWith('/assets/') || !/^[A-Za-z0-9_-]{40,60}$/.test(token)) return
    const account = await deps.accounts.sessionAccount(token)
    if (account) {
      request.account = account
      request.sessionToken = token
    }
  })
}

export function setSessionCookie (reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(reply.server.cookieNames.session, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_HOURS * 3600 })
}

export function clearSessionCookie (reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(reply.server.cookieNames.session, { path: '/', httpOnly: true, sameSite: 'lax', secure })
}

/** A preHandler guard: signed-in citizens only; others go to the sign-in page (pages) or get 401 (API). */
export async function requireCitizen (request: import('fastify').FastifyRequest): Promise<void> {
  if (!request.account) throw new AppError('UNAUTHENTICATED')
}
