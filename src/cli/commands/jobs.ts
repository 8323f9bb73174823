import { createWorker } from '../../platform/jobs/worker.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: 'jobs status | jobs retry-failed | jobs run',
  summary: 'Inspect the background-job queue, re-queue failed jobs, or run the due jobs once.',
  async run (services, args, out) {
    const [sub] = args
    if (sub === 'status') {
      const counts = await services.jobs.counts()
      for (const state of ['pending', 'running', 'done', 'failed']) out(`${state}: ${counts[state] ?? 0}`)
      return
    }
    if (sub === 'retry-failed') {
      out(`re-queued ${await services.jobs.retryFailed()} failed job(s)`)
      return
    }
    if (sub === 'run') {
      const worker = createWorker(services.jobs, { concurrency: services.config.JOB_CONCURRENCY, pollMs: 0, log: services.log })
      out(`ran ${await worker.drain()} job(s)`)
      return
    }
    throw new AppError('BAD_REQUEST', `usage: ${jobsCommand.usage}`)
  }
}
