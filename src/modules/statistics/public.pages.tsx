import type { FastifyInstance } from 'fastify'
import { BarChart } from '../../platform/html/components/BarChart.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { PublicFigures, PublicStatistics } from './public.js'

const percent = (r: number | null) => r === null ? '–' : `${(r * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`
const count = (n: number) => n.toLocaleString('vi-VN')
const stars = (r: PublicFigures['rating']) => r === null ? '–' : `${r.average.toLocaleString('vi-VN', { maximumFractionDigits: 2 })}/5 (${count(r.count)} đánh giá)`

function Tiles ({ title, f }: { title: string, f: PublicFigures }) {
  const tiles: Array<[string, string]> = [
    ['Hồ sơ tiếp nhận', count(f.received)], ['Hồ sơ đã giải quyết', count(f.resolved)], ['Giải quyết đúng hạn', percent(f.onTimeRate)],
    ['Nộp trực tuyến', percent(f.onlineRate)], ['Thanh toán trực tuyến', percent(f.onlinePaymentRate)], ['Mức độ hài lòng', stars(f.rating)]
  ]
  return (
    <section class='section' aria-label={title}>
      <h2 class='heading-m'>{title}</h2>
      <ul class='list stat-tiles'>{tiles.map(([label, value]) => <li class='stat-tile' key={label}><span class='stat-tile__value'>{value}</span> <span class='stat-tile__label'>{label}</span></li>)}</ul>
    </section>
  )
}

function PublicPage ({ s }: { s: PublicStatistics }) {
  return (
    <>
      <h1 class='heading-l'>Công khai kết quả giải quyết thủ tục hành chính</h1>
      <p class='body'>Số liệu tính trực tiếp từ hồ sơ, cập nhật đến {formatInstant(s.asOf)}. Đúng hạn gồm hồ sơ giải quyết trước hạn và đúng hạn, trên số hồ sơ đã giải quyết; nộp trực tuyến trên số hồ sơ tiếp nhận; thanh toán trực tuyến trên số khoản phí, lệ phí đã nộp.</p>
      <Tiles title={`Toàn tỉnh, ${s.month.label.toLowerCase()}`} f={s.month.province} />
      <Tiles title={`Toàn tỉnh, ${s.year.label.toLowerCase()}`} f={s.year.province} />
      <BarChart id='dung-han-theo-thang' title={`Tỉ lệ giải quyết đúng hạn theo tháng, ${s.year.label.toLowerCase()}`} unit='Tỉ lệ đúng hạn'
        description={s.months.map(m => `${m.label}: ${m.onTimeRate === null ? 'chưa có hồ sơ giải quyết' : percent(m.onTimeRate)}`).join('; ')}
        bars={s.months.map(m => ({ label: m.label, value: m.onTimeRate, note: `${count(m.resolved)} hồ sơ đã giải quyết` }))} format={percent} max={1} />
      <h2 class='heading-m'>Theo cơ quan, {s.year.label.toLowerCase()}</h2>
      {s.year.agencies.length === 0
        ? <p class='body'>Chưa có hồ sơ nào trong năm.</p>
        : <DataTable caption={`Kết quả theo cơ quan, ${s.year.label.toLowerCase()}`} rows={s.year.agencies} rowKey={a => a.code} columns={[
          { label: 'Cơ quan', cell: a => a.name },
          { label: 'Tiếp nhận', cell: a => count(a.figures.received) },
          { label: 'Đã giải quyết', cell: a => count(a.figures.resolved) },
          { label: 'Đúng hạn', cell: a => percent(a.figures.onTimeRate) },
          { label: 'Nộp trực tuyến', cell: a => percent(a.figures.onlineRate) },
          { label: 'Thanh toán trực tuyến', cell: a => percent(a.figures.onlinePaymentRate) },
          { label: 'Hài lòng', cell: a => stars(a.figures.rating) }
        ]} />}
    </>
  )
}

/** `/thong-ke`: the portal's public statistics, aggregates only (no name, no dossier code), from a per-process cache. */
export async function publicStatisticsPages (app: FastifyInstance, { statistics }: { statistics: { publicFigures: () => Promise<PublicStatistics> } }) {
  // The same page for every anonymous visitor: served from memory (reply.sharedPage), its figures at most five minutes old.
  app.get('/thong-ke', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').sharedPage('/thong-ke', async () => ({ body: <PublicPage s={await statistics.publicFigures()} />, options: { title: 'Công khai kết quả giải quyết thủ tục hành chính' } })))
}
