import type { Server } from 'node:http'
import { after, before } from 'node:test'
import Provider from 'oidc-provider'
import { freePort } from './net.js'

/** A person known to the test identity provider, by the login typed on its sign-in page. */
export interface TestIdentity { name: string, citizen_id: string, birthdate?: string, loa: string }

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, the stand-in for VNeID at
 * the process edge: authorization code with PKCE required, its development sign-in and consent pages,
 * claims `name`, `birthdate`, `citizen_id` and the assurance level `loa` in the `profile` scope.
 * Call before useTestApp; `appUrl` is where the app must listen (its redirect URI is registered).
 */
export function useOidcProvider (identities: Record<string, TestIdentity>): { issuer: string, appUrl: string, appPort: number, clientId: string, clientSecret: string } {
  const ctx = { issuer: '', appUrl: '', appPort: 0, clientId: 'mot-cua', clientSecret: 'mot-cua-secret-for-tests-only' }
  let server: Server
  before(async () => {
    const port = await freePort()
    ctx.appPort = await freePort()
    ctx.issuer = `http://127.0.0.1:${port}`
    ctx.appUrl = `http://127.0.0.1:${ctx.appPort}`
    const provider = new Provider(ctx.issuer, {
      clients: [{
        client_id: ctx.clientId, client_secret: ctx.clientSecret, redirect_uris: [`${ctx.appUrl}/dang-nhap/vneid/ve`],
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic'
      }],
      pkce: { required: () => true },
      claims: { openid: ['sub'], profile: ['name', 'birthdate', 'citizen_id', 'loa'] },
      cookies: { keys: ['test-only-cookie-key-0123456789abcdef'] },
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx, sub) => identities[sub] ? { accountId: sub, claims: () => ({ sub, ...identities[sub] }) } : undefined
    })
    await new Promise<void>(resolve => { server = provider.listen(port, '127.0.0.1', resolve) as Server })
  })
  after(async () => { await new Promise<void>(resolve => server.close(() => resolve())) })
  return ctx
}
