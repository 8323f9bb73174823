import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newOfficial } from '../../../test/officials.js'
import { ledgerDossier, ledgerId, vn, type LedgerDossier } from '../../../test/ledger.js'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import { AppError } from '../../platform/http/errors.js'
import { selfBand } from './self-assessment.js'

/**
 * The quarterly self-assessment on a hand-built ledger of the second quarter of 2026 (docs/decisions/0012):
 * indices 1, 2, 3 and 9 from the dossiers, exact to two decimals; the leader's scores of 4–8, the total
 * and the band; who may read and who may save.
 */
const NOW = new Date('2026-07-10T03:00:00Z')
const t = useTestApp({ clock: () => NOW, setup: ctx => loadCatalog(ctx.services) })
const AGENCY = '000.00.11.H34'

async function official (agency: string, roles: Parameters<typeof newOfficial>[2]): Promise<SignedInOfficial> {
  const o = await newOfficial(t, agency, roles)
  return (await t.services.officials.sessionOfficial(o.cookie.split('=')[1]!))!
}

/** A dossier of the quarter with its steps (finished at, due) and the supplements asked of it. */
async function dossier (d: LedgerDossier, steps: Array<[string, string]>, supplements: number) {
  const code = await ledgerDossier(t, '1.004325.000.00.00.H34', { agency: AGENCY, ...d })
  const id = await ledgerId(t, code)
  for (const [i, [finished, due]] of steps.entries()) {
    await sql`insert into dossier_tasks (dossier_id, step, name, role, agency_code, started_at, due_at, finished_at) values (${id}, ${i}, ${`Bước ${i + 1}`}, 'specialist', ${AGENCY}, ${vn(d.received!)}, ${vn(due)}, ${vn(finished)})`.execute(t.db.kysely)
  }
  for (let round = 1; round <= supplements; round++) {
    await sql`insert into supplement_requests (dossier_id, round, during_processing, items, requested_at) values (${id}, ${round}, true, '[]', ${vn(d.received!)})`.execute(t.db.kysely)
  }
}

test('indices 1, 2, 3 and 9 of a quarter from the ledger; the leader scores 4–8 and the total, band and audit follow', async () => {
  // Early, no supplement, its one step finished on its due day (not early): 1: 2, 2: 1, 3: 2.
  await dossier({ status: 10, channel: 'online', received: '2026-04-02 09:00', due: '2026-04-15 17:00', finished: '2026-04-10 10:00' }, [['2026-04-08 10:00', '2026-04-08 17:00']], 0)
  // On its due day, no step recorded, no supplement: 1: 1, 2: 1, 3: 2.
  await dossier({ status: 9, channel: 'counter', received: '2026-05-04 09:00', due: '2026-05-20 17:00', finished: '2026-05-20 09:00' }, [], 0)
  // Late, a step late, two supplements: 1: 0, 2: 0, 3: 0.
  await dossier({ status: 10, channel: 'counter', received: '2026-06-01 09:00', due: '2026-06-10 17:00', finished: '2026-06-12 09:00' }, [['2026-06-11 09:00', '2026-06-09 17:00'], ['2026-06-02 09:00', '2026-06-05 17:00']], 2)
  // Online and overdue at the quarter's end: index 9 is 0 whatever the shares.
  await dossier({ status: 4, channel: 'online', received: '2026-06-15 09:00', due: '2026-06-25 17:00' }, [], 0)
  // Another quarter's dossier counts in none of it.
  await dossier({ status: 10, channel: 'online', received: '2026-07-01 09:00', due: '2026-07-08 17:00', finished: '2026-07-02 09:00' }, [], 0)

  const leader = await official(AGENCY, ['agency_leader'])
  const r = await t.services.statistics.selfAssessment(leader, {})
  assert.deepEqual([r.agency, r.year, r.quarter, r.canSave], [AGENCY, 2026, 2, true], 'by default the last finished quarter of the leader\'s agency')
  const score = (n: number) => r.computed.find(c => c.n === n)!.score
  assert.equal(score(1), 1, '(2 + 1 + 0) / 3')
  assert.equal(score(2), 0.67, '(1 + 1 + 0) / 3')
  assert.equal(score(3), 1.33, '(2 + 2 + 0) / 3')
  assert.equal(score(9), 0, 'an online dossier overdue')
  assert.match(r.computed.find(c => c.n === 9)!.basis, /2\/4 hồ sơ tiếp nhận trực tuyến \(50%\); 1 hồ sơ trực tuyến quá hạn/)
  assert.equal(r.saved, undefined)

  // Every entered index needs a score; a note is capped.
  await assert.rejects(t.services.statistics.saveSelfAssessment(leader, {}, { 'chi-so-4': '2', 'chi-so-5': '3', 'can-cu-6': 'x'.repeat(1001) }), (err: AppError) =>
    err.code === 'VALIDATION' && JSON.stringify(err.fields!.map(f => f.field)) === JSON.stringify(['chi-so-5', 'chi-so-6', 'can-cu-6', 'chi-so-7', 'chi-so-8']))
  const saved = await t.services.statistics.saveSelfAssessment(leader, {}, { 'chi-so-4': '2', 'chi-so-5': '2', 'chi-so-6': '2', 'chi-so-7': '1', 'chi-so-8': '1', 'can-cu-6': 'Niêm yết tại Bộ phận Một cửa và trên Cổng' })
  // 1 + 0.67 + 1.33 + 2 + 2 + 2 + 1 + 1 + 0 = 11
  assert.deepEqual([saved.total, saved.band], [11, 'Khá'])
  const again = await t.services.statistics.selfAssessment(leader, { year: '2026', quarter: '2' })
  assert.deepEqual(again.saved!.entered.map(e => e.score), [2, 2, 2, 1, 1])
  assert.equal(again.saved!.entered.find(e => e.n === 6)!.note, 'Niêm yết tại Bộ phận Một cửa và trên Cổng')
  assert.deepEqual(again.saved!.computed.map(c => c.score), [1, 0.67, 1.33, 0])
  const audit = await t.db.kysely.selectFrom('auditLog').select(['action', 'targetId']).where('action', '=', 'statistics.self-assessment').execute()
  assert.deepEqual(audit, [{ action: 'statistics.self-assessment', targetId: AGENCY }])

  // A department head reads it and may not save; another agency's leader cannot ask for it; a quarter to come is refused.
  const head = await official(AGENCY, ['department_head'])
  assert.equal((await t.services.statistics.selfAssessment(head, {})).canSave, false)
  await assert.rejects(t.services.statistics.saveSelfAssessment(head, {}, { 'chi-so-4': '2' }), (err: AppError) => err.code === 'FORBIDDEN')
  const other = await official('000.00.15.H34', ['agency_leader'])
  await assert.rejects(t.services.statistics.selfAssessment(other, { agency: AGENCY }), (err: AppError) => err.code === 'VALIDATION' && err.fields![0]!.field === 'co-quan')
  await assert.rejects(t.services.statistics.selfAssessment(leader, { year: '2026', quarter: '4' }), (err: AppError) => err.code === 'VALIDATION' && err.fields![0]!.field === 'quy')
})

test('the bands on 18 points', () => {
  assert.deepEqual([18, 15, 14.99, 12, 9, 8.5, 6, 5.99, 0].map(selfBand), ['Xuất sắc', 'Xuất sắc', 'Tốt', 'Tốt', 'Khá', 'Trung bình', 'Trung bình', 'Yếu', 'Yếu'])
})
