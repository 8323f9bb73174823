import ExcelJS from 'exceljs'

/** A report as a sheet: title lines, a table whose header may group columns, its rows and a totals row. */
export interface ReportSheet {
  sheet: string
  /** Lines above the table, each across its whole width (the form's number, its title, the period, the issuer). */
  lines: Array<{ text: string, bold?: boolean, size?: number }>
  /** The columns in order; consecutive columns of the same group share a merged cell above their names. */
  columns: Array<{ label: string, group?: string, width?: number }>
  rows: Array<Array<string | number>>
  /** The totals row: its numbers are written as SUM formulas of their column, cached with the same totals. */
  total?: Array<string | number>
  created: Date
}

const BORDER = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const

/**
 * A statistics report as an Excel workbook in the layout of an official form: Times New Roman, the title
 * lines centred, a bordered table with a one- or two-row header (a column without a group spans both),
 * numbers as numbers, landscape A4 fitted to the page width. The second column holds the rows' names.
 */
export async function reportWorkbook (r: ReportSheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Một Cửa'
  wb.created = r.created
  const ws = wb.addWorksheet(r.sheet, { pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } })
  const width = r.columns.length
  const last = ws.getColumn(width).letter
  r.lines.forEach((l, i) => {
    ws.mergeCells(`A${i + 1}:${last}${i + 1}`)
    const c = ws.getCell(`A${i + 1}`)
    c.value = l.text
    c.font = { name: 'Times New Roman', size: l.size ?? 12, bold: l.bold ?? false }
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  })

  const head = r.lines.length + 1
  const grouped = r.columns.some(c => c.group)
  const first = head + (grouped ? 2 : 1)
  for (let c = 0; c < width; c++) {
    const col = r.columns[c]!
    if (!col.group) {
      if (grouped) ws.mergeCells(head, c + 1, head + 1, c + 1)
      ws.getCell(head, c + 1).value = col.label
      continue
    }
    ws.getCell(head + 1, c + 1).value = col.label
    if (r.columns[c - 1]?.group === col.group) continue
    let end = c
    while (r.columns[end + 1]?.group === col.group) end++
    if (end > c) ws.mergeCells(head, c + 1, head, end + 1)
    ws.getCell(head, c + 1).value = col.group
  }
  r.rows.forEach((row, i) => row.forEach((v, c) => { ws.getCell(first + i, c + 1).value = v }))
  const totalRow = first + r.rows.length
  r.total?.forEach((v, c) => {
    const letter = ws.getColumn(c + 1).letter
    ws.getCell(totalRow, c + 1).value = typeof v === 'number' && r.rows.length > 0 ? { formula: `SUM(${letter}${first}:${letter}${totalRow - 1})`, result: v } : v
  })

  const lastRow = r.total ? totalRow : totalRow - 1
  for (let rIdx = head; rIdx <= lastRow; rIdx++) {
    for (let c = 1; c <= width; c++) {
      const cell = ws.getCell(rIdx, c)
      cell.border = BORDER
      cell.font = { name: 'Times New Roman', size: 11, bold: rIdx < first || (r.total !== undefined && rIdx === totalRow) }
      cell.alignment = { vertical: 'middle', horizontal: c === 2 && rIdx >= first ? 'left' : 'center', wrapText: true }
    }
  }
  r.columns.forEach((c, i) => { ws.getColumn(i + 1).width = c.width ?? 12 })
  ws.getRow(first - 1).height = 45
  return Buffer.from(await wb.xlsx.writeBuffer())
}
