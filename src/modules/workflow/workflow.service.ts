import { createWorkflowContext, type WorkflowDeps } from './context.js'
import { receptionUseCases } from './use-cases/reception.js'
import { counterUseCases } from './use-cases/counter.js'
import { processingUseCases } from './use-cases/processing.js'
import { validityUseCases } from './use-cases/validity.js'
import { consultationUseCases } from './use-cases/consultation.js'
import { feeUseCases } from './use-cases/fees.js'
import { resultUseCases } from './use-cases/results.js'
import { registerUseCases } from './use-cases/registers.js'
import { queueUseCases } from './use-cases/queues.js'
import { escalationUseCases } from './use-cases/escalation.js'
import { assignmentUseCases } from './use-cases/assignment.js'

/** The periodic job that tells the heads of steps about to run out (use-cases/escalation.ts). */
export const ESCALATION_JOB = 'workflow.step-escalation'

/**
 * The one-stop back office: reception, counter intake, the steps of processing, consultations, fees,
 * the result and the printed forms and registers. Each group of use cases lives in its own file under
 * use-cases/; they share the context. Every view and every act of an official is audited.
 */
export function createWorkflowService (deps: WorkflowDeps) {
  const ctx = createWorkflowContext(deps)
  const { dossiers, catalog, calendar, settings, wording, tasks } = ctx
  const service = {
    /** Per-procedure time limits and processes (catalog administrators). */
    settings,
    /** The wording of the forms (system administrators). */
    wording,
    ...receptionUseCases(ctx),
    ...counterUseCases(ctx),
    ...processingUseCases(ctx),
    ...consultationUseCases(ctx),
    ...feeUseCases(ctx),
    ...resultUseCases(ctx),
    ...registerUseCases(ctx),
    ...queueUseCases(ctx),
    ...escalationUseCases(ctx),
    ...assignmentUseCases(ctx),
    ...validityUseCases(ctx)
  }

  /**
   * An unanswered supplement request whose time ran out closes the dossier (status 8) with a notice to
   * the applicant (domain §3). Runs every 15 minutes; each dossier moves once (the state machine refuses a second time).
   */
  deps.jobs.registerPeriodic('workflow.supplement-expiry', 15 * 60_000, async (_job, { log }) => {
    const n = await service.expireSupplements()
    if (n > 0) log.info({ closed: n }, 'closed dossiers whose supplement time ran out')
  })

  /** A step with a working day or less left, or late, is told once to the head above (every 15 minutes). */
  deps.jobs.registerPeriodic(ESCALATION_JOB, 15 * 60_000, async (_job, { log }) => {
    const n = await service.escalateDueSteps()
    if (n > 0) log.info({ steps: n }, 'told the heads of steps about to run out')
  })

  // When the applicant answers a supplement requested during processing, the due date is computed
  // again from the receipt with every wait as a pause (domain §4: the clock stops while waiting).
  // Runs in the answering transaction: the settings (pause or restart), and the catalog and calendar
  // when their memory is old, are read through it (Db.reader).
  dossiers.onResume(async (trx, d, pauses) => {
    const version = await catalog.getVersion(d.procedureVersionId)
    const p = await catalog.getProcedure(version.code)
    const t = p.processingTime
    if (t.value === null || t.unit === null || !d.receivedAt) return undefined
    const pauseMode = (await settings.get(version.code, trx)).afterSupplement
    return (await calendar.computeDue(d.receivedAt, { value: t.value, unit: t.unit }, { pauses, pauseMode }, d.agencyCode ?? undefined)).due
  })

  // A dossier withdrawn by the applicant or stopped leaves no step open in anyone's queue.
  dossiers.onClose(async (trx, d, to, actor) => {
    await tasks.closeOpen(trx, d.id, to === 7 ? 'withdrawn' : 'stopped', { id: actor.id ?? null, name: actor.name, official: actor.type === 'official' })
  })

  return service
}

export type WorkflowService = ReturnType<typeof createWorkflowService>
