import type { LoggerOptions } from 'pino'
import type { Config } from '../config.js'

/**
 * Paths pino removes from every log line. Personal data (Decree 13/2023) and secrets never reach logs:
 * names of fields that hold them are listed here once, at any depth we log.
 */
const SENSITIVE = [
  'password', 'newPassword', 'currentPassword', 'token', 'secret', 'otp', 'code_verifier', 'captcha',
  'idNumber', 'citizenId', 'passportNumber', 'taxCode', 'phone', 'email', 'address', 'dateOfBirth', 'fullName'
]

export const redactPaths = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]',
  ...SENSITIVE.flatMap(k => [k, `*.${k}`, `*.*.${k}`])
]

export function loggerOptions (config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      // Only what is needed to follow a request; never headers (cookies), bodies or query values.
      req (req: { method?: string, url?: string, id?: string, headers?: Record<string, unknown> }) {
        return { id: req.id, method: req.method, url: req.url === undefined ? undefined : maskUrl(req.url), ua: req.headers?.['user-agent'] }
      }
    },
    ...(config.LOG_PRETTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {})
  }
}

/** Query strings may carry ID numbers or phones (lookups): keep the path and the parameter names only. */
export function maskUrl (url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  const names = [...new Set(params.keys())].map(k => `${k}=*`).join('&')
  return `${url.slice(0, q)}?${names}`
}
