import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import { AppError } from '../../platform/http/errors.js'
import { isIssuedForm } from '../dossiers/issued-forms.js'

/** The citizen's copies of forms 01–05 of their own dossier. */
export async function citizenFormRoutes (app: FastifyInstance, { services, requireCitizen }: { services: Services, requireCitizen: (request: FastifyRequest) => Promise<void> }) {
  app.get('/ca-nhan/ho-so/:code/mau-:form.pdf', { preHandler: requireCitizen }, async (request, reply) => {
    const { code, form } = request.params as { code: string, form: string }
    if (!isIssuedForm(form)) throw new AppError('NOT_FOUND', 'no such form')
    const pdf = await services.workflow.formPdf({ accountId: request.account!.id }, code, form)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="mau-${form}-${code}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
}
