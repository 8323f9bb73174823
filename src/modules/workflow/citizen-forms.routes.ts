import type { FastifyInstance } from 'fastify'
import { AppError } from '../../platform/http/errors.js'
import { requireCitizen } from '../accounts/session.js'
import { isIssuedForm } from '../dossiers/issued-forms.js'
import type { WorkflowService } from './workflow.service.js'

/**
 * The citizen's copies of forms 01–05 of their own dossier. The back office prints them, so they are
 * served from here (the dossiers module never imports the back office); the app registers the route.
 */
export async function citizenFormRoutes (app: FastifyInstance, { workflow }: { workflow: Pick<WorkflowService, 'formPdf'> }) {
  app.get('/ca-nhan/ho-so/:code/mau-:form.pdf', { preHandler: requireCitizen }, async (request, reply) => {
    const { code, form } = request.params as { code: string, form: string }
    if (!isIssuedForm(form)) throw new AppError('NOT_FOUND', 'no such form')
    const pdf = await workflow.formPdf({ accountId: request.account!.id }, code, form)
    return reply.type('application/pdf').header('content-disposition', `inline; filename="mau-${form}-${code}.pdf"`).header('cache-control', 'private, no-store').send(pdf)
  })
}
