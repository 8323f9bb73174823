/**
 * Text helpers for the converted decision: markdown table rows, the HTML fragments inside cells,
 * and the search normalisation shared by the importer and the search query.
 */

/** Lower case, NFC, no Vietnamese diacritics, đ → d, collapsed spaces: "Giấy phép Liên vận" → "giay phep lien van". */
export function fold (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
    .toLowerCase().replace(/\s+/g, ' ').trim()
}

/** Whether a line is a markdown table row. */
export function isTableRow (line: string): boolean {
  return line.trimStart().startsWith('|')
}

/** A separator row such as |---|:--|. */
export function isSeparatorRow (line: string): boolean {
  return /^\s*\|[\s\-:|]*\|?\s*$/.test(line) && line.includes('-')
}

/** The cells of a table row, trimmed; HTML inside them is kept. */
export function cellsOf (line: string): string[] {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|')) s = s.slice(0, -1)
  return s.split('|').map(c => c.trim())
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" }

/** Plain text lines from a cell's HTML fragment: paragraphs, list items and <br> become line breaks. */
export function htmlToLines (html: string): string[] {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|li|ul|ol|div|tr)\b[^>]*>/gi, '\n')
    .replace(/<sup>(.*?)<\/sup>/gi, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/&(nbsp|amp|lt|gt|quot|apos|#39);/g, (_, e: string) => ENTITIES[e] ?? '')
    .replace(/\*\*|__/g, '')
  return text.split('\n').map(l => l.replace(/\s+/g, ' ').trim()).filter(l => l.length > 0)
}

export function htmlToText (html: string): string {
  return htmlToLines(html).join('\n')
}

/** Markdown emphasis and heading marks around a line: "### 01. Thủ tục: *Tên*" → "01. Thủ tục: Tên". */
export function stripMarkdown (line: string): string {
  return line.replace(/^#+\s*/, '').replace(/\*+/g, '').replace(/\s+/g, ' ').trim()
}

/** Word-set similarity of two names (0..1), on folded words. */
export function nameSimilarity (a: string, b: string): number {
  const words = (s: string) => new Set(fold(s).replace(/[^a-z0-9 ]/g, ' ').split(' ').filter(w => w.length > 0))
  const wa = words(a)
  const wb = words(b)
  if (wa.size === 0 || wb.size === 0) return 0
  let common = 0
  for (const w of wa) if (wb.has(w)) common++
  return (2 * common) / (wa.size + wb.size)
}

/**
 * Joins a cell with its continuation after a page break. PDF conversion cuts cells mid-sentence
 * and sometimes mid-word ("làm vi" | "ệc"): the two pieces are glued without a space when the
 * glued word occurs elsewhere in the document and one of the pieces occurs nowhere else.
 */
export function makeJoiner (source: string): (a: string, b: string) => string {
  const counts = new Map<string, number>()
  for (const w of source.toLowerCase().match(/\p{L}+/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1)
  const n = (w: string) => counts.get(w) ?? 0
  return (a, b) => {
    if (!a) return b
    if (!b) return a
    const tail = /(\p{L}+)$/u.exec(a)?.[1]?.toLowerCase()
    const head = /^(\p{Ll}+)/u.exec(b)?.[1]
    if (tail && head && n(tail + head) >= 2 && (n(head) <= 1 || n(tail) <= 1)) return a + b
    return `${a} ${b}`
  }
}
