import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { ledgerDossier, vn, type LedgerDossier } from '../../../test/ledger.js'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import { figureOf, FORM06_COLUMNS, type Form06Figures } from './form06.js'

/**
 * Biểu 06 on hand-built ledgers (docs/decisions/0012): each rule of the definitions on a dossier made
 * for it, the exact figures of a month, the drill-down lists, the scope, and random ledgers whose rows
 * add up.
 */
const NOW = new Date('2026-05-10T03:00:00Z')
let clock = NOW
const t = useTestApp({ clock: () => clock, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const APRIL = { from: '01/04/2026', to: '30/04/2026' }

const dossier = (d: LedgerDossier) => ledgerDossier(t, PROCEDURE, d)

async function official (agency: string, roles: Parameters<typeof newOfficial>[2] = ['agency_leader']): Promise<SignedInOfficial & { cookie: string }> {
  const o = await newOfficial(t, agency, roles)
  return { ...(await t.services.officials.sessionOfficial(o.cookie.split('=')[1]!))!, cookie: o.cookie }
}

/** The hand-built ledger of April 2026: one dossier per rule, named by what it shows. */
const L: Record<string, string> = {}
async function april () {
  if (Object.keys(L).length > 0) return
  Object.assign(L, {
    early: await dossier({ status: 10, channel: 'online', received: '2026-04-02 09:00', due: '2026-04-15 17:00', finished: '2026-04-10 10:00' }),
    onDueDay: await dossier({ status: 9, channel: 'counter', received: '2026-04-06 09:00', due: '2026-04-20 17:00', finished: '2026-04-20 09:00' }),
    atDueInstant: await dossier({ status: 10, channel: 'online', received: '2026-04-07 09:00', due: '2026-04-21 17:00', finished: '2026-04-21 17:00' }),
    secondAfter: await dossier({ status: 10, channel: 'online', received: '2026-04-07 10:00', due: '2026-04-21 17:00', finished: '2026-04-21 17:00:01' }),
    carriedLate: await dossier({ status: 10, channel: 'online', received: '2026-03-25 09:00', due: '2026-04-02 17:00', finished: '2026-04-03 09:00' }),
    before: await dossier({ status: 10, channel: 'online', received: '2026-03-01 09:00', due: '2026-03-20 17:00', finished: '2026-03-20 09:00' }),
    inProgressWithin: await dossier({ status: 4, channel: 'online', received: '2026-04-27 09:00', due: '2026-05-05 17:00' }),
    inProgressOverdue: await dossier({ status: 4, channel: 'postal', received: '2026-04-08 09:00', due: '2026-04-25 17:00' }),
    withdrawn: await dossier({ status: 7, channel: 'online', received: '2026-04-02 14:00', due: '2026-04-10 17:00', closed: '2026-04-06 10:00' }),
    refusedAtReception: await dossier({ status: 3, channel: 'online' }),
    resolvedInMay: await dossier({ status: 10, channel: 'postal', received: '2026-04-09 09:00', due: '2026-04-28 17:00', finished: '2026-05-03 09:00' }),
    rescheduled: await dossier({ status: 10, channel: 'online', received: '2026-04-01 08:00', due: '2026-04-22 17:00', postponedFrom: '2026-04-12 17:00', finished: '2026-04-18 09:00' }),
    stoppedLate: await dossier({ status: 8, channel: 'counter', received: '2026-04-03 09:00', due: '2026-04-14 17:00', closed: '2026-04-15 09:00', processing: '000.00.15.H34' }),
    lastSecond: await dossier({ status: 2, channel: 'online', received: '2026-04-30 23:59:59', due: '2026-05-08 17:00' }),
    nextMonth: await dossier({ status: 2, channel: 'online', received: '2026-05-01 00:00', due: '2026-05-08 17:00' })
  })
}

test('Biểu 06 for April from a hand-built ledger: every rule of the definitions, exact figures, each dossier once per column group', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const r = await t.services.statistics.form06(leader, APRIL, 'sector')
  const expected: Form06Figures = {
    received: { total: 12, online: 7, directOrPostal: 4, carriedOver: 1 },
    resolved: { total: 8, early: 3, onTime: 2, late: 3 },
    inProgress: { total: 4, withinDue: 2, overdue: 2 }
  }
  assert.deepEqual(r.total, expected)
  assert.equal(r.rows.length, 1, 'one sector')
  assert.deepEqual(r.rows[0]!.figures, expected)
  // The dossiers behind each figure are exactly the ones each rule puts there.
  const list = async (column: string, row?: string) => (await t.services.statistics.form06Dossiers(leader, APRIL, 'sector', column, row)).rows.map(d => d.code).sort()
  const codes = (...names: string[]) => names.map(n => L[n]!).sort()
  assert.deepEqual(await list('resolved-early'), codes('early', 'withdrawn', 'rescheduled'))
  assert.deepEqual(await list('resolved-on-time'), codes('onDueDay', 'atDueInstant'))
  assert.deepEqual(await list('resolved-late'), codes('secondAfter', 'carriedLate', 'stoppedLate'))
  assert.deepEqual(await list('carried-over'), codes('carriedLate'))
  assert.deepEqual(await list('in-progress-within'), codes('inProgressWithin', 'lastSecond'))
  assert.deepEqual(await list('in-progress-overdue'), codes('inProgressOverdue', 'resolvedInMay'))
  assert.deepEqual(await list('received-direct'), codes('onDueDay', 'inProgressOverdue', 'resolvedInMay', 'stoppedLate'))
  for (const excluded of ['before', 'refusedAtReception', 'nextMonth']) assert.ok(!(await list('received')).includes(L[excluded]!), excluded)
  // By agency: the stopped dossier belongs to the department that processed it.
  const byAgency = await t.services.statistics.form06(leader, APRIL, 'agency')
  assert.deepEqual(byAgency.rows.map(x => [x.key, x.figures.received.total]), [['000.00.11.H34', 11], ['000.00.15.H34', 1]])
  assert.deepEqual(byAgency.total, expected)
  assert.deepEqual(await (async () => (await t.services.statistics.form06Dossiers(leader, APRIL, 'agency', 'resolved-late', '000.00.15.H34')).rows.map(d => d.code))(), [L['stoppedLate']])
})

test('Biểu 06 is scoped to the leader\'s agencies; others may not read it; a bad period is told at its field', async () => {
  await april()
  const culture = await official('000.00.15.H34')
  const r = await t.services.statistics.form06(culture, APRIL, 'agency')
  assert.deepEqual(r.rows.map(x => x.key), ['000.00.15.H34'])
  assert.equal(r.total.resolved.late, 1)
  const specialist = await official('000.00.11.H34', ['specialist'])
  const s = browserSession(t, specialist.cookie)
  assert.equal((await s.get('/can-bo/thong-ke')).statusCode, 403)
  const leader = browserSession(t, (await official('000.00.11.H34')).cookie)
  const bad = await leader.get('/can-bo/thong-ke?tu=31/04/2026&den=01/04/2026')
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="tu-error"/)
  assert.equal((await leader.get('/can-bo/thong-ke/ho-so?tu=01/04/2026&den=30/04/2026&cot=khong-co')).statusCode, 404)
})

test('the page shows the form with every figure a link to a list of exactly that many dossiers (audited)', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const s = browserSession(t, leader.cookie)
  const page = await s.get('/can-bo/thong-ke?tu=01/04/2026&den=30/04/2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<th scope="colgroup" colspan="4">Số hồ sơ nhận giải quyết<\/th>/i)
  const links = [...page.body.matchAll(/<a href="(\/can-bo\/thong-ke\/ho-so\?[^"]+)">([\d.]+)<span/g)].map(m => ({ url: m[1]!.replace(/&amp;/g, '&'), n: Number(m[2]!.replace(/\./g, '')) }))
  assert.ok(links.length >= 20, `${links.length} links`)
  for (const l of links.slice(0, 24)) {
    const list = await s.get(l.url)
    assert.equal(list.statusCode, 200, l.url)
    assert.equal([...list.body.matchAll(/<td data-label="Mã hồ sơ"><a href="\/can-bo\/ho-so\//g)].length, l.n, l.url)
  }
  assert.ok((await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'statistics.drilldown').where('actorId', '=', leader.id).execute()).length >= 20)
})

test('on random ledgers the rows add up: each group\'s parts make its total, received = resolved + in progress, totals = the sum of rows, and every figure matches its list', async () => {
  const leader = await official('000.00.00.H34')
  // Another procedure's sector and other agencies, so that there are several rows.
  let x = 7
  const rand = () => { x = (x * 1103515245 + 12345) % 2 ** 31; return x / 2 ** 31 }
  const day = (d: number, h = 9) => { const t0 = new Date(Date.UTC(2026, 5, 1, h - 7) + d * 86_400_000); return new Date(t0.getTime() + Math.floor(rand() * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ') }
  const toVn = (iso: string) => new Date(new Date(`${iso.replace(' ', 'T')}Z`).getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
  for (let i = 0; i < 60; i++) {
    const received = Math.floor(rand() * 60) - 15
    const due = received + 3 + Math.floor(rand() * 10)
    const end = received + 1 + Math.floor(rand() * 20)
    const kind = rand()
    const status = kind < 0.5 ? 10 : kind < 0.6 ? 7 : kind < 0.65 ? 8 : 4
    await dossier({
      status, channel: (['online', 'counter', 'postal'] as const)[Math.floor(rand() * 3)]!, agency: rand() < 0.5 ? '000.00.11.H34' : '000.00.15.H34',
      received: toVn(day(received)), due: toVn(day(due, 17)),
      ...(status === 10 ? { finished: toVn(day(end, 8 + Math.floor(rand() * 10))) } : status === 4 ? {} : { closed: toVn(day(end)) })
    })
  }
  for (const [from, to] of [['01/06/2026', '30/06/2026'], ['15/06/2026', '10/07/2026'], ['01/05/2026', '31/07/2026']] as const) {
    for (const by of ['sector', 'agency'] as const) {
      const r = await t.services.statistics.form06(leader, { from, to }, by)
      for (const row of [...r.rows.map(x => x.figures), r.total]) {
        assert.equal(row.received.total, row.received.online + row.received.directOrPostal + row.received.carriedOver)
        assert.equal(row.resolved.total, row.resolved.early + row.resolved.onTime + row.resolved.late)
        assert.equal(row.inProgress.total, row.inProgress.withinDue + row.inProgress.overdue)
        assert.equal(row.received.total, row.resolved.total + row.inProgress.total, 'each dossier is resolved in the period or still in progress at its end')
      }
      const sum = (pick: (f: Form06Figures) => number) => r.rows.reduce((n, x) => n + pick(x.figures), 0)
      assert.equal(sum(f => f.received.total), r.total.received.total)
      // Every column's list has as many dossiers as its figure (the totals row).
      for (const column of FORM06_COLUMNS) assert.equal((await t.services.statistics.form06Dossiers(leader, { from, to }, by, column, undefined)).rows.length, figureOf(r.total, column), `${from}–${to} ${by} ${column}`)
    }
  }
})

test('the overdue report (Biểu 07), the CSV and the JSON API give the same dossiers and figures as Biểu 06', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const id = async (name: string) => (await t.db.kysely.selectFrom('dossiers').select('id').where('code', '=', L[name]!).executeTakeFirstOrThrow()).id
  // The overdue dossier: an apology with its reason, and the step that ran over, still open with its holder.
  await sql`insert into dossier_events (dossier_id, action, actor_type, at, details) values (${await id('inProgressOverdue')}, 'postpone', 'official', ${vn('2026-04-24 10:00')}, ${JSON.stringify({ reason: 'Chờ kết quả kiểm định của cơ quan phối hợp' })})`.execute(t.db.kysely)
  await sql`insert into dossier_tasks (dossier_id, step, kind, name, role, agency_code, assignee_name, started_at, due_at) values (${await id('inProgressOverdue')}, 0, 'work', 'Thẩm định hồ sơ', 'specialist', '000.00.11.H34', 'Trần Chậm Trễ', ${vn('2026-04-08 10:00')}, ${vn('2026-04-20 17:00')})`.execute(t.db.kysely)
  const r = await t.services.statistics.overdue(leader, APRIL)
  assert.deepEqual(r.rows.map(x => x.code).sort(), ['secondAfter', 'carriedLate', 'stoppedLate', 'inProgressOverdue', 'resolvedInMay'].map(n => L[n]!).sort())
  const row = (name: string) => r.rows.find(x => x.code === L[name])!
  assert.equal(row('secondAfter').daysLate, 1, 'a second late is a day begun')
  assert.equal(row('inProgressOverdue').daysLate, 6, 'due 25/04 17:00, still open at the end of April')
  assert.equal(row('inProgressOverdue').reason, 'Chờ kết quả kiểm định của cơ quan phối hợp')
  assert.deepEqual(row('inProgressOverdue').step, { name: 'Thẩm định hồ sơ', holder: 'Trần Chậm Trễ' })
  assert.equal(row('stoppedLate').resolved, true)
  assert.equal(row('resolvedInMay').resolved, false, 'resolved after the period: overdue in it')
  const s = browserSession(t, leader.cookie)
  const page = await s.get('/can-bo/thong-ke/qua-han?tu=01/04/2026&den=30/04/2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Hồ sơ giải quyết quá hạn: 5/)
  // The heat strip: a row per step that ran over, a column per week of April by the due date.
  assert.match(page.body, /<desc id="qua-han-theo-buoc-desc">Không xác định được bước: 4 hồ sơ; Thẩm định hồ sơ: 1 hồ sơ\./)
  assert.match(page.body, /Hồ sơ quá hạn theo bước chậm đầu tiên và tuần đến hạn/)
  assert.equal([...page.body.matchAll(/class="chart__cell"/g)].length, 5, 'five week-and-step cells with dossiers')
  assert.equal([...page.body.matchAll(/class="chart__cell chart__cell--empty"/g)].length, 5, 'and five without')
  // The CSV: the two header rows and the totals, numbers as numbers.
  const csv = await s.get('/can-bo/thong-ke.csv?tu=01/04/2026&den=30/04/2026')
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  assert.ok(csv.body.startsWith('\uFEFF'))
  assert.match(csv.body, /"Số hồ sơ nhận giải quyết","Số hồ sơ nhận giải quyết"/)
  assert.match(csv.body, /"","Tổng cộng",12,7,4,1,8,3,2,3,4,2,2\r\n$/)
  // The API: the same figures as JSON, for the signed-in leader only.
  const api = await s.get('/api/v1/statistics/form-06?from=2026-04-01&to=2026-04-30&by=agency')
  assert.equal(api.statusCode, 200)
  const body = api.json() as { total: Form06Figures, rows: Array<{ key: string, received: { total: number } }> }
  assert.deepEqual(body.total, (await t.services.statistics.form06(leader, APRIL, 'agency')).total)
  assert.deepEqual(body.rows.map(x => [x.key, x.received.total]), [['000.00.11.H34', 11], ['000.00.15.H34', 1]])
  const anonymous = await t.app.inject({ url: '/api/v1/statistics/form-06' })
  assert.equal(anonymous.statusCode, 401)
  assert.match(String(anonymous.headers['content-type']), /application\/problem\+json/)
  const openapi = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> }
  assert.ok('/api/v1/statistics/form-06' in openapi.paths)
})

test('the public page shows aggregates of the same ledger (on-time, online rates), never a name or a dossier code, with its chart and table', async () => {
  await april()
  const page = await t.app.inject({ url: '/thong-ke' })
  assert.equal(page.statusCode, 200)
  assert.equal(page.headers['cache-control'], 'public, max-age=300')
  // This year to 10 May: 14 received (10 online), 10 resolved of which 6 early or on time.
  assert.match(page.body, /aria-label="Toàn tỉnh, năm 2026"[^]*?<span class="stat-tile__value">14<\/span> <span class="stat-tile__label">Hồ sơ tiếp nhận/)
  assert.match(page.body, /aria-label="Toàn tỉnh, năm 2026"[^]*?<span class="stat-tile__value">60%<\/span> <span class="stat-tile__label">Giải quyết đúng hạn/)
  assert.match(page.body, /aria-label="Toàn tỉnh, năm 2026"[^]*?<span class="stat-tile__value">71,4%<\/span> <span class="stat-tile__label">Nộp trực tuyến/)
  assert.match(page.body, /<svg class="chart__svg"[^>]*role="img"[^>]*><title id="dung-han-theo-thang-title">/)
  assert.doesNotMatch(page.body, /\d{3}\.\d{2}\.\d{2}\.H34-\d{6}-\d{4}/, 'no dossier code')
  assert.doesNotMatch(page.body, /Người nộp/, 'no applicant')
  assert.match((await t.app.inject({ url: '/' })).body, /href="\/thong-ke"/)
})

test('the Excel file has the official layout (title, period, merged two-row header) and numbers that read back as the page\'s', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const res = await browserSession(t, leader.cookie).get('/can-bo/thong-ke.xlsx?tu=01/04/2026&den=30/04/2026&theo=co-quan')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  assert.match(String(res.headers['content-disposition']), /filename="bieu-06-2026-04-01-2026-04-30\.xlsx"/)
  const { default: ExcelJS } = await import('exceljs')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('Biểu 06')!
  assert.equal(ws.getCell('A2').value, 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH')
  assert.match(String(ws.getCell('A3').value), /từ ngày 01\/04\/2026 đến ngày 30\/04\/2026/)
  assert.equal(ws.getCell('C5').value, 'Số hồ sơ nhận giải quyết')
  assert.equal(ws.getCell('D5').master.address, 'C5', 'the group title spans its columns')
  assert.equal(ws.getCell('A6').master.address, 'A5', 'STT spans both header rows')
  assert.equal(ws.getCell('H6').value, 'Trước hạn')
  assert.deepEqual([ws.getCell('B7').value, ws.getCell('C7').value, ws.getCell('B8').value, ws.getCell('C8').value], ['Sở Giao thông vận tải tỉnh Kon Tum', 11, 'Sở Văn hóa, Thể thao và Du lịch tỉnh Kon Tum', 1])
  const total = ws.getCell('C9').value as { formula: string, result: number }
  assert.deepEqual([ws.getCell('B9').value, total.formula, total.result], ['Tổng cộng', 'SUM(C7:C8)', 12])
  assert.equal((ws.getCell('M9').value as { result: number }).result, 2, 'in progress, overdue')
})

test('through the real flow: a dossier received at the desk and withdrawn by its applicant is resolved at the instant of its withdrawal event', async () => {
  const { newCitizen } = await import('../../../test/citizens.js')
  const { serviceDraft } = await import('../../../test/dossiers.js')
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const desk = await official('000.01.01.H34', ['receptionist'])
  await t.services.workflow.receive(desk, code)
  // Withdrawn three weeks later on the same clock as every record of the flow (the service's).
  clock = vn('2026-06-02 09:30')
  try {
    await t.services.dossiers.withdraw(c.id, code, 'Không còn nhu cầu')
  } finally { clock = NOW }
  const d = await t.db.kysely.selectFrom('dossiers').select(['id', 'closedAt', 'receivedAt']).where('code', '=', code).executeTakeFirstOrThrow()
  const event = await t.db.kysely.selectFrom('dossierEvents').select('at').where('dossierId', '=', d.id).where('toStatus', '=', 7).executeTakeFirstOrThrow()
  assert.equal(d.closedAt?.getTime(), event.at.getTime())
  assert.equal(d.closedAt?.getTime(), vn('2026-06-02 09:30').getTime())
  assert.equal(d.receivedAt?.getTime(), NOW.getTime())
  const leader = await official('000.00.00.H34')
  const resolved = (await t.services.statistics.form06Dossiers(leader, { from: '2026-06-01', to: '2026-06-30' }, 'sector', 'resolved', undefined)).rows.map(x => x.code)
  assert.ok(resolved.includes(code), 'withdrawn after receipt: resolved in June')
  const received = (await t.services.statistics.form06Dossiers(leader, { from: '2026-05-01', to: '2026-05-31' }, 'sector', 'in-progress', undefined)).rows.map(x => x.code)
  assert.ok(received.includes(code), 'in May it was still in progress')
})

test('the Decision 766 index of April from the same ledger: each counter beside its ratio and points, "chưa có dữ liệu" where nothing is recorded, the band on the points with data', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const r = await t.services.statistics.index766(leader, '04/2026')
  assert.equal(r.month, '2026-04')
  const group = (g: string) => r.all.index.groups.find(x => x.group === g)!
  // Progress: 5 of the 8 resolved early or on time → 20 × 5/8.
  assert.deepEqual(group('progress').counters.map(c => [c.part, c.whole, c.points]), [[5, 8, 12.5]])
  // Digitisation: 11 received, none with a paper-only component; 6 decided, none with a result file; none reused from a store (the reuse counts are tested in signing/store tests).
  assert.deepEqual(group('digitisation').counters.map(c => [c.part, c.whole]), [[11, 11], [0, 6], [0, 11]])
  // Online: 7 of the 11 received online; no fee paid in April, so no online-payment figure.
  assert.deepEqual(group('online').counters.map(c => [c.part, c.whole]), [[7, 11], [0, 0]])
  assert.equal(group('online').counters[1]!.points, null)
  assert.equal(group('publicity').points, null)
  assert.equal(group('satisfaction').points, null, 'no rating in April')
  const points = 12.5 + 22 / 3 + 7
  const max = 20 + 3 * 22 / 3 + 11
  assert.equal(r.all.index.points.toFixed(6), points.toFixed(6))
  assert.equal(r.all.index.maxWithData.toFixed(6), max.toFixed(6))
  assert.equal(r.all.index.band, 'Trung bình')
  // Both agencies of April, best score first.
  assert.deepEqual(r.rows.map(x => x.code).sort(), ['000.00.11.H34', '000.00.15.H34'])
  const scores = r.rows.map(x => x.index.score ?? -1)
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a))
  const s = browserSession(t, leader.cookie)
  const page = await s.get('/can-bo/thong-ke/chi-so-766?thang=04/2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Chưa có dữ liệu/)
  assert.match(page.body, /Tiến độ, kết quả giải quyết: 12,5 \/ 20 điểm/)
  const bad = await s.get('/can-bo/thong-ke/chi-so-766?thang=13/2026')
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /id="thang-error"/)
})

test('Biểu 06 as a printable PDF: the title, the period, the grouped header and the same totals, nothing printed over anything', async () => {
  await april()
  const leader = await official('000.00.00.H34')
  const res = await browserSession(t, leader.cookie).get('/can-bo/thong-ke.pdf?tu=01/04/2026&den=30/04/2026')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/pdf')
  const { pdfText } = await import('../../../test/pdf.js')
  const text = await pdfText(res.rawPayload)
  assert.match(text, /TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH/)
  assert.match(text, /từ ngày 01\/04\/2026 đến ngày 30\/04\/2026/)
  assert.match(text, /Số hồ sơ nhận giải quyết/)
  assert.match(text, /Tổng cộng 12 7 4 1 8 3 2 3 4 2 2/)
})
