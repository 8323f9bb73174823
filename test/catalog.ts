import path from 'node:path'
import { ROOT } from '../src/platform/paths.js'
import { systemActor } from '../src/modules/audit/audit.service.js'
import type { Services } from '../src/services.js'

export const DECISION_FILE = path.join(ROOT, 'seed', 'kon-tum', 'catalog', '213-QD-UBND-2021-giao-thong-van-tai.txt')

/** The demo catalog (agencies, decision 213, the two hand-entered procedures) and Kon Tum's site profile, loaded once per file. */
export async function loadCatalog (services: Services) {
  await services.site.loadProfileFile(systemActor, 'kon-tum')
  return services.catalog.loadDemoCatalog(systemActor)
}

/** Kon Tum's agencies and site profile, without the catalog. */
export async function loadAgencies (services: Services) {
  await services.site.loadProfileFile(systemActor, 'kon-tum')
  return services.catalog.loadAgencies(systemActor, 'seed/kon-tum/agencies.json')
}
