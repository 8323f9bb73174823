import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../src/platform/paths.js'
import { useTestApp } from './app.js'

const t = useTestApp({ config: { DEMO: 'true', PAYMENT_SANDBOX: 'true' } })

/**
 * Every address the README names (`/path`, `POST /path`, `{param}` for a parameter, `…` for a family)
 * is a route of the app with that method (GET unless said): a README that promises a page the portal
 * does not serve fails here.
 */
test('the README\'s routes exist', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const listed = [...readme.matchAll(/`(?:(GET|POST) )?(\/[^`\s]*)`/g)].map(m => ({ method: m[1] ?? 'GET', path: m[2]! }))
    .filter(r => !r.path.startsWith('/run/')) // a socket path in the configuration table
  assert.ok(listed.length > 25, `${listed.length} routes named`)
  const shape = (p: string) => p.replace(/\{[^}]+\}|:[A-Za-z]+/g, ':p').replace(/\/?…$/, '').replace(/\/$/, '')
  const routes = t.app.routeList.map(r => ({ method: r.method, shape: shape(r.url) }))
  // An address is a route of that method, or (a family such as `/sandbox/vnpay`, `/nop-ho-so/{draft}/…`) the start of one.
  const missing = listed.filter(r => !routes.some(x => x.method === r.method && (x.shape === shape(r.path) || x.shape.startsWith(`${shape(r.path)}/`))))
  assert.deepEqual(missing.map(r => `${r.method} ${r.path}`), [])
})
