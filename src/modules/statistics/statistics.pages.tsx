import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Radios, TextInput } from '../../platform/html/components/form.js'
import { DataTable, type Column } from '../../platform/html/components/layout-parts.js'
import { BarChart } from '../../platform/html/components/BarChart.js'
import { HeatStrip, type HeatRow } from '../../platform/html/components/HeatStrip.js'
import { dmy, formatInstant } from '../../platform/vn-time.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import type { Person } from '../dossiers/dossier-form.js'
import { STATUS_LABELS, type DossierStatus } from '../dossiers/status.js'
import { RATING_LABELS } from '../dossiers/model.js'
import { GROUP_TITLES } from './index766.js'
import { cellsOf, figureOf, FORM06_COLUMNS, FORM06_GROUPS, type Form06By, type Form06Column, type Form06Figures } from './form06.js'
import { csvFile } from '../../platform/http/csv.js'
import { form06Workbook } from './form06-xlsx.js'
import type { Form06Row, StatisticsService } from './statistics.service.js'
import { selfAssessmentPages } from './self-assessment.pages.js'
import { feedbackReportPages } from './feedback.pages.js'

type Query = Record<string, string | undefined>
const BASE = '/can-bo/thong-ke'

/** What each column of Biểu 06 is called, as the drill-down page names the figure it lists. */
export const COLUMN_LABELS: Record<Form06Column, string> = {
  received: 'Số hồ sơ nhận giải quyết – tổng số',
  'received-online': 'Nhận trong kỳ – trực tuyến',
  'received-direct': 'Nhận trong kỳ – trực tiếp, dịch vụ bưu chính',
  'carried-over': 'Từ kỳ trước chuyển sang',
  resolved: 'Số hồ sơ đã giải quyết – tổng số',
  'resolved-early': 'Đã giải quyết trước hạn',
  'resolved-on-time': 'Đã giải quyết đúng hạn',
  'resolved-late': 'Đã giải quyết quá hạn',
  'in-progress': 'Số hồ sơ đang giải quyết – tổng số',
  'in-progress-within': 'Đang giải quyết trong hạn',
  'in-progress-overdue': 'Đang giải quyết quá hạn'
}

const byOf = (q: Query): Form06By => q['theo'] === 'co-quan' ? 'agency' : 'sector'
const BY_PARAM: Record<Form06By, string> = { sector: 'linh-vuc', agency: 'co-quan' }

type Shown = Form06Row & { total?: boolean }

function Form06Page ({ r, query, errors }: { r?: Awaited<ReturnType<StatisticsService['form06']>> | undefined, query: Query, errors: FieldError[] }) {
  const link = (row: Shown, column: Form06Column, n: number) => {
    if (!r || n === 0) return String(n)
    const params = new URLSearchParams({ tu: r.from, den: r.to, theo: BY_PARAM[r.by], cot: column, ...(row.total ? {} : { dong: row.key }) })
    return <a href={`${BASE}/ho-so?${params.toString()}`}>{n.toLocaleString('vi-VN')}<span class='visually-hidden'> hồ sơ: {COLUMN_LABELS[column].toLowerCase()}, {row.label}</span></a>
  }
  // The form's columns, in order, under their groups: each figure a link to its dossiers.
  const titles = FORM06_GROUPS.flatMap(g => g.columns.map(label => ({ group: g.title, label })))
  const columns: Array<Column<Shown>> = [
    { label: r?.by === 'agency' ? 'Cơ quan' : 'Lĩnh vực', cell: row => row.total ? <strong>{row.label}</strong> : row.label },
    ...FORM06_COLUMNS.map((column, i): Column<Shown> => ({ ...titles[i]!, cell: row => link(row, column, figureOf(row.figures, column)) }))
  ]
  const rows: Shown[] = r ? [...r.rows, { key: '', label: 'Tổng cộng', figures: r.total, total: true }] : []
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Biểu số 06/VPCP/KSTT</span> Tình hình, kết quả giải quyết thủ tục hành chính</h1>
      <form action={BASE} method='get' noValidate>
        <div class='grid-row'>
          <TextInput name='tu' label='Từ ngày' hint='Ví dụ: 01/01/2026' value={query['tu'] ?? (r ? dmy(r.from) : undefined)} error={errorOf(errors, 'tu')} />
          <TextInput name='den' label='Đến ngày' hint='Ví dụ: 31/03/2026' value={query['den'] ?? (r ? dmy(r.to) : undefined)} error={errorOf(errors, 'den')} />
        </div>
        <Radios name='theo' legend='Theo' value={query['theo'] === 'co-quan' ? 'co-quan' : 'linh-vuc'} options={[{ value: 'linh-vuc', label: 'Lĩnh vực' }, { value: 'co-quan', label: 'Cơ quan giải quyết' }]} />
        <Button>Xem báo cáo</Button>
      </form>
      {r && (
        <section class='section' aria-labelledby='bieu-06'>
          <h2 class='heading-m' id='bieu-06'>Kỳ báo cáo: từ {dmy(r.from)} đến {dmy(r.to)}</h2>
          <p class='body'>Số liệu tính trực tiếp từ hồ sơ đến {formatInstant(r.asOf)}. Mỗi số là một liên kết tới danh sách đúng những hồ sơ đó. Cách tính: hồ sơ nhận trong kỳ theo ngày tiếp nhận; “từ kỳ trước” là hồ sơ tiếp nhận trước kỳ chưa giải quyết xong khi bắt đầu kỳ; trước hạn là xong trước ngày hẹn, đúng hạn là xong trong ngày hẹn không quá giờ hẹn, quá hạn là sau giờ hẹn (ngày hẹn sau khi đã hẹn lại và trừ thời gian chờ bổ sung).</p>
          <p class='body'>
            <a href={`${BASE}/qua-han?${new URLSearchParams({ tu: r.from, den: r.to }).toString()}`}>Hồ sơ quá hạn và lý do (Biểu 07)</a>
            {' · '}<a href={`${BASE}/can-bo?${new URLSearchParams({ tu: r.from, den: r.to }).toString()}`}>Khối lượng xử lý theo cán bộ</a>
            {' · '}<a href={`${BASE}/hai-long?${new URLSearchParams({ tu: r.from, den: r.to }).toString()}`}>Mức độ hài lòng</a>
            {' · '}<a href={`${BASE}/phan-anh?${new URLSearchParams({ tu: r.from, den: r.to }).toString()}`}>Phản ánh, kiến nghị</a>
            {' · '}<a href={`${BASE}/chi-so-766`}>Bộ chỉ số 766</a>
            {' · '}<a href={`${BASE}/tu-danh-gia`}>Tự đánh giá theo quý</a>
          </p>
          <p class='body'>
            <a href={`${BASE}.xlsx?${new URLSearchParams({ tu: r.from, den: r.to, theo: BY_PARAM[r.by] }).toString()}`} download>Tải biểu Excel (.xlsx)</a>
            {' · '}<a href={`${BASE}.pdf?${new URLSearchParams({ tu: r.from, den: r.to, theo: BY_PARAM[r.by] }).toString()}`}>Bản in (PDF)</a>
            {' · '}<a href={`${BASE}.csv?${new URLSearchParams({ tu: r.from, den: r.to, theo: BY_PARAM[r.by] }).toString()}`} download>CSV</a>
          </p>
          {r.rows.length === 0
            ? <p class='body'>Không có hồ sơ nào trong kỳ.</p>
            : <DataTable caption={`Biểu 06 theo ${r.by === 'agency' ? 'cơ quan' : 'lĩnh vực'}, từ ${dmy(r.from)} đến ${dmy(r.to)}`} rows={rows} rowKey={row => row.total ? 'total' : row.key} rowClass={row => row.total ? 'row--total' : undefined} columns={columns} />}
          {r.rows.length > 0 && <Form06Charts total={r.total} />}
        </section>
      )}
    </>
  )
}

/** The totals of the form drawn: how dossiers came in, and how the resolved ones were resolved against their due dates. */
function Form06Charts ({ total: t }: { total: Form06Figures }) {
  const n = (v: number) => v.toLocaleString('vi-VN')
  return (
    <>
      <BarChart id='kenh' title='Hồ sơ nhận giải quyết theo kênh' unit='Số hồ sơ' category='Kênh' format={n}
        description={`Trực tuyến ${n(t.received.online)}, trực tiếp và bưu chính ${n(t.received.directOrPostal)}, từ kỳ trước ${n(t.received.carriedOver)}.`}
        bars={[{ label: 'Trực tuyến', value: t.received.online }, { label: 'Trực tiếp, bưu chính', value: t.received.directOrPostal }, { label: 'Từ kỳ trước', value: t.received.carriedOver }]} />
      <BarChart id='han' title='Hồ sơ đã giải quyết so với hạn' unit='Số hồ sơ' category='Kết quả' format={n}
        description={`Trước hạn ${n(t.resolved.early)}, đúng hạn ${n(t.resolved.onTime)}, quá hạn ${n(t.resolved.late)}.`}
        bars={[{ label: 'Trước hạn', value: t.resolved.early }, { label: 'Đúng hạn', value: t.resolved.onTime }, { label: 'Quá hạn', value: t.resolved.late }]} />
    </>
  )
}

function DrilldownPage ({ r }: { r: Awaited<ReturnType<StatisticsService['form06Dossiers']>> }) {
  const back = new URLSearchParams({ tu: r.from, den: r.to, theo: BY_PARAM[r.by] })
  return (
    <>
      <a class='back-link' href={`${BASE}?${back.toString()}`}>Biểu 06</a>
      <h1 class='heading-l'><span class='caption'>Từ {dmy(r.from)} đến {dmy(r.to)}{r.rowLabel ? ` · ${r.rowLabel}` : ' · tất cả'}</span> {COLUMN_LABELS[r.column]}: {r.rows.length}{r.truncated ? '+' : ''} hồ sơ</h1>
      {r.truncated && <p class='body'>Chỉ hiện 500 hồ sơ đầu tiên; hãy chọn kỳ ngắn hơn.</p>}
      {r.rows.length === 0
        ? <p class='body'>Không có hồ sơ.</p>
        : <DataTable caption='Các hồ sơ của số liệu' rows={r.rows} rowKey={d => d.id} columns={[
          { label: 'Mã hồ sơ', cell: d => <a href={`/can-bo/ho-so/${encodeURIComponent(d.code!)}`}>{d.code}</a> },
          { label: 'Thủ tục', cell: d => d.procedureName },
          { label: 'Chủ hồ sơ', cell: d => (d.applicant as Person).fullName },
          { label: 'Tiếp nhận', cell: d => d.receivedAt ? formatInstant(d.receivedAt) : '—' },
          { label: 'Hẹn trả', cell: d => d.dueAt ? formatInstant(d.dueAt) : '—' },
          { label: 'Có kết quả', cell: d => d.finishedAt ? formatInstant(d.finishedAt) : '—' },
          { label: 'Trạng thái', cell: d => STATUS_LABELS[d.status as DossierStatus] }
        ]} />}
    </>
  )
}

/**
 * The overdue dossiers as a heat strip: a row per step that first ran over (most first), a column per
 * week (periods up to two months) or month of the period by the due date, and one for dossiers already
 * due before the period.
 */
function overdueStrip (r: Awaited<ReturnType<StatisticsService['overdue']>>): { weekly: boolean, columns: string[], rows: HeatRow[] } {
  const start = Date.parse(`${r.from}T00:00:00+07:00`)
  const end = Date.parse(`${r.to}T00:00:00+07:00`) + 86_400_000
  const weekly = end - start <= 62 * 86_400_000
  const edges: number[] = []
  const labels: string[] = []
  if (weekly) {
    for (let t = start; t < end; t += 7 * 86_400_000) { edges.push(t); labels.push(`Từ ${dmy(new Date(t + 7 * 3_600_000).toISOString().slice(0, 10)).slice(0, 5)}`) }
  } else {
    for (let [y, m] = r.from.split('-').map(Number) as [number, number]; ; m === 12 ? (y++, m = 1) : m++) {
      const t = Math.max(start, Date.parse(`${y}-${String(m).padStart(2, '0')}-01T00:00:00+07:00`))
      if (t >= end) break
      edges.push(t); labels.push(`T${m}/${y}`)
    }
  }
  const before = r.rows.some(d => d.dueAt && d.dueAt.getTime() < start)
  const columns = [...(before ? ['Trước kỳ'] : []), ...labels]
  const byStep = new Map<string, number[]>()
  for (const d of r.rows) {
    const step = d.step?.name ?? 'Không xác định được bước'
    const due = d.dueAt?.getTime() ?? start
    const i = due < start ? 0 : (before ? 1 : 0) + Math.max(0, edges.findLastIndex(e => e <= due))
    const values = byStep.get(step) ?? columns.map(() => 0)
    values[i]!++
    byStep.set(step, values)
  }
  const rows = [...byStep].map(([label, values]) => ({ label, values })).sort((a, b) => b.values.reduce((n, v) => n + v, 0) - a.values.reduce((n, v) => n + v, 0))
  return { weekly, columns, rows }
}

function OverduePage ({ r }: { r: Awaited<ReturnType<StatisticsService['overdue']>> }) {
  const back = new URLSearchParams({ tu: r.from, den: r.to })
  // Where the time was lost: the overdue dossiers by the first step that ran over, and when they fell due.
  const strip = overdueStrip(r)
  return (
    <>
      <a class='back-link' href={`${BASE}?${back.toString()}`}>Biểu 06</a>
      <h1 class='heading-l'><span class='caption'>Biểu 07 · từ {dmy(r.from)} đến {dmy(r.to)}</span> Hồ sơ giải quyết quá hạn: {r.rows.length}</h1>
      <p class='body'>Hồ sơ đã giải quyết quá hạn trong kỳ và hồ sơ đang giải quyết đã quá hạn (đến {formatInstant(r.asOf)}), nhiều ngày quá hạn nhất trước; bước xử lý là bước đầu tiên vượt thời gian của bước.</p>
      {r.rows.length === 0
        ? <p class='body'>Không có hồ sơ quá hạn trong kỳ.</p>
        : <DataTable caption='Hồ sơ quá hạn' rows={r.rows} rowKey={d => d.id} columns={[
          { label: 'Mã hồ sơ', cell: d => <a href={`/can-bo/ho-so/${encodeURIComponent(d.code!)}`}>{d.code}</a> },
          { label: 'Thủ tục', cell: d => <>{d.procedureName}<br /><span class='hint'>{d.agencyName}</span></> },
          { label: 'Hẹn trả', cell: d => <>{d.dueAt ? formatInstant(d.dueAt) : '—'}{d.postponedFrom ? <><br /><span class='hint'>hẹn lần đầu {formatInstant(d.postponedFrom)}</span></> : null}</> },
          { label: 'Tình trạng', cell: d => d.resolved ? `Đã giải quyết ${formatInstant(d.resolvedAt!)}` : 'Đang giải quyết' },
          { label: 'Số ngày quá hạn', cell: d => String(d.daysLate) },
          { label: 'Bước chậm, người xử lý', cell: d => d.step ? `${d.step.name} – ${d.step.holder}` : '—' },
          { label: 'Lý do (văn bản xin lỗi)', cell: d => d.reason ?? 'Chưa có văn bản xin lỗi' }
        ]} />}
      {strip.rows.length > 0 && (
        <HeatStrip id='qua-han-theo-buoc' title={`Hồ sơ quá hạn theo bước chậm đầu tiên và ${strip.weekly ? 'tuần' : 'tháng'} đến hạn`} unit='Số hồ sơ' columns={strip.columns} rows={strip.rows}
          description={strip.rows.map(x => `${x.label}: ${x.values.reduce((n, v) => n + v, 0)} hồ sơ`).join('; ') + '. Màu càng đậm, càng nhiều hồ sơ quá hạn ở bước đó trong kỳ đó.'} />
      )}
    </>
  )
}

const hoursText = (h: number | null) => h === null ? '—' : h.toLocaleString('vi-VN', { maximumFractionDigits: 1 })

function WorkloadPage ({ r }: { r: Awaited<ReturnType<StatisticsService['workload']>> }) {
  const back = new URLSearchParams({ tu: r.from, den: r.to })
  return (
    <>
      <a class='back-link' href={`${BASE}?${back.toString()}`}>Biểu 06</a>
      <h1 class='heading-l'><span class='caption'>Từ {dmy(r.from)} đến {dmy(r.to)}</span> Khối lượng xử lý theo cán bộ và bước</h1>
      <p class='body'>Nhận: bước bắt đầu trong kỳ; đã xử lý: bước kết thúc trong kỳ; thời gian tính từ lúc bước bắt đầu đến lúc kết thúc (giờ theo đồng hồ, gồm cả ngoài giờ làm việc); quá hạn: kết thúc sau hạn của bước, hoặc còn mở đã quá hạn đến {formatInstant(r.asOf)}.</p>
      {r.rows.length === 0
        ? <p class='body'>Không có bước xử lý nào trong kỳ.</p>
        : <DataTable caption='Khối lượng xử lý' rows={r.rows} rowKey={x => `${x.who ?? x.role}:${x.step}`} columns={[
          { label: 'Cán bộ', cell: x => x.label },
          { label: 'Bước', cell: x => x.step },
          { label: 'Nhận trong kỳ', cell: x => String(x.received) },
          { label: 'Đã xử lý', cell: x => String(x.handled) },
          { label: 'Thời gian trung bình (giờ)', cell: x => hoursText(x.avgHours) },
          { label: '90% xong trong (giờ)', cell: x => hoursText(x.p90Hours) },
          { label: 'Quá hạn bước', cell: x => String(x.overdue) }
        ]} />}
    </>
  )
}

function SatisfactionPage ({ r }: { r: Awaited<ReturnType<StatisticsService['satisfaction']>> }) {
  const back = new URLSearchParams({ tu: r.from, den: r.to })
  const satisfied = (levels: number[]) => { const n = levels.reduce((a, b) => a + b, 0); return n === 0 ? '—' : `${Math.round((levels[3]! + levels[4]!) * 1000 / n) / 10}%`.replace('.', ',') }
  return (
    <>
      <a class='back-link' href={`${BASE}?${back.toString()}`}>Biểu 06</a>
      <h1 class='heading-l'><span class='caption'>Từ {dmy(r.from)} đến {dmy(r.to)}</span> Mức độ hài lòng của người dân, doanh nghiệp</h1>
      <p class='body'>Đánh giá công dân gửi sau khi nhận kết quả, theo 5 mức: {[1, 2, 3, 4, 5].map(n => `${n} – ${RATING_LABELS[n]}`).join('; ')}. Hài lòng là mức 4 và 5.</p>
      {r.rows.length === 0
        ? <p class='body'>Chưa có đánh giá nào trong kỳ.</p>
        : <DataTable caption='Đánh giá theo cơ quan và thủ tục' rows={r.rows} rowKey={x => `${x.agencyName}:${x.procedureName}`} columns={[
          { label: 'Cơ quan', cell: x => x.agencyName ?? '—' },
          { label: 'Thủ tục', cell: x => x.procedureName },
          { label: 'Số đánh giá', cell: x => String(x.count) },
          { label: 'Điểm trung bình', cell: x => x.average.toLocaleString('vi-VN', { maximumFractionDigits: 2 }) },
          { label: 'Hài lòng', cell: x => satisfied(x.levels) },
          ...[1, 2, 3, 4, 5].map(n => ({ group: 'Số đánh giá theo mức', label: `Mức ${n}`, cell: (x: { levels: number[] }) => String(x.levels[n - 1]) }))
        ]} />}
      <h2 class='heading-m'>Ý kiến gần đây</h2>
      {r.comments.length === 0
        ? <p class='body'>Chưa có ý kiến nào trong kỳ.</p>
        : <DataTable caption='Ý kiến của người dân, mới nhất trước' rows={r.comments} rowKey={c => c.code!} columns={[
          { label: 'Hồ sơ', cell: c => <a href={`/can-bo/ho-so/${encodeURIComponent(c.code!)}`}>{c.code}</a> },
          { label: 'Thủ tục', cell: c => c.procedureName },
          { label: 'Mức', cell: c => RATING_LABELS[c.rating!] ?? String(c.rating) },
          { label: 'Ý kiến', cell: c => c.ratingComment },
          { label: 'Ngày', cell: c => formatInstant(c.ratedAt!) }
        ]} />}
    </>
  )
}

const pts = (n: number | null) => n === null ? 'Chưa có dữ liệu' : n.toLocaleString('vi-VN', { maximumFractionDigits: 1 })
const monthText = (m: string) => `${Number(m.slice(5))}/${m.slice(0, 4)}`
const change = (now: number | null, before: number | null) => now === null || before === null ? '—' : `${now >= before ? '+' : ''}${(now - before).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}`

function Index766Page ({ r, typed, errors = [] }: { r?: Awaited<ReturnType<StatisticsService['index766']>> | undefined, typed?: string | undefined, errors?: FieldError[] }) {
  return (
    <>
      <a class='back-link' href={BASE}>Biểu 06</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Quyết định 766/QĐ-TTg{r ? ` · tháng ${monthText(r.month)}` : ''}</span> Bộ chỉ số phục vụ người dân, doanh nghiệp</h1>
      <form action={`${BASE}/chi-so-766`} method='get' noValidate>
        <TextInput name='thang' label='Tháng' hint='Ví dụ: 03/2026' value={typed ?? (r ? monthText(r.month).padStart(7, '0') : undefined)} error={errorOf(errors, 'thang')} />
        <Button>Xem</Button>
      </form>
      {r && <Index766Figures r={r} />}
    </>
  )
}

function Index766Figures ({ r }: { r: Awaited<ReturnType<StatisticsService['index766']>> }) {
  const i = r.all.index
  return (
    <>
      <p class='body'>Điểm tính trực tiếp từ hồ sơ. Tiêu chí hệ thống chưa ghi nhận dữ liệu hiện “chưa có dữ liệu” và không được tính điểm: tổng điểm là trên phần có dữ liệu ({pts(i.maxWithData)} điểm), xếp loại theo tỉ lệ đó. Trọng số các nhóm công khai 18, tiến độ 20, hài lòng 18 theo Quyết định; số hóa 22, trực tuyến 22 là giả định, cần đối chiếu phụ lục Quyết định.</p>
      <div class='inset'>
        <p class='body'><strong>Các cơ quan bạn theo dõi: {i.score === null ? 'chưa có dữ liệu' : `${pts(i.score)}/100 – ${i.band}`}</strong> ({pts(i.points)}/{pts(i.maxWithData)} điểm có dữ liệu; so với tháng {monthText(r.previous)}: {change(i.score, r.all.previous.score)})</p>
      </div>
      {i.groups.map(g => (
        <DataTable key={g.group} caption={`${g.title}: ${pts(g.points)} / ${g.max} điểm`} captionHidden={false} rows={g.counters} rowKey={c => c.name} columns={[
          { label: 'Tiêu chí', cell: c => c.name },
          { label: 'Số liệu', cell: c => c.whole === null ? 'Chưa có dữ liệu' : `${c.part!.toLocaleString('vi-VN')} / ${c.whole.toLocaleString('vi-VN')}` },
          { label: 'Tỉ lệ', cell: c => c.ratio === null ? '—' : `${(c.ratio * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%` },
          { label: 'Điểm', cell: c => `${pts(c.points)} / ${pts(c.max)}` }
        ]} />
      ))}
      {r.rows.some(x => x.index.score !== null) && (
        <BarChart id='xep-hang' title={`Điểm chỉ số 766 theo cơ quan, tháng ${monthText(r.month)}`} unit='Điểm (trên 100)' category='Cơ quan' max={100} format={v => pts(v)}
          description={r.rows.map(x => `${x.name}: ${x.index.score === null ? 'chưa có dữ liệu' : pts(x.index.score)}`).join('; ')}
          bars={r.rows.map(x => ({ label: x.shortName, value: x.index.score, note: x.name }))} />
      )}
      <h2 class='heading-m'>Xếp hạng các cơ quan</h2>
      {r.rows.length === 0
        ? <p class='body'>Chưa có hồ sơ trong tháng.</p>
        : <DataTable caption={`Xếp hạng theo điểm tháng ${monthText(r.month)}`} rows={r.rows} rowKey={x => x.code} columns={[
          { label: 'Cơ quan', cell: x => x.name },
          { label: 'Điểm (trên 100)', cell: x => pts(x.index.score) },
          { label: 'Xếp loại', cell: x => x.index.band ?? '—' },
          { label: `So với tháng ${monthText(r.previous)}`, cell: x => change(x.index.score, x.previous.score) },
          ...(['progress', 'digitisation', 'online', 'satisfaction'] as const).map(g => ({ group: 'Điểm theo nhóm', label: GROUP_TITLES[g], cell: (x: { index: { groups: Array<{ group: string, points: number | null, max: number }> } }) => { const found = x.index.groups.find(y => y.group === g)!; return `${pts(found.points)}/${found.max}` } }))
        ]} />}
    </>
  )
}

/** `/can-bo/thong-ke`: Biểu 06 for leaders over their agencies, each figure drilling down to its dossiers. */
export async function statisticsPages (app: FastifyInstance, { statistics, requireOfficial }: { statistics: StatisticsService, requireOfficial: RequireOfficial }) {
  const show = (reply: FastifyReply, r: Awaited<ReturnType<StatisticsService['form06']>> | undefined, query: Query, errors: FieldError[]) =>
    reply.page(<Form06Page r={r} query={query} errors={errors} />, { title: 'Thống kê: Biểu 06', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  /** A report route: a bad period (or other field) shows the form with its errors beside the fields. */
  const report = (fn: (request: FastifyRequest, reply: FastifyReply, q: Query) => Promise<FastifyReply>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const q = request.query as Query
    try {
      return await fn(request, reply, q)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, undefined, q, err.fields)
      throw err
    }
  }

  await app.register(selfAssessmentPages, { statistics, requireOfficial })
  await app.register(feedbackReportPages, { statistics, requireOfficial })

  app.get(BASE, { preHandler: requireOfficial }, report(async (request, reply, q) =>
    show(reply, await statistics.form06(request.official!, { from: q['tu'], to: q['den'] }, byOf(q)), q, [])))

  /** The form as CSV (Excel opens it with its Vietnamese), the same figures as the page. */
  app.get(`${BASE}.csv`, { preHandler: requireOfficial }, report(async (request, reply, q) => {
    const r = await statistics.form06(request.official!, { from: q['tu'], to: q['den'] }, byOf(q))
    const first = r.by === 'agency' ? 'Cơ quan' : 'Lĩnh vực'
    const csv = csvFile([
      [`Biểu số 06/VPCP/KSTT: tình hình, kết quả giải quyết thủ tục hành chính từ ${dmy(r.from)} đến ${dmy(r.to)} (số liệu đến ${formatInstant(r.asOf)})`],
      ['STT', first, ...FORM06_GROUPS.flatMap(g => g.columns.map(() => g.title))],
      ['', '', ...FORM06_GROUPS.flatMap(g => g.columns)],
      ...r.rows.map((row, i) => [i + 1, row.label, ...cellsOf(row.figures)]),
      ['', 'Tổng cộng', ...cellsOf(r.total)]
    ])
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="bieu-06-${r.from}-${r.to}.csv"`).header('cache-control', 'private, no-store').send(csv)
  }))

  /** The form as an Excel workbook in the official layout (merged two-row header, totals as formulas). */
  app.get(`${BASE}.xlsx`, { preHandler: requireOfficial }, report(async (request, reply, q) => {
    const r = await statistics.form06(request.official!, { from: q['tu'], to: q['den'] }, byOf(q))
    const file = await form06Workbook(r, request.official!.agency.name)
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="bieu-06-${r.from}-${r.to}.xlsx"`).header('cache-control', 'private, no-store').send(file)
  }))

  /** The form as a printable PDF (landscape, the two-row header on every page, signature blocks). */
  app.get(`${BASE}.pdf`, { preHandler: requireOfficial }, report(async (request, reply, q) => {
    const pdf = await statistics.form06Pdf(request.official!, { from: q['tu'], to: q['den'] }, byOf(q))
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="bieu-06.pdf"').header('cache-control', 'private, no-store').send(pdf)
  }))

  app.get(`${BASE}/qua-han`, { preHandler: requireOfficial }, report(async (request, reply, q) =>
    reply.page(<OverduePage r={await statistics.overdue(request.official!, { from: q['tu'], to: q['den'] })} />, { title: 'Thống kê: hồ sơ quá hạn (Biểu 07)' })))

  app.get(`${BASE}/can-bo`, { preHandler: requireOfficial }, report(async (request, reply, q) =>
    reply.page(<WorkloadPage r={await statistics.workload(request.official!, { from: q['tu'], to: q['den'] })} />, { title: 'Thống kê: khối lượng xử lý theo cán bộ' })))

  app.get(`${BASE}/hai-long`, { preHandler: requireOfficial }, report(async (request, reply, q) =>
    reply.page(<SatisfactionPage r={await statistics.satisfaction(request.official!, { from: q['tu'], to: q['den'] })} />, { title: 'Thống kê: mức độ hài lòng' })))

  app.get(`${BASE}/chi-so-766`, { preHandler: requireOfficial }, async (request: FastifyRequest, reply) => {
    const q = request.query as Query
    try {
      return reply.page(<Index766Page r={await statistics.index766(request.official!, q['thang'])} />, { title: 'Thống kê: Bộ chỉ số 766' })
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(<Index766Page typed={q['thang']} errors={err.fields} />, { title: 'Thống kê: Bộ chỉ số 766', status: 422, hasErrors: true })
      throw err
    }
  })

  app.get(`${BASE}/ho-so`, { preHandler: requireOfficial }, report(async (request, reply, q) => {
    const r = await statistics.form06Dossiers(request.official!, { from: q['tu'], to: q['den'] }, byOf(q), q['cot'] ?? '', q['dong'])
    return reply.page(<DrilldownPage r={r} />, { title: `Thống kê: ${COLUMN_LABELS[r.column]}` })
  }))
}
