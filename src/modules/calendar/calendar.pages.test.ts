import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadAgencies } from '../../../test/catalog.js'
import { browserSession } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'

const t = useTestApp({ setup: ctx => loadAgencies(ctx.services) })

test('/can-bo/lich: an administrator sees the year\'s days off and enters an exception, which moves due dates; audited', async () => {
  const admin = await newOfficial(t, '000.00.00.H34', ['system_admin'])
  const b = browserSession(t, admin.cookie)
  const page = await b.get('/can-bo/lich?nam=2026')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Lịch làm việc năm 2026/)
  assert.match(page.body, /01\/01\/2026/)
  // Friday 16 October 2026 off: one working day counted from Thursday 1 p.m. skips it.
  const before = await t.services.calendar.computeDue(new Date('2026-10-15T06:00:00Z'), { value: 1, unit: 'working_days' })
  const bad = await b.post('/can-bo/lich?nam=2026', { date: '31/02/2026', kind: 'off', note: 'x' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, /Nhập ngày có thật/)
  assert.match(bad.body, /Cần ghi chú căn cứ/)
  // An entry that changes nothing is refused with the reason, next to its field.
  const saturday = await b.post('/can-bo/lich?nam=2026', { date: '17/10/2026', kind: 'off', note: 'Nghỉ thứ Bảy' })
  assert.equal(saturday.statusCode, 422)
  assert.match(saturday.body, /Ngày 17\/10\/2026 vốn đã là ngày nghỉ \(ngày cuối tuần\)/)
  const weekday = await b.post('/can-bo/lich?nam=2026', { date: '15/10/2026', kind: 'work', note: 'Làm việc' })
  assert.match(weekday.body, /vốn đã là ngày làm việc/)
  const ok = await b.post('/can-bo/lich?nam=2026', { date: '16/10/2026', kind: 'off', note: 'Thông báo nghỉ thêm (thử nghiệm)' })
  assert.equal(ok.redirectedFrom?.statusCode, 303, 'post/redirect/get')
  assert.equal(ok.statusCode, 200)
  assert.match(ok.body, /Đã lưu ngày 16\/10\/2026/)
  const after = await t.services.calendar.computeDue(new Date('2026-10-15T06:00:00Z'), { value: 1, unit: 'working_days' })
  assert.ok(after.due > before.due, 'the due date moves past the new day off')
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('actorId', '=', admin.id).execute()
  assert.ok(audit.some(a => a.action === 'calendar.exception.set'))
  assert.equal((await b.post('/can-bo/lich/xoa', { date: '2026-10-16' })).redirectedFrom?.statusCode, 303)
  assert.equal((await t.services.calendar.computeDue(new Date('2026-10-15T06:00:00Z'), { value: 1, unit: 'working_days' })).due.getTime(), before.due.getTime())
  // Other officials may not.
  const clerk = await newOfficial(t, '000.00.00.H34', ['receptionist'])
  assert.equal((await browserSession(t, clerk.cookie).get('/can-bo/lich')).statusCode, 403)
})
