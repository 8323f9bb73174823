import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CalendarService } from './calendar.service.js'
import { parseDay } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Radios, TextInput } from '../../platform/html/components/form.js'
import { type Column, DataTable } from '../../platform/html/components/layout-parts.js'
import type { CalendarException, DayInfo } from './calendar.js'

const KIND: Record<string, string> = { weekend: 'Cuối tuần', holiday: 'Ngày lễ, Tết', compensation: 'Nghỉ bù', off: 'Nghỉ theo thông báo', work: 'Làm việc theo thông báo', working: 'Ngày làm việc' }
const WEEKDAY = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy']
const vnDate = (iso: string) => iso.split('-').reverse().join('/')
const weekday = (iso: string) => WEEKDAY[new Date(`${iso}T00:00:00Z`).getUTCDay()]
/** The columns of a list of days: the date, its weekday and why it is off (or worked). */
const dayColumns = (why: string): Array<Column<DayInfo>> => [
  { label: 'Ngày', cell: d => vnDate(d.date) },
  { label: 'Thứ', cell: d => weekday(d.date) },
  { label: why, cell: d => d.name ?? KIND[d.kind] }
]

interface Props { year: number, off: DayInfo[], workingWeekends: DayInfo[], exceptions: CalendarException[], errors: FieldError[], values: Record<string, string | undefined> }

/** The year's days off and the administrator's exceptions (announced days off, make-up working Saturdays). */
function CalendarPage ({ year, off, workingWeekends, exceptions, errors, values }: Props) {
  const err = (f: string) => errors.find(e => e.field === f)?.message
  const mine = exceptions.filter(e => e.date.startsWith(String(year)))
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Lịch làm việc năm {year}</h1>
      <p class='body'>
        <a href={`/can-bo/lich?nam=${year - 1}`}>‹ Năm {year - 1}</a> · <a href={`/can-bo/lich?nam=${year + 1}`}>Năm {year + 1} ›</a>
      </p>
      <p class='body'>Ngày lễ, Tết tính theo Bộ luật Lao động 2019 (Tết và Giỗ Tổ theo âm lịch Việt Nam) và nghỉ bù khi trùng cuối tuần. Các ngày hoán đổi, nghỉ thêm theo thông báo của Thủ tướng Chính phủ được nhập dưới đây; mọi thời hạn giải quyết tính theo lịch này.</p>
      <DataTable caption='Ngày nghỉ trong tuần (thứ hai đến thứ sáu)' captionHidden={false} rows={off.filter(d => d.kind !== 'weekend')} rowKey={d => d.date} columns={dayColumns('Lý do')} />
      {workingWeekends.length > 0 && <DataTable caption='Thứ bảy, chủ nhật làm việc' captionHidden={false} rows={workingWeekends} rowKey={d => d.date} columns={dayColumns('Căn cứ')} />}
      <h2 class='heading-m'>Ngày điều chỉnh theo thông báo</h2>
      {mine.length === 0
        ? <p class='body'>Chưa có ngày điều chỉnh trong năm {year}.</p>
        : (
          <ul class='file-list'>
            {mine.map(e => (
              <li key={e.date}>
                <span><strong>{vnDate(e.date)}</strong> ({weekday(e.date)}): {e.kind === 'off' ? 'nghỉ' : 'làm việc'} – {e.note}</span>
                <Form action='/can-bo/lich/xoa'><input type='hidden' name='date' value={e.date} /><button type='submit' class='link-button'>Xóa<span class='visually-hidden'> ngày {vnDate(e.date)}</span></button></Form>
              </li>
            ))}
          </ul>
          )}
      <h2 class='heading-m'>Thêm ngày điều chỉnh</h2>
      <Form action={`/can-bo/lich?nam=${year}`}>
        <TextInput name='date' label='Ngày' hint='Ví dụ: 02/01/2026' value={values['date']} error={err('date')} required />
        <Radios name='kind' legend='Ngày này' value={values['kind']} error={err('kind')} options={[
          { value: 'off', label: 'Nghỉ (nghỉ thêm, ngày hoán đổi)' }, { value: 'work', label: 'Làm việc (làm bù vào thứ bảy, chủ nhật)' }
        ]} />
        <TextInput name='note' label='Căn cứ (văn bản thông báo)' value={values['note']} error={err('note')} required />
        <Button>Lưu ngày điều chỉnh</Button>
      </Form>
    </>
  )
}

/** `/can-bo/lich`: system administrators keep the working-day calendar; every change is audited. */
/** What the calendar pages use; `isProvinceAdmin` tells whether the signed-in official administers the whole province. */
export interface CalendarPagesOptions {
  services: { calendar: CalendarService }
  isProvinceAdmin: (request: FastifyRequest) => Promise<boolean>
  requireOfficial: (request: FastifyRequest) => Promise<unknown>
}

export async function calendarPages (app: FastifyInstance, { services, isProvinceAdmin, requireOfficial }: CalendarPagesOptions) {
  const requireAdmin = async (request: FastifyRequest) => {
    await requireOfficial(request)
    if (!(await isProvinceAdmin(request))) throw new AppError('FORBIDDEN', 'calendar: province-wide system administrators only')
  }
  const yearOf = (request: FastifyRequest) => {
    const n = Number.parseInt((request.query as { nam?: string }).nam ?? '', 10)
    return Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4))
  }
  const page = async (request: FastifyRequest, reply: FastifyReply, year: number, extra: { errors?: FieldError[], values?: Record<string, string | undefined> } = {}) => {
    const [{ off, workingWeekends }, exceptions] = await Promise.all([services.calendar.daysOff(year), services.calendar.listExceptions()])
    const errors = extra.errors ?? []
    return reply.page(<CalendarPage year={year} off={off} workingWeekends={workingWeekends} exceptions={exceptions} errors={errors} values={extra.values ?? {}} />,
      { title: `Lịch làm việc năm ${year}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  }
  const actor = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })

  app.get('/can-bo/lich', { preHandler: requireAdmin }, async (request, reply) => page(request, reply, yearOf(request)))
  app.post('/can-bo/lich', { preHandler: requireAdmin }, async (request, reply) => {
    const body = request.body as Record<string, string | undefined>
    const date = parseDay(body['date'] ?? '') ?? ''
    const errors: FieldError[] = []
    if (!date) errors.push({ field: 'date', message: 'Nhập ngày có thật, dạng ngày/tháng/năm, ví dụ 02/01/2026' })
    if (body['kind'] !== 'off' && body['kind'] !== 'work') errors.push({ field: 'kind', message: 'Chọn ngày này là ngày nghỉ hay ngày làm việc' })
    if ((body['note'] ?? '').trim().length < 3) errors.push({ field: 'note', message: 'Cần ghi chú căn cứ (văn bản thông báo)' })
    if (errors.length > 0) return page(request, reply, yearOf(request), { errors, values: body })
    try {
      await services.calendar.setException(actor(request), { date, kind: body['kind'] as 'off' | 'work', note: (body['note'] ?? '').trim() })
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return page(request, reply, yearOf(request), { errors: err.fields, values: body })
      throw err
    }
    return reply.seeOther(`/can-bo/lich?nam=${date.slice(0, 4)}`, `Đã lưu ngày ${body['date']}. Các thời hạn tính từ nay theo lịch mới.`)
  })
  app.post('/can-bo/lich/xoa', { preHandler: requireAdmin }, async (request, reply) => {
    const date = String((request.body as { date?: string }).date ?? '')
    await services.calendar.removeException(actor(request), date)
    return reply.redirect(`/can-bo/lich?nam=${date.slice(0, 4)}`, 303)
  })
}
