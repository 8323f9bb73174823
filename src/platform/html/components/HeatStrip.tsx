import { scaleBand, scaleLinear } from 'd3-scale'
import { DataTable } from './layout-parts.js'

export interface HeatRow { label: string, values: number[] }

/**
 * A heat strip drawn on the server as SVG (no script): one strip per row, one cell per column, each
 * cell's shade scaled with d3-scale from white to deep red by its count (an empty cell stays white, with
 * a border). The SVG has a title and a text description the screen reader reads; the row and column
 * names and every count are in the table under it (text inside SVG cannot be checked for contrast).
 */
export function HeatStrip ({ id, title, description, columns, rows, unit }: { id: string, title: string, description: string, columns: string[], rows: HeatRow[], unit: string }) {
  const cell = 28
  const labelWidth = 0
  const width = labelWidth + Math.max(1, columns.length) * cell
  const height = Math.max(1, rows.length) * cell
  const x = scaleBand().domain(columns).range([labelWidth, width]).padding(0.08)
  const y = scaleBand().domain(rows.map(r => r.label)).range([0, height]).padding(0.08)
  const max = Math.max(1, ...rows.flatMap(r => r.values))
  const shade = scaleLinear<string>().domain([0, max]).range(['#fde0dd', '#a50f15'])
  return (
    <figure class='chart'>
      <svg class='chart__svg chart__svg--heat' viewBox={`0 0 ${width} ${height}`} role='img' aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio='xMinYMin meet'>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {rows.flatMap(r => r.values.map((v, i) => (
          <rect key={`${r.label}|${i}`} x={x(columns[i]!) ?? 0} y={y(r.label) ?? 0} width={x.bandwidth()} height={y.bandwidth()} class={v === 0 ? 'chart__cell chart__cell--empty' : 'chart__cell'} fill={v === 0 ? '#ffffff' : shade(v)} />
        )))}
      </svg>
      <figcaption class='chart__caption'>{title}</figcaption>
      <DataTable caption={`Số liệu của biểu đồ: ${title} (${unit.toLowerCase()})`} rows={rows} rowKey={r => r.label} columns={[
        { label: 'Bước', cell: r => r.label },
        ...columns.map((c, i) => ({ label: c, cell: (r: HeatRow) => r.values[i]!.toLocaleString('vi-VN') })),
        { label: 'Cộng', cell: r => r.values.reduce((n, v) => n + v, 0).toLocaleString('vi-VN') }
      ]} />
    </figure>
  )
}
