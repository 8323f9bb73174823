import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WorkflowService } from './workflow.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { OfficialsService } from '../accounts/officials.service.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorMessage, ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Radios, Textarea, TextInput } from '../../platform/html/components/form.js'
import { DataTable, Pagination, Tag } from '../../platform/html/components/layout-parts.js'
import { ROLES, type OfficialRole } from '../accounts/officials.service.js'
import type { ProcedureDetail } from '../catalog/catalog.types.js'
import { shortDuration } from '../catalog/views/labels.js'
import { APPROVE_ROLES, MAX_WORK_STEPS, processFields, readProcess, WORK_ROLES } from './process.js'
import type { ProcedureSettings } from './settings.js'
import { pageNumber } from '../../platform/http/page-number.js'
import { editableProcedure } from './catalog-admin.js'

const BASE = '/can-bo/thu-tuc'
type Values = Record<string, string | undefined>
const UNITS = [
  { value: 'working_days', label: 'Ngày làm việc' }, { value: 'working_hours', label: 'Giờ làm việc' },
  { value: 'calendar_days', label: 'Ngày (kể cả ngày nghỉ)' }, { value: 'same_day', label: 'Trong ngày' }
]
const AT = [{ value: 'processing', label: 'Cơ quan giải quyết' }, { value: 'receiving', label: 'Bộ phận một cửa' }]

function Select ({ name, label, options, value, error }: { name: string, label: string, options: Array<{ value: string, label: string }>, value?: string | undefined, error?: string | undefined }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={name}>{label}</label>
      <ErrorMessage id={name} message={error} />
      <select class='select' id={name} name={name} aria-describedby={error ? `${name}-error` : undefined}>
        {options.map(o => <option key={o.value} value={o.value} selected={value === o.value}>{o.label}</option>)}
      </select>
    </div>
  )
}

function ListPage ({ items, page, total, q, corrected }: { items: Array<{ code: string, name: string, processingTime: ProcedureDetail['processingTime'] }>, page: number, total: number, q: string, corrected: string | undefined }) {
  const query = (n: number) => `${BASE}?${new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { trang: String(n) } : {}) }).toString()}`
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Thời hạn và quy trình của thủ tục</h1>
      <p class='body'>Chọn thủ tục để đặt thời hạn giải quyết, thời hạn tiếp nhận và bổ sung, và quy trình nội bộ. Hồ sơ đã tiếp nhận giữ quy trình và hạn của lúc tiếp nhận.</p>
      <form action={BASE} method='get' role='search' class='search'>
        <label class='label' for='q'>Tìm thủ tục</label>
        <div class='search__row'>
          <input class='input search__input' id='q' name='q' type='search' value={q} autocomplete='off' />
          <button type='submit' class='button search__button'>Tìm</button>
        </div>
      </form>
      {corrected && <p class='body'>Có phải bạn muốn tìm: <strong>{corrected}</strong>?</p>}
      {q && <p class='body' role='status'>{total === 0 ? 'Không có thủ tục nào phù hợp.' : `${total} thủ tục phù hợp.`}</p>}
      <DataTable caption='Thủ tục hành chính' rows={items} rowKey={p => p.code} columns={[
        { label: 'Thủ tục', cell: p => <><a href={`${BASE}/${encodeURIComponent(p.code)}`}>{p.name}</a><br /><span class='hint'>{p.code}</span></> },
        { label: 'Thời hạn giải quyết', cell: p => p.processingTime.value === null ? <Tag kind='grey'>Chưa xác định</Tag> : shortDuration(p.processingTime) }
      ]} />
      <Pagination page={page} pageSize={50} total={total} href={query} />
    </>
  )
}

function SettingsPage ({ p, s, errors, values }: { p: ProcedureDetail, s: ProcedureSettings, errors: FieldError[], values: Values }) {
  const url = `${BASE}/${encodeURIComponent(p.code)}`
  const v = (k: string, fallback: string) => values[k] ?? fallback
  const current = { ...processFields(s.process), ...values }
  const workRows = Math.min(MAX_WORK_STEPS, Math.max(s.process.filter(x => x.kind === 'work').length + 2, 4))
  const roleOptions = (roles: OfficialRole[]) => roles.map(r => ({ value: r, label: ROLES[r] }))
  return (
    <>
      <a class='back-link' href={BASE}>Thời hạn và quy trình của thủ tục</a>
      <h1 class='heading-l'><span class='caption'>{p.code}</span> {p.name}</h1>
      <ErrorSummary errors={errors} />
      <p class='body'><a href={`${url}/thanh-phan`}>Thành phần hồ sơ và phí, lệ phí</a> (mỗi lần lưu là một phiên bản của thủ tục)</p>

      <section class='section' aria-labelledby='thoi-han'>
        <h2 class='heading-m' id='thoi-han'>Thời hạn giải quyết</h2>
        <p class='body'>Theo quyết định công bố: {p.publishedProcessingTime.text}</p>
        <Form action={`${url}/thoi-han`}>
          <TextInput name='value' label='Số lượng' value={v('value', p.processingTime.value === null ? '' : String(p.processingTime.value))} error={errorOf(errors, 'value')} />
          <Select name='unit' label='Đơn vị' options={UNITS} value={v('unit', p.processingTime.unit ?? 'working_days')} error={errorOf(errors, 'unit')} />
          <Textarea name='reason' label='Căn cứ, nếu khác thời hạn quyết định công bố' hint='Bắt buộc khi thời hạn khác quyết định công bố; được ghi vào nhật ký thao tác.' value={v('reason', '')} error={errorOf(errors, 'reason')} rows={2} />
          <Button>Lưu thời hạn giải quyết</Button>
        </Form>
      </section>

      <section class='section' aria-labelledby='gioi-han'>
        <h2 class='heading-m' id='gioi-han'>Thời hạn tiếp nhận và bổ sung</h2>
        <Form action={`${url}/gioi-han`}>
          <TextInput name='receptionHours' label='Quyết định tiếp nhận hồ sơ trực tuyến trong (giờ làm việc)' value={v('receptionHours', String(s.receptionHours))} error={errorOf(errors, 'receptionHours')} />
          <TextInput name='supplementDays' label='Thời hạn công dân bổ sung hồ sơ (ngày làm việc)' value={v('supplementDays', String(s.supplementDays))} error={errorOf(errors, 'supplementDays')} />
          <Radios name='afterSupplement' legend='Sau khi công dân bổ sung trong quá trình xử lý' value={v('afterSupplement', s.afterSupplement)} error={errorOf(errors, 'afterSupplement')} options={[
            { value: 'pause', label: 'Tiếp tục tính thời hạn (thời gian chờ bổ sung không tính)' },
            { value: 'restart', label: 'Tính lại thời hạn từ đầu kể từ khi hồ sơ đầy đủ' }
          ]} />
          <Button>Lưu thời hạn tiếp nhận và bổ sung</Button>
        </Form>
      </section>

      <section class='section' aria-labelledby='quy-trinh'>
        <h2 class='heading-m' id='quy-trinh'>Quy trình nội bộ{s.defaultProcess ? ' (đang dùng quy trình mặc định)' : ''}</h2>
        <p class='body'>Các bước xử lý theo thứ tự, rồi bước phê duyệt và bước trả kết quả của bộ phận một cửa. Tỷ lệ thời gian của các bước cộng lại bằng 100% thời hạn giải quyết. Để trống một dòng để bỏ bước đó.</p>
        <Form action={`${url}/quy-trinh`}>
          {[...Array(workRows).keys()].map(i => (
            <fieldset class='fieldset' key={i}>
              <legend class='label'>Bước xử lý {i + 1}</legend>
              <div class='grid-row'>
                <TextInput name={`step-${i}-name`} label='Tên bước' value={current[`step-${i}-name`]} error={errorOf(errors, `step-${i}-name`)} />
                <Select name={`step-${i}-role`} label='Vai trò thực hiện' options={roleOptions(WORK_ROLES)} value={current[`step-${i}-role`] ?? 'specialist'} error={errorOf(errors, `step-${i}-role`)} />
                <Select name={`step-${i}-at`} label='Đơn vị' options={AT} value={current[`step-${i}-at`] ?? 'processing'} error={errorOf(errors, `step-${i}-at`)} />
                <TextInput name={`step-${i}-share`} label='Tỷ lệ thời gian (%)' value={current[`step-${i}-share`]} error={errorOf(errors, `step-${i}-share`)} />
              </div>
            </fieldset>
          ))}
          <fieldset class='fieldset'>
            <legend class='label'>Bước phê duyệt</legend>
            <div class='grid-row'>
              <TextInput name='approve-name' label='Tên bước' value={current['approve-name']} error={errorOf(errors, 'approve-name')} />
              <Select name='approve-role' label='Người phê duyệt' options={roleOptions(APPROVE_ROLES)} value={current['approve-role'] ?? 'agency_leader'} error={errorOf(errors, 'approve-role')} />
              <TextInput name='approve-share' label='Tỷ lệ thời gian (%)' value={current['approve-share']} error={errorOf(errors, 'approve-share')} />
            </div>
          </fieldset>
          <p class='body'>Bước cuối: Trả kết quả – bộ phận một cửa.</p>
          <Button>Lưu quy trình</Button>
        </Form>
        {!s.defaultProcess && <Form action={`${url}/quy-trinh-mac-dinh`}><Button secondary>Dùng lại quy trình mặc định</Button></Form>}
      </section>
    </>
  )
}

/** `/can-bo/thu-tuc`: catalog administrators set each procedure's time limits and internal process. */
/** What the procedure settings pages use. */
export interface SettingsPagesDeps { workflow: WorkflowService, catalog: CatalogService, officials: OfficialsService }

export async function settingsPages (app: FastifyInstance, { services, requireOfficial }: { services: SettingsPagesDeps, requireOfficial: RequireOfficial }) {
  const { catalog, workflow, officials } = services
  /** The procedure, if the administrator's agencies receive or process it. */
  const editable = (request: FastifyRequest) => editableProcedure({ officials, catalog }, request)
  const actor = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[], values?: Values } = {}) => {
    const p = await editable(request)
    const errors = extra.errors ?? []
    return reply.page(<SettingsPage p={p} s={await workflow.settings.get(p.code)} errors={errors} values={extra.values ?? {}} />,
      { title: `Thời hạn và quy trình: ${p.name}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  const save = async (request: FastifyRequest, reply: FastifyReply, fn: (p: ProcedureDetail, form: Values) => Promise<string>) => {
    const p = await editable(request)
    const form = request.body as Values
    try {
      return reply.seeOther(`${BASE}/${encodeURIComponent(p.code)}`, await fn(p, form))
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return page(request, reply, { errors: err.fields, values: form })
      throw err
    }
  }

  app.get(BASE, { preHandler: requireOfficial }, async (request, reply) => {
    if ((await officials.scope(request.official!, ['catalog_admin'])).length === 0) throw new AppError('FORBIDDEN', 'catalog administrators only')
    const n = pageNumber((request.query as { trang?: string }).trang)
    const rawQ = (request.query as { q?: unknown }).q
    const q = typeof rawQ === 'string' ? rawQ.trim().slice(0, 200) : ''
    const r = await catalog.listProcedures({ page: n, pageSize: 50, ...(q ? { q } : {}) })
    return reply.page(<ListPage items={r.items} page={n} total={r.total} q={q} corrected={r.corrected} />, { title: 'Thời hạn và quy trình của thủ tục' })
  })
  app.get(`${BASE}/:code`, { preHandler: requireOfficial }, async (request, reply) => page(request, reply))
  app.post(`${BASE}/:code/thoi-han`, { preHandler: requireOfficial }, async (request, reply) => save(request, reply, async (p, form) => {
    const unit = form['unit'] ?? ''
    if (!UNITS.some(u => u.value === unit)) throw new AppError('VALIDATION', 'unit', [{ field: 'unit', message: 'Chọn đơn vị thời hạn' }])
    const value = unit === 'same_day' ? 0 : Number((form['value'] ?? '').trim() || NaN)
    await catalog.setProcessingTime(actor(request), p.code, value, unit as 'working_days', form['reason'])
    return 'Đã lưu thời hạn giải quyết; áp dụng cho hồ sơ tiếp nhận từ nay.'
  }))
  app.post(`${BASE}/:code/gioi-han`, { preHandler: requireOfficial }, async (request, reply) => save(request, reply, async (p, form) => {
    await workflow.settings.setLimits(actor(request), p.code, form)
    return 'Đã lưu thời hạn tiếp nhận và bổ sung.'
  }))
  app.post(`${BASE}/:code/quy-trinh`, { preHandler: requireOfficial }, async (request, reply) => save(request, reply, async (p, form) => {
    const { steps, errors } = readProcess(form)
    if (errors.length > 0) throw new AppError('VALIDATION', 'invalid process', errors)
    await workflow.settings.setProcess(actor(request), p.code, steps)
    return 'Đã lưu quy trình; áp dụng cho hồ sơ tiếp nhận từ nay, hồ sơ đang xử lý giữ quy trình cũ.'
  }))
  app.post(`${BASE}/:code/quy-trinh-mac-dinh`, { preHandler: requireOfficial }, async (request, reply) => save(request, reply, async (p) => {
    await workflow.settings.setProcess(actor(request), p.code, null)
    return 'Đã dùng lại quy trình mặc định.'
  }))
}
