import type { Executor } from '../../platform/db/db.js'

import type { SiteProfile } from '../../platform/html/context.js'

export type { SiteProfile }

const COLUMNS = ['portalName', 'provinceName', 'provinceCode', 'operatorName', 'hotline', 'email', 'address'] as const

export function createSiteRepository () {
  return {
    async findProfile (db: Executor): Promise<SiteProfile | undefined> {
      return db.selectFrom('siteProfile').select(COLUMNS).executeTakeFirst()
    },

    async upsertProfile (db: Executor, profile: SiteProfile): Promise<void> {
      await db.insertInto('siteProfile').values({ id: true, ...profile })
        .onConflict(oc => oc.column('id').doUpdateSet({ ...profile, updatedAt: new Date() }))
        .execute()
    }
  }
}

export type SiteRepository = ReturnType<typeof createSiteRepository>
