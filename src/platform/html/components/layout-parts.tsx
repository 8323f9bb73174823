import type { ComponentChildren } from 'preact'

export function SummaryList ({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class='summary-list'>
      {rows.map(([key, value]) => (
        <div class='summary-list__row' key={key}>
          <dt class='summary-list__key'>{key}</dt>
          <dd class='summary-list__value'>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

export interface SelectOption { value: string, label: string }

export function Select ({ name, label, options, value, all }: { name: string, label: string, options: SelectOption[], value?: string | undefined, all: string }) {
  return (
    <div class='form-group'>
      <label class='label' for={name}>{label}</label>
      <select class='select' id={name} name={name}>
        <option value=''>{all}</option>
        {options.map(o => <option value={o.value} selected={o.value === value} key={o.value}>{o.label}</option>)}
      </select>
    </div>
  )
}

/** Previous / numbered / next links; keeps the other query parameters. */
export function Pagination ({ page, pageSize, total, href }: { page: number, pageSize: number, total: number, href: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  if (pages <= 1) return null
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter(p => p >= 1 && p <= pages).sort((a, b) => a - b)
  return (
    <nav class='pagination' aria-label='Phân trang'>
      <ul class='pagination__list'>
        {page > 1 && <li><a class='pagination__link' href={href(page - 1)} rel='prev'>‹ Trang trước</a></li>}
        {shown.map((p, i) => (
          <li key={p}>
            {i > 0 && p - shown[i - 1]! > 1 && <span class='pagination__gap' aria-hidden='true'>…</span>}
            {p === page
              ? <span class='pagination__current' aria-current='page'>{p}</span>
              : <a class='pagination__link' href={href(p)} aria-label={`Trang ${p}`}>{p}</a>}
          </li>
        ))}
        {page < pages && <li><a class='pagination__link' href={href(page + 1)} rel='next'>Trang sau ›</a></li>}
      </ul>
    </nav>
  )
}

/** Previous / this page / next, for lists that know only whether another page follows (no total to count). */
export function PrevNext ({ page, more, href }: { page: number, more: boolean, href: (page: number) => string }) {
  if (page <= 1 && !more) return null
  return (
    <nav class='pagination' aria-label='Phân trang'>
      <ul class='pagination__list'>
        {page > 1 && <li><a class='pagination__link' href={href(page - 1)} rel='prev'>‹ Trang trước</a></li>}
        <li><span class='pagination__current' aria-current='page'>{page}</span></li>
        {more && <li><a class='pagination__link' href={href(page + 1)} rel='next'>Trang sau ›</a></li>}
      </ul>
    </nav>
  )
}

export function Tag ({ children, kind }: { children: ComponentChildren, kind?: 'green' | 'blue' | 'grey' | 'red' }) {
  return <strong class={`tag tag--${kind ?? 'blue'}`}>{children}</strong>
}

export const formatVnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`

/** A column: its header, its cell, and the group its header sits under (a two-row header, as official report forms have). */
export interface Column<T> { label: string, cell: (row: T) => ComponentChildren, group?: string }

/**
 * A list as a table that reads on a phone: under 40em each row becomes a block whose cells carry their
 * column's name (`data-label`), so nothing is squeezed to a word a line or cut off at the side.
 */
export function DataTable<T> ({ caption, captionHidden = true, columns, rows, rowKey, rowClass, foot }: { caption: ComponentChildren, captionHidden?: boolean, columns: Array<Column<T>>, rows: T[], rowKey: (row: T, index: number) => string, rowClass?: (row: T) => string | undefined, foot?: ComponentChildren }) {
  const grouped = columns.some(c => c.group)
  // The first header row: each group once over its columns, an ungrouped column over both rows.
  const spans: Array<{ label: string, span: number, group: boolean }> = []
  for (const c of columns) {
    const last = spans[spans.length - 1]
    if (c.group && last?.group && last.label === c.group) last.span++
    else spans.push({ label: c.group ?? c.label, span: 1, group: Boolean(c.group) })
  }
  // On a phone each cell is named by its column, with its group when it has one.
  const named = (c: Column<T>) => c.group ? `${c.group}: ${c.label}` : c.label
  return (
    <div class='table-wrap'>
      <table class='table table--stack'>
        <caption class={`table__caption${captionHidden ? ' visually-hidden' : ''}`}>{caption}</caption>
        {grouped
          ? (
            <thead>
              <tr>{spans.map((g, i) => g.group ? <th scope='colgroup' colSpan={g.span} key={i}>{g.label}</th> : <th scope='col' rowSpan={2} key={i}>{g.label}</th>)}</tr>
              <tr>{columns.filter(c => c.group).map((c, i) => <th scope='col' key={i}>{c.label}</th>)}</tr>
            </thead>
            )
          : <thead><tr>{columns.map((c, i) => <th scope='col' key={i}>{c.label}</th>)}</tr></thead>}
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)} class={rowClass?.(r)}>
              {columns.map((c, n) => <td key={n} data-label={named(c)}>{c.cell(r)}</td>)}
            </tr>
          ))}
        </tbody>
        {foot !== undefined && <tfoot>{foot}</tfoot>}
      </table>
    </div>
  )
}
