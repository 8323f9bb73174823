/**
 * Vietnam time (UTC+7, no daylight saving time): an instant's civil date and minute, and how people
 * read them ("14:20 ngày 22/06/2022"). Every module formats times through here; the working-day
 * calendar (modules/calendar) builds on the same conversion.
 */
export const VN_OFFSET_MS = 7 * 3600_000
const DAY_MS = 86_400_000

/** yyyyMMddHHmmss in Vietnam time: how VNPay, PayGov and the national portal write instants. */
export function compactVnTime (t: Date): string {
  return new Date(t.getTime() + VN_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** A yyyyMMddHHmmss Vietnam time back to an instant (undefined when it is not one). */
export function fromCompactVnTime (s: unknown): Date | undefined {
  const m = typeof s === 'string' ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s) : null
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`) : undefined
}

/** Vietnam civil date (YYYY-MM-DD) and minute of the day of an instant. */
export function toLocal (t: Date): { date: string, minute: number } {
  const local = t.getTime() + VN_OFFSET_MS
  return { date: new Date(local).toISOString().slice(0, 10), minute: Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000) }
}

/** The instant of a Vietnam civil date and minute. */
export function fromLocal (date: string, minute: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + minute * 60_000 - VN_OFFSET_MS)
}

const pad = (n: number) => String(n).padStart(2, '0')
/** A minute of the day as "07:30". */
export const hhmm = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`
/** A YYYY-MM-DD date as "22/06/2022". */
export const dmy = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`

/** An instant in Vietnam time, as people read it: "14:20 ngày 22/06/2022". */
export function formatInstant (t: Date): string {
  const l = toLocal(t)
  return `${hhmm(l.minute)} ngày ${dmy(l.date)}`
}

/** The Vietnam day of an instant: "22/06/2022". */
export function formatDay (t: Date): string {
  return dmy(toLocal(t).date)
}
