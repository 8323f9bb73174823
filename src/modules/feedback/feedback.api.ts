import Type from 'typebox'
import type { FastifyInstance } from 'fastify'
import type { FeedbackService } from './feedback.service.js'
import { CATEGORIES } from './model.js'

const Problem = Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()) }, { additionalProperties: true })

/** A published question and answer: no sender data unless they agreed to show their name, personal numbers masked in the text. */
const PublishedSchema = Type.Object({
  code: Type.String(),
  category: Type.Union(Object.keys(CATEGORIES).map(c => Type.Literal(c))),
  title: Type.String(),
  text: Type.String(),
  sender: Type.Optional(Type.String({ description: 'Only when the sender chose to show their name.' })),
  agency: Type.Object({ code: Type.String(), name: Type.String() }),
  procedure: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  submittedAt: Type.String({ format: 'date-time' }),
  answeredAt: Type.String({ format: 'date-time' }),
  answer: Type.String(),
  onTime: Type.Boolean({ description: 'Answered within the time limit.' })
})

/** The public questions and answers as open data under /api/v1. */
export async function feedbackApi (app: FastifyInstance, { feedback }: { feedback: Pick<FeedbackService, 'published' | 'publishedOne'> }) {
  app.get('/feedback', {
    schema: {
      tags: ['feedback'], summary: 'Published feedback and petitions with their answers: with `q`, ranked by the catalog\'s search (synonyms, abbreviations, typos); without, newest answer first',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find, as people type them (diacritics optional, typos corrected)' })),
        agency: Type.Optional(Type.String({ maxLength: 40 })),
        procedure: Type.Optional(Type.String({ maxLength: 60 })),
        page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 }))
      }),
      response: { 200: Type.Object({ items: Type.Array(PublishedSchema), total: Type.Integer(), page: Type.Integer(), pages: Type.Integer(), corrected: Type.Optional(Type.String({ description: 'The query as corrected, when the results came from correcting a typo' })) }) }
    }
  }, async (request) => {
    const q = request.query as { q?: string, agency?: string, procedure?: string, page?: number }
    return feedback.published({ q: q.q, agency: q.agency, procedure: q.procedure, page: q.page ?? 1 })
  })

  app.get('/feedback/:code', {
    schema: {
      tags: ['feedback'], summary: 'One published feedback with its answer',
      params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
      response: { 200: PublishedSchema, 404: { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: Problem } } } }
    }
  }, async (request) => feedback.publishedOne((request.params as { code: string }).code))
}
