import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { StatisticsService } from './statistics.service.js'

const Figures = {
  received: Type.Object({ total: Type.Integer(), online: Type.Integer(), directOrPostal: Type.Integer(), carriedOver: Type.Integer({ description: 'Received before the period, not resolved at its start' }) }),
  resolved: Type.Object({ total: Type.Integer(), early: Type.Integer(), onTime: Type.Integer(), late: Type.Integer() }),
  inProgress: Type.Object({ total: Type.Integer(), withinDue: Type.Integer(), overdue: Type.Integer() })
}
const Row = Type.Object({ key: Type.String({ description: 'Sector id or agency code' }), label: Type.String(), ...Figures })
const Form06 = Type.Object({
  from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), asOf: Type.String({ format: 'date-time' }),
  by: Type.Union([Type.Literal('sector'), Type.Literal('agency')]),
  rows: Type.Array(Row),
  total: Type.Object(Figures)
})

/**
 * `GET /api/v1/statistics/form-06`: Biểu 06 as JSON, the same figures as the page (docs/decisions/0012),
 * and `GET /api/v1/statistics/feedback`: the feedback figures as their page has them (issue 24), for a
 * signed-in leader over their agencies (the back-office session); errors as problem+json.
 */
export async function statisticsApi (app: FastifyInstance, { statistics, requireOfficial }: { statistics: StatisticsService, requireOfficial: RequireOfficial }) {
  app.get('/statistics/form-06', {
    preHandler: requireOfficial,
    schema: {
      tags: ['statistics'],
      summary: 'Biểu số 06/VPCP/KSTT for a period, by sector or by resolving agency (back-office session required)',
      description: 'Received in the period by receipt date, carried over from before; resolved early / on time / late against the due instant; in progress within due or overdue at the end of the period (or now).',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ maxLength: 10, description: 'First day, YYYY-MM-DD (default: the first of this month)' })),
        to: Type.Optional(Type.String({ maxLength: 10, description: 'Last day, included, YYYY-MM-DD (default: today)' })),
        by: Type.Optional(Type.Union([Type.Literal('sector'), Type.Literal('agency')], { description: 'Rows by sector (default) or by the agency resolving the dossiers' }))
      }),
      response: { 200: Form06 }
    }
  }, async (request, reply) => {
    const q = request.query as { from?: string, to?: string, by?: 'sector' | 'agency' }
    const r = await statistics.form06(request.official!, { from: q.from, to: q.to }, q.by ?? 'sector')
    return reply.header('cache-control', 'private, no-store').send({
      from: r.from, to: r.to, asOf: r.asOf.toISOString(), by: r.by,
      rows: r.rows.map(x => ({ key: x.key, label: x.label, ...x.figures })),
      total: r.total
    })
  })

  const Counts = {
    received: Type.Integer({ description: 'Sent in the period (not counting what a leader rejected as advertising)' }),
    answered: Type.Integer({ description: 'Answers a leader approved in the period' }),
    onTime: Type.Integer({ description: 'Of those, approved by the due time' }),
    late: Type.Integer(),
    notCompetent: Type.Integer({ description: 'Closed in the period as not within the province\'s competence' }),
    openOverdue: Type.Integer({ description: 'Still unanswered and past the due time now' }),
    satisfied: Type.Integer({ description: 'Senders satisfied with the answers of the period' }),
    unsatisfied: Type.Integer()
  }
  app.get('/statistics/feedback', {
    preHandler: requireOfficial,
    schema: {
      tags: ['statistics'],
      summary: 'Feedback and petitions per answering agency for a period, the same figures as /can-bo/thong-ke/phan-anh (back-office session required)',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ maxLength: 10, description: 'First day, YYYY-MM-DD (default: the first of this month)' })),
        to: Type.Optional(Type.String({ maxLength: 10, description: 'Last day, included, YYYY-MM-DD (default: today)' }))
      }),
      response: {
        200: Type.Object({
          from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), asOf: Type.String({ format: 'date-time' }),
          rows: Type.Array(Type.Object({ agencyCode: Type.String(), agencyName: Type.String(), ...Counts })),
          total: Type.Object(Counts)
        })
      }
    }
  }, async (request, reply) => {
    const q = request.query as { from?: string, to?: string }
    const r = await statistics.feedback(request.official!, { from: q.from, to: q.to })
    return reply.header('cache-control', 'private, no-store').send({ from: r.from, to: r.to, asOf: r.asOf.toISOString(), rows: r.rows, total: r.total })
  })
}
