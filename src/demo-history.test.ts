import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../test/app.js'
import { prepareDemo } from './demo.js'
import { historyStarted, playHistory } from './demo-history.js'
import { newOfficial } from '../test/officials.js'

const t = useTestApp({ config: { DEMO: 'true' } })

/**
 * The demo's history played through the services on a simulated clock (a short one here: the demo
 * plays a year): every dossier's records follow the clock, nothing is dated after the end, the
 * outcomes are varied, and Biểu 06 and the 766 index have real figures that match the ledger.
 */
test('a history played through the services on a simulated clock: records in time order, varied outcomes, statistics with figures', async () => {
  await prepareDemo(t.services)
  assert.equal(await historyStarted(t.db), false)
  const end = new Date('2026-11-01T00:00:00+07:00')
  const tally = await playHistory(t.config, t.db, { dossiers: 90, months: 3, end, seed: 7 })
  assert.deepEqual(tally.failures, [], 'every script ran through')
  assert.equal(tally.failed, 0)
  assert.ok(tally.submittedOnline > 20 && tally.enteredAtCounter > 20, JSON.stringify(tally))
  assert.equal(await historyStarted(t.db), true, 'played once per database')

  // Every record is dated within the period, and each dossier's events follow one another in time.
  const history = sql`from dossiers d where d.submitted_at < ${end} and d.submitted_at >= ${new Date('2026-07-01T00:00:00+07:00')}`
  const late = await sql<{ n: number }>`select count(*)::int as n from dossier_events e where e.dossier_id in (select d.id ${history}) and e.at >= ${end}`.execute(t.db.kysely)
  assert.equal(late.rows[0]!.n, 0, 'nothing after the end')
  const disorder = await sql<{ n: number }>`
    select count(*)::int as n from (select e.at, lag(e.at) over (partition by e.dossier_id order by e.id) as before from dossier_events e where e.dossier_id in (select d.id ${history})) x
    where x.at < x.before`.execute(t.db.kysely)
  assert.equal(disorder.rows[0]!.n, 0, 'events in time order')
  const stamps = await sql<{ n: number, wrong: number }>`
    select count(*)::int as n, count(*) filter (where d.received_at < d.submitted_at or d.finished_at < d.received_at or d.closed_at < d.received_at or d.rated_at < d.finished_at)::int as wrong ${history}`.execute(t.db.kysely)
  assert.equal(stamps.rows[0]!.n, tally.arrived)
  assert.equal(stamps.rows[0]!.wrong, 0)

  // The heads were told of steps about to run out on the history's clock, before the steps ended.
  const told = await sql<{ n: number, wrong: number }>`
    select count(*)::int as n, count(*) filter (where t.escalated_at >= ${end} or t.escalated_at > coalesce(t.finished_at, ${end}))::int as wrong
    from dossier_tasks t where t.escalated_at is not null`.execute(t.db.kysely)
  assert.ok(told.rows[0]!.n > 0, 'some steps were escalated')
  assert.equal(told.rows[0]!.wrong, 0)

  // The statistics of the period have every kind of figure, and Biểu 06's received total is the ledger's count.
  const leader = (await t.services.officials.sessionOfficial((await newOfficial(t, '000.00.00.H34', ['agency_leader'])).cookie.split('=')[1]!))!
  const r = await t.services.statistics.form06(leader, { from: '2026-09-01', to: '2026-10-31' }, 'agency')
  const received = await sql<{ n: number }>`select count(*)::int as n from dossiers where received_at >= ${new Date('2026-09-01T00:00:00+07:00')} and received_at < ${end}`.execute(t.db.kysely)
  assert.equal(r.total.received.total - r.total.received.carriedOver, received.rows[0]!.n)
  assert.ok(r.total.received.online > 0 && r.total.received.directOrPostal > 0 && r.total.received.carriedOver > 0, JSON.stringify(r.total))
  assert.ok(r.total.resolved.early > 0 && r.total.resolved.onTime > 0 && r.total.resolved.late > 0, JSON.stringify(r.total))
  const counts = await sql<{ supplements: number, apologies: number, refusals: number, ratings: number, online: number, cash: number }>`
    select (select count(*)::int from supplement_requests) as supplements,
           (select count(*)::int from dossier_events where action = 'postpone') as apologies,
           (select count(*)::int from dossier_events where action in ('refuse', 'refuse-after-review') or (action = 'finish' and details ->> 'refused' = 'true')) as refusals,
           (select count(*)::int from dossiers where rating is not null) as ratings,
           (select count(*)::int from payments where state = 'paid' and method = 'vnpay') as online,
           (select count(*)::int from payments where state = 'paid' and method = 'cash') as cash`.execute(t.db.kysely)
  const c = counts.rows[0]!
  assert.ok(c.supplements > 0 && c.ratings > 0 && c.online > 0 && c.cash > 0 && c.refusals > 0, JSON.stringify(c))
  const index = await t.services.statistics.index766(leader, '10/2026')
  assert.ok(index.all.index.score !== null && index.rows.length > 0)
  assert.ok(index.all.index.groups.find(g => g.group === 'online')!.counters[1]!.whole! > 0, 'online payments counted')
})
