import type { NationalSyncDeps } from './sync.js'
import { createNationalSync } from './sync.js'
import { createNationalPull } from './pull.js'
import type { DossiersService } from '../dossiers/dossiers.service.js'
import type { FilesService } from '../files/files.service.js'

/**
 * The connection with the National Public Service Portal (issue 20): the dossier sync (sync.ts) and the
 * dossiers submitted there, pulled in (pull.ts). Both are off without `DVCQG_URL`.
 */
export function createNationalService (deps: NationalSyncDeps & { dossiers: Pick<DossiersService, 'enterFromNational' | 'nationalSlots'>, files: FilesService }) {
  const sync = createNationalSync(deps)
  const pull = createNationalPull(deps)
  return { ...sync, pull: pull.pull, inbox: pull.inbox, dismiss: pull.dismiss }
}

export type NationalService = ReturnType<typeof createNationalService>
