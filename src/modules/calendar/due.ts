/**
 * Due dates in working time, each with its explanation in Vietnamese. Pure functions over a
 * WorkCalendar: no I/O, so they are cheap enough to recompute for every dossier in a report.
 */
import { addDays, weekday, type DayInfo, type WorkCalendar } from './calendar.js'
import { dmy, fromLocal, hhmm, toLocal } from '../../platform/vn-time.js'

export type DurationUnit = 'working_days' | 'working_hours' | 'calendar_days' | 'same_day'

export interface Duration { value: number, unit: DurationUnit }

export interface Pause { from: Date, to: Date }

export interface DuePolicy {
  /** Same-day procedures: received after this minute of the day, the result is due the next working day. Default 15:00. */
  sameDayCutoff?: number
  /** Supplement waits: 'pause' adds the paused working time back; 'restart' counts the whole duration again from the end of the last wait. */
  pauseMode?: 'pause' | 'restart'
  pauses?: Pause[]
}

export interface DueResult {
  due: Date
  /** Where the clock started, after moving a receipt outside office hours to the next working moment. */
  start: Date
  /** Built when read: reports that need only the due time do not pay for the text. */
  readonly explanation: string
}

function result (due: Date, start: Date, explain: () => string): DueResult {
  let text: string | undefined
  return { due, start, get explanation () { return (text ??= explain()) } }
}

export const DEFAULT_SAME_DAY_CUTOFF = 15 * 60

const at = (date: string, minute: number) => `${hhmm(minute)} ngày ${dmy(date)}`

/**
 * The first working moment at or after a local time: outside office hours or on a day off, the
 * clock starts at the next opening. Returns the moment and why it moved, if it did.
 */
export function nextWorkingMoment (cal: WorkCalendar, date: string, minute: number): { date: string, minute: number, moved?: string } {
  if (!cal.isWorkingDay(date)) {
    const d = cal.nextWorkingDay(date)
    return { date: d, minute: cal.opening, moved: 'ngày nghỉ' }
  }
  for (const [a, b] of cal.hours) {
    if (minute < a) return { date, minute: a, moved: a === cal.opening ? 'trước giờ làm việc' : 'giờ nghỉ trưa' }
    if (minute < b) return { date, minute }
  }
  return { date: cal.nextWorkingDay(date), minute: cal.opening, moved: 'sau giờ làm việc' }
}

/** Adds working minutes to a working moment; a result at the end of a session stays there (11:30, 17:00). */
export function addWorkingMinutes (cal: WorkCalendar, date: string, minute: number, minutes: number): { date: string, minute: number } {
  let d = date
  let m = minute
  let left = minutes
  for (;;) {
    for (const [a, b] of cal.hours) {
      if (m >= b) continue
      const from = Math.max(a, m)
      if (left <= b - from) return { date: d, minute: from + left }
      left -= b - from
      m = b
    }
    d = cal.nextWorkingDay(d)
    m = 0
  }
}

/** Working minutes from one instant to another (negative when `to` is earlier). */
export function workingMinutesBetween (cal: WorkCalendar, from: Date, to: Date): number {
  if (to.getTime() < from.getTime()) return -workingMinutesBetween(cal, to, from)
  const a = toLocal(from)
  const b = toLocal(to)
  const inDay = (date: string, lo: number, hi: number) => {
    if (!cal.isWorkingDay(date)) return 0
    let n = 0
    for (const [s, e] of cal.hours) n += Math.max(0, Math.min(e, hi) - Math.max(s, lo))
    return n
  }
  if (a.date === b.date) return inDay(a.date, a.minute, b.minute)
  let total = inDay(a.date, a.minute, 24 * 60) + inDay(b.date, 0, b.minute)
  for (let d = addDays(a.date, 1); d < b.date; d = addDays(d, 1)) if (cal.isWorkingDay(d)) total += cal.dayLength
  return total
}

function label (day: DayInfo): string {
  if (day.kind === 'weekend') return 'cuối tuần'
  if (day.kind === 'compensation') return 'nghỉ bù'
  if (day.kind === 'off') return 'nghỉ theo thông báo'
  return (day.name ?? 'ngày nghỉ').replace(/\s*\(.*\)$/, '')
}

/** "25–26/06 (cuối tuần), 08–14/02 (Tết Nguyên đán, cuối tuần)": the days off strictly between two dates. */
export function skippedDays (cal: WorkCalendar, fromDate: string, toDate: string): string {
  const groups: Array<{ first: string, last: string, labels: string[] }> = []
  for (let d = addDays(fromDate, 1); d < toDate; d = addDays(d, 1)) {
    const day = cal.day(d)
    if (day.working) continue
    const l = label(day)
    const prev = groups[groups.length - 1]
    if (prev && addDays(prev.last, 1) === d) {
      prev.last = d
      if (!prev.labels.includes(l)) prev.labels.push(l)
    } else {
      groups.push({ first: d, last: d, labels: [l] })
    }
  }
  const short = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`
  return groups.map(g => {
    if (g.first === g.last) return `${short(g.first)} (${g.labels.join(', ')})`
    const range = g.first.slice(5, 7) === g.last.slice(5, 7) ? `${g.first.slice(8, 10)}–${short(g.last)}` : `${short(g.first)}–${short(g.last)}`
    return `${range} (${g.labels.join(', ')})`
  }).join(', ')
}

function durationText (d: Duration): string {
  switch (d.unit) {
    case 'working_days': return `${d.value} ngày làm việc`
    case 'working_hours': return `${d.value} giờ làm việc`
    case 'calendar_days': return `${d.value} ngày`
    case 'same_day': return 'trong ngày'
  }
}

/** Due date without pauses; `received` is the instant the clock is asked to start. */
function baseDue (cal: WorkCalendar, received: Date, duration: Duration, policy: DuePolicy): DueResult {
  const r = toLocal(received)
  const s = nextWorkingMoment(cal, r.date, r.minute)
  const start = fromLocal(s.date, s.minute)
  const origin = () => s.moved
    ? `nhận lúc ${at(r.date, r.minute)} (${s.moved}), tính từ ${at(s.date, s.minute)}`
    : `từ ${at(s.date, s.minute)}`
  const finish = (date: string, minute: number) => result(fromLocal(date, minute), start, () => {
    const skipped = skippedDays(cal, s.date, date)
    return `${durationText(duration)} ${origin()}${skipped ? `; bỏ qua ${skipped}` : ''} → ${at(date, minute)}`
  })

  if (duration.unit === 'working_days') {
    let d = s.date
    for (let i = 0; i < duration.value; i++) d = cal.nextWorkingDay(d)
    // Counted from the opening of a day, the time runs out at the close of the working day before.
    if (duration.value > 0 && s.minute === cal.opening) return finish(cal.previousWorkingDay(d), cal.closing)
    return finish(d, s.minute)
  }
  if (duration.unit === 'working_hours') {
    const end = addWorkingMinutes(cal, s.date, s.minute, Math.round(duration.value * 60))
    return finish(end.date, end.minute)
  }
  if (duration.unit === 'calendar_days') {
    // Civil Code art. 147–148: counted from the next day; a last day that is not a working day
    // moves to the end of the next working day.
    const last = addDays(r.date, duration.value)
    const dueDate = cal.isWorkingDay(last) ? last : cal.nextWorkingDay(last)
    return result(fromLocal(dueDate, cal.closing), received, () => {
      const moved = dueDate !== last ? `; ngày cuối ${dmy(last)} là ${label(cal.day(last))}, chuyển sang ngày làm việc tiếp theo` : ''
      return `${durationText(duration)} kể từ ngày ${dmy(r.date)}${moved} → ${at(dueDate, cal.closing)}`
    })
  }
  // same_day
  const cutoff = policy.sameDayCutoff ?? DEFAULT_SAME_DAY_CUTOFF
  if (!s.moved || s.moved === 'trước giờ làm việc' || s.moved === 'giờ nghỉ trưa') {
    if (s.date === r.date && r.minute < cutoff) {
      return result(fromLocal(s.date, cal.closing), start, () => `trong ngày: nhận lúc ${at(r.date, r.minute)}, trước ${hhmm(cutoff)} → ${at(s.date, cal.closing)}`)
    }
  }
  const next = s.date === r.date ? cal.nextWorkingDay(s.date) : s.date
  const why = s.date !== r.date ? (s.moved ?? '') : `sau ${hhmm(cutoff)}`
  return result(fromLocal(next, cal.closing), start, () => {
    const skipped = skippedDays(cal, r.date, next)
    return `trong ngày: nhận lúc ${at(r.date, r.minute)} (${why}), trả trong ngày làm việc tiếp theo${skipped ? `; bỏ qua ${skipped}` : ''} → ${at(next, cal.closing)}`
  })
}

/**
 * The due time of a duration started at `received`, under a policy, with its explanation.
 * Pauses ('pause' mode) add back the working time each supplement wait took while the clock ran;
 * 'restart' counts the whole duration again from the end of the last wait.
 */
export function computeDue (cal: WorkCalendar, received: Date, duration: Duration, policy: DuePolicy = {}): DueResult {
  const pauses = [...(policy.pauses ?? [])].sort((a, b) => a.from.getTime() - b.from.getTime())
  if (pauses.length > 0 && policy.pauseMode === 'restart') {
    const last = pauses[pauses.length - 1]!
    const r = baseDue(cal, last.to, duration, policy)
    return result(r.due, r.start, () => `tính lại từ đầu khi hồ sơ đầy đủ (${at(toLocal(last.to).date, toLocal(last.to).minute)}): ${r.explanation}`)
  }
  const base = baseDue(cal, received, duration, policy)
  let due = base.due
  const notes: string[] = []
  for (const p of pauses) {
    if (p.from.getTime() >= due.getTime() || p.to.getTime() <= p.from.getTime()) continue
    const from = p.from.getTime() < base.start.getTime() ? base.start : p.from
    const paused = workingMinutesBetween(cal, from, p.to)
    if (paused <= 0) continue
    const d = toLocal(due)
    const moved = addWorkingMinutes(cal, d.date, d.minute, paused)
    due = fromLocal(moved.date, moved.minute)
    const f = toLocal(p.from)
    const t = toLocal(p.to)
    notes.push(`tạm dừng từ ${at(f.date, f.minute)} đến ${at(t.date, t.minute)}: cộng thêm ${formatWorking(cal, paused)}`)
  }
  if (notes.length === 0) return base
  const d = toLocal(due)
  return result(due, base.start, () => `${base.explanation}; ${notes.join('; ')} → ${at(d.date, d.minute)}`)
}

/** "2 ngày 3 giờ 15 phút làm việc" (days of the calendar's length). */
export function formatWorking (cal: WorkCalendar, minutes: number): string {
  const days = Math.floor(minutes / cal.dayLength)
  const rest = minutes - days * cal.dayLength
  const parts = [days ? `${days} ngày` : '', Math.floor(rest / 60) ? `${Math.floor(rest / 60)} giờ` : '', rest % 60 ? `${rest % 60} phút` : '']
  const text = parts.filter(Boolean).join(' ')
  return `${text || '0 phút'} làm việc`
}

export interface Remaining { minutes: number, overdue: boolean, text: string }

/** Working time left until the due time, or by how much it is overdue. */
export function remaining (cal: WorkCalendar, now: Date, due: Date): Remaining {
  const minutes = workingMinutesBetween(cal, now, due)
  if (now.getTime() > due.getTime()) {
    const late = -minutes
    return { minutes: -late, overdue: true, text: late === 0 ? 'đã đến hạn' : `quá hạn ${formatWorking(cal, late)}` }
  }
  return { minutes, overdue: false, text: minutes === 0 ? 'đến hạn' : `còn ${formatWorking(cal, minutes)}` }
}

export { weekday }
