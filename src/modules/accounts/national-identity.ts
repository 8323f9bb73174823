import * as oidc from 'openid-client'
import type { Config } from '../../config.js'
import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { AuditService } from '../audit/audit.service.js'
import type { AccountsService } from './accounts.service.js'
import { checkCitizenId } from './identity.js'
import { hashSecret, newSecret, NO_PASSWORD } from './passwords.js'

const MERGE_MINUTES = 15
/** The password hash of an account that signs in only through the national e-identity: it matches no password. */

/** What the browser keeps between leaving for the provider and coming back (an HttpOnly cookie). */
interface Pending { state: string, nonce: string, verifier: string }

export type IdentityOutcome =
  | { kind: 'signed-in', token: string }
  | { kind: 'merge', ref: string, fullName: string }

/** 'eid-2' for a level-2 e-identity: the last digit of the level claim (VNeID levels 1 and 2). */
export function assuranceOf (value: unknown): string {
  const digit = /(\d)\D*$/.exec(String(value ?? ''))?.[1]
  return digit ? `eid-${digit}` : 'eid-1'
}

/**
 * Sign-in with the national e-identity through standard OpenID Connect (authorization code + PKCE,
 * state and nonce). The account is found by the provider's subject, else by the ID number in the
 * claims: a new one is created on first sign-in; a local account registered earlier with the same ID
 * number is merged into the proven identity once the person confirms (its password stops working,
 * its sessions end), so nobody keeps an ID number they do not own.
 */
export function createNationalIdentity (deps: { config: Config, db: Db, audit: AuditService, accounts: AccountsService }) {
  const { config, db, audit, accounts } = deps
  const enabled = Boolean(config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET)
  const redirectUri = `${config.PUBLIC_URL}/dang-nhap/vneid/ve`
  let discovered: Promise<oidc.Configuration> | undefined

  function configuration (): Promise<oidc.Configuration> {
    if (!enabled) throw new AppError('NOT_FOUND', 'national identity is not configured')
    const issuer = new URL(config.OIDC_ISSUER!)
    // Plain HTTP only for a provider on this machine (a local test provider); anything else needs HTTPS.
    const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)
    discovered ??= oidc.discovery(issuer, config.OIDC_CLIENT_ID!, config.OIDC_CLIENT_SECRET!, undefined, local ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => { discovered = undefined; throw err })
    return discovered
  }

  return {
    enabled,
    only: enabled && config.OIDC_ONLY,

    /** The provider's authorization URL and the cookie value that must come back with the answer. */
    async start (): Promise<{ url: string, pending: string }> {
      const c = await configuration()
      const pending: Pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() }
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri, scope: 'openid profile', state: pending.state, nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: 'S256'
      })
      return { url: url.href, pending: Buffer.from(JSON.stringify(pending)).toString('base64url') }
    },

    /**
     * The provider's answer: checks state, nonce and PKCE, reads the claims and signs in (creating the
     * account on first sign-in), or asks to confirm a merge. Throws VALIDATION with a message for the page.
     */
    async finish (callbackUrl: URL, pendingCookie: string | undefined, meta: { userAgent?: string | undefined, ip: string }): Promise<IdentityOutcome> {
      const fail = (message: string) => new AppError('VALIDATION', message, [{ field: 'vneid', message }])
      let pending: Pending
      try { pending = JSON.parse(Buffer.from(pendingCookie ?? '', 'base64url').toString()) as Pending } catch { throw fail('Phiên đăng nhập đã hết hạn. Hãy bấm “Đăng nhập bằng VNeID” lại.') }
      if (!pending?.state || !pending.verifier) throw fail('Phiên đăng nhập đã hết hạn. Hãy bấm “Đăng nhập bằng VNeID” lại.')
      const c = await configuration()
      let claims: Record<string, unknown>
      try {
        const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce })
        const idToken = tokens.claims()!
        claims = { ...idToken, ...(await oidc.fetchUserInfo(c, tokens.access_token, idToken.sub)) }
      } catch (err) {
        await db.transaction(trx => audit.record(trx, { actor: { type: 'anonymous' }, action: 'account.national-identity.failed', details: { ip: meta.ip, error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' } }))
        throw fail('Không xác thực được với hệ thống định danh điện tử. Hãy thử lại.')
      }
      const subject = `${config.OIDC_ISSUER}#${String(claims['sub'])}`
      const citizenId = String(claims[config.OIDC_ID_CLAIM] ?? '').replace(/\s/g, '')
      if (checkCitizenId(citizenId) !== null) throw fail('Hệ thống định danh không trả về số định danh cá nhân hợp lệ.')
      const fullName = String(claims['name'] ?? '').trim() || 'Công dân'
      const assurance = assuranceOf(claims[config.OIDC_LEVEL_CLAIM])
      const address = typeof claims['address'] === 'object' && claims['address'] !== null ? String((claims['address'] as { formatted?: unknown }).formatted ?? '') : ''
      const dateOfBirth = /^\d{4}-\d{2}-\d{2}$/.test(String(claims['birthdate'] ?? '')) ? String(claims['birthdate']) : null

      return db.transaction(async (trx): Promise<IdentityOutcome> => {
        const linked = await trx.selectFrom('accounts').select(['id', 'status']).where('oidcSubject', '=', subject).forUpdate().executeTakeFirst()
        if (linked) {
          if (linked.status === 'disabled') throw fail('Tài khoản đã bị khóa. Hãy liên hệ đường dây nóng.')
          await trx.updateTable('accounts').set({ fullName, assurance }).where('id', '=', linked.id).execute()
          return { kind: 'signed-in', token: await accounts.openSession(trx, linked.id, { ...meta, method: 'national-identity' }) }
        }
        const local = await trx.selectFrom('accounts').select(['id']).where('citizenId', '=', citizenId).forUpdate().executeTakeFirst()
        if (local) {
          const ref = newSecret()
          await trx.insertInto('identityMerges').values({ refHash: ref.hash, accountId: local.id, subject, fullName, assurance, expiresAt: new Date(Date.now() + MERGE_MINUTES * 60_000) }).execute()
          return { kind: 'merge', ref: ref.token, fullName }
        }
        const created = await trx.insertInto('accounts').values({
          kind: 'individual', fullName, citizenId, dateOfBirth, address, passwordHash: NO_PASSWORD, status: 'active', assurance, oidcSubject: subject, consentAt: new Date(), confirmedAt: new Date()
        }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor: { type: 'citizen', id: created.id }, action: 'account.national-identity.created', targetType: 'account', targetId: created.id, details: { assurance } })
        return { kind: 'signed-in', token: await accounts.openSession(trx, created.id, { ...meta, method: 'national-identity' }) }
      })
    },

    /**
     * The person confirmed: the local account with their ID number becomes theirs (its dossiers with
     * it); its password stops working and its other sessions end. Throws VALIDATION when the
     * confirmation expired.
     */
    async confirmMerge (ref: string, meta: { userAgent?: string | undefined, ip: string }): Promise<string> {
      return db.transaction(async (trx) => {
        const merge = await trx.selectFrom('identityMerges').selectAll().where('refHash', '=', hashSecret(ref)).where('usedAt', 'is', null)
          .where('expiresAt', '>', new Date()).forUpdate().executeTakeFirst()
        if (!merge) throw new AppError('VALIDATION', 'merge expired', [{ field: 'vneid', message: 'Yêu cầu gộp tài khoản đã hết hạn. Hãy đăng nhập bằng VNeID lại.' }])
        await trx.updateTable('identityMerges').set({ usedAt: new Date() }).where('id', '=', merge.id).execute()
        await trx.updateTable('accounts').set({ oidcSubject: merge.subject, fullName: merge.fullName, assurance: merge.assurance, passwordHash: NO_PASSWORD, status: 'active', confirmedAt: new Date() })
          .where('id', '=', merge.accountId).execute()
        await trx.updateTable('sessions').set({ revokedAt: new Date() }).where('accountId', '=', merge.accountId).where('revokedAt', 'is', null).execute()
        await audit.record(trx, { actor: { type: 'citizen', id: merge.accountId }, action: 'account.national-identity.merged', targetType: 'account', targetId: merge.accountId, details: { assurance: merge.assurance } })
        return accounts.openSession(trx, merge.accountId, { ...meta, method: 'national-identity' })
      })
    }
  }
}

export type NationalIdentity = ReturnType<typeof createNationalIdentity>
