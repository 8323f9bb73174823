import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import { pdfBytes } from './bytes.js'

const FONT_ROOT = path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/tinos/package.json'))
const SERIF = path.join(FONT_ROOT, '400Regular', 'Tinos_400Regular.ttf')
const SERIF_BOLD = path.join(FONT_ROOT, '700Bold', 'Tinos_700Bold.ttf')
const SERIF_ITALIC = path.join(FONT_ROOT, '400Regular_Italic', 'Tinos_400Regular_Italic.ttf')

/** Fills "{name}" placeholders; an unknown placeholder stays visible rather than silently vanishing. */
export function fill (text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (m, k: string) => values[k] ?? m)
}

/** "Tỉnh Kon Tum" → "Kon Tum": where a form is dated. */
export const placeOf = (province: string) => province.replace(/^Tỉnh\s+/i, '')

export interface OfficialForm {
  /** "Mẫu số 01" … as Circular 03/2025/TT-VPCP numbers them. */
  number: string
  title: string
  /** The issuing body, upper case: the parent on the first line, the agency on the second. */
  issuer: { parent: string, agency: string }
  /** "Số: 12/2026/PXL": the number of a document in its agency's register, under the agency's name. */
  reference?: string
  /** The province whose name, without "Tỉnh", is the place the form is dated at. */
  province: string
  date: Date
  /** Plain-text paragraphs (placeholders already filled); lines starting with "- " are list items. */
  body: string[]
  signatures: Array<{ title: string, note: string, name?: string }>
  qr?: { url: string, caption: string }
  /** A table after the text (the control sheet, the register): columns by share of the width; the header repeats on each page. */
  table?: { columns: Array<{ title: string, share: number, group?: string }>, rows: string[][] }
  landscape?: boolean
}

/**
 * An administrative form as a PDF: the issuing body and the national motto side by side, place and
 * date, the form's number and title, its text, signature blocks, and optionally a QR code. Tinos
 * (metric-compatible with Times New Roman, with Vietnamese glyphs) is embedded.
 */
export async function officialFormPdf (f: OfficialForm): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: f.landscape ? 'landscape' : 'portrait', margins: { top: 45, bottom: 50, left: 70, right: 55 }, info: { Title: f.title }, lang: 'vi-VN', font: SERIF } as PDFKit.PDFDocumentOptions)
  doc.registerFont('serif', SERIF).registerFont('bold', SERIF_BOLD).registerFont('italic', SERIF_ITALIC)
  const done = pdfBytes(doc)
  const left = 70
  const width = doc.page.width - 125
  const col = width * 0.42
  doc.font('italic').fontSize(10).text(f.number, left, 30, { width, align: 'right' })
  doc.font('serif').fontSize(12).text(f.issuer.parent.toUpperCase(), left, 50, { width: col, align: 'center' })
  doc.font('bold').fontSize(12).text(f.issuer.agency.toUpperCase(), { width: col, align: 'center', underline: true })
  const issuerBottom = f.reference ? doc.moveDown(0.4).font('serif').fontSize(12).text(f.reference, { width: col, align: 'center' }).y : doc.y
  doc.font('bold').fontSize(12).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + col, 50, { width: width - col, align: 'center' })
  doc.font('bold').fontSize(13).text('Độc lập - Tự do - Hạnh phúc', { width: width - col, align: 'center', underline: true })
  const d = f.date.toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).split('/')
  doc.moveDown(0.8).font('italic').fontSize(13).text(`${placeOf(f.province)}, ngày ${d[0]} tháng ${d[1]} năm ${d[2]}`, left + col, doc.y, { width: width - col, align: 'center' })
  if (doc.y < issuerBottom) doc.y = issuerBottom
  doc.moveDown(1.2).font('bold').fontSize(14).text(f.title.toUpperCase(), left, doc.y, { width, align: 'center' })
  doc.moveDown(0.8)
  for (const para of f.body) {
    if (para.startsWith('- ')) doc.font('serif').fontSize(13).text(para, left + 15, doc.y, { width: width - 15, align: 'justify' })
    else doc.font('serif').fontSize(13).text(para, left, doc.y, { width, align: 'justify', indent: 25 })
    doc.moveDown(0.3)
  }
  if (f.table) drawTable(doc, f.table, left, width)
  if (f.qr) {
    const png = await QRCode.toBuffer(f.qr.url, { type: 'png', margin: 1, width: 200 })
    const y = doc.y + 5
    doc.image(png, left, y, { width: 80 })
    doc.font('italic').fontSize(9).text(f.qr.caption, left + 90, y + 25, { width: 200 })
    doc.y = y + 85
  }
  doc.moveDown(1)
  const top = doc.y
  const w = width / f.signatures.length
  f.signatures.forEach((s, i) => {
    doc.font('bold').fontSize(13).text(s.title.toUpperCase(), left + i * w, top, { width: w, align: 'center' })
    doc.font('italic').fontSize(12).text(s.note, { width: w, align: 'center' })
    if (s.name) { doc.moveDown(3); doc.font('bold').fontSize(13).text(s.name, { width: w, align: 'center' }) }
  })
  doc.end()
  return done
}

/** A bordered table that breaks across pages, the header row repeated; cells wrap. */
function drawTable (doc: PDFKit.PDFDocument, table: NonNullable<OfficialForm['table']>, left: number, width: number) {
  const total = table.columns.reduce((a, c) => a + c.share, 0)
  const widths = table.columns.map(c => width * c.share / total)
  const pad = 3
  const size = 9
  const bottom = () => doc.page.height - doc.page.margins.bottom
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(size)
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad
  }
  const drawRow = (cells: string[], font: string, y: number, h: number) => {
    let x = left
    cells.forEach((c, i) => {
      doc.rect(x, y, widths[i]!, h).stroke()
      doc.font(font).fontSize(size).text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: font === 'bold' ? 'center' : 'left' })
      x += widths[i]!
    })
  }
  const header = table.columns.map(c => c.title)
  const grouped = table.columns.some(c => c.group)
  // With groups (an official report's two-row header): each group once over its columns, an ungrouped
  // column over both rows.
  const groupHeight = grouped ? rowHeight(table.columns.map(c => c.group ?? ''), 'bold') : 0
  const columnHeight = rowHeight(table.columns.map(c => c.group ? c.title : ''), 'bold')
  const headerHeight = grouped ? groupHeight + columnHeight : rowHeight(header, 'bold')
  const cell = (text: string, x: number, y: number, w: number, h: number) => {
    doc.rect(x, y, w, h).stroke()
    doc.font('bold').fontSize(size).text(text, x + pad, y + pad, { width: w - 2 * pad, align: 'center' })
  }
  const drawHeader = (y: number) => {
    if (!grouped) { drawRow(header, 'bold', y, headerHeight); return }
    let x = left
    for (let i = 0; i < table.columns.length;) {
      const c = table.columns[i]!
      if (!c.group) { cell(c.title, x, y, widths[i]!, headerHeight); x += widths[i]!; i++; continue }
      let span = 0
      let j = i
      for (; j < table.columns.length && table.columns[j]!.group === c.group; j++) span += widths[j]!
      cell(c.group, x, y, span, groupHeight)
      for (let k = i; k < j; k++) { cell(table.columns[k]!.title, x, y + groupHeight, widths[k]!, columnHeight); x += widths[k]! }
      i = j
    }
  }
  let y = doc.y + 4
  drawHeader(y)
  y += headerHeight
  doc.lineWidth(0.5)
  for (const row of table.rows) {
    const h = rowHeight(row, 'serif')
    if (y + h > bottom()) {
      doc.addPage()
      y = doc.page.margins.top
      drawHeader(y)
      y += headerHeight
    }
    drawRow(row, 'serif', y, h)
    y += h
  }
  doc.x = left
  doc.y = y + 8
}
