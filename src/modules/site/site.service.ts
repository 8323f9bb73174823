import fs from 'node:fs/promises'
import path from 'node:path'
import Type, { type Static } from 'typebox'
import Value from 'typebox/value'
import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import { SEED_DIR } from '../../platform/paths.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { SiteProfile, SiteRepository } from './site.repository.js'

export const SiteProfileSchema = Type.Object({
  portalName: Type.String({ minLength: 3, maxLength: 200 }),
  provinceName: Type.String({ minLength: 2, maxLength: 100 }),
  provinceCode: Type.String({ pattern: '^[A-Z]\\d{2}$' }),
  operatorName: Type.String({ minLength: 2, maxLength: 200 }),
  hotline: Type.String({ pattern: '^[0-9 .()+-]{6,20}$' }),
  email: Type.Union([Type.String({ format: 'email' }), Type.Null()]),
  address: Type.String({ minLength: 5, maxLength: 300 })
}, { additionalProperties: false })

/** Shown until an administrator sets the site profile (`npm run cli -- site set <file>`). */
const UNCONFIGURED: SiteProfile = {
  portalName: 'Cổng Dịch vụ công',
  provinceName: 'Chưa cấu hình đơn vị',
  provinceCode: 'H00',
  operatorName: 'Chưa cấu hình',
  hotline: '000000',
  email: null,
  address: 'Chưa cấu hình'
}

const CACHE_MS = 10_000

export function createSiteService (deps: { db: Db, repo: SiteRepository, audit: AuditService }) {
  let cached: { profile: SiteProfile, at: number } | undefined

  async function setProfile (actor: Actor, input: unknown): Promise<SiteProfile> {
    if (!Value.Check(SiteProfileSchema, input)) {
      const fields = [...Value.Errors(SiteProfileSchema, input)].map(e => ({ field: e.instancePath.slice(1) || 'profile', message: e.message }))
      throw new AppError('VALIDATION', 'site profile is invalid', fields)
    }
    const profile = input as Static<typeof SiteProfileSchema>
    await deps.db.transaction(async (trx) => {
      await deps.repo.upsertProfile(trx, profile)
      await deps.audit.record(trx, { actor, action: 'site.profile.set', targetType: 'site', targetId: 'profile', details: { ...profile } })
    })
    cached = undefined
    return profile
  }

  return {
    /** The profile for page layouts; cached briefly, so an edit from another process shows within seconds. */
    async profile (): Promise<SiteProfile> {
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.profile
      const profile = (await deps.repo.findProfile(deps.db.reader())) ?? UNCONFIGURED
      cached = { profile, at: Date.now() }
      return profile
    },

    async isConfigured (): Promise<boolean> {
      return (await deps.repo.findProfile(deps.db.kysely)) !== undefined
    },

    /** Throws VALIDATION listing each invalid field. */
    setProfile,

    /** Loads a profile from a JSON file (a path, or a name under seed/), e.g. the demo's `kon-tum`. */
    async loadProfileFile (actor: Actor, file: string): Promise<SiteProfile> {
      const full = file.endsWith('.json') ? path.resolve(file) : path.join(SEED_DIR, file, 'site.json')
      const text = await fs.readFile(full, 'utf8').catch(() => { throw new AppError('NOT_FOUND', `no site profile at ${full}`) })
      let data: unknown
      try { data = JSON.parse(text) } catch { throw new AppError('VALIDATION', `${full} is not valid JSON`) }
      return setProfile(actor, data)
    }
  }
}

export type SiteService = ReturnType<typeof createSiteService>
