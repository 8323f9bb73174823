/**
 * The working-day calendar: office hours, the public holidays of the Labour Code 2019 (art. 112),
 * the compensation of a holiday that falls on a weekend (art. 111.3), and each year's announced
 * exceptions (days off, swapped days, make-up working Saturdays), which are data.
 * All dates are Vietnam civil dates (UTC+7, no daylight saving time) as YYYY-MM-DD strings.
 */
import { lunarDate, lunarNewYear } from './lunar.js'
import { fromLocal, toLocal } from '../../platform/vn-time.js'
const DAY_MS = 86_400_000

export type DayKind = 'weekend' | 'holiday' | 'compensation' | 'off' | 'work' | 'working'

export interface CalendarException {
  date: string
  /** 'off': a day off (announced extra day, swapped day); 'work': a working day (make-up Saturday, a day given back). */
  kind: 'off' | 'work'
  note: string
}

export interface DayInfo { date: string, working: boolean, kind: DayKind, name?: string }

/** Office hours as minute ranges from midnight, e.g. 07:00–11:30 and 13:30–17:00. */
export type OfficeHours = Array<[number, number]>

export const DEFAULT_OFFICE_HOURS: OfficeHours = [[7 * 60, 11 * 60 + 30], [13 * 60 + 30, 17 * 60]]

/** "07:00-11:30,13:30-17:00" → minute ranges; throws on anything else. */
export function parseOfficeHours (text: string): OfficeHours {
  const ranges = text.split(',').map(part => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part)
    if (!m) throw new Error(`office hours "${text}": expected HH:MM-HH:MM[,HH:MM-HH:MM]`)
    return [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])] as [number, number]
  })
  for (let i = 0; i < ranges.length; i++) {
    const [a, b] = ranges[i]!
    if (!(a < b && b <= 24 * 60) || (i > 0 && a < ranges[i - 1]![1])) throw new Error(`office hours "${text}": ranges must be increasing and within the day`)
  }
  return ranges
}

export const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
export const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`)
export const addDays = (date: string, n: number): string => iso(dayMs(date) + n * DAY_MS)
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (date: string): number => new Date(dayMs(date)).getUTCDay()

interface Holiday { date: string, name: string }

/** National Day's second day (since 2021): the weekday decides whether it is before or after 2 September. */
const NATIONAL_DAY_NEIGHBOUR = [+1, +1, -1, -1, +1, -1, -1] // Sun … Sat

/** The statutory holidays of a year by the rules of the Labour Code 2019, before compensation. */
export function statutoryHolidays (year: number): Holiday[] {
  const tet = lunarNewYear(year)
  const nationalDay = `${year}-09-02`
  return [
    { date: `${year}-01-01`, name: 'Tết Dương lịch' },
    { date: addDays(tet, -1), name: 'Tết Nguyên đán (giao thừa)' },
    ...[0, 1, 2, 3].map(n => ({ date: addDays(tet, n), name: `Tết Nguyên đán (mùng ${n + 1})` })),
    { date: lunarDate(10, 3, year), name: 'Giỗ Tổ Hùng Vương' },
    { date: `${year}-04-30`, name: 'Ngày Chiến thắng' },
    { date: `${year}-05-01`, name: 'Ngày Quốc tế Lao động' },
    { date: nationalDay, name: 'Quốc khánh' },
    { date: addDays(nationalDay, NATIONAL_DAY_NEIGHBOUR[weekday(nationalDay)]!), name: 'Quốc khánh (ngày liền kề)' }
  ].sort((a, b) => a.date.localeCompare(b.date))
}

export interface CalendarOptions {
  hours?: OfficeHours
  exceptions?: CalendarException[]
}

/**
 * A working calendar: Monday to Friday in office hours, less holidays and their compensation days,
 * with the announced exceptions applied last. Day information is computed once per year.
 */
export class WorkCalendar {
  readonly hours: OfficeHours
  readonly #exceptions: Map<string, CalendarException>
  readonly #years = new Map<number, Map<string, DayInfo>>()
  // Due-date computation steps from working day to working day millions of times in a report.
  readonly #next = new Map<string, string>()
  readonly #previous = new Map<string, string>()

  constructor (options: CalendarOptions = {}) {
    this.hours = options.hours ?? DEFAULT_OFFICE_HOURS
    this.#exceptions = new Map((options.exceptions ?? []).map(e => [e.date, e]))
  }

  get opening (): number { return this.hours[0]![0] }
  get closing (): number { return this.hours[this.hours.length - 1]![1] }
  /** Working minutes in a full working day. */
  get dayLength (): number { return this.hours.reduce((n, [a, b]) => n + b - a, 0) }

  #year (year: number): Map<string, DayInfo> {
    let days = this.#years.get(year)
    if (days) return days
    days = new Map()
    // Holidays of this year, and those of the year before whose compensation may spill into January.
    const holidays = [...statutoryHolidays(year - 1), ...statutoryHolidays(year)]
    const isHoliday = new Map(holidays.map(h => [h.date, h.name]))
    const compensation = new Map<string, string>()
    for (const h of holidays) {
      const wd = weekday(h.date)
      if (wd !== 0 && wd !== 6) continue
      let d = addDays(h.date, 1)
      while (weekday(d) === 0 || weekday(d) === 6 || isHoliday.has(d) || compensation.has(d)) d = addDays(d, 1)
      compensation.set(d, `nghỉ bù ${h.name}`)
    }
    for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
      const exception = this.#exceptions.get(d)
      const wd = weekday(d)
      let info: DayInfo
      if (exception) info = { date: d, working: exception.kind === 'work', kind: exception.kind, name: exception.note }
      else if (isHoliday.has(d)) info = { date: d, working: false, kind: 'holiday', name: isHoliday.get(d)! }
      else if (compensation.has(d)) info = { date: d, working: false, kind: 'compensation', name: compensation.get(d)! }
      else if (wd === 0 || wd === 6) info = { date: d, working: false, kind: 'weekend' }
      else info = { date: d, working: true, kind: 'working' }
      days.set(d, info)
    }
    this.#years.set(year, days)
    return days
  }

  day (date: string): DayInfo {
    return this.#year(Number(date.slice(0, 4))).get(date)!
  }

  isWorkingDay (date: string): boolean {
    return this.day(date).working
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay (date: string): string {
    const known = this.#next.get(date)
    if (known) return known
    let d = addDays(date, 1)
    for (let guard = 0; !this.isWorkingDay(d); guard++) {
      if (guard > 366) throw new Error(`no working day within a year after ${date}`)
      d = addDays(d, 1)
    }
    this.#next.set(date, d)
    return d
  }

  /** The last working day strictly before `date`. */
  previousWorkingDay (date: string): string {
    const known = this.#previous.get(date)
    if (known) return known
    let d = addDays(date, -1)
    for (let guard = 0; !this.isWorkingDay(d); guard++) {
      if (guard > 366) throw new Error(`no working day within a year before ${date}`)
      d = addDays(d, -1)
    }
    this.#previous.set(date, d)
    return d
  }

  /** Days off of a year with what they are (for the calendar page and the CLI). */
  daysOff (year: number): DayInfo[] {
    return [...this.#year(year).values()].filter(d => !d.working && d.kind !== 'weekend')
  }

  /** Make-up working days that fall on a weekend. */
  weekendWorkingDays (year: number): DayInfo[] {
    return [...this.#year(year).values()].filter(d => d.working && (weekday(d.date) === 0 || weekday(d.date) === 6))
  }
}
