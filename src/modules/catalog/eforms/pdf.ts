import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import { pdfBytes } from '../../../platform/pdf/bytes.js'
import { filledText, type Answers, type FormDefinition } from './definition.js'

const FONT_ROOT = path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/tinos/package.json'))
const SERIF = path.join(FONT_ROOT, '400Regular', 'Tinos_400Regular.ttf')
const SERIF_BOLD = path.join(FONT_ROOT, '700Bold', 'Tinos_700Bold.ttf')

/**
 * A declaration filled online as the PDF that becomes its component's file: the form's own wording, in
 * the decision's order, with the answers in place of the blanks (Times-like Tinos, A4, 13 pt); the
 * repeating rows as a ruled table; a line at the foot saying it was declared online.
 */
export async function declarationPdf (d: FormDefinition, answers: Answers, foot: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 56, left: 70, right: 56 }, info: { Title: d.title, Creator: 'Một Cửa' } })
  const bytes = pdfBytes(doc)
  doc.registerFont('serif', SERIF).registerFont('serif-bold', SERIF_BOLD)
  const width = doc.page.width - 70 - 56
  for (const block of filledText(d, answers)) {
    if ('text' in block) {
      doc.font(block.bold ? 'serif-bold' : 'serif').fontSize(13).text(block.text, { width, align: block.bold ? 'center' : 'left', lineGap: 2 })
      doc.moveDown(0.3)
      continue
    }
    const rows = block.table.filter(r => r.some(c => c.trim() !== ''))
    if (rows.length === 0) continue
    const columns = Math.max(...rows.map(r => r.length))
    const colWidth = width / columns
    doc.fontSize(11)
    for (const [i, row] of rows.entries()) {
      doc.font(i === 0 ? 'serif-bold' : 'serif')
      const height = Math.max(18, ...row.map(c => doc.heightOfString(c, { width: colWidth - 6 }) + 6))
      if (doc.y + height > doc.page.height - 56) doc.addPage()
      const y = doc.y
      row.forEach((cell, k) => {
        doc.rect(70 + k * colWidth, y, colWidth, height).stroke()
        doc.text(cell, 70 + k * colWidth + 3, y + 3, { width: colWidth - 6 })
      })
      doc.x = 70
      doc.y = y + height
    }
    doc.moveDown(0.5)
  }
  doc.moveDown(1).font('serif').fontSize(9).fillColor('#444').text(foot, { width })
  doc.end()
  return bytes
}
