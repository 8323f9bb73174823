import type { FastifyRequest } from 'fastify'
import { AppError } from '../../platform/http/errors.js'
import type { OfficialsService } from '../accounts/officials.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { ProcedureDetail } from '../catalog/catalog.types.js'

/**
 * The procedure named by the route's `:code`, when the signed-in official is a catalog administrator of
 * an agency that receives or processes it; FORBIDDEN otherwise (the settings and content pages).
 */
export async function editableProcedure (deps: { officials: OfficialsService, catalog: CatalogService }, request: FastifyRequest): Promise<ProcedureDetail> {
  const scope = await deps.officials.scope(request.official!, ['catalog_admin'])
  if (scope.length === 0) throw new AppError('FORBIDDEN', 'catalog administrators only')
  const p = await deps.catalog.getProcedure((request.params as { code: string }).code)
  if (![...p.agencies.receiving, ...p.agencies.processing].some(a => scope.includes(a.code))) throw new AppError('FORBIDDEN', 'procedure outside the administrator\'s agencies')
  return p
}
