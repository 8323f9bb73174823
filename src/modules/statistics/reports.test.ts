import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { ledgerDossier, ledgerId, vn } from '../../../test/ledger.js'
import { newOfficial } from '../../../test/officials.js'

/** The workload and satisfaction reports on a hand-built ledger of June 2026. */
const t = useTestApp({ clock: () => new Date('2026-07-05T03:00:00Z'), setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const JUNE = { from: '01/06/2026', to: '30/06/2026' }

async function leader (agency = '000.00.00.H34') {
  const o = await newOfficial(t, agency, ['agency_leader'])
  return { official: (await t.services.officials.sessionOfficial(o.cookie.split('=')[1]!))!, cookie: o.cookie }
}

test('workload: per official and step, steps got and finished in the period, average and 90th-percentile time, steps over their own time; an unheld step under its role', async () => {
  const sp = await newOfficial(t, '000.00.11.H34', ['specialist'], 'Đặng Khối Lượng')
  const task = async (code: string, t0: string, due: string, end?: string, by: string | null = sp.id) => sql`
    insert into dossier_tasks (dossier_id, step, kind, name, role, agency_code, assignee_id, assignee_name, started_at, due_at, finished_at, finished_by, finished_by_name, outcome)
    values (${await ledgerId(t, code)}, 0, 'work', 'Thẩm định hồ sơ', 'specialist', '000.00.11.H34', ${by}, ${by ? 'Đặng Khối Lượng' : null}, ${vn(t0)}, ${vn(due)}, ${end ? vn(end) : null}, ${end && by ? by : null}, ${end && by ? 'Đặng Khối Lượng' : null}, ${end ? 'forwarded' : null})`.execute(t.db.kysely)
  const d = () => ledgerDossier(t, PROCEDURE, { status: 4, received: '2026-06-01 08:00', due: '2026-06-20 17:00' })
  await task(await d(), '2026-06-02 08:00', '2026-06-03 17:00', '2026-06-02 18:00') // 10 h, in time
  await task(await d(), '2026-06-03 08:00', '2026-06-04 12:00', '2026-06-04 14:00') // 30 h, late
  await task(await d(), '2026-06-10 08:00', '2026-06-12 17:00') // open, overdue at the end of June
  await task(await d(), '2026-05-20 08:00', '2026-05-21 17:00', '2026-05-21 09:00') // finished before June: not counted
  await task(await d(), '2026-06-25 08:00', '2026-06-26 17:00', undefined, null) // nobody holds it yet
  const { official, cookie } = await leader()
  const r = await t.services.statistics.workload(official, JUNE)
  const mine = r.rows.find(x => x.who === sp.id)!
  assert.deepEqual({ received: mine.received, handled: mine.handled, avg: mine.avgHours, p90: mine.p90Hours, overdue: mine.overdue }, { received: 3, handled: 2, avg: 20, p90: 28, overdue: 2 })
  assert.equal(mine.label, 'Đặng Khối Lượng')
  const unheld = r.rows.find(x => x.who === null)!
  assert.deepEqual([unheld.label, unheld.received, unheld.overdue], ['Chưa giao (chuyên viên)', 1, 1])
  const page = await browserSession(t, cookie).get('/can-bo/thong-ke/can-bo?tu=01/06/2026&den=30/06/2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<td data-label="Cán bộ">Đặng Khối Lượng<\/td><td data-label="Bước">Thẩm định hồ sơ<\/td><td data-label="Nhận trong kỳ">3<\/td><td data-label="Đã xử lý">2<\/td><td data-label="Thời gian trung bình \(giờ\)">20<\/td><td data-label="90% xong trong \(giờ\)">28<\/td><td data-label="Quá hạn bước">2<\/td>/)
  // Another agency's leader sees none of it.
  const other = await leader('000.00.15.H34')
  assert.ok(!(await t.services.statistics.workload(other.official, JUNE)).rows.some(x => x.who === sp.id))
})

test('satisfaction: ratings given in the period per agency and procedure, each level, the share satisfied, the latest comments', async () => {
  const rated = (rating: number, rated: string, comment?: string) => ledgerDossier(t, PROCEDURE, { status: 10, received: '2026-06-01 08:00', due: '2026-06-10 17:00', finished: '2026-06-05 08:00', rating, rated, ...(comment ? { ratingComment: comment } : {}) })
  await rated(5, '2026-06-06 09:00', 'Cán bộ hướng dẫn tận tình')
  await rated(4, '2026-06-07 09:00')
  await rated(2, '2026-06-08 09:00', 'Phải đi lại hai lần')
  await rated(1, '2026-07-02 09:00', 'Tháng sau, không tính')
  const { official, cookie } = await leader()
  const r = await t.services.statistics.satisfaction(official, JUNE)
  assert.equal(r.rows.length, 1)
  assert.deepEqual({ count: r.rows[0]!.count, levels: r.rows[0]!.levels }, { count: 3, levels: [0, 1, 0, 1, 1] })
  assert.equal(Math.round(r.rows[0]!.average * 100) / 100, 3.67)
  assert.deepEqual(r.comments.map(c => c.ratingComment), ['Phải đi lại hai lần', 'Cán bộ hướng dẫn tận tình'])
  const page = await browserSession(t, cookie).get('/can-bo/thong-ke/hai-long?tu=01/06/2026&den=30/06/2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<td data-label="Hài lòng">66,7%<\/td>/)
  assert.match(page.body, /<th scope="colgroup" colspan="5">Số đánh giá theo mức<\/th>/i)
})
