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
  if (await services.catalog.isEmpty()) {
    const started = Date.now()
    const summary = await services.catalog.loadDemoCatalog(systemActor)
    const total = summary.sectors.reduce((n, s) => n + s.count, 0)
    lines.push(`Danh mục thủ tục: ${total} thủ tục từ Quyết định ${summary.decision.number} (${summary.sectors.map(s => `${s.name} ${s.count}`).join(', ')}) và 2 thủ tục nhập tay, trong ${Date.now() - started} ms`)
  }
  return lines
}
