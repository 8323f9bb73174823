import { createRequire } from 'node:module'
import path from 'node:path'
import zlib from 'node:zlib'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import compress from '@fastify/compress'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Services } from './services.js'
import { frameworkError, refuseUnstorableInput, registerErrorHandlers } from './platform/http/error-handlers.js'
import { registerHealth } from './platform/http/health.js'
import { registerMetrics } from './platform/metrics.js'
import { registerSecurity, requestId } from './platform/http/security.js'
import { registerRendering } from './platform/html/render.js'
import { registerNotices } from './platform/http/notice.js'
import { registerRequestOrigin } from './platform/http/request-origin.js'
import { refusalRecorder } from './modules/audit/audit.service.js'
import { PUBLIC_DIR } from './platform/paths.js'
import { siteModule } from './modules/site/site.pages.js'
import { catalogPages } from './modules/catalog/catalog.pages.js'
import { catalogApi } from './modules/catalog/catalog.api.js'
import { devOutboxPages } from './modules/notifications/notifications.pages.js'
import { accountsPages } from './modules/accounts/accounts.pages.js'
import { staffPages } from './modules/accounts/staff.pages.js'
import { hoursPages } from './modules/calendar/hours.pages.js'
import { peoplePages } from './modules/accounts/people.pages.js'
import { statisticsPages } from './modules/statistics/statistics.pages.js'
import { nationalPages } from './modules/national/national.pages.js'
import { createStandinState, nationalStandin } from './modules/national/standin.js'
import { statisticsApi } from './modules/statistics/statistics.api.js'
import { publicStatisticsPages } from './modules/statistics/public.pages.js'
import { signingPages } from './modules/signing/signing.pages.js'
import { keysPages } from './modules/signing/keys.pages.js'
import { registerStaffSession } from './modules/accounts/staff-session.js'
import { workspacePages } from './modules/workflow/workspace.pages.js'
import { workflowPages } from './modules/workflow/workflow.pages.js'
import { calendarPages } from './modules/calendar/calendar.pages.js'
import { auditPages } from './modules/audit/audit.pages.js'
import { DOSSIER_AUDIT_LABELS } from './modules/dossiers/model.js'
import { paymentsRoutes } from './modules/payments/payments.routes.js'
import { registerClientScripts } from './platform/http/client-scripts.js'
import { searchPages } from './modules/catalog/search/search.pages.js'
import { PAYGOV_CONFIRM_PATH, PAYGOV_RETURN_PATH } from './modules/payments/payments.model.js'
import { dossiersPages } from './modules/dossiers/dossiers.pages.js'
import { storePages } from './modules/dossiers/store.pages.js'
import { feedbackPages } from './modules/feedback/feedback.pages.js'
import { feedbackOfficePages } from './modules/feedback/office.pages.js'
import { feedbackApi } from './modules/feedback/feedback.api.js'
import { declarationPages } from './modules/dossiers/declaration.pages.js'
import { equivalencesPages } from './modules/dossiers/equivalences.pages.js'
import { dossiersApi } from './modules/dossiers/dossiers.api.js'
import { citizenFormRoutes } from './modules/workflow/citizen-forms.routes.js'
import { registerSessions } from './modules/accounts/session.js'
import { registerOpenApi, registerOpenApiRoutes } from './platform/http/openapi.js'

const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('@fontsource/be-vietnam-pro/package.json')), 'files')

export interface RouteEntry { method: string, url: string }

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app (method and URL pattern), HEAD aside. */
    routeList: RouteEntry[]
  }
}

export interface BuildAppOptions {
  /** Extra routes (tests and benchmarks), registered after the modules. */
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>
}

/** Builds the HTTP application from services. No side effects: it neither listens nor migrates. */
export async function buildApp (services: Services, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    genReqId: requestId,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    // Fastify's default is no limit at all: a client trickling a request would hold its connection forever.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Node checks the limit on this interval (30 s by default: a tenth of the limit here), and only when
    // the headers' own limit (60 s by default) is not longer.
    http: { connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.REQUEST_TIMEOUT_MS / 10)), headersTimeout: Math.min(60_000, config.REQUEST_TIMEOUT_MS) },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkError
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  // Every route, as registered: the fuzz test and the README's route list walk them.
  const routes: RouteEntry[] = []
  app.decorate('routeList', routes)
  app.addHook('onRoute', (r) => { for (const method of ([] as string[]).concat(r.method)) if (method !== 'HEAD') routes.push({ method, url: r.url }) })

  // HTML, CSS, JSON and SVG compressed for browsers that ask (brotli at quality 1 with a 256 KB window:
  // 21 µs for a 3.4 KB page against 66 µs at quality 4, for 1,564 bytes instead of 1,342; else gzip);
  // small answers, PDFs and images as they are.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'], brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 18 } }, zlibOptions: { level: 6 } })
  await app.register(cookie)
  await app.register(formbody)
  // Uploads are streamed by their handlers; a file over the limit arrives truncated and is refused with a message.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: config.MAX_FILE_MB * 1024 * 1024, files: 20, fields: 60, parts: 80, fieldSize: 10_000 } })
  if (config.PUBLIC_URL_FROM_REQUEST) registerRequestOrigin(app)
  registerSecurity(app, { secret: services.sessionSecret, secureCookies: config.SECURE_COOKIES, https: config.PUBLIC_URL.startsWith('https:') })
  registerSessions(app, { accounts: services.accounts, secureCookies: config.SECURE_COOKIES })
  registerNotices(app, { secret: services.sessionSecret, secureCookies: config.SECURE_COOKIES, https: config.PUBLIC_URL.startsWith('https:') })
  registerRendering(app, { site: services.site, demo: config.DEMO })
  registerErrorHandlers(app, { refused: refusalRecorder(services.db, services.audit) })
  refuseUnstorableInput(app)
  registerHealth(app, services.db, services.dependencies)
  registerMetrics(app, { db: services.db, token: config.METRICS_TOKEN })
  await registerOpenApi(app)

  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/assets/', maxAge: '1d', index: false })
  await app.register(fastifyStatic, {
    root: FONT_DIR,
    prefix: '/assets/fonts/',
    decorateReply: false,
    maxAge: '365d',
    immutable: true,
    allowedPath: (pathName) => /^\/be-vietnam-pro-(vietnamese|latin|latin-ext)-(400|700)-normal\.woff2$/.test(pathName)
  })

  await registerClientScripts(app)

  await app.register(siteModule, { services })
  await app.register(catalogPages, { services })
  await app.register(accountsPages, { services })
  // The back office: one scope where the official's session is resolved, for its routes only.
  await app.register(async (office) => {
    const requireOfficial = registerStaffSession(office, services.officials)
    await office.register(staffPages, { services, requireOfficial })
    await office.register(peoplePages, { officials: services.officials, requireOfficial })
    await office.register(statisticsPages, { statistics: services.statistics, requireOfficial })
    await office.register(nationalPages, { sync: services.national, files: services.files, db: services.db, audit: services.audit, isProvinceAdmin: request => services.officials.provinceWide(request.official!, 'system_admin'), isCatalogAdmin: async request => (await services.officials.scope(request.official!, ['catalog_admin'])).length > 0, requireOfficial })
    await office.register(searchPages, {
      search: services.catalog.search, requireOfficial,
      isCatalogAdmin: async request => (await services.officials.scope(request.official!, ['catalog_admin'])).length > 0,
      actor: request => ({ type: 'official', id: request.official!.id, name: request.official!.fullName })
    })
    await office.register(equivalencesPages, {
      dossiers: services.dossiers, requireOfficial,
      isCatalogAdmin: async request => (await services.officials.scope(request.official!, ['catalog_admin'])).length > 0,
      actor: request => ({ type: 'official', id: request.official!.id, name: request.official!.fullName })
    })
    await office.register(statisticsApi, { statistics: services.statistics, requireOfficial, prefix: '/api/v1' })
    await office.register(workspacePages, { workflow: services.workflow, officials: services.officials, requireOfficial, feedbackOverdue: official => services.feedback.overdueCount(official) })
    await office.register(workflowPages, { services, requireOfficial, feedbackOverdue: official => services.feedback.overdueCount(official) })
    await office.register(feedbackOfficePages, { feedback: services.feedback, requireOfficial })
    await office.register(keysPages, { signing: services.signing, administered: request => services.officials.administered(request.official!), requireOfficial, actor: request => ({ type: 'official', id: request.official!.id, name: request.official!.fullName }) })
    await office.register(hoursPages, { services, administered: request => services.officials.administered(request.official!), requireOfficial })
    await office.register(calendarPages, { services, isProvinceAdmin: request => services.officials.provinceWide(request.official!, 'system_admin'), requireOfficial })
    await office.register(auditPages, { db: services.db, audit: services.audit, administered: request => services.officials.administered(request.official!), actionLabels: DOSSIER_AUDIT_LABELS, requireOfficial })
  })
  await app.register(dossiersPages, { services })
  await app.register(declarationPages, { dossiers: services.dossiers })
  await app.register(feedbackPages, { feedback: services.feedback, captcha: services.captcha })
  await app.register(storePages, { dossiers: services.dossiers, publicUrl: () => config.PUBLIC_URL })
  await app.register(publicStatisticsPages, { statistics: services.statistics })
  await app.register(signingPages, { signing: services.signing, read: async id => (await services.files.read(id)).data })
  await app.register(citizenFormRoutes, { workflow: services.workflow })
  await app.register(paymentsRoutes, { services })
  await app.register(catalogApi, { services, prefix: '/api/v1' })
  await app.register(dossiersApi, { services, prefix: '/api/v1' })
  await app.register(feedbackApi, { feedback: services.feedback, prefix: '/api/v1' })
  registerOpenApiRoutes(app)
  // The development outbox exists only in the demo profile.
  if (config.DEMO || config.DEV_OUTBOX) await app.register(devOutboxPages, { services })
  // The stand-in national portal: the demo's and the tests' remote side, never production's.
  if (config.DEMO || config.DVCQG_STANDIN) {
    app.log.warn('DVCQG stand-in at /sandbox/dvcqg: a simulated National Public Service Portal for demos and tests. It must never run in production.')
    const paygov = services.payments.payGovSandbox
    await app.register(nationalStandin, {
      state: createStandinState(), token: config.DVCQG_TOKEN, prefix: '/sandbox/dvcqg',
      paygov: paygov && { ...paygov, confirmUrl: `${config.PUBLIC_URL}${PAYGOV_CONFIRM_PATH}`, returnUrl: `${config.PUBLIC_URL}${PAYGOV_RETURN_PATH}` }
    })
  }

  if (options.extraRoutes) await options.extraRoutes(app)
  return app
}
