import Type, { type Static } from 'typebox'
import Value from 'typebox/value'
import path from 'node:path'
import { parseOfficeHours } from './modules/calendar/calendar.js'
import { requestOrigin } from './platform/http/request-origin.js'

/**
 * Every environment variable the system reads, with its type, default and meaning.
 * This is the only file that reads `process.env`; the README table is checked against it by a test.
 */
const Bool = (description: string, fallback: boolean) => Type.Boolean({ default: fallback, description })

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port of the web server (0: any free port).' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address the web server listens on.' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', description: 'Public base URL of the portal (links in e-mails, QR codes, the payment return address). Required unless `DEMO=true`, where links follow the address the visitor opened.' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Directory for the embedded database (PGlite) and local file storage.' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string. When set, PostgreSQL is used instead of the embedded PGlite.' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'Maximum connections per process (PostgreSQL only).' }),
  DEMO: Bool('Demo profile: on an empty database loads the Kon Tum site profile (`seed/kon-tum`), and keeps a generated session secret in `DATA_DIR`.', false),
  DEMO_HISTORY_DOSSIERS: Type.Integer({ minimum: 0, maximum: 100000, default: 2400, description: 'In the demo profile, dossiers of a year of history played through the services on a simulated clock, in the background once per database on first start, so that the statistics show real figures (0: none).' }),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'Secret (32+ characters) that signs session and CSRF cookies. Required unless `DEMO=true`, where one is generated and kept in `DATA_DIR`.' })),
  SECURE_COOKIES: Bool('Mark cookies `Secure` (needs HTTPS; browsers also accept them on http://localhost).', true),
  TRUST_PROXY: Bool('Trust `X-Forwarded-*` headers from a load balancer.', false),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info', description: 'pino log level.' }),
  LOG_PRETTY: Bool('Human-readable logs (development).', false),
  WORKER_IN_PROCESS: Bool('Run the background-job worker inside the web process. Turn off when `npm run worker` runs separately.', true),
  JOB_POLL_MS: Type.Integer({ minimum: 10, maximum: 60000, default: 1000, description: 'How often an idle worker looks for jobs (ms).' }),
  JOB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'Jobs one worker runs at once.' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'SMTP server for e-mail, e.g. `smtp://user:password@mail.example.vn:587` (`smtps://` for implicit TLS). Without it e-mail is not sent (in the demo profile it goes to the development outbox).' })),
  SMS_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'SMS gateway: each SMS is a POST of JSON `{to, text}` to this URL (brand-name SMS providers differ; this adapter is the seam). Without it SMS is not sent (in the demo profile it goes to the development outbox).' })),
  DEV_OUTBOX: Bool('Keep every e-mail and SMS in the development outbox at `/dev/hop-thu` (on in the demo profile).', false),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Cổng Dịch vụ công <no-reply@localhost>', description: 'Sender of e-mail.' }),
  CAPTCHA: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: 'The verification code on sign-in and registration. `off` only for automated testing of a whole deployment.' }),
  SESSION_IDLE_MINUTES: Type.Integer({ minimum: 5, maximum: 1440, default: 60, description: 'A session unused this long ends (it ends anyway 12 hours after sign-in).' }),
  SIGNING_TRUSTED_ROOTS: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the root certificates a signature must chain to (the licensed CAs, e.g. the National Root CA). Agencies\' seal certificates are checked against it when configured, and every verification page against it. In the demo profile the demo CA (kept in `DATA_DIR`) is trusted too.' })),
  SIGNING_CRLS: Type.Optional(Type.String({ minLength: 1, description: 'Comma-separated paths of certificate revocation lists (DER or PEM) the verification page checks signers against, e.g. the files a cron job downloads from each CA\'s CRL address. Without them revocation is not checked, and the page says so.' })),
  SIGN_IN_CODE: Bool('After the password, citizens also enter a one-time code sent by e-mail (or SMS without e-mail); 5 minutes, 5 attempts. Officials always do.', false),
  OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://', description: 'National e-identity (VNeID / National Public Service Portal) OpenID Connect issuer. With `OIDC_CLIENT_ID` and `OIDC_CLIENT_SECRET` it shows the “Đăng nhập bằng VNeID” button (authorization code + PKCE).' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'Client id registered with the identity provider.' })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'Client secret registered with the identity provider.' })),
  OIDC_ID_CLAIM: Type.String({ minLength: 1, default: 'citizen_id', description: 'The claim that carries the 12-digit personal identification number.' }),
  OIDC_LEVEL_CLAIM: Type.String({ minLength: 1, default: 'acr', description: 'The claim that carries the assurance level (its last digit, e.g. `2` for level 2).' }),
  OIDC_ONLY: Bool('Sign-in and registration of citizens only through the national e-identity (the national model since 2025).', false),
  OFFICE_HOURS: Type.String({ pattern: '^\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}(,\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2})*$', default: '07:00-11:30,13:30-17:00', description: 'Office hours (Monday to Friday) that deadlines count; an agency may have its own.' }),
  SAME_DAY_CUTOFF: Type.String({ pattern: '^\\d{1,2}:\\d{2}$', default: '15:00', description: 'Same-day procedures received after this time are due the next working day.' }),
  FEEDBACK_ANSWER_DAYS: Type.Integer({ minimum: 1, maximum: 60, default: 10, description: 'Working days an agency has to answer a citizen\'s feedback or petition (phản ánh, kiến nghị).' }),
  MAX_FILE_MB: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'Largest file a citizen may upload (MB).' }),
  MAX_DOSSIER_MB: Type.Integer({ minimum: 1, maximum: 2000, default: 50, description: 'Largest total of the files in one dossier (MB).' }),
  DRAFT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30, description: 'Drafts not touched for this many days are deleted with their files.' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://', description: 'S3-compatible object storage for files (path-style), e.g. `https://s3.example.vn`. With `S3_BUCKET`, `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY`; without them files are kept under `DATA_DIR/files`.' })),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 1, description: 'Bucket for files.' })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1, description: 'Access key of the object storage.' })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Secret key of the object storage.' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'Region used in request signatures.' }),
  CLAMD_SOCKET: Type.Optional(Type.String({ minLength: 1, description: 'ClamAV daemon socket (e.g. `/run/clamav/clamd.ctl`): every upload is scanned before it can be used.' })),
  CLAMD_HOST: Type.Optional(Type.String({ minLength: 1, description: 'ClamAV daemon host (with `CLAMD_PORT`), instead of a socket.' })),
  CLAMD_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3310, description: 'ClamAV daemon TCP port.' }),
  VNPAY_TMN_CODE: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,20}$', description: 'VNPay merchant (terminal) code. With `VNPAY_HASH_SECRET` and `VNPAY_PAYMENT_URL` it offers online payment through VNPay.' })),
  VNPAY_HASH_SECRET: Type.Optional(Type.String({ minLength: 8, description: 'VNPay secret that signs requests and verifies answers (HMAC-SHA512).' })),
  VNPAY_PAYMENT_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'VNPay payment page, e.g. `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html`.' })),
  VNPAY_API_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'VNPay API for transaction queries and refunds, e.g. `https://sandbox.vnpayment.vn/merchant_webapi/api/transaction`.' })),
  PAYGOV_INIT_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'The national payment platform’s (PayGov 1.0.6) address for INIT, the message that creates a payment. With the other `PAYGOV_*` settings it offers PayGov beside VNPay (per agency: `onlinePayment` in the agencies file). The demo profile uses the stand-in at `/sandbox/dvcqg/paygov`.' })),
  PAYGOV_QUERY_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'PayGov’s address for QUERY (the state of a payment left pending).' })),
  PAYGOV_BILL_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'PayGov’s address for GET_BILL (the e-receipt as PDF, attached to the dossier).' })),
  PAYGOV_PARTNER_CODE: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'The partner code (MaDoiTac) PayGov issued to the province.' })),
  PAYGOV_SECRET: Type.Optional(Type.String({ minLength: 8, description: 'The secret PayGov issued: it makes and checks each message’s `MaXacThuc` (SHA-256).' })),
  PAYGOV_TOKEN: Type.Optional(Type.String({ minLength: 8, description: 'The bearer token sent with every PayGov message.' })),
  DVCQG_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'The National Public Service Portal’s dossier sync API (Cổng DVCQG). Set, every dossier and step is pushed there from the event ledger (a periodic job, retried with back-off); unset, the sync is off and nothing is queued. The demo profile pushes to its stand-in at `/sandbox/dvcqg`.' })),
  DVCQG_TOKEN: Type.Optional(Type.String({ minLength: 8, description: 'The bearer credential the national portal issued for the sync.' })),
  DVCQG_STANDIN: Bool('Serve a stand-in national portal at `/sandbox/dvcqg` (on in the demo profile): it checks each push against the payload schema, shows what it received, serves dossiers and catalog changes to pull, answers PayGov’s messages with a page to pay (when PayGov is not configured), and can be told to misbehave. Never in production.', false),
  PAYMENT_SANDBOX: Bool('A built-in VNPay sandbox gateway at `/sandbox/vnpay` (on in the demo profile when VNPay is not configured): a tester approves or declines, and it sends the signed IPN. Never in production.', false),
  PAYMENT_PENDING_MINUTES: Type.Integer({ minimum: 5, maximum: 1440, default: 15, description: 'An online payment attempt expires at the gateway after this many minutes.' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Turns on `GET /metrics` (Prometheus text format) for a scraper that sends `Authorization: Bearer <token>`. Unset, the route does not exist.' })),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3600000, default: 300000, description: 'The longest a client may take to send a whole request (headers and body: a large upload on a slow line) before it is answered 408 and its connection closed.' }),
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, maximum: 60000, default: 0, description: 'On SIGTERM, how long the process goes on serving, with `/readyz` answering 503 "stopping" and each answer closing its connection, before it stops listening. Behind a load balancer set it above the health-check interval (e.g. 5000), so no request is sent to a closed port.' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120000, default: 10000, description: 'Time given to in-flight requests and jobs on SIGTERM before the process exits.' })
})

export type Config = Readonly<Static<typeof ConfigSchema> & { PUBLIC_URL: string, PUBLIC_URL_FROM_REQUEST: boolean, DATA_DIR: string }>

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off', ''])

/**
 * Reads the configuration from `env` (the process environment by default) once.
 * Unknown variables are ignored; an invalid value throws ConfigError naming the variable.
 */
/** `serving`: for the web server, which writes links and so needs PUBLIC_URL outside the demo (not the CLI). */
export function loadConfig (env: Record<string, string | undefined> = process.env, options: { serving?: boolean } = {}): Config {
  const keys = Object.keys(ConfigSchema.properties) as Array<keyof typeof ConfigSchema.properties>
  const raw: Record<string, unknown> = {}
  const problems: string[] = []
  for (const key of keys) {
    const value = env[key]
    if (value === undefined) continue
    const schema = ConfigSchema.properties[key] as { type?: string }
    if (schema.type === 'boolean') {
      const v = value.trim().toLowerCase()
      if (TRUE.has(v)) raw[key] = true
      else if (FALSE.has(v)) raw[key] = false
      else problems.push(`${key}: must be true or false, got "${value}"`)
    } else if (schema.type === 'integer') {
      raw[key] = /^\s*-?\d+\s*$/.test(value) ? Number(value) : value
    } else if (value !== '' || key === 'HOST') {
      raw[key] = value
    }
  }
  const withDefaults = Value.Default(ConfigSchema, raw) as Record<string, unknown>
  for (const error of Value.Errors(ConfigSchema, withDefaults)) {
    const name = error.instancePath.replace(/^\//, '') || (error.params as { requiredProperties?: string[] }).requiredProperties?.join(', ') || '?'
    if (!problems.some(p => p.startsWith(name + ':'))) {
      problems.push(`${name}: ${error.message}, got ${JSON.stringify(env[name] ?? null)}`)
    }
  }
  const c = withDefaults as Static<typeof ConfigSchema>
  if (problems.length === 0 && !c.DEMO && c.SESSION_SECRET === undefined) {
    problems.push('SESSION_SECRET: required (32 or more random characters) unless DEMO=true')
  }
  if (problems.length === 0 && options.serving && !c.DEMO && c.PUBLIC_URL === undefined) {
    problems.push('PUBLIC_URL: required unless DEMO=true (the address citizens open, e.g. https://dichvucong.kontum.gov.vn: links in e-mails, QR codes, the payment return)')
  }
  if (problems.length === 0) {
    try { parseOfficeHours(c.OFFICE_HOURS) } catch (err) { problems.push(`OFFICE_HOURS: ${(err as Error).message}`) }
    const [h, m] = c.SAME_DAY_CUTOFF.split(':').map(Number)
    if (h! > 23 || m! > 59) problems.push(`SAME_DAY_CUTOFF: not a time of day, got "${c.SAME_DAY_CUTOFF}"`)
    // The national e-identity needs all three settings, and OIDC_ONLY needs it configured.
    const oidc = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].filter(v => v !== undefined).length
    if (oidc > 0 && oidc < 3) problems.push('OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three or none')
    const s3 = [c.S3_ENDPOINT, c.S3_BUCKET, c.S3_ACCESS_KEY_ID, c.S3_SECRET_ACCESS_KEY].filter(v => v !== undefined).length
    if (s3 > 0 && s3 < 4) problems.push('S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set all four or none')
    if (c.CLAMD_SOCKET && c.CLAMD_HOST) problems.push('CLAMD_SOCKET, CLAMD_HOST: set one of them, not both')
    const vnpay = [c.VNPAY_TMN_CODE, c.VNPAY_HASH_SECRET, c.VNPAY_PAYMENT_URL].filter(Boolean).length
    if (vnpay > 0 && vnpay < 3) problems.push('VNPAY_TMN_CODE, VNPAY_HASH_SECRET, VNPAY_PAYMENT_URL: set all three or none')
    const paygov = [c.PAYGOV_INIT_URL, c.PAYGOV_QUERY_URL, c.PAYGOV_BILL_URL, c.PAYGOV_PARTNER_CODE, c.PAYGOV_SECRET, c.PAYGOV_TOKEN].filter(Boolean).length
    if (paygov > 0 && paygov < 6) problems.push('PAYGOV_INIT_URL, PAYGOV_QUERY_URL, PAYGOV_BILL_URL, PAYGOV_PARTNER_CODE, PAYGOV_SECRET, PAYGOV_TOKEN: set all six or none')
    if (c.MAX_FILE_MB > c.MAX_DOSSIER_MB) problems.push('MAX_FILE_MB: larger than MAX_DOSSIER_MB')
    if (c.OIDC_ONLY && oidc < 3) problems.push('OIDC_ONLY: needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const fixed = c.PUBLIC_URL?.replace(/\/+$/, '')
  const fallback = `http://localhost:${c.PORT}`
  return Object.freeze({
    ...c,
    DATA_DIR: path.resolve(c.DATA_DIR),
    /** Set: where links lead. Unset (demo only): the address of the request being answered (request-origin.ts). */
    PUBLIC_URL_FROM_REQUEST: fixed === undefined,
    get PUBLIC_URL () { return fixed ?? requestOrigin() ?? fallback }
  })
}
