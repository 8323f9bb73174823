import { dmy, formatInstant } from '../../platform/vn-time.js'
import { cellsOf, FORM06_GROUPS, type Form06By, type Form06Figures } from './form06.js'
import { reportWorkbook } from './report-xlsx.js'

/**
 * Biểu 06 as an Excel workbook in the layout of the official form: the title with the period, the
 * two-row header with its merged group cells, one row per sector or agency with numbers as numbers,
 * and the totals row as SUM formulas whose cached results are the same totals the page shows.
 */
export function form06Workbook (r: { from: string, to: string, asOf: Date, by: Form06By, rows: Array<{ label: string, figures: Form06Figures }>, total: Form06Figures }, issuer: string): Promise<Buffer> {
  return reportWorkbook({
    sheet: 'Biểu 06',
    created: r.asOf,
    lines: [
      { text: 'Biểu số 06/VPCP/KSTT', size: 11 },
      { text: 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', bold: true, size: 14 },
      { text: `Kỳ báo cáo: từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)} (số liệu đến ${formatInstant(r.asOf)})` },
      { text: `Đơn vị báo cáo: ${issuer}` }
    ],
    columns: [{ label: 'STT', width: 6 }, { label: r.by === 'agency' ? 'Cơ quan giải quyết' : 'Lĩnh vực', width: 40 },
      ...FORM06_GROUPS.flatMap(g => g.columns.map(label => ({ label, group: g.title })))],
    rows: r.rows.map((row, i) => [i + 1, row.label, ...cellsOf(row.figures)]),
    total: ['', 'Tổng cộng', ...cellsOf(r.total)]
  })
}
