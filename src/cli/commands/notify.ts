import { createWorker } from '../../platform/jobs/worker.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

export const notifyCommand: CliCommand = {
  name: 'notify',
  usage: 'notify test-email <address>',
  summary: 'Send a test e-mail through the queue and the configured SMTP server (or the demo outbox).',
  async run (services, args, out) {
    const [sub, to] = args
    if (sub !== 'test-email' || !to) throw new AppError('BAD_REQUEST', `usage: ${notifyCommand.usage}`)
    const id = await services.notifications.sendTest(to)
    await createWorker(services.jobs, { concurrency: 1, pollMs: 0, log: services.log }).drain()
    const message = await services.notifications.message(id)
    out(`message ${id}: ${message?.state}${message?.error ? ` (${message.error})` : ''}`)
    if (message?.state !== 'sent' && message?.state !== 'captured') throw new AppError('UPSTREAM_UNAVAILABLE', `the test e-mail was not delivered: ${message?.error ?? 'unknown error'}`)
  }
}
