import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { samplePdf } from '../../../test/files.js'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import type { DossierStatus } from '../dossiers/status.js'
import { createNationalSync, MAX_ATTEMPTS } from './sync.js'
import { createJobQueue } from '../../platform/jobs/queue.js'
import { NATIONAL_STATUS, nationalDate } from './payload.js'

/**
 * The dossier sync against the stand-in national portal, served by the app as a real HTTP server: the
 * whole life of a dossier arrives in order; failures, time-outs and a portal down for a while lose
 * nothing and push nothing twice; two workers never push the same dossier; the dead-letter list.
 */
const t = useTestApp({ listen: true, config: { DVCQG_STANDIN: 'true' }, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

const standin = () => `${t.url}/sandbox/dvcqg`
const syncOf = (options: { timeoutMs?: number } = {}) => createNationalSync({ db: t.db, jobs: createJobQueue(t.db), audit: t.services.audit, url: standin(), publicUrl: () => t.url, fileKey: 'khoa-thu', backoffMs: () => 0, ...options })
const misbehave = async (mode: string, times = 1, ms = 2000) => {
  const r = await fetch(`${standin()}/api/hanh-vi`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode, times, ms }) })
  assert.equal(r.status, 200)
}
const held = async (code: string) => {
  const r = await fetch(`${standin()}/api/ho-so/${encodeURIComponent(code)}`)
  return r.ok ? await r.json() as { TrangThaiHoSo: string, seq: number, pushes: number } : undefined
}

const staff: Record<string, SignedInOfficial> = {}
async function official (agency: string, role: 'receptionist' | 'specialist' | 'department_head' | 'agency_leader') {
  staff[role] ??= (await t.services.officials.sessionOfficial((await newOfficial(t, agency, [role])).cookie.split('=')[1]!))!
  return staff[role]
}

async function submitted (): Promise<{ code: string, citizen: string }> {
  const c = await newCitizen(t)
  return { code: (await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))).code, citizen: c.id }
}

test('the status table: each of our statuses has its national code (a test per status)', () => {
  const expected: Array<[DossierStatus, string]> = [[1, '1'], [2, '2'], [3, '3'], [4, '4'], [5, '5'], [6, '6'], [7, '7'], [8, '8'], [9, '9'], [10, '10']]
  for (const [ours, theirs] of expected) assert.equal(NATIONAL_STATUS[ours as Exclude<DossierStatus, 0>], theirs, `status ${ours}`)
  assert.equal(nationalDate(new Date('2026-04-21T10:05:09Z')), '20260421170509', 'yyyyMMddHHmmss in Vietnam time')
})

test('a dossier\'s whole life arrives at the national side in order, with its steps, files and dates; its files are fetched by a signed address', async () => {
  const sync = syncOf()
  const { code } = await submitted()
  const seen: string[] = []
  const step = async () => { await sync.run(); seen.push((await held(code))!.TrangThaiHoSo) }
  await step()
  const desk = await official('000.01.01.H34', 'receptionist')
  await t.services.workflow.receive(desk, code)
  await step()
  const task = async (o: SignedInOfficial) => String((await t.services.workflow.open(o, code)).task!.id)
  const specialist = await official('000.00.11.H34', 'specialist')
  const head = await official('000.00.11.H34', 'department_head')
  const leader = await official('000.00.11.H34', 'agency_leader')
  await t.services.workflow.forward(specialist, code, { taskId: await task(specialist), assignee: head.id })
  await t.services.workflow.forward(head, code, { taskId: await task(head), assignee: leader.id })
  await step()
  await t.services.workflow.approve(leader, code, { taskId: await task(leader), 'fees-reason': 'Thu khi trả kết quả tại quầy' }, [{ name: 'ket-qua.pdf', data: samplePdf('ket qua') }])
  await step()
  await t.services.workflow.returnResult(desk, code, { taskId: await task(desk), method: 'online', 'fees-reason': 'Đã thu tại quầy' })
  await step()
  assert.deepEqual(seen, ['1', '2', '4', '9', '10'], 'each state in the order it happened')
  const there = (await held(code))!
  assert.equal(there.pushes, 5, 'one accepted push per change, none twice')
  // The pushes carry the ledger: steps, dates, files with addresses the national portal can fetch.
  const page = await fetch(`${standin()}/ho-so/${encodeURIComponent(code)}`)
  const html = await page.text()
  assert.match(html, /Đã trả kết quả/)
  assert.match(html, /Thẩm định hồ sơ: forwarded/)
  const { buildPush } = await import('./payload.js')
  const id = (await t.db.kysely.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
  const body = (await buildPush(t.db.kysely, id, Number.MAX_SAFE_INTEGER, t.services.national.fileUrl))!
  assert.equal(body.hoSo.KenhThucHien, '2')
  assert.ok((body.hoSo['NgayTiepNhan'] as string).length === 14 && (body.hoSo['NgayTra'] as string).length === 14)
  // The address is on the portal's public URL; the test app listens elsewhere.
  const link = new URL((body.hoSo['DanhSachGiayToKetQua'] as Array<{ DuongDanTepTinKetQua: string }>)[0]!.DuongDanTepTinKetQua)
  const result = `${t.url}${link.pathname}${link.search}`
  const file = await fetch(result)
  assert.equal(file.status, 200)
  assert.ok(Buffer.from(await file.arrayBuffer()).subarray(0, 5).equals(Buffer.from('%PDF-')))
  // (one character changed, whatever it was: replacing it with a fixed one left it unchanged once in 64 runs)
  assert.equal((await fetch(result.replace(/chu-ky=(.)/, (_, c: string) => `chu-ky=${c === 'X' ? 'Y' : 'X'}`))).status, 404, 'a forged signature fetches nothing')
  const fetched = await t.db.kysely.selectFrom('auditLog').select('action').where('action', '=', 'national.file.fetch').execute()
  assert.equal(fetched.length, 1, 'each fetch is audited')
})

test('failures are retried and arrive once: three 500s, a time-out, a rejected field; then the dead-letter list after the last attempt', async () => {
  const sync = syncOf({ timeoutMs: 300 })
  const { code } = await submitted()
  await misbehave('error500', 3)
  for (let i = 0; i < 3; i++) assert.deepEqual(await sync.push(), { pushed: 0, failed: 1 }, `attempt ${i + 1} fails`)
  assert.deepEqual(await sync.push(), { pushed: 1, failed: 0 })
  assert.equal((await held(code))?.pushes, 1, 'arrived once after three failures')
  // A time-out (the portal never answers) and a rejected field: retried, then accepted.
  const second = await submitted()
  await misbehave('timeout', 1)
  await misbehave('reject', 1)
  await sync.run()
  const row = await t.db.kysely.selectFrom('nationalSync as s').innerJoin('dossiers as d', 'd.id', 's.dossierId').select(['s.state', 's.attempts', 's.lastError']).where('d.code', '=', second.code).executeTakeFirstOrThrow()
  assert.equal((await held(second.code))?.pushes, 1)
  assert.equal(row.state, 'ok')
  // Rejected every time: set aside as failed with the portal's answer, then pushed again by the administrator.
  const third = await submitted()
  await misbehave('reject', MAX_ATTEMPTS)
  for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await sync.run(1)
  const failed = (await sync.overview()).failedRows.find(r => r.code === third.code)!
  assert.equal(failed.attempts, MAX_ATTEMPTS)
  assert.match(failed.lastError!, /Cổng quốc gia từ chối \(1\): Trường NgayHenTra không hợp lệ/)
  assert.equal(await held(third.code), undefined)
  assert.equal(await sync.repushFailed({ type: 'official', id: null }), 1)
  await sync.run()
  assert.equal((await held(third.code))?.pushes, 1)
})

test('the portal down for a while loses nothing; two workers never push the same dossier', async () => {
  const codes = [await submitted(), await submitted(), await submitted(), await submitted()].map(x => x.code)
  const a = syncOf()
  const b = syncOf()
  await misbehave('down', 1, 1500)
  const during = await Promise.all([a.push(), b.push()])
  assert.equal(during[0].pushed + during[1].pushed, 0, 'nothing accepted while down')
  await new Promise(resolve => setTimeout(resolve, 1600))
  // Both workers at once, the portal slow: each dossier is leased by one of them.
  await misbehave('slow', 4, 200)
  const after = await Promise.all([a.push(2), b.push(2)])
  assert.deepEqual([after[0].pushed, after[1].pushed], [2, 2], 'each worker leased its own two')
  for (const code of codes) assert.equal((await held(code))?.pushes, 1, `${code} pushed once`)
})

test('the Decision 766 index counts the dossiers received this month that reached the national portal', async () => {
  await syncOf().run()
  const leader = (await t.services.officials.sessionOfficial((await newOfficial(t, '000.00.00.H34', ['agency_leader'])).cookie.split('=')[1]!))!
  const r = await t.services.statistics.index766(leader)
  const counter = r.all.index.groups.find(g => g.group === 'publicity')!.counters[1]!
  const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7)
  const start = new Date(`${month}-01T00:00:00+07:00`)
  const expected = await t.db.kysely.selectFrom('dossiers as d').leftJoin('nationalSync as s', 's.dossierId', 'd.id')
    .select([eb => eb.fn.countAll<number>().as('received'), eb => eb.fn.count<number>('s.dossierId').filterWhere('s.pushedSeq', '>', 0).as('synced')])
    .where('d.receivedAt', '>=', start).executeTakeFirstOrThrow()
  assert.ok(Number(expected.received) > 0)
  assert.deepEqual([counter.part, counter.whole], [Number(expected.synced), Number(expected.received)])
})

test('off without DVCQG_URL, nothing is queued; switched on, what happened meanwhile is pushed', async () => {
  const off = createNationalSync({ db: t.db, jobs: createJobQueue(t.db), audit: t.services.audit, publicUrl: () => t.url, fileKey: 'k' })
  assert.equal(off.enabled, false)
  await off.prepare()
  const { code } = await submitted()
  const marked = () => t.db.kysely.selectFrom('nationalSync as s').innerJoin('dossiers as d', 'd.id', 's.dossierId').select(['s.state', 's.wantedSeq']).where('d.code', '=', code).executeTakeFirst()
  assert.equal(await marked(), undefined, 'nothing queued while off')
  const on = syncOf()
  await on.prepare()
  assert.equal((await marked())?.state, 'pending', 'marked when switched on')
  await on.run()
  assert.equal((await held(code))?.pushes, 1)
})
