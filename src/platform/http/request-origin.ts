import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * The demo profile without PUBLIC_URL: links the portal writes (e-mails, the QR code, the payment return
 * address) use the address the visitor opened (`http://127.0.0.1:3000` or a LAN address), so that a
 * tester is still signed in where a link leads. Outside the demo PUBLIC_URL is required and this is off.
 */
const origins = new AsyncLocalStorage<string>()
const RESOURCE = Symbol('requestOrigin')
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** The origin of the request being answered, when the demo derives links from it. */
export const requestOrigin = (): string | undefined => origins.getStore()

export function registerRequestOrigin (app: FastifyInstance): void {
  // The same technique as @fastify/request-context: the store is entered in onRequest, and the body's
  // events (which run in another async context) are brought back into it before validation.
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host ?? ''
    const origin = HOST.test(host) ? `${request.protocol}://${host}` : undefined
    if (!origin) { done(); return }
    origins.run(origin, () => {
      const resource = new AsyncResource('request-origin');
      (request as FastifyRequest & { [RESOURCE]?: AsyncResource })[RESOURCE] = resource
      resource.runInAsyncScope(done, request.raw)
    })
  })
  app.addHook('preValidation', (request, _reply, done) => {
    const resource = (request as FastifyRequest & { [RESOURCE]?: AsyncResource })[RESOURCE]
    if (resource) resource.runInAsyncScope(done, request.raw)
    else done()
  })
}
