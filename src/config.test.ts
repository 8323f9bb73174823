import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { ConfigError, ConfigSchema, loadConfig } from './config.js'
import { ROOT } from './platform/paths.js'

const SECRET = 'x'.repeat(32)

test('defaults: port 3000 on 0.0.0.0, PGlite under ./data, frozen', () => {
  const c = loadConfig({ SESSION_SECRET: SECRET, PUBLIC_URL: 'http://localhost:3000' })
  assert.equal(c.PORT, 3000)
  assert.equal(c.HOST, '0.0.0.0')
  assert.equal(c.DATA_DIR, path.resolve('./data'))
  assert.equal(c.DATABASE_URL, undefined)
  assert.equal(c.DEMO, false)
  assert.equal(c.PUBLIC_URL, 'http://localhost:3000')
  assert.ok(Object.isFrozen(c))
  assert.throws(() => { (c as { PORT: number }).PORT = 1 }, TypeError)
})

test('values are converted to their types', () => {
  const c = loadConfig({ SESSION_SECRET: SECRET, PORT: '8080', DEMO: 'true', WORKER_IN_PROCESS: '0', DATABASE_URL: 'postgres://u@h/db', PUBLIC_URL: 'https://dichvucong.example.vn/' })
  assert.equal(c.PORT, 8080)
  assert.equal(c.DEMO, true)
  assert.equal(c.WORKER_IN_PROCESS, false)
  assert.equal(c.DATABASE_URL, 'postgres://u@h/db')
  assert.equal(c.PUBLIC_URL, 'https://dichvucong.example.vn')
})

test('a wrong value stops the start with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '-1' }, /PORT/],
    [{ DEMO: 'maybe' }, /DEMO: must be true or false/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET/]
  ]
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig({ SESSION_SECRET: SECRET, PUBLIC_URL: 'https://dvc.example.vn', ...env }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.match(err.message, message)
      return true
    }, JSON.stringify(env))
  }
})

test('SESSION_SECRET is required outside the demo profile, and has no default', () => {
  assert.throws(() => loadConfig({}), /SESSION_SECRET: required/)
  assert.equal(loadConfig({ DEMO: 'true' }).SESSION_SECRET, undefined)
})

test('the national e-identity needs issuer, client id and secret together; OIDC_ONLY needs them', () => {
  assert.throws(() => loadConfig({ SESSION_SECRET: SECRET, PUBLIC_URL: 'https://dvc.example.vn', OIDC_ISSUER: 'https://sso.dancuquocgia.gov.vn' }), /set all three or none/)
  assert.throws(() => loadConfig({ SESSION_SECRET: SECRET, PUBLIC_URL: 'https://dvc.example.vn', OIDC_ONLY: 'true' }), /OIDC_ONLY: needs OIDC_ISSUER/)
  const c = loadConfig({ SESSION_SECRET: SECRET, PUBLIC_URL: 'https://dvc.example.vn', OIDC_ISSUER: 'https://sso.dancuquocgia.gov.vn', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', OIDC_ONLY: 'true' })
  assert.equal(c.OIDC_ONLY, true)
})

test('only src/config.ts reads process.env', () => {
  const offenders: string[] = []
  for (const entry of fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(entry) || entry === 'config.ts' || /\.test\.tsx?$/.test(entry)) continue
    const text = fs.readFileSync(path.join(ROOT, 'src', entry), 'utf8')
    if (/process\.env/.test(text)) offenders.push(entry)
    if (/NODE_ENV/.test(text)) offenders.push(`${entry} (NODE_ENV)`)
  }
  assert.deepEqual(offenders, [])
})

test('the README table lists every variable, and nothing that is not one', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map(m => m[1]).sort()
  assert.deepEqual(documented, Object.keys(ConfigSchema.properties).sort())
})

test('PUBLIC_URL is required outside the demo; in the demo, unset, links follow the address the visitor opened', async () => {
  assert.throws(() => loadConfig({ SESSION_SECRET: SECRET }, { serving: true }), /PUBLIC_URL: required unless DEMO=true/)
  assert.doesNotThrow(() => loadConfig({ SESSION_SECRET: SECRET }), 'the command line writes no links')
  const demo = loadConfig({ DEMO: 'true', PORT: '3100' })
  assert.equal(demo.PUBLIC_URL_FROM_REQUEST, true)
  assert.equal(demo.PUBLIC_URL, 'http://localhost:3100', 'outside a request: the local address')
  const { registerRequestOrigin } = await import('./platform/http/request-origin.js')
  const { default: Fastify } = await import('fastify')
  const app = Fastify()
  registerRequestOrigin(app)
  app.post('/link', async () => ({ link: `${demo.PUBLIC_URL}/tra-cuu-ho-so` }))
  const at = async (host: string) => (await app.inject({ method: 'POST', url: '/link', headers: { host }, payload: { a: 1 } })).json<{ link: string }>().link
  assert.equal(await at('127.0.0.1:3100'), 'http://127.0.0.1:3100/tra-cuu-ho-so')
  assert.equal(await at('192.168.1.20:3100'), 'http://192.168.1.20:3100/tra-cuu-ho-so')
  assert.equal(await at('evil.example/<script>'), 'http://localhost:3100/tra-cuu-ho-so', 'a malformed host is not used')
  const fixed = loadConfig({ DEMO: 'true', PUBLIC_URL: 'https://dvc.example.vn/' })
  assert.equal(fixed.PUBLIC_URL_FROM_REQUEST, false)
  assert.equal(fixed.PUBLIC_URL, 'https://dvc.example.vn')
  await app.close()
})
