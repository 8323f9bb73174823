import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pino, type Logger } from 'pino'
import type { Config } from './config.js'
import { openDb, type Db } from './platform/db/db.js'
import { createJobQueue } from './platform/jobs/queue.js'
import { loggerOptions } from './platform/log.js'
import { createAccountsService } from './modules/accounts/accounts.service.js'
import { createCaptchaService } from './modules/accounts/captcha.js'
import { createOfficialsService } from './modules/accounts/officials.service.js'
import { createNationalIdentity } from './modules/accounts/national-identity.js'
import { createAuditService } from './modules/audit/audit.service.js'
import { createPaymentsService, sandboxSecretOf } from './modules/payments/payments.service.js'
import { createCalendarRepository } from './modules/calendar/calendar.repository.js'
import { createCalendarService } from './modules/calendar/calendar.service.js'
import { createCatalogRepository } from './modules/catalog/catalog.repository.js'
import { createCatalogService } from './modules/catalog/catalog.service.js'
import { createNotificationsRepository } from './modules/notifications/notifications.repository.js'
import { createNotificationsService } from './modules/notifications/notifications.service.js'
import { createDossiersService } from './modules/dossiers/dossiers.service.js'
import { createFilesService } from './modules/files/files.service.js'
import { localStorage, s3Storage } from './modules/files/storage.js'
import { clamdPing } from './modules/files/clamav.js'
import type { DependencyCheck } from './platform/http/health.js'
import { createWorkflowService } from './modules/workflow/workflow.service.js'
import { createFeedbackService } from './modules/feedback/feedback.service.js'
import { createStatisticsService } from './modules/statistics/statistics.service.js'
import { createNationalService } from './modules/national/national.service.js'
import { createSiteRepository } from './modules/site/site.repository.js'
import { createSiteService } from './modules/site/site.service.js'
import { demoCaIn } from './modules/signing/keys.js'
import { createSigningService, splitPem } from './modules/signing/signing.service.js'

export interface BuildServicesOptions {
  /** An already open database (tests); otherwise one is opened from the configuration. */
  db?: Db
  log?: Logger
  /**
   * The time the back office counts deadlines from (receipt, supplement requests): the system clock
   * unless a test sets one (a receipt after office hours, on a Friday evening).
   */
  clock?: () => Date
}

/**
 * The composition root: every service, wired explicitly, shared by the server, the worker,
 * the CLI and the tests. Modules get what they use and nothing else.
 */
export async function buildServices (config: Config, options: BuildServicesOptions = {}) {
  const log = options.log ?? pino(loggerOptions(config))
  const db = options.db ?? await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE })
  const jobs = createJobQueue(db)
  const clock = options.clock ?? (() => new Date())
  const audit = createAuditService({ now: clock })
  const site = createSiteService({ db, repo: createSiteRepository(), audit })
  const catalog = createCatalogService({ db, repo: createCatalogRepository(), audit })
  const calendar = createCalendarService({ db, repo: createCalendarRepository(), audit, config })
  const notifications = createNotificationsService({ db, repo: createNotificationsRepository(), jobs, config })
  const accounts = createAccountsService({ db, audit, notifications, publicUrl: () => config.PUBLIC_URL, idleMinutes: config.SESSION_IDLE_MINUTES, signInCode: config.SIGN_IN_CODE })
  const captcha = createCaptchaService({ db, enabled: config.CAPTCHA === 'on' })
  const officials = createOfficialsService({ db, audit, notifications, idleMinutes: config.SESSION_IDLE_MINUTES, provinceCode: async () => (await site.profile()).provinceCode })
  const nationalIdentity = createNationalIdentity({ config, db, audit, accounts })
  const storage = config.S3_ENDPOINT
    ? s3Storage({ endpoint: config.S3_ENDPOINT, bucket: config.S3_BUCKET!, accessKeyId: config.S3_ACCESS_KEY_ID!, secretAccessKey: config.S3_SECRET_ACCESS_KEY!, region: config.S3_REGION })
    : localStorage(path.join(config.DATA_DIR, 'files'))
  const clamd = config.CLAMD_SOCKET ? { socket: config.CLAMD_SOCKET } : config.CLAMD_HOST ? { host: config.CLAMD_HOST, port: config.CLAMD_PORT } : undefined
  const files = createFilesService({ db, storage, jobs, clamd, maxFileBytes: config.MAX_FILE_MB * 1024 * 1024 })
  const dossiers = createDossiersService({ db, catalog, files, audit, notifications, jobs, config, shareSecret: sessionSecret(config), now: clock })
  const sandboxSecret = config.PAYMENT_SANDBOX || config.DEMO || config.DVCQG_STANDIN ? await sandboxSecretOf(db.kysely).catch(() => undefined) : undefined
  const payments = createPaymentsService({ db, dossiers, jobs, config, sandboxSecret, now: clock, bills: { store: async (name, pdf) => (await files.store(null, { name, data: pdf })).id } })
  // Signed results (issue 23): the roots signatures must chain to; in the demo, a demo CA that issues each agency's seal on first use.
  const demoCa = config.DEMO ? demoCaIn(config.DATA_DIR) : undefined
  const signing = createSigningService({
    db, audit, demoCa,
    crls: () => (config.SIGNING_CRLS ?? '').split(',').map(f => f.trim()).filter(Boolean).flatMap(f => { try { return [fs.readFileSync(f)] } catch { log.warn({ file: f }, 'signing: a revocation list cannot be read'); return [] } }),
    trustedRoots: [...(config.SIGNING_TRUSTED_ROOTS ? splitPem(fs.readFileSync(config.SIGNING_TRUSTED_ROOTS, 'utf8')) : []), ...(demoCa ? [demoCa.certificate] : [])],
    sealKey: crypto.createHash('sha256').update(`signing-keys:${sessionSecret(config)}`).digest(),
    publicUrl: () => config.PUBLIC_URL,
    now: clock
  })
  const workflow = createWorkflowService({ db, dossiers, officials, calendar, catalog, audit, site, jobs, files, payments, notifications, signing, publicUrl: () => config.PUBLIC_URL, now: clock })

  const national = createNationalService({
    db, jobs, audit, log, dossiers, files, catalog,
    url: config.DVCQG_URL ?? (config.DEMO || config.DVCQG_STANDIN ? `http://127.0.0.1:${config.PORT}/sandbox/dvcqg` : undefined),
    token: config.DVCQG_TOKEN,
    publicUrl: () => config.PUBLIC_URL,
    fileKey: crypto.createHash('sha256').update(`dvcqg-files:${sessionSecret(config)}`).digest('hex'),
    now: clock
  })

  const statistics = createStatisticsService({ db, officials, audit, site, now: clock })
  const feedback = createFeedbackService({ db, audit, calendar, notifications, officials, files, jobs, search: catalog.search, answerDays: config.FEEDBACK_ANSWER_DAYS, publicUrl: () => config.PUBLIC_URL, followKey: crypto.createHash('sha256').update(`feedback-follow:${sessionSecret(config)}`).digest('hex'), now: clock })

  return {
    config,
    log,
    db,
    jobs,
    audit,
    site,
    catalog,
    calendar,
    notifications,
    accounts,
    captcha,
    officials,
    nationalIdentity,
    files,
    /** Where uploaded files' bytes are (backup and restore read and write it directly). */
    storage,
    /** What /readyz reports beside the database: the shared services the portal can wait for. */
    dependencies: {
      // A read of a key that does not exist: the store answers "none" when it is there.
      storage: async () => { await storage.get('health/probe') },
      ...(clamd ? { clamd: () => clamdPing(clamd) } : {}),
      ...(notifications.smtpCheck ? { smtp: notifications.smtpCheck } : {})
    } as Record<string, DependencyCheck>,
    dossiers,
    workflow,
    statistics,
    national,
    payments,
    signing,
    feedback,
    sessionSecret: sessionSecret(config),
    async close () {
      await notifications.close()
      await catalog.search.close().catch(() => undefined)
      await db.close()
    }
  }
}

export type Services = Awaited<ReturnType<typeof buildServices>>

/** SESSION_SECRET, or in the demo profile a random one kept in DATA_DIR so sessions survive restarts. */
function sessionSecret (config: Config): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET
  const file = path.join(config.DATA_DIR, 'demo-session-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url')
    fs.mkdirSync(config.DATA_DIR, { recursive: true })
    fs.writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}
