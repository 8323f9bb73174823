import type { FastifyInstance } from 'fastify'
import type { CatalogService } from './catalog.service.js'
import type { GovernmentLevel, OnlineLevel, ProcedureFilters } from './catalog.types.js'
import { LEVEL_LABELS, ONLINE_LEVEL_LABELS } from './catalog.types.js'
import { ProcedureListPage } from './views/ProcedureListPage.js'
import { ProcedurePage } from './views/ProcedurePage.js'
import { TemplatePage } from './views/TemplatePage.js'
import { templateDoc } from './import/form-templates.js'
import { AppError } from '../../platform/http/errors.js'
import { pageNumber } from '../../platform/http/page-number.js'

export const PAGE_SIZE = 20

type ListQuery = Partial<Record<'q' | 'linh-vuc' | 'co-quan' | 'cap' | 'muc-do' | 'trang', string>>

/** Page filters are read leniently: an unknown value is ignored rather than refused. */
export function filtersFromQuery (query: ListQuery): ProcedureFilters {
  const one = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : undefined)
  const level = one(query.cap)
  const online = one(query['muc-do'])
  return {
    q: one(query.q),
    sector: one(query['linh-vuc']),
    agency: one(query['co-quan']),
    level: level && level in LEVEL_LABELS ? level as GovernmentLevel : undefined,
    onlineLevel: online && online in ONLINE_LEVEL_LABELS ? online as OnlineLevel : undefined,
    page: pageNumber(query.trang, 10_000),
    pageSize: PAGE_SIZE
  }
}

function queryString (f: ProcedureFilters, page: number): string {
  const params = new URLSearchParams()
  if (f.q) params.set('q', f.q)
  if (f.sector) params.set('linh-vuc', f.sector)
  if (f.agency) params.set('co-quan', f.agency)
  if (f.level) params.set('cap', f.level)
  if (f.onlineLevel) params.set('muc-do', f.onlineLevel)
  if (page > 1) params.set('trang', String(page))
  const s = params.toString()
  return `/thu-tuc${s ? `?${s}` : ''}`
}

export async function catalogPages (app: FastifyInstance, { services }: { services: { catalog: CatalogService } }) {
  // Catalog pages are the same for every visitor: served from memory, keyed by the catalog revision.
  app.get('/thu-tuc', async (request, reply) => {
    const filters = filtersFromQuery(request.query as ListQuery)
    if (filters.q && filters.page === 1) services.catalog.search.searched(filters.q, (await services.catalog.listProcedures(filters)).total > 0)
    return reply.sharedPage(`catalog:${await services.catalog.revision()}:${queryString(filters, filters.page)}`, async () => {
      const [result, sectors, agencies] = await Promise.all([
        services.catalog.listProcedures(filters), services.catalog.listSectors(), services.catalog.listAgencies()
      ])
      return {
        body: <ProcedureListPage filters={filters} items={result.items} total={result.total}
          sectors={sectors.map(s => ({ value: s.code, label: `${s.name} (${s.procedureCount})` }))}
          agencies={agencies.filter(a => a.procedureCount > 0).map(a => ({ value: a.code, label: `${a.name} (${a.procedureCount})` }))}
          queryFor={page => queryString(filters, page)} corrected={result.corrected} closest={result.closest} />,
        options: { title: filters.q ? `Tìm "${filters.q}"` : 'Thủ tục hành chính' }
      }
    })
  })

  // Suggestions as you type (src/client/suggest.ts): procedure names for the first three characters on.
  app.get('/thu-tuc/goi-y', async (request, reply) => {
    const q = (request.query as { q?: unknown }).q
    const text = typeof q === 'string' ? q.trim().slice(0, 100) : ''
    const items = text.length < 3 ? [] : (await services.catalog.listProcedures({ q: text, page: 1, pageSize: 8 }, { prefixLast: true })).items
    return reply.header('cache-control', 'public, max-age=300').send(items.map(i => ({ code: i.code, name: i.name, href: `/thu-tuc/${encodeURIComponent(i.code)}?tim=${encodeURIComponent(text)}` })))
  })

  app.get('/thu-tuc/:code', async (request, reply) => {
    const { code } = request.params as { code: string }
    const from = (request.query as { tim?: unknown }).tim
    if (typeof from === 'string' && from) services.catalog.search.opened(from.slice(0, 200))
    return reply.sharedPage(`procedure:${await services.catalog.revision()}:${code}`, async () => {
      const procedure = await services.catalog.getProcedure(code)
      return { body: <ProcedurePage p={procedure} />, options: { title: procedure.name } }
    })
  })

  // Form templates from the decision: a printable page, and a file Word opens to fill in.
  const templateOf = async (params: unknown) => {
    const { code, n } = params as { code: string, n: string }
    const p = await services.catalog.getProcedure(code)
    const t = p.templates?.[Number.parseInt(n, 10) - 1]
    if (!t || !/^\d+$/.test(n)) throw new AppError('NOT_FOUND', `no template ${n} of ${code}`)
    return { p, t }
  }
  app.get('/thu-tuc/:code/mau/:n', async (request, reply) => {
    const { p, t } = await templateOf(request.params)
    return reply.page(<TemplatePage p={p} t={t} n={(request.params as { n: string }).n} />, { title: t.title })
  })
  app.get('/thu-tuc/:code/mau/:n/tai-ve', async (request, reply) => {
    const { p, t } = await templateOf(request.params)
    const name = `mau-${p.code}-${(request.params as { n: string }).n}.doc`
    return reply.type('application/msword').header('content-disposition', `attachment; filename="${name}"`).send(templateDoc(t))
  })
}
