import type { NationalSyncDeps } from './sync.js'
import { createNationalSync } from './sync.js'
import { createNationalPull } from './pull.js'
import type { DossiersService } from '../dossiers/dossiers.service.js'
import type { FilesService } from '../files/files.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { createCatalogFeed } from './catalog-feed.js'

/** The periodic job that reads the national procedure database's feed. */
export const CATALOG_JOB = 'national.catalog'

/**
 * The connection with the National Public Service Portal (issue 20): the dossier sync (sync.ts) and the
 * dossiers submitted there, pulled in (pull.ts), and the national procedure database's feed
 * (catalog-feed.ts). All are off without `DVCQG_URL`.
 */
export function createNationalService (deps: NationalSyncDeps & { dossiers: Pick<DossiersService, 'enterFromNational' | 'nationalSlots'>, files: FilesService, catalog: CatalogService }) {
  const sync = createNationalSync(deps)
  const pull = createNationalPull(deps)
  const feed = createCatalogFeed(deps)
  if (sync.enabled) {
    deps.jobs.registerPeriodic(CATALOG_JOB, 10 * 60_000, async (_job, { log }) => {
      const r = await feed.pullCatalog()
      if (r.read > 0) log.info(r, 'national catalog feed')
    })
  }
  return { ...sync, pull: pull.pull, inbox: pull.inbox, dismiss: pull.dismiss, ...feed }
}

export type NationalService = ReturnType<typeof createNationalService>
