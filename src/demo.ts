import type { Services } from './services.js'
import { systemActor } from './modules/audit/audit.service.js'

/**
 * The demo profile (DEMO=true): Kon Tum, as in the source documents. Loads what is missing on an
 * empty database and returns lines to print at start. Nothing here runs without DEMO=true.
 */
export async function prepareDemo (services: Services): Promise<string[]> {
  const lines: string[] = []
  if (!(await services.site.isConfigured())) {
    const profile = await services.site.loadProfileFile(systemActor, 'kon-tum')
    lines.push(`Hồ sơ cổng: ${profile.portalName} – ${profile.provinceName} (nạp từ seed/kon-tum/site.json)`)
  }
  return lines
}
