import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { ROOT } from '../../platform/paths.js'
import { AppError } from '../../platform/http/errors.js'
import { cliActor } from '../audit/audit.service.js'
import { fromLocal, toLocal } from '../../platform/vn-time.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const actor = cliActor('test')
const at = (s: string) => fromLocal(s.slice(0, 10), Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16)))
const local = (d: Date) => { const l = toLocal(d); return `${l.date} ${String(Math.floor(l.minute / 60)).padStart(2, '0')}:${String(l.minute % 60).padStart(2, '0')}` }

test('the migration ships exactly the announced 2024–2026 exceptions of the data file', async () => {
  const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'seed/calendar/vn-2024-2026.json'), 'utf8')) as { exceptions: Array<{ date: string, kind: string, note: string }> }
  const rows = await t.services.calendar.listExceptions()
  assert.deepEqual(rows, [...file.exceptions].sort((a, b) => a.date.localeCompare(b.date)))
})

test('the service computes due dates on the stored calendar', async () => {
  const r = await t.services.calendar.computeDue(at('2025-01-24 10:00'), { value: 1, unit: 'working_days' })
  assert.equal(local(r.due), '2025-02-03 10:00')
  const { off, workingWeekends } = await t.services.calendar.daysOff(2024)
  assert.ok(off.some(d => d.date === '2024-04-29' && d.kind === 'off'))
  assert.deepEqual(workingWeekends.map(d => d.date), ['2024-05-04'])
})

test('an administrator adds and removes an exception; bad input is refused with the field named; both are audited', async () => {
  await assert.rejects(t.services.calendar.setException(actor, { date: '2027-13-01', kind: 'off', note: 'x' }), (err: unknown) => {
    assert.ok(err instanceof AppError && err.code === 'VALIDATION')
    assert.deepEqual(err.fields?.map(f => f.field), ['date', 'note'])
    return true
  })
  // 2027: 30/4 Friday, 1/5 Saturday made up on Monday 3/5 by the rule; an extra day off on Tuesday 4/5.
  let r = await t.services.calendar.computeDue(at('2027-04-29 10:00'), { value: 1, unit: 'working_days' })
  assert.equal(local(r.due), '2027-05-04 10:00')
  await t.services.calendar.setException(actor, { date: '2027-05-04', kind: 'off', note: 'Nghỉ thêm theo thông báo (thử nghiệm)' })
  r = await t.services.calendar.computeDue(at('2027-04-29 10:00'), { value: 1, unit: 'working_days' })
  assert.equal(local(r.due), '2027-05-05 10:00')
  assert.match(r.explanation, /nghỉ theo thông báo/)
  await t.services.calendar.removeException(actor, '2027-05-04')
  r = await t.services.calendar.computeDue(at('2027-04-29 10:00'), { value: 1, unit: 'working_days' })
  assert.equal(local(r.due), '2027-05-04 10:00')
  await assert.rejects(t.services.calendar.removeException(actor, '2027-05-04'), /no calendar exception/)
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('targetType', '=', 'calendar').orderBy('id').execute()
  assert.deepEqual(audit.map(a => a.action), ['calendar.exception.set', 'calendar.exception.remove'])
})

test('a file of exceptions is imported in one go', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cal-')), 'y2027.json')
  fs.writeFileSync(file, JSON.stringify({ exceptions: [{ date: '2027-02-01', kind: 'off', note: 'Nghỉ thêm dịp Tết 2027 (thử nghiệm)' }, { date: '2027-02-20', kind: 'work', note: 'Làm bù (thử nghiệm)' }] }))
  assert.equal(await t.services.calendar.importExceptions(actor, file), 2)
  const { workingWeekends } = await t.services.calendar.daysOff(2027)
  assert.deepEqual(workingWeekends.map(d => d.date), ['2027-02-20'])
})

test('an agency with its own office hours gets its own deadlines', async () => {
  await t.services.calendar.setOfficeHours(actor, '000.01.11.H34', '07:30-11:30,13:30-16:30')
  const own = await t.services.calendar.computeDue(at('2024-06-10 07:10'), { value: 2, unit: 'working_hours' }, {}, '000.01.11.H34')
  assert.equal(local(own.due), '2024-06-10 09:30', 'counted from its 07:30 opening')
  const standard = await t.services.calendar.computeDue(at('2024-06-10 07:10'), { value: 2, unit: 'working_hours' })
  assert.equal(local(standard.due), '2024-06-10 09:10')
  await assert.rejects(t.services.calendar.setOfficeHours(actor, '000.01.11.H34', '17:00-07:00'), (err: unknown) => err instanceof AppError && err.code === 'VALIDATION')
  await assert.rejects(t.services.calendar.setOfficeHours(actor, '999.99.99.H99', null), /no agency/)
})

test('reference data reloaded inside a transaction is read through it: no wait for a second connection', async () => {
  // A change empties this process's calendar; the next due date is computed inside a transaction (as
  // answering a supplement does). Reading it through the pool would wait for the connection the
  // transaction holds: on PGlite, for ever. Settings, the catalog's and the site's caches read the same way.
  await t.services.calendar.setException(actor, { date: '2031-05-05', kind: 'off', note: 'Thử tải lại lịch trong giao dịch' })
  const inside = t.db.transaction(async (trx) => {
    assert.equal(t.db.reader(), trx)
    const due = await t.services.calendar.computeDue(at('2031-05-02 10:00'), { value: 1, unit: 'working_days' })
    const settings = await t.services.workflow.settings.get('1.004325.000.00.00.H34')
    return { due, settings }
  })
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('the transaction waited for a second connection')), 10_000) })
  try {
    const { due, settings } = await Promise.race([inside, hung])
    assert.equal(local(due.due), '2031-05-06 10:00', 'Friday 2 May + one working day, Monday 5 May being off')
    assert.ok(settings.supplementDays > 0)
  } finally {
    clearTimeout(timer)
  }
  assert.equal(t.db.reader(), t.db.kysely, 'outside a transaction, the pool')
  await t.services.calendar.removeException(actor, '2031-05-05')
})
