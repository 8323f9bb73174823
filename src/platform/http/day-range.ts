import type { FieldError } from './errors.js'

/**
 * A day as a date input sends it (yyyy-mm-dd) or as a person types it where the browser has no date
 * picker (dd/mm/yyyy, also with dots or hyphens: 15.08.1995, 15-08-1995), as yyyy-mm-dd; undefined
 * unless it is a real day. The one day parser of every form.
 */
export function parseDay (text: string): string | undefined {
  const t = text.trim()
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t)
  const iso = m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : t
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return undefined
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined
}

/**
 * A "from – to" pair of days from a GET form (`<input type=date>` sends yyyy-mm-dd), both ends
 * optional and included. Errors name the field, in Vietnamese; bad values are left out.
 */
export function parseDayRange (query: Record<string, string | undefined>, keys: { from: string, to: string }, labels = { from: 'Từ ngày', to: 'Đến ngày' }): { from?: string, to?: string, errors: FieldError[] } {
  const errors: FieldError[] = []
  const out: { from?: string, to?: string } = {}
  for (const side of ['from', 'to'] as const) {
    const v = (query[keys[side]] ?? '').trim()
    if (!v) continue
    const day = parseDay(v)
    if (day) out[side] = day
    else errors.push({ field: keys[side], message: `${labels[side]} không hợp lệ; nhập theo dạng ngày/tháng/năm` })
  }
  if (out.from && out.to && out.from > out.to) errors.push({ field: keys.to, message: `${labels.to} phải sau hoặc bằng ${labels.from}` })
  return { ...out, errors }
}

/** The start of a day in Vietnam (UTC+7, no daylight saving) as an instant; `plusDays` moves it. */
export const vnDayStart = (day: string, plusDays = 0): Date => new Date(Date.parse(`${day}T00:00:00+07:00`) + plusDays * 86_400_000)
