import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../../platform/paths.js'
import { WorkCalendar, type CalendarException } from './calendar.js'
import { fromLocal, toLocal } from '../../platform/vn-time.js'
import { computeDue, remaining, workingMinutesBetween, type DuePolicy, type DurationUnit } from './due.js'
import { lunarNewYear } from './lunar.js'

const shipped = (JSON.parse(fs.readFileSync(path.join(ROOT, 'seed/calendar/vn-2024-2026.json'), 'utf8')) as { exceptions: CalendarException[] }).exceptions
const cal = new WorkCalendar({ exceptions: shipped })

const t = (s: string) => fromLocal(s.slice(0, 10), Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16)))
const show = (d: Date) => { const l = toLocal(d); return `${l.date} ${String(Math.floor(l.minute / 60)).padStart(2, '0')}:${String(l.minute % 60).padStart(2, '0')}` }
const wd = 'working_days' as const
const wh = 'working_hours' as const
const cd = 'calendar_days' as const
const sd = 'same_day' as const

/**
 * Hand-checked cases: [received (Vietnam time), value, unit, expected due, what it checks, policy].
 * Calendar: Mon–Fri 07:00–11:30 and 13:30–17:00; holidays by the Labour Code; 2024–2026 exceptions as shipped.
 */
const CASES: Array<[string, number, DurationUnit, string, string, DuePolicy?]> = [
  ['2022-06-22 14:20', 5, wd, '2022-06-29 14:20', 'the example: a weekend skipped'],
  ['2024-06-10 10:00', 1, wd, '2024-06-11 10:00', 'same clock time next working day'],
  ['2024-06-14 10:00', 1, wd, '2024-06-17 10:00', 'Friday to Monday'],
  ['2024-06-14 16:59', 2, wd, '2024-06-18 16:59', 'a minute before closing'],
  ['2024-06-10 07:00', 1, wd, '2024-06-10 17:00', 'from opening: the close of the same day'],
  ['2024-06-10 06:30', 2, wd, '2024-06-11 17:00', 'before hours counts from opening'],
  ['2024-06-10 18:10', 1, wd, '2024-06-11 17:00', 'after hours counts from the next working morning'],
  ['2024-06-14 17:30', 1, wd, '2024-06-17 17:00', 'Friday evening counts from Monday morning'],
  ['2024-06-15 09:00', 1, wd, '2024-06-17 17:00', 'received on a Saturday'],
  ['2024-06-10 12:00', 1, wd, '2024-06-11 13:30', 'lunch-time receipt counts from 13:30'],
  ['2024-06-10 11:30', 1, wd, '2024-06-11 13:30', 'received at the start of lunch'],
  ['2024-06-10 17:00', 1, wd, '2024-06-11 17:00', 'received at closing time'],
  ['2024-06-10 13:30', 3, wd, '2024-06-13 13:30', 'afternoon start'],
  ['2024-06-10 10:00', 0, wd, '2024-06-10 10:00', 'zero days'],
  ['2024-02-07 10:00', 1, wd, '2024-02-15 10:00', 'Tết 2024: 8–14/02 off as announced, 15/02 worked'],
  ['2024-02-07 10:00', 3, wd, '2024-02-19 10:00', 'Tết 2024 then a weekend'],
  ['2024-02-07 17:30', 1, wd, '2024-02-15 17:00', 'after hours before Tết'],
  ['2024-02-10 09:00', 2, wd, '2024-02-16 17:00', 'received on the first day of Tết'],
  ['2024-02-06 15:00', 5, wd, '2024-02-20 15:00', 'five days across Tết 2024'],
  ['2024-04-26 10:00', 1, wd, '2024-05-02 10:00', '30/4–1/5 2024 with 29/4 swapped'],
  ['2024-04-26 10:00', 3, wd, '2024-05-04 10:00', 'make-up Saturday 04/05/2024 is a working day'],
  ['2024-05-03 10:00', 1, wd, '2024-05-04 10:00', 'Friday to the make-up Saturday'],
  ['2024-05-04 09:00', 1, wd, '2024-05-06 09:00', 'received on the make-up Saturday'],
  ['2024-04-17 10:00', 1, wd, '2024-04-19 10:00', 'Hùng Kings 18/04/2024 (10/3 lunar)'],
  ['2024-08-30 10:00', 1, wd, '2024-09-04 10:00', 'National Day 2024: 2/9 Monday and 3/9'],
  ['2024-08-30 10:00', 2, wd, '2024-09-05 10:00', 'National Day 2024, two days'],
  ['2025-01-24 10:00', 1, wd, '2025-02-03 10:00', 'Tết 2025: 27–31/01 off, 03/02 worked'],
  ['2025-01-24 10:00', 3, wd, '2025-02-05 10:00', 'Tết 2025, three days'],
  ['2024-12-31 10:00', 1, wd, '2025-01-02 10:00', 'New Year across the year end'],
  ['2025-04-04 10:00', 1, wd, '2025-04-08 10:00', 'Hùng Kings 07/04/2025 on a Monday'],
  ['2025-04-25 10:00', 1, wd, '2025-04-26 10:00', 'make-up Saturday 26/04/2025'],
  ['2025-04-29 10:00', 1, wd, '2025-05-05 10:00', '30/4–1/5 2025 with 2/5 swapped'],
  ['2025-04-29 10:00', 2, wd, '2025-05-06 10:00', '30/4–1/5 2025, two days'],
  ['2025-08-29 10:00', 1, wd, '2025-09-03 10:00', 'National Day 2025: 2/9 Tuesday with 1/9'],
  ['2025-12-31 10:00', 1, wd, '2026-01-05 10:00', 'New Year 2026 with 02/01 swapped'],
  ['2026-01-09 10:00', 1, wd, '2026-01-10 10:00', 'make-up Saturday 10/01/2026'],
  ['2026-02-13 10:00', 1, wd, '2026-02-23 10:00', 'Tết 2026: 16–20/02'],
  ['2026-02-13 10:00', 5, wd, '2026-02-27 10:00', 'Tết 2026, five days'],
  ['2026-04-24 10:00', 1, wd, '2026-04-28 10:00', 'Hùng Kings 26/04/2026 on a Sunday, made up on 27/04'],
  ['2026-04-29 10:00', 1, wd, '2026-05-04 10:00', '30/4–1/5 2026 on Thursday and Friday'],
  ['2026-08-21 10:00', 1, wd, '2026-08-22 10:00', 'make-up Saturday 22/08/2026'],
  ['2026-08-28 10:00', 1, wd, '2026-09-03 10:00', 'National Day 2026: 31/08 swapped, 1/9 and 2/9'],
  ['2030-01-31 10:00', 1, wd, '2030-02-08 10:00', 'Tết 2030 by the Vietnamese calendar (02/02, not 03/02)'],
  ['2027-02-04 10:00', 1, wd, '2027-02-12 10:00', 'Tết 2027 starting on a Saturday, two days made up'],
  ['2023-08-31 10:00', 1, wd, '2023-09-05 10:00', 'National Day 2023 on a Saturday: 1/9 before, 4/9 made up'],
  ['2022-04-08 10:00', 1, wd, '2022-04-12 10:00', 'Hùng Kings 10/04/2022 on a Sunday, made up on Monday'],
  ['2027-12-31 10:00', 1, wd, '2028-01-04 10:00', 'New Year 2028 on a Saturday, made up on Monday 03/01'],
  ['2033-01-28 10:00', 1, wd, '2033-02-07 10:00', 'Tết 2033: New Year\'s Eve on a Sunday, made up after mùng 4'],
  ['2024-06-10 10:00', 4, wh, '2024-06-10 16:00', 'hours across lunch'],
  ['2024-06-10 10:00', 1.5, wh, '2024-06-10 11:30', 'hours ending at the start of lunch'],
  ['2024-06-10 10:00', 2, wh, '2024-06-10 14:00', 'hours resuming after lunch'],
  ['2024-06-10 16:00', 3, wh, '2024-06-11 09:00', 'hours across the night'],
  ['2024-04-26 16:00', 8, wh, '2024-05-02 16:00', 'hours across the 30/4 holidays'],
  ['2024-06-10 18:00', 8, wh, '2024-06-11 17:00', 'hours after hours'],
  ['2024-06-10 12:00', 2, wh, '2024-06-10 15:30', 'hours from a lunch-time receipt'],
  ['2024-06-10 10:00', 10, cd, '2024-06-20 17:00', 'calendar days ending on a working day'],
  ['2024-06-10 10:00', 5, cd, '2024-06-17 17:00', 'calendar days ending on a Saturday move to Monday'],
  ['2024-08-30 16:00', 3, cd, '2024-09-04 17:00', 'calendar days ending on National Day move past both days'],
  ['2024-04-20 09:00', 10, cd, '2024-05-02 17:00', 'calendar days ending on 30/4'],
  ['2025-01-17 10:00', 15, cd, '2025-02-03 17:00', 'calendar days ending in Tết 2025'],
  ['2024-06-10 09:00', 0, sd, '2024-06-10 17:00', 'same day, morning'],
  ['2024-06-10 14:59', 0, sd, '2024-06-10 17:00', 'same day, just before the cut-off'],
  ['2024-06-10 15:00', 0, sd, '2024-06-11 17:00', 'same day, at the cut-off'],
  ['2024-06-10 06:00', 0, sd, '2024-06-10 17:00', 'same day, before opening'],
  ['2024-06-15 10:00', 0, sd, '2024-06-17 17:00', 'same day, received on a Saturday'],
  ['2024-04-26 16:00', 0, sd, '2024-05-02 17:00', 'same day after the cut-off before 30/4'],
  ['2024-06-10 12:00', 0, sd, '2024-06-10 17:00', 'same day, at lunch'],
  ['2024-06-10 15:30', 0, sd, '2024-06-10 17:00', 'same day with a 16:00 cut-off', { sameDayCutoff: 16 * 60 }],
  ['2024-06-10 18:00', 0, sd, '2024-06-11 17:00', 'same day, after hours'],
  ['2024-06-10 10:00', 5, wd, '2024-06-24 10:00', 'a pause adds back its five working days', { pauses: [{ from: t('2024-06-12 10:00'), to: t('2024-06-19 10:00') }] }],
  ['2024-06-10 10:00', 5, wd, '2024-06-26 10:00', 'restart counts five days from completion', { pauseMode: 'restart', pauses: [{ from: t('2024-06-12 10:00'), to: t('2024-06-19 10:00') }] }],
  ['2024-04-24 10:00', 3, wd, '2024-05-06 10:00', 'a pause across 30/4 counts working time only', { pauses: [{ from: t('2024-04-25 10:00'), to: t('2024-05-03 10:00') }] }],
  ['2024-06-10 10:00', 1, wd, '2024-06-11 10:00', 'a pause after the due time changes nothing', { pauses: [{ from: t('2024-06-12 10:00'), to: t('2024-06-14 10:00') }] }],
  ['2024-06-10 10:00', 1, wd, '2024-06-11 10:00', 'a pause outside office hours adds nothing', { pauses: [{ from: t('2024-06-10 17:30'), to: t('2024-06-11 06:00') }] }],
  ['2024-06-10 10:00', 2, wd, '2024-06-12 15:00', 'two pauses of two hours and one hour', { pauses: [{ from: t('2024-06-10 14:00'), to: t('2024-06-10 16:00') }, { from: t('2024-06-11 09:00'), to: t('2024-06-11 10:00') }] }]
]

test(`${CASES.length} hand-checked due dates`, () => {
  assert.ok(CASES.length >= 60)
  const wrong: string[] = []
  for (const [received, value, unit, expected, what, policy] of CASES) {
    const got = show(computeDue(cal, t(received), { value, unit }, policy).due)
    if (got !== expected) wrong.push(`${what}: ${received} + ${value} ${unit} → expected ${expected}, got ${got}`)
  }
  assert.deepEqual(wrong, [])
})

test('lunar New Year by the Vietnamese calendar, 2020–2035 (2030 differs from the Chinese date)', () => {
  const expected = ['2020-01-25', '2021-02-12', '2022-02-01', '2023-01-22', '2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06',
    '2028-01-26', '2029-02-13', '2030-02-02', '2031-01-23', '2032-02-11', '2033-01-31', '2034-02-19', '2035-02-08']
  assert.deepEqual(expected.map((_, i) => lunarNewYear(2020 + i)), expected)
  assert.equal(lunarNewYear(2030, 8), '2030-02-03', 'the same algorithm at UTC+8 gives the Chinese date')
})

test('explanations name the start, the days skipped and the result', () => {
  assert.equal(computeDue(cal, t('2022-06-22 14:20'), { value: 5, unit: wd }).explanation,
    '5 ngày làm việc từ 14:20 ngày 22/06/2022; bỏ qua 25–26/06 (cuối tuần) → 14:20 ngày 29/06/2022')
  assert.equal(computeDue(cal, t('2024-06-14 17:30'), { value: 1, unit: wd }).explanation,
    '1 ngày làm việc nhận lúc 17:30 ngày 14/06/2024 (sau giờ làm việc), tính từ 07:00 ngày 17/06/2024 → 17:00 ngày 17/06/2024')
  assert.equal(computeDue(cal, t('2024-04-26 10:00'), { value: 1, unit: wd }).explanation,
    '1 ngày làm việc từ 10:00 ngày 26/04/2024; bỏ qua 27/04–01/05 (cuối tuần, nghỉ theo thông báo, Ngày Chiến thắng, Ngày Quốc tế Lao động) → 10:00 ngày 02/05/2024')
  assert.match(computeDue(cal, t('2024-06-10 10:00'), { value: 5, unit: cd }).explanation, /ngày cuối 15\/06\/2024 là cuối tuần, chuyển sang ngày làm việc tiếp theo → 17:00 ngày 17\/06\/2024/)
  assert.match(computeDue(cal, t('2024-06-10 15:30'), { value: 0, unit: sd }).explanation, /sau 15:00/)
  assert.match(computeDue(cal, t('2024-06-10 10:00'), { value: 5, unit: wd }, { pauses: [{ from: t('2024-06-12 10:00'), to: t('2024-06-19 10:00') }] }).explanation,
    /tạm dừng từ 10:00 ngày 12\/06\/2024 đến 10:00 ngày 19\/06\/2024: cộng thêm 5 ngày làm việc → 10:00 ngày 24\/06\/2024$/)
})

test('remaining time and overdue-by are in working time', () => {
  const due = t('2024-06-12 10:00')
  assert.deepEqual(remaining(cal, t('2024-06-11 16:00'), due), { minutes: 240, overdue: false, text: 'còn 4 giờ làm việc' })
  assert.deepEqual(remaining(cal, t('2024-06-07 10:00'), due), { minutes: 3 * 480, overdue: false, text: 'còn 3 ngày làm việc' })
  assert.equal(remaining(cal, due, due).text, 'đến hạn')
  assert.deepEqual(remaining(cal, t('2024-06-14 11:00'), due), { minutes: -(2 * 480 + 60), overdue: true, text: 'quá hạn 2 ngày 1 giờ làm việc' })
})

// A small deterministic generator, so that a failing property names a case that can be replayed.
function rng (seed: number) {
  let s = seed
  return (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n }
}
const randomInstant = (r: (n: number) => number) => new Date(Date.UTC(2024, 0, 1) + r(3 * 365) * 86_400_000 + r(24 * 60) * 60_000 - 7 * 3600_000)
const insideOfficeHours = (d: Date) => {
  const l = toLocal(d)
  return cal.isWorkingDay(l.date) && cal.hours.some(([a, b]) => l.minute >= a && l.minute <= b)
}

test('property: for working days and hours the due time is inside office hours on a working day', () => {
  const r = rng(1)
  for (let i = 0; i < 3000; i++) {
    const received = randomInstant(r)
    const duration = i % 2 ? { value: 1 + r(40), unit: wd } : { value: 1 + r(100), unit: wh }
    const { due } = computeDue(cal, received, duration)
    assert.ok(insideOfficeHours(due), `${received.toISOString()} + ${duration.value} ${duration.unit} → ${show(due)}`)
  }
})

test('property: more time, or a later receipt, never gives an earlier due time', () => {
  const r = rng(2)
  for (let i = 0; i < 2000; i++) {
    const received = randomInstant(r)
    const unit = ([wd, wh, cd] as const)[i % 3]!
    const value = r(30)
    const a = computeDue(cal, received, { value, unit }).due.getTime()
    const b = computeDue(cal, received, { value: value + 1, unit }).due.getTime()
    assert.ok(b >= a, `${received.toISOString()} ${value}→${value + 1} ${unit}`)
    const later = new Date(received.getTime() + r(72 * 60) * 60_000)
    assert.ok(computeDue(cal, later, { value, unit }).due.getTime() >= a, `later receipt ${later.toISOString()} ${value} ${unit}`)
  }
})

test('property: a pause never shortens a deadline', () => {
  const r = rng(3)
  for (let i = 0; i < 2000; i++) {
    const received = randomInstant(r)
    const duration = { value: 1 + r(20), unit: i % 2 ? wd : wh }
    const base = computeDue(cal, received, duration).due.getTime()
    const from = new Date(received.getTime() + r(20 * 24 * 60) * 60_000)
    const to = new Date(from.getTime() + r(15 * 24 * 60) * 60_000)
    for (const pauseMode of ['pause', 'restart'] as const) {
      const paused = computeDue(cal, received, duration, { pauseMode, pauses: [{ from, to }] }).due.getTime()
      if (pauseMode === 'pause' || from.getTime() < base) assert.ok(paused >= base, `${pauseMode} ${received.toISOString()} ${from.toISOString()}–${to.toISOString()}`)
    }
  }
})

test('property: remaining time reaches zero exactly at the due time, and the working time in between is the duration', () => {
  const r = rng(4)
  for (let i = 0; i < 2000; i++) {
    const received = randomInstant(r)
    const duration = i % 2 ? { value: 1 + r(30), unit: wd } : { value: 1 + r(90), unit: wh }
    const { due, start } = computeDue(cal, received, duration)
    const expected = duration.unit === wd ? duration.value * cal.dayLength : duration.value * 60
    assert.equal(workingMinutesBetween(cal, start, due), expected, `${received.toISOString()} + ${duration.value} ${duration.unit}`)
    assert.equal(remaining(cal, due, due).minutes, 0)
    assert.ok(remaining(cal, new Date(due.getTime() - 60_000), due).minutes >= 0)
    const after = remaining(cal, new Date(due.getTime() + 60_000), due)
    assert.ok(after.overdue && after.minutes <= 0)
  }
})
