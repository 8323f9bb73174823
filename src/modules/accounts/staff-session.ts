import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../platform/http/errors.js'
import type { OfficialsService, SignedInOfficial } from './officials.service.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in official, on the back office's routes (see registerStaffSession). */
    official?: SignedInOfficial
  }
}

/** A preHandler guard for the back office; with the reply, a GET that must wait is redirected instead. */
export type RequireOfficial = (request: FastifyRequest, reply?: FastifyReply) => Promise<unknown>

/**
 * Resolves the official's session cookie on every route of the scope it is registered in (the back
 * office), and returns the guard its routes use. An official whose password someone else set may do
 * nothing but change it: GETs are sent to the password form, other requests refused.
 */
export function registerStaffSession (app: FastifyInstance, officials: Pick<OfficialsService, 'sessionOfficial'>): RequireOfficial {
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[app.cookieNames.staff]
    if (token && /^[A-Za-z0-9_-]{40,60}$/.test(token)) request.official = await officials.sessionOfficial(token)
  })
  return async (request, reply) => {
    if (!request.official) throw new AppError('UNAUTHENTICATED')
    if (request.official.mustChangePassword && !request.url.startsWith('/can-bo/mat-khau')) {
      if (request.method === 'GET' && reply) return reply.redirect('/can-bo/mat-khau?bat-buoc=1', 303)
      throw new AppError('FORBIDDEN', 'the password must be changed first')
    }
  }
}
