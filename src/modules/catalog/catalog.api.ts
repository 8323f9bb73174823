import Type from 'typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CatalogService } from './catalog.service.js'
import { workingDaysOf } from './import/fields.js'
import type { ProcedureSummary } from './catalog.types.js'
import {
  AgencySchema, ProblemSchema, ProcedureDetailSchema, ProcedurePageSchema, ProcedureQuerySchema, SectorSchema, type ProcedureQuery
} from './catalog.schemas.js'

const withWorkingDays = <T extends { processingTime: ProcedureSummary['processingTime'] }>(p: T) =>
  ({ ...p, processingTime: { ...p.processingTime, workingDays: workingDaysOf(p.processingTime) } })

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } }

/** The open-data API of the catalog under /api/v1. */
export async function catalogApi (app: FastifyInstance, { services }: { services: { catalog: CatalogService } }) {
  // The service answers the same filters with the same page object until the catalog changes; its
  // JSON (a third of the route's time, 20 procedures through the schema's serializer) is kept beside it.
  const serialized = new WeakMap<object, ReturnType<FastifyReply['serialize']>>()
  app.get('/procedures', {
    schema: {
      tags: ['catalog'], summary: 'Search and filter procedures', querystring: ProcedureQuerySchema,
      response: { 200: ProcedurePageSchema, 400: problem }
    }
  }, async (request, reply) => {
    const q = request.query as ProcedureQuery
    const filters = { q: q.q, agency: q.agency, sector: q.sector, level: q.level, onlineLevel: q.onlineLevel, page: q.page ?? 1, pageSize: q.pageSize ?? 20 }
    const result = await services.catalog.listProcedures(filters)
    let body = serialized.get(result)
    if (body === undefined) {
      body = reply.serialize({ items: result.items.map(withWorkingDays), total: result.total, page: filters.page, pageSize: filters.pageSize })
      serialized.set(result, body)
    }
    return reply.type('application/json; charset=utf-8').send(body)
  })

  app.get('/procedures/:code', {
    schema: {
      tags: ['catalog'], summary: 'One procedure with every attribute',
      params: Type.Object({ code: Type.String({ maxLength: 60 }) }),
      response: { 200: ProcedureDetailSchema, 404: problem }
    }
  }, async (request) => {
    const p = await services.catalog.getProcedure((request.params as { code: string }).code)
    return withWorkingDays({ ...p, agency: p.agencies.processing[0] ?? null })
  })

  app.get('/sectors', { schema: { tags: ['catalog'], summary: 'Sectors with their procedure counts', response: { 200: Type.Array(SectorSchema) } } },
    async () => services.catalog.listSectors())

  app.get('/agencies', { schema: { tags: ['catalog'], summary: 'Agencies (a tree by parentCode) with their procedure counts', response: { 200: Type.Array(AgencySchema) } } },
    async () => services.catalog.listAgencies())
}
