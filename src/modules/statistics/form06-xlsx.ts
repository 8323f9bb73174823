import ExcelJS from 'exceljs'
import { dmy, formatInstant } from '../../platform/vn-time.js'
import { cellsOf, FORM06_GROUPS, type Form06By, type Form06Figures } from './form06.js'

/**
 * Biểu 06 as an Excel workbook in the layout of the official form: the title with the period, the
 * two-row header with its merged group cells, one row per sector or agency with numbers as numbers,
 * and the totals row as SUM formulas whose cached results are the same totals the page shows.
 */
export async function form06Workbook (r: { from: string, to: string, asOf: Date, by: Form06By, rows: Array<{ label: string, figures: Form06Figures }>, total: Form06Figures }, issuer: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Một Cửa'
  wb.created = r.asOf
  const ws = wb.addWorksheet('Biểu 06', { pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } })
  const width = 2 + FORM06_GROUPS.reduce((n, g) => n + g.columns.length, 0)
  const last = ws.getColumn(width).letter
  const line = (row: number, text: string, bold = false, size = 12) => {
    ws.mergeCells(`A${row}:${last}${row}`)
    const c = ws.getCell(`A${row}`)
    c.value = text
    c.font = { name: 'Times New Roman', size, bold }
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  }
  line(1, 'Biểu số 06/VPCP/KSTT', false, 11)
  line(2, 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', true, 14)
  line(3, `Kỳ báo cáo: từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)} (số liệu đến ${formatInstant(r.asOf)})`)
  line(4, `Đơn vị báo cáo: ${issuer}`)

  // The two header rows (5 and 6): STT and the row name span both; each group spans its columns.
  const head = 5
  ws.mergeCells(head, 1, head + 1, 1)
  ws.getCell(head, 1).value = 'STT'
  ws.mergeCells(head, 2, head + 1, 2)
  ws.getCell(head, 2).value = r.by === 'agency' ? 'Cơ quan giải quyết' : 'Lĩnh vực'
  let col = 3
  for (const g of FORM06_GROUPS) {
    ws.mergeCells(head, col, head, col + g.columns.length - 1)
    ws.getCell(head, col).value = g.title
    g.columns.forEach((name, i) => { ws.getCell(head + 1, col + i).value = name })
    col += g.columns.length
  }
  const first = head + 2
  r.rows.forEach((row, i) => {
    const values = [i + 1, row.label, ...cellsOf(row.figures)]
    values.forEach((v, c) => { ws.getCell(first + i, c + 1).value = v })
  })
  const totalRow = first + r.rows.length
  ws.getCell(totalRow, 2).value = 'Tổng cộng'
  cellsOf(r.total).forEach((v, i) => {
    const letter = ws.getColumn(3 + i).letter
    ws.getCell(totalRow, 3 + i).value = r.rows.length > 0 ? { formula: `SUM(${letter}${first}:${letter}${totalRow - 1})`, result: v } : v
  })

  // Borders, fonts and widths of the table.
  for (let rIdx = head; rIdx <= totalRow; rIdx++) {
    for (let c = 1; c <= width; c++) {
      const cell = ws.getCell(rIdx, c)
      cell.border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } }
      cell.font = { name: 'Times New Roman', size: 11, bold: rIdx < first || rIdx === totalRow }
      cell.alignment = { vertical: 'middle', horizontal: c === 2 && rIdx >= first ? 'left' : 'center', wrapText: true }
    }
  }
  ws.getColumn(1).width = 6
  ws.getColumn(2).width = 40
  for (let c = 3; c <= width; c++) ws.getColumn(c).width = 12
  ws.getRow(head + 1).height = 45
  return Buffer.from(await wb.xlsx.writeBuffer())
}
