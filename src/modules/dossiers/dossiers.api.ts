import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { DossiersService } from './dossiers.service.js'
import { AppError } from '../../platform/http/errors.js'

const Step = Type.Object({ at: Type.String({ format: 'date-time' }), label: Type.String(), status: Type.String(), unit: Type.Union([Type.String(), Type.Null()]) })
const Status = Type.Object({
  code: Type.String({ description: 'Dossier code {agency}-{YYMMDD}-{NNNN}' }),
  status: Type.Integer({ minimum: 1, maximum: 10, description: 'National status code (1 waiting for reception … 10 result returned)' }),
  statusLabel: Type.String(),
  procedure: Type.Object({ code: Type.String(), name: Type.String() }),
  agency: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  submittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  receivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  returnedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  steps: Type.Array(Step)
})

const iso = (t: Date | null) => (t ? t.toISOString() : null)

/** The public status of a dossier as JSON: the same data as the lookup page without personal data. */
export async function dossiersApi (app: FastifyInstance, { services }: { services: { dossiers: DossiersService } }) {
  app.get('/dossiers/:code/status', {
    schema: {
      tags: ['dossiers'],
      summary: 'Public status of a dossier by its code (no personal data)',
      description: 'Each address may look up a few dossiers without proof; past that (429) the applicant\'s ID number or phone is needed in `proof`.',
      params: Type.Object({ code: Type.String({ maxLength: 60 }) }),
      querystring: Type.Object({ proof: Type.Optional(Type.String({ maxLength: 40, description: 'The applicant\'s ID number (or passport, tax code) or phone' })) }),
      response: { 200: Status }
    }
  }, async (request, reply) => {
    const { code } = request.params as { code: string }
    const r = await services.dossiers.lookup(code, (request.query as { proof?: string }).proof, request.ip)
    if (!r) throw new AppError('NOT_FOUND', `no dossier ${code}`)
    return reply.header('cache-control', 'no-store').send({
      code: r.code, status: r.status, statusLabel: r.statusLabel, procedure: r.procedure, agency: r.agency,
      submittedAt: iso(r.submittedAt), receivedAt: iso(r.receivedAt), dueAt: iso(r.dueAt), finishedAt: iso(r.finishedAt), returnedAt: iso(r.returnedAt),
      steps: r.steps.map(s => ({ at: s.at.toISOString(), label: s.label, status: s.status, unit: s.unit }))
    })
  })
}
