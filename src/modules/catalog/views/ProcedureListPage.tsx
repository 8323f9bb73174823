import { usePage } from '../../../platform/html/context.js'
import { Pagination, Select, Tag, type SelectOption } from '../../../platform/html/components/layout-parts.js'
import type { ProcedureFilters, ProcedureSummary } from '../catalog.types.js'
import { LEVEL_LABELS, ONLINE_LEVEL_LABELS } from '../catalog.types.js'
import { ONLINE_TAG, shortDuration } from './labels.js'

export interface ProcedureListProps {
  filters: ProcedureFilters
  items: ProcedureSummary[]
  total: number
  sectors: SelectOption[]
  agencies: SelectOption[]
  queryFor: (page: number) => string
  /** The query as corrected, when a word was not in the catalog and a near one was taken. */
  corrected?: string | undefined
  /** When nothing matches: the procedures whose names look most like the query. */
  closest?: Array<{ code: string, name: string }>
}

/** No dead end: when nothing matches, the sectors to browse and who to call. */
function NothingFound ({ sectors, closest }: { sectors: SelectOption[], closest: Array<{ code: string, name: string }> }) {
  const { site } = usePage()
  return (
    <div class='section'>
      {closest.length > 0 && (
        <>
          <h2 class='heading-s'>Thủ tục có tên gần giống</h2>
          <ul class='list list--bullet'>
            {closest.map(p => <li key={p.code}><a href={`/thu-tuc/${encodeURIComponent(p.code)}`}>{p.name}</a></li>)}
          </ul>
        </>
      )}
      <p class='body'>Hãy thử từ khóa ngắn hơn, cách gọi khác, bỏ bớt bộ lọc, hoặc xem thủ tục theo lĩnh vực:</p>
      <ul class='list list--bullet'>
        {sectors.map(s => <li key={s.value}><a href={`/thu-tuc?linh-vuc=${encodeURIComponent(s.value)}`}>{s.label}</a></li>)}
      </ul>
      <p class='body'>Cần giúp tìm thủ tục? Gọi đường dây nóng <a href={`tel:${site.hotline.replace(/[^\d+]/g, '')}`}>{site.hotline}</a>, hoặc <a href='/phan-anh-kien-nghi/gui'>gửi câu hỏi cho bộ phận một cửa</a> (trả lời trong thời hạn, công khai tại trang Phản ánh, kiến nghị).</p>
    </div>
  )
}

export function ProcedureListPage ({ filters, items, total, sectors, agencies, queryFor, corrected, closest = [] }: ProcedureListProps) {
  // A result opened from a search is counted for that search (the log of searches that found nothing useful).
  const opened = (code: string) => `/thu-tuc/${encodeURIComponent(code)}${filters.q ? `?tim=${encodeURIComponent(filters.q)}` : ''}`
  const filtered = Boolean(filters.q || filters.sector || filters.agency || filters.level || filters.onlineLevel)
  return (
    <>
      <h1 class='heading-l'>Thủ tục hành chính</h1>
      <div class='list-layout'>
        <form action='/thu-tuc' method='get' class='filters' role='search' aria-label='Tìm và lọc thủ tục'>
          <div class='form-group'>
            <label class='label' for='q'>Từ khóa</label>
            <div class='hint' id='q-hint'>Tên, mã thủ tục hoặc cách bạn vẫn gọi (ví dụ: bằng lái xe), có dấu hoặc không dấu</div>
            <input class='input' id='q' name='q' type='search' value={filters.q ?? ''} aria-describedby='q-hint' autocomplete='off' data-suggest='/thu-tuc/goi-y' />
          </div>
          <button type='submit' class='button'>Tìm kiếm</button>
          <details class='filters__more' open={Boolean(filters.sector || filters.agency || filters.level || filters.onlineLevel) || undefined}>
            <summary class='filters__summary'>Lọc theo lĩnh vực, cơ quan, cấp, mức độ</summary>
            <Select name='linh-vuc' label='Lĩnh vực' all='Tất cả lĩnh vực' options={sectors} value={filters.sector} />
            <Select name='co-quan' label='Cơ quan' all='Tất cả cơ quan' options={agencies} value={filters.agency} />
            <Select name='cap' label='Cấp thực hiện' all='Tất cả các cấp' value={filters.level}
              options={Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))} />
            <Select name='muc-do' label='Mức độ trực tuyến' all='Tất cả mức độ' value={filters.onlineLevel}
              options={Object.entries(ONLINE_LEVEL_LABELS).map(([value, label]) => ({ value, label }))} />
            <button type='submit' class='button button--secondary'>Áp dụng bộ lọc</button>
          </details>
          {filtered && <p class='body'><a href='/thu-tuc'>Xóa bộ lọc</a></p>}
        </form>
        <div class='results'>
          {corrected && total > 0 && <p class='body'>Có phải bạn muốn tìm: <a href={`/thu-tuc?q=${encodeURIComponent(corrected)}`}><strong>{corrected}</strong></a>? Kết quả dưới đây theo cách viết này.</p>}
          <p class='result-count' role='status'>
            {total === 0 ? 'Không tìm thấy thủ tục nào phù hợp.' : `Tìm thấy ${total} thủ tục${total > items.length ? `, trang ${filters.page}` : ''}.`}
          </p>
          <ol class='procedure-list' start={(filters.page - 1) * filters.pageSize + 1}>
            {items.map(p => (
              <li class='procedure-list__item' key={p.code}>
                <h2 class='heading-s'><a href={opened(p.code)}>{p.name}</a></h2>
                <p class='procedure-list__meta'>
                  <span>Mã: {p.code}</span> · <span>{p.sector.name}</span> · <span>{shortDuration(p.processingTime)}</span>
                  {p.agencies.processing[0] && <> · <span>{p.agencies.processing[0].shortName ?? p.agencies.processing[0].name}</span></>}
                </p>
                <Tag kind={ONLINE_TAG[p.onlineLevel].kind}>{ONLINE_TAG[p.onlineLevel].text}</Tag>
              </li>
            ))}
          </ol>
          {total === 0 && <NothingFound sectors={sectors} closest={closest} />}
          <Pagination page={filters.page} pageSize={filters.pageSize} total={total} href={queryFor} />
        </div>
      </div>
    </>
  )
}
