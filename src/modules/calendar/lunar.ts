/**
 * The Vietnamese lunisolar calendar, computed astronomically for UTC+7 (Hồ Ngọc Đức's algorithm,
 * after Jean Meeus). Vietnam's calendar is reckoned at longitude 105°E: new moons near midnight fall
 * on different days than in China's UTC+8 calendar, so lunar New Year differs in some years
 * (2030: 2 February in Vietnam, 3 February in China). A Chinese lunar library is wrong there.
 */

const TZ = 7

function jdFromDate (dd: number, mm: number, yy: number): number {
  const a = Math.floor((14 - mm) / 12)
  const y = yy + 4800 - a
  const m = mm + 12 * a - 3
  let jd = dd + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045
  if (jd < 2299161) jd = dd + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083
  return jd
}

function jdToDate (jd: number): [number, number, number] {
  let a: number, b: number, c: number
  if (jd > 2299160) {
    a = jd + 32044
    b = Math.floor((4 * a + 3) / 146097)
    c = a - Math.floor((b * 146097) / 4)
  } else {
    b = 0
    c = jd + 32082
  }
  const d = Math.floor((4 * c + 3) / 1461)
  const e = c - Math.floor((1461 * d) / 4)
  const m = Math.floor((5 * e + 2) / 153)
  const day = e - Math.floor((153 * m + 2) / 5) + 1
  const month = m + 3 - 12 * Math.floor(m / 10)
  const year = b * 100 + d - 4800 + Math.floor(m / 10)
  return [day, month, year]
}

/** Julian day number of the k-th new moon after 1 January 1900, in the given time zone. */
function newMoonDay (k: number, timeZone: number): number {
  const T = k / 1236.85
  const T2 = T * T
  const T3 = T2 * T
  const dr = Math.PI / 180
  let Jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3
  Jd1 = Jd1 + 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr)
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3
  let C1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M)
  C1 = C1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr)
  C1 = C1 - 0.0004 * Math.sin(dr * 3 * Mpr)
  C1 = C1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr))
  C1 = C1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M))
  C1 = C1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr))
  C1 = C1 + 0.0010 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M))
  const deltat = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2
  const JdNew = Jd1 + C1 - deltat
  return Math.floor(JdNew + 0.5 + timeZone / 24)
}

/** The sun's longitude at the start of a day, as one of 12 sectors (0 = [0°, 30°)). */
function sunLongitude (jdn: number, timeZone: number): number {
  const T = (jdn - 2451545.5 - timeZone / 24) / 36525
  const T2 = T * T
  const dr = Math.PI / 180
  const M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2
  let DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M)
  DL = DL + (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.000290 * Math.sin(dr * 3 * M)
  let L = (L0 + DL) * dr
  L = L - Math.PI * 2 * Math.floor(L / (Math.PI * 2))
  return Math.floor((L / Math.PI) * 6)
}

/** The day the 11th lunar month (the one holding the winter solstice) of year yy begins. */
function lunarMonth11 (yy: number, timeZone: number): number {
  const off = jdFromDate(31, 12, yy) - 2415021
  const k = Math.floor(off / 29.530588853)
  let nm = newMoonDay(k, timeZone)
  if (sunLongitude(nm, timeZone) >= 9) nm = newMoonDay(k - 1, timeZone)
  return nm
}

function leapMonthOffset (a11: number, timeZone: number): number {
  const k = Math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
  let last: number
  let i = 1
  let arc = sunLongitude(newMoonDay(k + i, timeZone), timeZone)
  do {
    last = arc
    i++
    arc = sunLongitude(newMoonDay(k + i, timeZone), timeZone)
  } while (arc !== last && i < 14)
  return i - 1
}

export interface LunarDate { day: number, month: number, year: number, leap: boolean }

/** The lunar date of a civil date (Vietnam). */
export function solarToLunar (dd: number, mm: number, yy: number, timeZone = TZ): LunarDate {
  const dayNumber = jdFromDate(dd, mm, yy)
  const k = Math.floor((dayNumber - 2415021.076998695) / 29.530588853)
  let monthStart = newMoonDay(k + 1, timeZone)
  if (monthStart > dayNumber) monthStart = newMoonDay(k, timeZone)
  let a11 = lunarMonth11(yy, timeZone)
  let b11 = a11
  let lunarYear: number
  if (a11 >= monthStart) {
    lunarYear = yy
    a11 = lunarMonth11(yy - 1, timeZone)
  } else {
    lunarYear = yy + 1
    b11 = lunarMonth11(yy + 1, timeZone)
  }
  const day = dayNumber - monthStart + 1
  const diff = Math.floor((monthStart - a11) / 29)
  let leap = false
  let month = diff + 11
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11, timeZone)
    if (diff >= leapDiff) {
      month = diff + 10
      if (diff === leapDiff) leap = true
    }
  }
  if (month > 12) month -= 12
  if (month >= 11 && diff < 4) lunarYear -= 1
  return { day, month, year: lunarYear, leap }
}

/** The civil date (Vietnam) of a lunar date, as [day, month, year]; [0, 0, 0] if it does not exist. */
export function lunarToSolar (day: number, month: number, year: number, leap = false, timeZone = TZ): [number, number, number] {
  let a11: number, b11: number
  if (month < 11) {
    a11 = lunarMonth11(year - 1, timeZone)
    b11 = lunarMonth11(year, timeZone)
  } else {
    a11 = lunarMonth11(year, timeZone)
    b11 = lunarMonth11(year + 1, timeZone)
  }
  const k = Math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
  let off = month - 11
  if (off < 0) off += 12
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11, timeZone)
    let leapMonth = leapOff - 2
    if (leapMonth < 0) leapMonth += 12
    if (leap && month !== leapMonth) return [0, 0, 0]
    if (leap || off >= leapOff) off += 1
  }
  const monthStart = newMoonDay(k + off, timeZone)
  return jdToDate(monthStart + day - 1)
}

const iso = ([d, m, y]: [number, number, number]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`

/** Lunar New Year's day (mùng 1 tháng Giêng) of a year, as YYYY-MM-DD. */
export function lunarNewYear (year: number, timeZone = TZ): string {
  return iso(lunarToSolar(1, 1, year, false, timeZone))
}

/** A lunar date of the given lunar year as YYYY-MM-DD (non-leap month). */
export function lunarDate (day: number, month: number, year: number): string {
  return iso(lunarToSolar(day, month, year))
}
