import { after, before } from 'node:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { buildApp, type BuildAppOptions } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import type { Db } from '../src/platform/db/db.js'
import { buildServices, type Services } from '../src/services.js'
import { freshDb } from './db.js'

export const TEST_SECRET = 'test-session-secret-0123456789abcdef'

export function testConfig (overrides: Record<string, string> = {}): Config {
  return loadConfig({
    SESSION_SECRET: TEST_SECRET,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mc-test-')),
    LOG_LEVEL: 'silent',
    WORKER_IN_PROCESS: 'false',
    SECURE_COOKIES: 'false',
    PUBLIC_URL: 'http://localhost:3000',
    ...overrides
  })
}

export interface TestApp {
  app: FastifyInstance
  services: Services
  db: Db
  config: Config
  /** Base URL once listen() was asked for (browser tests). */
  url: string
}

/**
 * Registers before/after hooks on the test file: one fresh database and one app for the file.
 * Tests in the file share them and create their own records. Returns an object filled in before().
 */
export function useTestApp (options: BuildAppOptions & { config?: Record<string, string> | (() => Record<string, string>), listen?: boolean | (() => number), setup?: (ctx: TestApp) => Promise<unknown>, clock?: () => Date } = {}): TestApp {
  const ctx = {} as TestApp
  before(async () => {
    ctx.db = await freshDb()
    ctx.config = testConfig(typeof options.config === 'function' ? options.config() : options.config)
    ctx.services = await buildServices(ctx.config, { db: ctx.db, log: pino({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}) })
    await ctx.services.national.prepare()
    ctx.app = await buildApp(ctx.services, options)
    if (options.listen) {
      await ctx.app.listen({ port: typeof options.listen === 'function' ? options.listen() : 0, host: '127.0.0.1' })
      const address = ctx.app.server.address()
      ctx.url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : ''
    } else {
      await ctx.app.ready()
    }
    await options.setup?.(ctx)
  })
  after(async () => {
    await ctx.app?.close()
    await ctx.services?.close()
    if (ctx.config) fs.rmSync(ctx.config.DATA_DIR, { recursive: true, force: true })
  })
  return ctx
}

/**
 * GETs a page and returns what a browser would send back with its form: the CSRF cookie and token,
 * and the verification code's id with its answer (asked of the captcha service, as a person reads the image).
 */
export async function formFor (t: { app: FastifyInstance, services: Services }, url: string): Promise<{ cookie: string, fields: Record<string, string> }> {
  const { cookie, token, body } = await csrfAndBody(t.app, url)
  const fields: Record<string, string> = { _csrf: token }
  const captchaId = /name="captchaId" value="([^"]+)"/.exec(body)?.[1]
  if (captchaId) {
    fields['captchaId'] = captchaId
    fields['captcha'] = (await t.services.captcha.answer(captchaId))!.toLowerCase()
  }
  return { cookie, fields }
}

/** GETs a page and returns the CSRF cookie and token its forms carry, for a following POST. */
export async function csrfFor (app: FastifyInstance, url = '/'): Promise<{ cookie: string, token: string }> {
  const { cookie, token } = await csrfAndBody(app, url)
  return { cookie, token }
}

async function csrfAndBody (app: FastifyInstance, url: string): Promise<{ cookie: string, token: string, body: string }> {
  const res = await app.inject({ method: 'GET', url })
  const set = res.cookies.find(c => c.name === 'mc_csrf')
  if (!set) throw new Error(`GET ${url} set no CSRF cookie`)
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
  if (!token) throw new Error(`GET ${url} rendered no CSRF field`)
  return { cookie: `mc_csrf=${set.value}`, token, body: res.body }
}
