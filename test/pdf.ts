import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

interface Box { text: string, x0: number, x1: number, y0: number, y1: number }

/**
 * Pieces of text printed over each other on one page (a label over the value beside it): two runs whose
 * boxes overlap by more than a point across and a third of a line down. Whitespace runs are ignored.
 */
export function overlapping (boxes: Box[]): string[] {
  const found: string[] = []
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!
      const b = boxes[j]!
      const across = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)
      const down = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0)
      const line = Math.min(a.y1 - a.y0, b.y1 - b.y0)
      if (across > 1 && down > line / 3) found.push(`“${a.text}” over “${b.text}”`)
    }
  }
  return found
}

/**
 * The text of every page of a PDF, as a reader extracts it (checks fonts map to Unicode correctly).
 * Every PDF a test reads is also checked for text printed over other text: it throws naming the pieces.
 */
export async function pdfText (data: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise
  const pages: string[] = []
  const problems: string[] = []
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent()
    const boxes: Box[] = []
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue
      const [, , , d, e, f] = item.transform as number[]
      const size = Math.abs(d ?? item.height) || item.height
      boxes.push({ text: item.str, x0: e!, x1: e! + item.width, y0: f! - size * 0.2, y1: f! + size * 0.8 })
    }
    for (const p of overlapping(boxes)) problems.push(`page ${i}: ${p}`)
    pages.push(content.items.map(item => ('str' in item ? item.str : '')).join(' '))
  }
  await doc.destroy()
  if (problems.length > 0) throw new Error(`text printed over other text in the PDF:\n${problems.slice(0, 10).join('\n')}`)
  return pages.join('\n').replace(/\s+/g, ' ')
}

/** What poppler's pdfsig (a tool that is not ours) says of a PDF's signatures. */
export function pdfsig (pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-sig-'))
  const file = path.join(dir, 'doc.pdf')
  fs.writeFileSync(file, pdf)
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    // pdfsig exits non-zero when a signature does not verify; what it printed is the answer.
    return String((err as { stdout?: string }).stdout ?? '')
  } finally { fs.rmSync(dir, { recursive: true, force: true }) }
}

/** The same PDF with one byte of its signed part changed (inside the first content stream). */
export function tampered (pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf)
  const at = copy.indexOf('stream\n') + 30
  copy[at] = copy[at]! ^ 0x01
  return copy
}
