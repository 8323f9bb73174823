import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, TextInput } from '../../platform/html/components/form.js'
import { DataTable, type Column } from '../../platform/html/components/layout-parts.js'
import { BarChart } from '../../platform/html/components/BarChart.js'
import { csvFile } from '../../platform/http/csv.js'
import { dmy, formatInstant } from '../../platform/vn-time.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { FeedbackFigures } from '../feedback/figures.js'
import { reportWorkbook } from './report-xlsx.js'
import type { StatisticsService } from './statistics.service.js'

type Query = Record<string, string | undefined>
type Report = Awaited<ReturnType<StatisticsService['feedback']>>
type Counts = Omit<FeedbackFigures, 'agencyCode' | 'agencyName'>
const PATH = '/can-bo/thong-ke/phan-anh'

/** The report's figures, in order: the page's table, the CSV and the workbook name them alike. */
const COLUMNS: Array<{ key: keyof Counts, label: string, group?: string }> = [
  { key: 'received', label: 'Tiếp nhận trong kỳ' },
  { key: 'answered', label: 'Tổng số', group: 'Đã trả lời trong kỳ' },
  { key: 'onTime', label: 'Đúng hạn', group: 'Đã trả lời trong kỳ' },
  { key: 'late', label: 'Trễ hạn', group: 'Đã trả lời trong kỳ' },
  { key: 'notCompetent', label: 'Không thuộc thẩm quyền' },
  { key: 'openOverdue', label: 'Đang quá hạn (hiện tại)' },
  { key: 'satisfied', label: 'Hài lòng', group: 'Đánh giá câu trả lời' },
  { key: 'unsatisfied', label: 'Không hài lòng', group: 'Đánh giá câu trả lời' }
]
const percent = (part: number, whole: number) => whole === 0 ? '—' : `${(Math.round(part * 1000 / whole) / 10).toLocaleString('vi-VN')}%`
const n = (v: number) => v.toLocaleString('vi-VN')
const title = (r: Report) => `Phản ánh, kiến nghị từ ${dmy(r.from)} đến ${dmy(r.to)}`
const periodQuery = (r: Report) => new URLSearchParams({ tu: r.from, den: r.to }).toString()

type Row = Counts & { agencyCode: string, agencyName: string, total?: boolean }

function FeedbackReportPage ({ r, query, errors }: { r?: Report | undefined, query: Query, errors: FieldError[] }) {
  const columns: Array<Column<Row>> = [
    { label: 'Cơ quan', cell: x => x.total ? <strong>{x.agencyName}</strong> : x.agencyName },
    // On time and satisfied with their share beside them (of the answered, of the ratings).
    ...COLUMNS.map((c): Column<Row> => ({
      label: c.label, ...(c.group ? { group: c.group } : {}),
      cell: x => c.key === 'onTime' ? `${n(x.onTime)} (${percent(x.onTime, x.answered)})` : c.key === 'satisfied' ? `${n(x.satisfied)} (${percent(x.satisfied, x.satisfied + x.unsatisfied)})` : n(x[c.key])
    }))
  ]
  const rows: Row[] = r ? [...r.rows, { ...r.total, agencyCode: '', agencyName: 'Tổng cộng', total: true }] : []
  return (
    <>
      <a class='back-link' href='/can-bo/thong-ke'>Thống kê</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Thống kê</span> Tiếp nhận, trả lời phản ánh, kiến nghị</h1>
      <form action={PATH} method='get' noValidate>
        <div class='grid-row'>
          <TextInput name='tu' label='Từ ngày' hint='Ví dụ: 01/01/2026' value={query['tu'] ?? (r ? dmy(r.from) : undefined)} error={errorOf(errors, 'tu')} />
          <TextInput name='den' label='Đến ngày' hint='Ví dụ: 31/03/2026' value={query['den'] ?? (r ? dmy(r.to) : undefined)} error={errorOf(errors, 'den')} />
        </div>
        <Button>Xem báo cáo</Button>
      </form>
      {r && (
        <section class='section' aria-labelledby='ket-qua'>
          <h2 class='heading-m' id='ket-qua'>Kỳ báo cáo: từ {dmy(r.from)} đến {dmy(r.to)}</h2>
          <p class='body'>Số liệu tính trực tiếp từ các phản ánh đến {formatInstant(r.asOf)}, theo cơ quan đang trả lời. Tiếp nhận theo ngày gửi; đã trả lời theo ngày lãnh đạo duyệt câu trả lời, đúng hạn khi duyệt trước hạn trả lời (hạn tính theo ngày làm việc, trừ thời gian chờ người gửi bổ sung, tính lại từ ngày chuyển khi chuyển cơ quan); đang quá hạn là số phản ánh chưa trả lời đã quá hạn vào lúc xem; đánh giá là đánh giá của người gửi về các câu trả lời trong kỳ.</p>
          <p class='body'>
            <a href={`${PATH}.xlsx?${periodQuery(r)}`} download>Tải Excel (.xlsx)</a>
            {' · '}<a href={`${PATH}.pdf?${periodQuery(r)}`}>Bản in (PDF)</a>
            {' · '}<a href={`${PATH}.csv?${periodQuery(r)}`} download>CSV</a>
            {' · '}<a href='/can-bo/phan-anh'>Hàng đợi phản ánh</a>
          </p>
          {r.rows.length === 0
            ? <p class='body'>Không có phản ánh, kiến nghị nào trong kỳ.</p>
            : (
              <>
                <DataTable caption={title(r)} rows={rows} rowKey={x => x.total ? 'total' : x.agencyCode} rowClass={x => x.total ? 'row--total' : undefined} columns={columns} />
                <BarChart id='tra-loi' title='Phản ánh đã trả lời so với hạn' unit='Số phản ánh' category='Kết quả' format={n}
                  description={`Đúng hạn ${n(r.total.onTime)}, trễ hạn ${n(r.total.late)}; đang quá hạn ${n(r.total.openOverdue)}.`}
                  bars={[{ label: 'Đúng hạn', value: r.total.onTime }, { label: 'Trễ hạn', value: r.total.late }, { label: 'Đang quá hạn', value: r.total.openOverdue }]} />
              </>
              )}
        </section>
      )}
    </>
  )
}

/** `/can-bo/thong-ke/phan-anh` (and .csv, .xlsx): the feedback figures of the leader's agencies for a period. */
export async function feedbackReportPages (app: FastifyInstance, { statistics, requireOfficial }: { statistics: Pick<StatisticsService, 'feedback' | 'reportPdf'>, requireOfficial: RequireOfficial }) {
  const report = (fn: (r: Report, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.query as Query
    try {
      return await fn(await statistics.feedback(request.official!, { from: q['tu'], to: q['den'] }), request, reply)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(<FeedbackReportPage query={q} errors={err.fields} />, { title: 'Thống kê phản ánh, kiến nghị', status: 422, hasErrors: true })
      throw err
    }
  }
  const download = (reply: FastifyReply, type: string, name: string) => reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store')
  const cells = (x: Counts) => COLUMNS.map(c => x[c.key])

  app.get(PATH, { preHandler: requireOfficial }, report(async (r, request, reply) =>
    reply.page(<FeedbackReportPage r={r} query={request.query as Query} errors={[]} />, { title: 'Thống kê phản ánh, kiến nghị' })))

  app.get(`${PATH}.csv`, { preHandler: requireOfficial }, report(async (r, _request, reply) =>
    download(reply, 'text/csv; charset=utf-8', `phan-anh-${r.from}-${r.to}.csv`).send(csvFile([
      [`${title(r)} (số liệu đến ${formatInstant(r.asOf)})`],
      ['STT', 'Cơ quan', ...COLUMNS.map(c => c.group ? `${c.group}: ${c.label}` : c.label)],
      ...r.rows.map((x, i) => [i + 1, x.agencyName, ...cells(x)]),
      ['', 'Tổng cộng', ...cells(r.total)]
    ]))))

  app.get(`${PATH}.pdf`, { preHandler: requireOfficial }, report(async (r, request, reply) =>
    reply.type('application/pdf').header('content-disposition', 'inline; filename="phan-anh-kien-nghi.pdf"').header('cache-control', 'private, no-store').send(await statistics.reportPdf(request.official!, {
      number: 'Thống kê phản ánh, kiến nghị',
      title: 'Tình hình tiếp nhận, trả lời phản ánh, kiến nghị',
      period: `Kỳ báo cáo: từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)}; số liệu tính từ các phản ánh đến ${formatInstant(r.asOf)}.`,
      columns: [{ title: 'STT', share: 0.6 }, { title: 'Cơ quan', share: 3.2 }, ...COLUMNS.map(c => ({ title: c.label, share: 1, ...(c.group ? { group: c.group } : {}) }))],
      rows: [...r.rows.map((x, i) => [String(i + 1), x.agencyName, ...cells(x).map(n)]), ['', 'Tổng cộng', ...cells(r.total).map(n)]]
    }))))

  app.get(`${PATH}.xlsx`, { preHandler: requireOfficial }, report(async (r, request, reply) =>
    download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `phan-anh-${r.from}-${r.to}.xlsx`).send(await reportWorkbook({
      sheet: 'Phản ánh, kiến nghị',
      created: r.asOf,
      lines: [
        { text: 'TÌNH HÌNH TIẾP NHẬN, TRẢ LỜI PHẢN ÁNH, KIẾN NGHỊ', bold: true, size: 14 },
        { text: `Kỳ báo cáo: từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)} (số liệu đến ${formatInstant(r.asOf)})` },
        { text: `Đơn vị báo cáo: ${request.official!.agency.name}` }
      ],
      columns: [{ label: 'STT', width: 6 }, { label: 'Cơ quan', width: 40 }, ...COLUMNS.map(c => ({ label: c.label, ...(c.group ? { group: c.group } : {}) }))],
      rows: r.rows.map((x, i) => [i + 1, x.agencyName, ...cells(x)]),
      total: ['', 'Tổng cộng', ...cells(r.total)]
    }))))
}
