import closeWithGrace from 'close-with-grace'
import { runMain } from './main.js'
import { migrationStatus } from './platform/db/migrate.js'
import { createWorker } from './platform/jobs/worker.js'
import { buildServices } from './services.js'

/** The background-job worker as its own process (PostgreSQL deployments: run one or more). */
runMain('worker', async (config) => {
  const services = await buildServices(config)
  const status = await migrationStatus(services.db)
  if (status.pending.length > 0) {
    await services.close()
    throw new Error(`migrations pending (${status.pending.join(', ')}): start the server or run "npm run cli -- migrate" first`)
  }
  await services.national.prepare()
  const worker = createWorker(services.jobs, { concurrency: config.JOB_CONCURRENCY, pollMs: config.JOB_POLL_MS, log: services.log.child({ component: 'worker' }) })
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ err }) => {
    if (err) services.log.error({ err }, 'worker stopping after an error')
    await worker.stop()
    await services.close()
  })
  worker.start()
  services.log.info({ worker: worker.id }, 'worker started')
}, { serving: true })
