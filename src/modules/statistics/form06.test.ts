import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import { FORM06_COLUMNS, type Form06Figures } from './form06.js'

/**
 * Biểu 06 on hand-built ledgers (docs/decisions/0012): each rule of the definitions on a dossier made
 * for it, the exact figures of a month, the drill-down lists, the scope, and random ledgers whose rows
 * add up.
 */
const NOW = new Date('2026-05-10T03:00:00Z')
const t = useTestApp({ clock: () => NOW, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const APRIL = { from: '01/04/2026', to: '30/04/2026' }
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}+07:00`)

let seq = 0
/** A dossier as the ledger holds it: received (or not), due, finished, or closed (7, 8) by an event. */
async function dossier (d: { status: number, channel?: 'online' | 'counter' | 'postal', received?: string, due?: string, finished?: string, closed?: string, processing?: string, agency?: string, postponedFrom?: string }): Promise<string> {
  const p = await t.db.kysely.selectFrom('procedures').select(['id', 'currentVersionId']).where('code', '=', PROCEDURE).executeTakeFirstOrThrow()
  const id = crypto.randomUUID()
  const code = `000.00.11.H34-260401-${String(++seq).padStart(4, '0')}`
  const agency = d.agency ?? '000.00.11.H34'
  await sql`insert into dossiers (id, code, status, procedure_id, procedure_version_id, agency_code, processing_agency_code, channel, applicant, submitter, submitted_at, received_at, due_at, finished_at, postponed_from)
    values (${id}, ${code}, ${d.status}, ${p.id}, ${p.currentVersionId}, ${agency}, ${d.received ? d.processing ?? agency : null}, ${d.channel ?? 'online'},
            ${JSON.stringify({ kind: 'individual', fullName: `Người nộp ${seq}`, idNumber: '062000000000' })}, ${JSON.stringify({ kind: 'individual', fullName: `Người nộp ${seq}` })},
            ${d.received ? vn(d.received) : vn('2026-03-01 08:00')}, ${d.received ? vn(d.received) : null}, ${d.due ? vn(d.due) : null}, ${d.finished ? vn(d.finished) : null}, ${d.postponedFrom ? vn(d.postponedFrom) : null})`.execute(t.db.kysely)
  if (d.closed) {
    await sql`insert into dossier_events (dossier_id, action, from_status, to_status, actor_type, at) values (${id}, ${d.status === 7 ? 'withdraw' : 'stop'}, 4, ${d.status}, ${d.status === 7 ? 'citizen' : 'official'}, ${vn(d.closed)})`.execute(t.db.kysely)
  }
  return code
}

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
      const flat: Record<string, number> = {
        received: r.total.received.total, 'received-online': r.total.received.online, 'received-direct': r.total.received.directOrPostal, 'carried-over': r.total.received.carriedOver,
        resolved: r.total.resolved.total, 'resolved-early': r.total.resolved.early, 'resolved-on-time': r.total.resolved.onTime, 'resolved-late': r.total.resolved.late,
        'in-progress': r.total.inProgress.total, 'in-progress-within': r.total.inProgress.withinDue, 'in-progress-overdue': r.total.inProgress.overdue
      }
      for (const column of FORM06_COLUMNS) assert.equal((await t.services.statistics.form06Dossiers(leader, { from, to }, by, column, undefined)).rows.length, flat[column], `${from}–${to} ${by} ${column}`)
    }
  }
})
