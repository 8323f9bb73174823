/** The page asked for in a list's `trang` parameter: a whole number from 1 to `max`, else 1 (a list reads it leniently). */
export function pageNumber (value: unknown, max = 1000): number {
  const n = typeof value === 'string' && /^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : 1
  return n >= 1 && n <= max ? n : 1
}
