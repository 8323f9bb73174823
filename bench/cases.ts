import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { systemActor } from '../src/modules/audit/audit.service.js'
import type { Services } from '../src/services.js'

/** One HTTP benchmark case: a GET measured beside the bare route serving a page of the same size. */
export interface BenchCase {
  name: string
  path: string
}

export const CATALOG_SIZE = 10_000

export const cases: BenchCase[] = [
  { name: 'home page', path: '/' },
  { name: 'procedure list page', path: '/thu-tuc' },
  { name: 'search page "giay phep lien van"', path: '/thu-tuc?q=giay+phep+lien+van' },
  { name: 'search page "xe" (many hits)', path: '/thu-tuc?q=xe' },
  { name: 'API search "lien van"', path: '/api/v1/procedures?q=lien+van' },
  { name: 'procedure detail page', path: '/thu-tuc/1.002835.000.00.00.H34' },
  { name: 'API procedure detail', path: '/api/v1/procedures/1.002835.000.00.00.H34' },
  { name: 'public statistics page (cached)', path: '/thong-ke' },
  { name: '404 page', path: '/khong-co-trang-nay' },
  { name: 'healthz (JSON)', path: '/healthz' }
]

/**
 * The demo catalog, grown to CATALOG_SIZE procedures by copying the real ones under new codes and
 * numbered names, so search runs against a catalog the size of a large province's.
 */
export async function prepareAll (services: Services): Promise<void> {
  await services.catalog.loadDemoCatalog(systemActor)
  const { items } = await services.catalog.listProcedures({ page: 1, pageSize: 100 })
  const details = await Promise.all(items.map(p => services.catalog.getProcedure(p.code)))
  const procedures = []
  for (let i = 0; procedures.length < CATALOG_SIZE - details.length; i++) {
    const d = details[i % details.length]!
    const { code, sector, onlineLevel, agencies, version, versionId, enteredByHand, needsReview, decision, ...content } = d
    procedures.push({
      code: `BENCH.${String(i).padStart(5, '0')}`,
      sector: sector.name,
      onlineLevel,
      processingAgencies: agencies.processing.map(a => a.code),
      receivingAgencies: agencies.receiving.map(a => a.code),
      content: { ...content, name: `${content.name} (mẫu ${i})` }
    })
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-catalog-')), 'procedures.json')
  fs.writeFileSync(file, JSON.stringify({ note: 'benchmark copies', procedures }))
  await services.catalog.importManual(systemActor, file)
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
}
