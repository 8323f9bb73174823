import { scaleBand, scaleLinear } from 'd3-scale'
import { DataTable } from './layout-parts.js'

export interface Bar { label: string, value: number | null, note?: string }

/**
 * A bar chart drawn on the server as SVG (no script): a title and a text description the screen reader
 * reads (`role="img"`, `aria-labelledby`), bars scaled with d3-scale, each value and label printed under
 * its bar in HTML (text inside SVG cannot be checked for contrast), and the same figures as a table. `format` prints a value; `max` fixes the top of the scale.
 */
export function BarChart ({ id, title, description, bars, format, max, unit, category = 'Kỳ' }: { id: string, title: string, description: string, bars: Bar[], format: (v: number) => string, max?: number, unit: string, category?: string }) {
  const width = 640
  const height = 220
  const margin = { top: 8, right: 8, bottom: 2, left: 8 }
  const x = scaleBand().domain(bars.map(b => b.label)).range([margin.left, width - margin.right]).padding(0.2)
  const top = max ?? Math.max(1, ...bars.map(b => b.value ?? 0))
  const y = scaleLinear().domain([0, top]).range([height - margin.bottom, margin.top])
  return (
    <figure class='chart'>
      <svg class='chart__svg' viewBox={`0 0 ${width} ${height}`} role='img' aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio='xMidYMid meet'>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} class='chart__axis' />
        {bars.map(b => {
          const value = b.value ?? 0
          return <rect key={b.label} x={x(b.label) ?? 0} y={y(value)} width={x.bandwidth()} height={Math.max(0, y(0) - y(value))} class='chart__bar' />
        })}
      </svg>
      <div class='chart__labels' aria-hidden='true'>
        {bars.map(b => <span key={b.label}><strong>{b.value === null ? '–' : format(b.value)}</strong><br />{b.label}</span>)}
      </div>
      <figcaption class='chart__caption'>{title}</figcaption>
      <DataTable caption={`Số liệu của biểu đồ: ${title}`} rows={bars} rowKey={b => b.label} columns={[
        { label: category, cell: b => b.label },
        { label: unit, cell: b => b.value === null ? 'Chưa có số liệu' : format(b.value) },
        ...(bars.some(b => b.note) ? [{ label: 'Ghi chú', cell: (b: Bar) => b.note ?? '' }] : [])
      ]} />
    </figure>
  )
}
