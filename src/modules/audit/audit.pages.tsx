import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { parseDayRange, vnDayStart } from '../../platform/http/day-range.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, TextInput } from '../../platform/html/components/form.js'
import { PrevNext } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../calendar/due.js'
import type { AuditFilter, AuditRow } from './audit.service.js'
import { ACTION_LABELS as DOSSIER_ACTIONS } from '../dossiers/dossiers.service.js'
import { pageNumber } from '../../platform/http/page-number.js'

const PAGE_SIZE = 50

/** What each recorded action means, for the people reading the log. */
const ACTION_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(DOSSIER_ACTIONS).map(([k, v]) => [`dossier.${k}`, v])),
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
  'catalog.min-assurance.set': 'Đặt mức bảo đảm định danh'
}
const ACTOR_TYPES = { citizen: 'Công dân', official: 'Cán bộ', system: 'Hệ thống', cli: 'Dòng lệnh', anonymous: 'Khách' }

function AuditPage ({ rows, more, page, query, errors }: { rows: AuditRow[], more: boolean, page: number, query: Record<string, string | undefined>, errors: FieldError[] }) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  const link = (p: number) => `/can-bo/nhat-ky?${new URLSearchParams([...['can-bo', 'ho-so', 'thao-tac', 'tu', 'den'].filter(k => query[k]).map(k => [k, query[k]!] as [string, string]), ['trang', String(p)]]).toString()}`
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
      {rows.length === 0
        ? <p class='body'>Không có thao tác phù hợp.</p>
        : (
          <div class='table-wrap'>
            <table class='table'>
              <caption class='table__caption visually-hidden'>Thao tác, mới nhất trước</caption>
              <thead><tr><th scope='col'>Thời điểm</th><th scope='col'>Người thực hiện</th><th scope='col'>Thao tác</th><th scope='col'>Đối tượng</th><th scope='col'>Mã yêu cầu</th></tr></thead>
              <tbody>
                {rows.map(r => (
                  <tr key={String(r.id)}>
                    <td>{formatInstant(r.at)}</td>
                    <td>{r.officialName ? <>{r.officialName}<br /><span class='hint'>{r.username}</span></> : ACTOR_TYPES[r.actorType]}</td>
                    <td>{ACTION_LABELS[r.action] ?? r.action}<br /><span class='hint'>{r.action}</span></td>
                    <td>{r.dossierCode ? <a href={`/can-bo/ho-so/${encodeURIComponent(r.dossierCode)}`}>Hồ sơ {r.dossierCode}</a> : r.targetType ? `${r.targetType} ${r.targetId ?? ''}` : '—'}</td>
                    <td><span class='hint'>{r.requestId ?? '—'}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          )}
      <PrevNext page={page} more={more} href={link} />
    </>
  )
}

/** `/can-bo/nhat-ky`: system administrators browse the audit log of the agencies they administer. */
export async function auditPages (app: FastifyInstance, { services, requireOfficial }: { services: Services, requireOfficial: (request: FastifyRequest) => Promise<void> }) {
  app.get('/can-bo/nhat-ky', { preHandler: requireOfficial }, async (request, reply) => {
    const agencies = await services.officials.administered(request.official!)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'audit log: system administrators only')
    const query = request.query as Record<string, string | undefined>
    const days = parseDayRange(query, { from: 'tu', to: 'den' })
    const page = pageNumber(query['trang'])
    const text = (k: string) => (query[k] ?? '').trim().slice(0, 100)
    const filter: AuditFilter = { page, pageSize: PAGE_SIZE }
    if (text('can-bo')) filter.official = text('can-bo')
    if (text('ho-so')) filter.dossierCode = text('ho-so').toUpperCase()
    if (text('thao-tac')) filter.action = text('thao-tac')
    if (days.from) filter.from = vnDayStart(days.from)
    if (days.to) filter.to = vnDayStart(days.to, 1)
    const { rows, more } = days.errors.length > 0
      ? { rows: [], more: false }
      : await services.audit.browse(services.db.kysely, { agencyIds: agencies.map(a => a.id), agencyCodes: agencies.map(a => a.code) }, filter)
    return reply.page(<AuditPage rows={rows} more={more} page={page} query={query} errors={days.errors} />,
      { title: 'Nhật ký thao tác', ...(days.errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  })
}
