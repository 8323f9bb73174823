import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { prepareDemo } from './demo.js'
import { historyStarted, playHistory } from './demo-history.js'
import { ESCALATION_JOB } from './modules/workflow/workflow.service.js'
import { runMain } from './main.js'
import { migrate } from './platform/db/migrate.js'
import { createWorker } from './platform/jobs/worker.js'
import { pino } from 'pino'
import { openDb } from './platform/db/db.js'
import { loggerOptions } from './platform/log.js'
import { buildServices } from './services.js'

runMain('server', async (config) => {
  // Migrations run before the services are built: some read what migrations make (the payment sandbox's secret).
  const log = pino(loggerOptions(config))
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE })
  try {
    await migrate(db, { log: (m) => log.info(m) })
  } catch (err) {
    await db.close()
    throw err
  }
  const services = await buildServices(config, { db, log })
  await services.national.prepare()
  await services.catalog.prepareSearch()
  const demoLines = config.DEMO ? await prepareDemo(services) : []
  if (!services.notifications.emailEnabled) log.warn('SMTP_URL is not set: e-mail to citizens and officials will not be sent')
  const app = await buildApp(services)
  // While the demo's history plays, its steps are told to their heads on its own clock, not on today's.
  let historyPlaying = config.DEMO && config.DEMO_HISTORY_DOSSIERS > 0 && !(await historyStarted(db))
  const worker = config.WORKER_IN_PROCESS
    ? createWorker(services.jobs, { concurrency: config.JOB_CONCURRENCY, pollMs: config.JOB_POLL_MS, log: log.child({ component: 'worker' }), held: () => historyPlaying ? [ESCALATION_JOB] : [] })
    : undefined

  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    // Out of the load balancer first; what still reaches the process is served until it closes.
    app.stopAccepting()
    if (!err && config.SHUTDOWN_DRAIN_MS > 0) await new Promise(resolve => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS))
    await app.close()
    await worker?.stop()
    await services.close()
  })

  await app.listen({ port: config.PORT, host: config.HOST })
  worker?.start()
  if (historyPlaying) {
    // A year of history for the statistics, played in the background (the portal answers meanwhile).
    const started = Date.now()
    const history = log.child({ component: 'demo-history' })
    history.info(`demo history: playing ${config.DEMO_HISTORY_DOSSIERS} dossiers of the last 12 months through the services`)
    void playHistory(config, db, { dossiers: config.DEMO_HISTORY_DOSSIERS, log: history, onProgress: (n, total) => history.info(`demo history: ${n}/${total} dossiers`) })
      .then(t => history.info(`demo history: ${t.arrived} dossiers (${t.submittedOnline} online, ${t.enteredAtCounter} at the desk), ${t.failed} failed, in ${Math.round((Date.now() - started) / 1000)} s`))
      .catch(err => history.error({ err }, 'demo history failed'))
      .finally(() => { historyPlaying = false })
  }
  if (config.DEMO) {
    log.warn('DEMO=true: the demo profile publishes test accounts and their passwords, a payment sandbox and a development outbox. It must never face the internet.')
  }
  const lines = [
    ...(config.DEMO ? ['CẢNH BÁO: chế độ demo có tài khoản thử với mật khẩu công khai, cổng thanh toán thử nghiệm và hộp thư thử nghiệm. Chỉ chạy trên máy của bạn hoặc mạng nội bộ thử nghiệm; tuyệt đối không đưa ra Internet.'] : []),
    `Một Cửa đang chạy: ${config.PUBLIC_URL} (cơ sở dữ liệu: ${services.db.engine === 'pglite' ? `PGlite tại ${config.DATA_DIR}` : 'PostgreSQL'})`,
    ...(config.DEMO ? ['Chế độ demo (DEMO=true): hồ sơ Kon Tum.', ...demoLines, `Hộp thư thử nghiệm (thư điện tử, tin nhắn): ${config.PUBLIC_URL}/dev/hop-thu`] : [])
  ]
  process.stdout.write(lines.map(l => `  ${l}\n`).join(''))
}, { serving: true })
