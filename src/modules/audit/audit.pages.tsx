import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../../platform/db/db.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { parseDayRange, vnDayStart } from '../../platform/http/day-range.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, TextInput } from '../../platform/html/components/form.js'
import { DataTable, PrevNext } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { AuditFilter, AuditRow, AuditService } from './audit.service.js'
import { pageNumber } from '../../platform/http/page-number.js'
import { csvFile } from '../../platform/http/csv.js'

const PAGE_SIZE = 50

/** What each recorded action means, for the people reading the log (other modules' labels are given to auditPages). */
const OWN_LABELS: Record<string, string> = {
  'dossier.view': 'Xem hồ sơ',
  'dossier.submit': 'Nộp hồ sơ',
  'dossier.file.attach': 'Đính kèm tệp',
  'dossier.file.remove': 'Gỡ tệp',
  'dossier.draft.start': 'Tạo hồ sơ nháp',
  'dossier.draft.delete': 'Xoá hồ sơ nháp',
  'official.sign-in': 'Cán bộ đăng nhập',
  'official.create': 'Tạo tài khoản cán bộ',
  'official.lock': 'Khoá tài khoản cán bộ',
  'official.roles.set': 'Đặt vai trò cán bộ',
  'official.password.change': 'Cán bộ đổi mật khẩu',
  'calendar.exception.set': 'Đặt ngày điều chỉnh lịch',
  'calendar.exception.remove': 'Bỏ ngày điều chỉnh lịch',
  'catalog.processing-time.set': 'Đặt thời hạn giải quyết',
  'catalog.online-level.set': 'Đặt mức độ trực tuyến',
  'catalog.min-assurance.set': 'Đặt mức bảo đảm định danh',
  'catalog.synonym.add': 'Thêm từ đồng nghĩa cho tìm kiếm',
  'catalog.synonym.remove': 'Xóa từ đồng nghĩa cho tìm kiếm',
  'catalog.synonym.seed': 'Nạp danh sách từ đồng nghĩa',
  'access.refused': 'Bị từ chối truy cập',
  'dossier.file.download': 'Tải tệp của hồ sơ',
  'dossier.form.download': 'Tải phiếu, mẫu của hồ sơ',
  'dossier.receipt.download': 'Tải biên lai',
  'register.download': 'Tải sổ theo dõi (mẫu 07)',
  'audit.export': 'Xuất nhật ký ra tệp CSV',
  'task.escalate': 'Nhắc lãnh đạo: bước xử lý sắp hết hạn',
  'department.create': 'Thêm phòng của cơ quan',
  'official.department.set': 'Xếp cán bộ vào phòng',
  'official.delegate': 'Ủy quyền khi vắng mặt',
  'official.delegate.revoke': 'Hủy ủy quyền'
}
const FILTER_KEYS = ['can-bo', 'ho-so', 'thao-tac', 'tu', 'den']
/** The most rows one export holds; narrow the filter for more. */
const EXPORT_LIMIT = 10_000
const ACTOR_TYPES = { citizen: 'Công dân', official: 'Cán bộ', system: 'Hệ thống', cli: 'Dòng lệnh', anonymous: 'Khách' }

function AuditPage ({ rows, more, page, query, errors, labels }: { rows: AuditRow[], more: boolean, page: number, query: Record<string, string | undefined>, errors: FieldError[], labels: Record<string, string> }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  const link = (p: number) => `/can-bo/nhat-ky?${new URLSearchParams([...FILTER_KEYS.filter(k => query[k]).map(k => [k, query[k]!] as [string, string]), ['trang', String(p)]]).toString()}`
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Nhật ký thao tác</h1>
      <p class='body'>Mọi thao tác của cán bộ và mọi lần cán bộ xem hồ sơ được ghi lại và không thể sửa, xoá. Danh sách gồm thao tác của cán bộ thuộc đơn vị bạn quản trị và mọi thao tác trên hồ sơ của các đơn vị đó.</p>
      <ErrorSummary errors={errors} />
      <form action='/can-bo/nhat-ky' method='get' noValidate role='search' aria-label='Lọc nhật ký'>
        <div class='grid-row'>
          <TextInput name='can-bo' label='Tên đăng nhập của cán bộ' value={query['can-bo']} />
          <TextInput name='ho-so' label='Mã hồ sơ' value={query['ho-so']} />
          <TextInput name='thao-tac' label='Mã thao tác' hint='Ví dụ: dossier.view, official.' value={query['thao-tac']} />
          <TextInput name='tu' type='date' label='Từ ngày' value={query['tu']} error={err('tu')} />
          <TextInput name='den' type='date' label='Đến ngày' value={query['den']} error={err('den')} />
        </div>
        <Button>Lọc</Button>
      </form>
      {rows.length > 0 && <p class='body'><a href={`/can-bo/nhat-ky.csv?${new URLSearchParams(FILTER_KEYS.filter(k => query[k]).map(k => [k, query[k]!] as [string, string])).toString()}`} download>Tải nhật ký đã lọc (CSV, mở bằng Excel)</a></p>}
      {rows.length === 0
        ? <p class='body'>Không có thao tác phù hợp.</p>
        : (
          <DataTable caption='Thao tác, mới nhất trước' rows={rows} rowKey={r => String(r.id)} columns={[
            { label: 'Thời điểm', cell: r => formatInstant(r.at) },
            { label: 'Người thực hiện', cell: r => r.officialName ? <>{r.officialName}<br /><span class='hint'>{r.username}</span></> : ACTOR_TYPES[r.actorType] },
            { label: 'Thao tác', cell: r => <>{labels[r.action] ?? r.action}<br /><span class='hint'>{r.action}</span></> },
            { label: 'Đối tượng', cell: r => r.dossierCode ? <a href={`/can-bo/ho-so/${encodeURIComponent(r.dossierCode)}`}>Hồ sơ {r.dossierCode}</a> : r.targetType ? `${r.targetType} ${r.targetId ?? ''}` : '—' },
            { label: 'Mã yêu cầu', cell: r => <span class='hint'>{r.requestId ?? '—'}</span> }
          ]} />
          )}
      <PrevNext page={page} more={more} href={link} />
    </>
  )
}


/** `/can-bo/nhat-ky`: system administrators browse the audit log of the agencies they administer, and export it. */
export interface AuditPagesOptions {
  db: Db
  audit: AuditService
  /** The agencies whose log the signed-in official administers (none: not an administrator). */
  administered: (request: FastifyRequest) => Promise<Array<{ id: number, code: string }>>
  /** Labels of other modules' actions (e.g. `dossier.receive`), shown beside the audit module's own. */
  actionLabels: Record<string, string>
  requireOfficial: (request: FastifyRequest) => Promise<unknown>
}

export async function auditPages (app: FastifyInstance, { db, audit, administered, actionLabels, requireOfficial }: AuditPagesOptions) {
  const labels = { ...actionLabels, ...OWN_LABELS }
  /** The administrator's scope and the filter the address asks for (the same for the page and the export). */
  const read = async (request: FastifyRequest, pageSize: number) => {
    const agencies = await administered(request)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'audit log: system administrators only')
    const query = request.query as Record<string, string | undefined>
    const days = parseDayRange(query, { from: 'tu', to: 'den' })
    const page = pageNumber(query['trang'])
    const text = (k: string) => (query[k] ?? '').trim().slice(0, 100)
    const filter: AuditFilter = { page, pageSize }
    if (text('can-bo')) filter.official = text('can-bo')
    if (text('ho-so')) filter.dossierCode = text('ho-so').toUpperCase()
    if (text('thao-tac')) filter.action = text('thao-tac')
    if (days.from) filter.from = vnDayStart(days.from)
    if (days.to) filter.to = vnDayStart(days.to, 1)
    const { rows, more } = days.errors.length > 0
      ? { rows: [], more: false }
      : await audit.browse(db.kysely, { agencyIds: agencies.map(a => a.id), agencyCodes: agencies.map(a => a.code) }, filter)
    return { query, page, rows, more, errors: days.errors }
  }

  app.get('/can-bo/nhat-ky', { preHandler: requireOfficial }, async (request, reply) => {
    const { rows, more, page, query, errors } = await read(request, PAGE_SIZE)
    return reply.page(<AuditPage rows={rows} more={more} page={page} query={query} errors={errors} labels={labels} />,
      { title: 'Nhật ký thao tác', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })

  app.get('/can-bo/nhat-ky.csv', { preHandler: requireOfficial }, async (request, reply) => {
    const { rows, more, query, errors } = await read(request, EXPORT_LIMIT)
    if (errors.length > 0) throw new AppError('VALIDATION', errors[0]!.message, errors)
    await db.transaction(trx => audit.record(trx, {
      actor: { type: 'official', id: request.official!.id }, action: 'audit.export', targetType: 'audit', targetId: 'log',
      details: { filter: Object.fromEntries(FILTER_KEYS.filter(k => query[k]).map(k => [k, query[k]])), rows: rows.length, truncated: more }, requestId: String(request.id)
    }))
    const head = ['Thời điểm', 'Người thực hiện', 'Tên đăng nhập', 'Loại', 'Thao tác', 'Mã thao tác', 'Hồ sơ', 'Đối tượng', 'Chi tiết', 'Mã yêu cầu']
    const lines = rows.map(r => [
      formatInstant(r.at), r.officialName ?? '', r.username ?? '', ACTOR_TYPES[r.actorType], labels[r.action] ?? r.action, r.action,
      r.dossierCode ?? '', r.targetType ? `${r.targetType} ${r.targetId ?? ''}`.trim() : '', JSON.stringify(r.details ?? {}), r.requestId ?? ''
    ])
    if (more) lines.push([`Chỉ gồm ${EXPORT_LIMIT.toLocaleString('vi-VN')} thao tác mới nhất; hãy thu hẹp khoảng ngày để xuất phần còn lại.`, '', '', '', '', '', '', '', '', ''])
    const csv = csvFile([head, ...lines])
    const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="nhat-ky-${day}.csv"`).header('cache-control', 'private, no-store').send(csv)
  })
}
