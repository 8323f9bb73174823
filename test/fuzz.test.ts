import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from './app.js'
import { loadCatalog } from './catalog.js'
import { newCitizen } from './citizens.js'
import { browserSession, serviceDraft } from './dossiers.js'
import { newOfficial } from './officials.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

/** Values an attacker or a broken client sends, as they appear in a URL (percent-encoded). */
const HOSTILE = [
  '%00', 'a%00b', '%E0%A4%A', '%C0%AF', '%F0%9F%92%A9', '%E2%80%AE', 'a'.repeat(300), '%27%3B%20DROP%20TABLE%20dossiers%3B%20--',
  '..%2F..%2Fetc%2Fpasswd', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', '-1', '99999999999999999999999', '1e999', 'null', '%7B%7D', '%20', '%E2%82%AC'
]
/** The same values as a form or a query string carries them (decoded, where they decode). */
const decoded = HOSTILE.map(v => { try { return decodeURIComponent(v) } catch { return v } })
const FIELDS = ['code', 'reason', 'username', 'password', 'date', 'amount', 'taskId', 'kind', 'note', 'value', 'unit', 'tiep', 'q', 'trang', 'phone', 'email', 'address', 'captchaId', 'captcha', 'declaration', 'rating', 'comment', 'method', 'agency', 'roles']
/** Routes that end the session they are called in: they would only shorten the walk. */
const SKIP = new Set(['POST /dang-xuat', 'POST /dang-xuat-tat-ca', 'POST /can-bo/dang-xuat'])

test('fuzz: every route, with hostile path, query and body values, answers 4xx or better, as a page or problem+json', async () => {
  const citizen = await newCitizen(t)
  const dossier = await t.services.dossiers.submit(citizen.id, await serviceDraft(t.services, citizen.id, PROCEDURE))
  const draft = await serviceDraft(t.services, citizen.id, PROCEDURE)
  const fileId = (await t.services.dossiers.get(citizen.id, dossier.code)).files[0]!.id
  const official = await newOfficial(t, '000.01.01.H34', ['receptionist', 'catalog_admin', 'system_admin'])
  /** Real values for each parameter, so that the body and query reach the handler behind them. */
  const real = (url: string) => url.replace(/:([A-Za-z]+)/g, (_m, name: string) => ({
    code: /^\/(thu-tuc|can-bo\/thu-tuc|api\/v1\/procedures)\//.test(url) ? PROCEDURE : encodeURIComponent(dossier.code),
    id: url.startsWith('/nop-ho-so') ? draft : '1', fileId, attachment: fileId, form: '03', slug: 'ca-nhan', username: official.username, n: '1', file: 'x.svg', token: 'x'
  } as Record<string, string>)[name] ?? 'x')
  const identities = { anonymous: browserSession(t, ''), citizen: browserSession(t, citizen.cookie), official: browserSession(t, official.cookie) }
  await identities.anonymous.get('/dang-nhap')
  const failures: string[] = []
  const seen = new Map<number, number>()
  let requests = 0
  const check = (what: string, res: { statusCode: number, headers: Record<string, unknown>, body: string }) => {
    requests++
    seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
    const type = String(res.headers['content-type'] ?? '')
    if (res.statusCode >= 500) failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 120)}`)
    else if (res.statusCode >= 400 && !(what.includes(' /api') ? /^application\/problem\+json/ : /^text\/html/).test(type)) failures.push(`${what}: ${res.statusCode} as ${type}: ${res.body.slice(0, 80)}`)
  }
  const routes = t.app.routeList.filter(r => !SKIP.has(`${r.method} ${r.url}`) && !r.url.includes('*'))
  assert.ok(routes.length > 80, `${routes.length} routes`)
  for (const [who, s] of Object.entries(identities)) {
    for (const r of routes) {
      const send = (url: string, value: string, decodedValue: string) => r.method === 'GET'
        ? s.get(`${url}${url.includes('?') ? '&' : '?'}${FIELDS.map(f => `${f}=${value}`).join('&')}`)
        : s.post(url, Object.fromEntries(FIELDS.map(f => [f, decodedValue])))
      for (const [i, value] of HOSTILE.entries()) {
        // Each parameter of the path takes the hostile value…
        if (r.url.includes(':')) {
          const url = r.url.replace(/:[A-Za-z]+/g, value)
          check(`${who} ${r.method} ${url}`, r.method === 'GET' ? await s.get(url) : await s.post(url, {}))
        }
        // …and, with real parameters, every field of the query or the form takes it.
        check(`${who} ${r.method} ${real(r.url)} with ${value}`, await send(real(r.url), value, decoded[i]!))
      }
    }
  }
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} of ${requests} requests failed`)
  // The walk reached the handlers: forms were checked (422), records not found (404), pages served (200).
  for (const status of [200, 404, 422]) assert.ok((seen.get(status) ?? 0) > 10, `${seen.get(status) ?? 0} answers ${status}: ${[...seen].join(' ')}`)
})

test('a sign-in followed by an address a header cannot carry still signs in, and leaves one session', async () => {
  const c = await newCitizen(t)
  const before = await t.db.kysely.selectFrom('sessions').select('id').where('accountId', '=', c.id).execute()
  const page = await t.app.inject('/dang-nhap')
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
  const cookie = page.cookies.map(x => `${x.name}=${x.value}`).join('; ')
  const captchaId = /name="captchaId" value="([^"]+)"/.exec(page.body)![1]!
  const captcha = (await t.services.captcha.answer(captchaId))!
  const res = await t.app.inject({ method: 'POST', url: '/dang-nhap', headers: { cookie }, payload: { _csrf: token, username: c.citizenId, password: c.password, tiep: '/€/thủ-tục', captchaId, captcha } })
  assert.equal(res.statusCode, 303)
  assert.equal(res.headers.location, '/%E2%82%AC/th%E1%BB%A7-t%E1%BB%A5c', 'percent-encoded')
  assert.ok(res.cookies.some(x => x.name === 'mc_session'))
  const after = await t.db.kysely.selectFrom('sessions').select('id').where('accountId', '=', c.id).execute()
  assert.equal(after.length, before.length + 1)
})
