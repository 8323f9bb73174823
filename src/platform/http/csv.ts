/** One CSV cell: quoted, and never read by a spreadsheet as a formula (=, +, -, @ at the start). */
export const csvCell = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`

/**
 * A CSV file as Excel opens it with Vietnamese intact: a byte-order mark (so it reads UTF-8) and CRLF
 * line ends (RFC 4180). Numbers are written as they are; text cells are guarded against formulas.
 */
export function csvFile (lines: Array<Array<string | number>>): string {
  return '\uFEFF' + lines.map(l => l.map(v => typeof v === 'number' ? String(v) : csvCell(v)).join(',')).join('\r\n') + '\r\n'
}
