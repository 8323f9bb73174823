import type { JobQueue } from '../../platform/jobs/queue.js'
import { createFeedbackContext, type FeedbackDeps } from './context.js'
import { citizenUseCases } from './use-cases/citizen.js'
import { handlingUseCases } from './use-cases/handling.js'
import { readingUseCases } from './use-cases/reading.js'
import { oversightUseCases } from './use-cases/oversight.js'

/**
 * Feedback and petitions (phản ánh, kiến nghị): citizens send them, the responsible agency answers within
 * its limit of working days, a leader approves, the answer is published. Use cases in use-cases/.
 */
export function createFeedbackService (deps: FeedbackDeps & { jobs: Pick<JobQueue, 'registerPeriodic'> }) {
  const ctx = createFeedbackContext(deps)
  const service = {
    ...citizenUseCases(ctx),
    ...handlingUseCases(ctx),
    ...readingUseCases(ctx),
    ...oversightUseCases(ctx),
    answerDays: deps.answerDays
  }
  // Twice a working day is enough for a limit counted in days; each official gets one message a day.
  deps.jobs.registerPeriodic('feedback.reminders', 4 * 3600_000, async (_job, { log }) => {
    const n = await service.remind()
    if (n > 0) log.info({ officials: n }, 'feedback reminders sent')
    // Codes for feedback without an account are kept a day (the daily share counts them), then go.
    await deps.db.kysely.deleteFrom('feedbackPending').where('createdAt', '<', new Date(ctx.now().getTime() - 2 * 86_400_000)).execute()
  })
  return service
}

export type FeedbackService = ReturnType<typeof createFeedbackService>
