import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, TextInput } from '../../platform/html/components/form.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import { hhmm } from '../../platform/vn-time.js'
import type { CalendarService } from './calendar.service.js'
import { parseOfficeHours } from './calendar.js'

type Values = Record<string, string | undefined>
const PATH = '/can-bo/gio-lam-viec'
const shown = (text: string) => parseOfficeHours(text).map(([a, b]) => `${hhmm(a)}–${hhmm(b)}`).join(', ')

function HoursPage ({ agencies, hours, standard, values, errors }: { agencies: Array<{ code: string, name: string }>, hours: Map<string, string>, standard: string, values: Values, errors: FieldError[] }) {
  const DEFAULT_TEXT = shown(standard)
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Giờ làm việc của cơ quan</h1>
      <p class='body'>Thời hạn tính theo giờ làm việc (hồ sơ nhận sau giờ làm việc tính từ giờ làm việc kế tiếp) dùng giờ của cơ quan tiếp nhận. Cơ quan chưa đặt giờ dùng giờ mặc định {DEFAULT_TEXT}.</p>
      <DataTable caption='Giờ làm việc hiện hành' captionHidden={false} rows={agencies} rowKey={a => a.code} columns={[
        { label: 'Cơ quan', cell: a => <>{a.name}<br /><span class='hint'>{a.code}</span></> },
        { label: 'Giờ làm việc', cell: a => hours.has(a.code) ? shown(hours.get(a.code)!) : `${DEFAULT_TEXT} (mặc định)` }
      ]} />
      <h2 class='heading-m'>Đặt giờ làm việc</h2>
      <Form action={PATH}>
        <div class={`form-group${errorOf(errors, 'agency') ? ' form-group--error' : ''}`}>
          <label class='label' for='agency'>Cơ quan</label>
          <select class='select' id='agency' name='agency'>
            {agencies.map(a => <option key={a.code} value={a.code} selected={values['agency'] === a.code}>{a.name}</option>)}
          </select>
        </div>
        <TextInput name='hours' label='Giờ làm việc' hint='Các khoảng giờ cách nhau dấu phẩy, ví dụ: 07:30-11:30,13:30-17:00. Để trống: dùng giờ mặc định.' value={values['hours']} error={errorOf(errors, 'hours')} />
        <Button>Lưu giờ làm việc</Button>
      </Form>
    </>
  )
}

/** What the office hours pages use: the calendar, and the agencies the signed-in system administrator administers. */
export interface HoursPagesOptions {
  services: { calendar: CalendarService }
  administered: (request: FastifyRequest) => Promise<Array<{ code: string, name: string }>>
  requireOfficial: (request: FastifyRequest) => Promise<unknown>
}

/** `/can-bo/gio-lam-viec`: a system administrator sets the office hours of the agencies they administer (audited). */
export async function hoursPages (app: FastifyInstance, { services, administered, requireOfficial }: HoursPagesOptions) {
  const agenciesOf = async (request: FastifyRequest) => {
    await requireOfficial(request)
    const agencies = await administered(request)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'office hours: system administrators only')
    return agencies
  }
  const show = async (reply: FastifyReply, agencies: Array<{ code: string, name: string }>, values: Values, errors: FieldError[]) =>
    reply.page(<HoursPage agencies={agencies} hours={await services.calendar.officeHours()} standard={services.calendar.defaultOfficeHours} values={values} errors={errors} />, { title: 'Giờ làm việc của cơ quan', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(PATH, async (request, reply) => show(reply, await agenciesOf(request), {}, []))
  app.post(PATH, async (request, reply) => {
    const agencies = await agenciesOf(request)
    const form = request.body as Values
    const agency = agencies.find(a => a.code === form['agency'])
    if (!agency) return show(reply, agencies, form, [{ field: 'agency', message: 'Chọn một cơ quan bạn quản trị' }])
    const hours = (form['hours'] ?? '').trim()
    try {
      await services.calendar.setOfficeHours({ type: 'official', id: request.official!.id }, agency.code, hours === '' ? null : hours)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, agencies, form, err.fields)
      throw err
    }
    return reply.seeOther(PATH, `Đã lưu giờ làm việc của ${agency.name}: ${hours === '' ? `${shown(services.calendar.defaultOfficeHours)} (mặc định)` : shown(hours)}.`)
  })
}
