import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../test/app.js'
import { loadCatalog } from '../../test/catalog.js'
import { newCitizen } from '../../test/citizens.js'
import { dossierAwaitingFees } from '../../test/payments.js'

const TOKEN = 'metrics-token-0123456789'
const t = useTestApp({ config: { METRICS_TOKEN: TOKEN }, setup: ctx => loadCatalog(ctx.services) })

const scrape = async (authorization?: string) => t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} })
/** The value of one sample line (`name{labels} value`), or undefined when the scrape has no such line. */
const sample = (body: string, line: string) => {
  const found = body.split('\n').find(l => l.startsWith(line + ' '))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

test('/metrics answers only the scraper holding the token', async () => {
  assert.equal((await scrape()).statusCode, 401)
  assert.equal((await scrape('Bearer wrong-token-0123456789')).statusCode, 401)
  assert.equal((await scrape(`Bearer ${TOKEN}x`)).statusCode, 401)
  const ok = await scrape(`Bearer ${TOKEN}`)
  assert.equal(ok.statusCode, 200)
  assert.match(String(ok.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  assert.match(ok.body, /^mot_cua_process_resident_memory_bytes /m)
})

test('requests are counted by route pattern and status, never by the address asked', async () => {
  const { items } = await t.services.catalog.listProcedures({ page: 1, pageSize: 1 })
  const code = items[0]!.code
  const route = 'mot_cua_http_request_duration_seconds_count{method="GET",route="/thu-tuc/:code",status="200"}'
  const before = sample((await scrape(`Bearer ${TOKEN}`)).body, route) ?? 0
  for (let i = 0; i < 3; i++) assert.equal((await t.app.inject(`/thu-tuc/${code}`)).statusCode, 200)
  await t.app.inject('/khong-co-trang-nay-0912345678')
  const body = (await scrape(`Bearer ${TOKEN}`)).body
  assert.equal(sample(body, route), before + 3)
  assert.ok((sample(body, 'mot_cua_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}') ?? 0) >= 1)
  assert.ok(!body.includes(code) && !body.includes('0912345678'), 'no address, code or number typed in a label')
})

test('sign-in failures, jobs, payments, the national sync lag and connections come from what happened, without personal data', async () => {
  const citizen = await newCitizen(t)
  const failures = 'mot_cua_sign_in_failures_total{scope="signin",outcome="failed"}'
  const before = sample((await scrape(`Bearer ${TOKEN}`)).body, failures) ?? 0
  await assert.rejects(t.services.accounts.signIn(citizen.citizenId, 'sai mật khẩu', 'test', '127.0.0.1'))
  await t.db.transaction(trx => t.services.jobs.enqueue(trx, 'metrics.test', {}, { runAt: new Date(Date.now() - 60_000) }))
  // A dossier's fees paid in cash at the desk.
  const cash = 'mot_cua_payments{method="cash",state="paid"}'
  const cashBefore = sample((await scrape(`Bearer ${TOKEN}`)).body, cash) ?? 0
  const fees = await dossierAwaitingFees(t)
  assert.equal((await fees.desk.post(`/can-bo/ho-so/${encodeURIComponent(fees.code)}/nop-tien-mat`)).statusCode, 200)
  await new Promise(resolve => setTimeout(resolve, 5_100)) // the database's figures are kept five seconds
  const body = (await scrape(`Bearer ${TOKEN}`)).body
  assert.equal(sample(body, failures), before + 1)
  assert.equal(sample(body, 'mot_cua_jobs{name="metrics.test",state="pending"}'), 1)
  assert.ok(sample(body, 'mot_cua_jobs_oldest_due_seconds{name="metrics.test"}')! >= 59)
  assert.equal(sample(body, 'mot_cua_national_sync_lag_seconds'), 0)
  assert.equal(sample(body, cash), cashBefore + 1)
  assert.ok(sample(body, 'mot_cua_db_connections{state="max"}')! >= 1)
  assert.ok(!body.includes(citizen.citizenId) && !body.includes(citizen.email))
})
