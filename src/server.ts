import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { prepareDemo } from './demo.js'
import { runMain } from './main.js'
import { migrate } from './platform/db/migrate.js'
import { createWorker } from './platform/jobs/worker.js'
import { buildServices } from './services.js'

runMain('server', async (config) => {
  const services = await buildServices(config)
  const { log } = services
  try {
    await migrate(services.db, { log: (m) => log.info(m) })
  } catch (err) {
    await services.close()
    throw err
  }
  const demoLines = config.DEMO ? await prepareDemo(services) : []
  if (!services.notifications.emailEnabled) log.warn('SMTP_URL is not set: e-mail to citizens and officials will not be sent')
  const app = await buildApp(services)
  const worker = config.WORKER_IN_PROCESS
    ? createWorker(services.jobs, { concurrency: config.JOB_CONCURRENCY, pollMs: config.JOB_POLL_MS, log: log.child({ component: 'worker' }) })
    : undefined

  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    await app.close()
    await worker?.stop()
    await services.close()
  })

  await app.listen({ port: config.PORT, host: config.HOST })
  worker?.start()
  const lines = [
    `Một Cửa đang chạy: ${config.PUBLIC_URL} (cơ sở dữ liệu: ${services.db.engine === 'pglite' ? `PGlite tại ${config.DATA_DIR}` : 'PostgreSQL'})`,
    ...(config.DEMO ? ['Chế độ demo (DEMO=true): hồ sơ Kon Tum.', ...demoLines, `Hộp thư thử nghiệm (thư điện tử, tin nhắn): ${config.PUBLIC_URL}/dev/hop-thu`] : [])
  ]
  process.stdout.write(lines.map(l => `  ${l}\n`).join(''))
})
