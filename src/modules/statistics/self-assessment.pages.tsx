import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Radios, Select, Textarea, TextInput } from '../../platform/html/components/form.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { ENTERED, INDICES, selfBand, selfTotal } from './self-assessment.js'
import type { StatisticsService } from './statistics.service.js'

type Values = Record<string, string | undefined>
type Form = Awaited<ReturnType<StatisticsService['selfAssessment']>>
const PATH = '/can-bo/thong-ke/tu-danh-gia'
const ROMAN = ['', 'I', 'II', 'III', 'IV']
const points = (n: number | null) => n === null ? 'Chưa có dữ liệu' : n.toLocaleString('vi-VN', { maximumFractionDigits: 2 })
const targetOf = (q: Values) => ({ agency: q['co-quan'], year: q['nam'], quarter: q['quy'] })

function SelfAssessmentPage ({ r, query, values, errors }: { r?: Form | undefined, query: Values, values: Values, errors: FieldError[] }) {
  const entered = new Map((r?.saved?.entered ?? []).map(e => [e.n, e]))
  const computed = new Map((r?.computed ?? []).map(c => [c.n, c]))
  const live = r ? selfTotal([...r.computed, ...(r.saved?.entered ?? [])]) : 0
  const here = r ? `${PATH}?${new URLSearchParams({ 'co-quan': r.agency, nam: String(r.year), quy: String(r.quarter) }).toString()}` : PATH
  return (
    <>
      <a class='back-link' href='/can-bo/thong-ke'>Thống kê</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Đánh giá việc giải quyết thủ tục hành chính</span> Tự đánh giá theo quý</h1>
      <p class='body'>Chín chỉ số, mỗi chỉ số 0, 1 hoặc 2 điểm, tối đa 18 điểm. Chỉ số 1, 2, 3 và 9 tính từ hồ sơ của cơ quan (bình quân điểm của các hồ sơ trong quý); chỉ số 4 đến 8 do cơ quan tự chấm và ghi căn cứ. Xếp loại: từ 15 điểm Xuất sắc, từ 12 Tốt, từ 9 Khá, từ 6 Trung bình, dưới 6 Yếu.</p>
      <form action={PATH} method='get' noValidate>
        {r && <Select name='co-quan' label='Cơ quan' value={query['co-quan'] ?? r.agency} options={r.agencies.map(a => ({ value: a.code, label: a.name }))} error={errorOf(errors, 'co-quan')} />}
        <div class='grid-row'>
          <TextInput name='nam' label='Năm' inputmode='numeric' value={query['nam'] ?? (r ? String(r.year) : undefined)} error={errorOf(errors, 'nam')} />
          <Select name='quy' label='Quý' value={query['quy'] ?? (r ? String(r.quarter) : undefined)} options={[1, 2, 3, 4].map(n => ({ value: String(n), label: `Quý ${ROMAN[n]}` }))} error={errorOf(errors, 'quy')} />
        </div>
        <Button secondary>Xem</Button>
      </form>
      {r && (
        <section class='section' aria-labelledby='ket-qua'>
          <h2 class='heading-m' id='ket-qua'>{r.name}: quý {ROMAN[r.quarter]} năm {r.year}</h2>
          <p class='body'>Tổng điểm theo số liệu hiện tại: <strong>{points(live)}/18 – {selfBand(live)}</strong>{r.saved ? '' : ' (chỉ số 4–8 chưa chấm)'}.</p>
          {r.saved && <p class='body'>Đã lưu lúc {formatInstant(r.saved.savedAt)} bởi {r.saved.savedByName}: {points(r.saved.total)}/18 – {r.saved.band}.</p>}
          <DataTable caption='Chín chỉ số và điểm' captionHidden={false} rows={INDICES} rowKey={i => String(i.n)} columns={[
            { label: 'Chỉ số', cell: i => `${i.n}. ${i.title}` },
            { label: 'Điểm', cell: i => i.computed ? points(computed.get(i.n)?.score ?? null) : entered.has(i.n) ? points(entered.get(i.n)!.score) : 'Chưa chấm' },
            { label: 'Căn cứ', cell: i => i.computed ? `Tính từ hồ sơ: ${computed.get(i.n)?.basis ?? ''}` : entered.get(i.n)?.note || (entered.has(i.n) ? 'Cơ quan tự chấm' : '—') }
          ]} />
          {r.canSave
            ? (
              <>
                <h2 class='heading-m'>Chấm chỉ số 4 đến 8</h2>
                <Form action={here}>
                  {INDICES.filter(i => ENTERED.includes(i.n)).map(i => (
                    <div key={String(i.n)}>
                      <Radios name={`chi-so-${i.n}`} legend={`Chỉ số ${i.n}. ${i.title}`} value={values[`chi-so-${i.n}`] ?? (entered.has(i.n) ? String(entered.get(i.n)!.score) : undefined)} error={errorOf(errors, `chi-so-${i.n}`)}
                        options={[2, 1, 0].map(n => ({ value: String(n), label: `${n} điểm: ${i.levels[n]}` }))} />
                      <Textarea name={`can-cu-${i.n}`} label={`Căn cứ chấm chỉ số ${i.n}`} hint='Không bắt buộc, tối đa 1.000 ký tự' rows={2} value={values[`can-cu-${i.n}`] ?? entered.get(i.n)?.note} error={errorOf(errors, `can-cu-${i.n}`)} />
                    </div>
                  ))}
                  <Button>Lưu bản tự đánh giá</Button>
                </Form>
              </>
              )
            : <p class='body'>Lãnh đạo cơ quan chấm các chỉ số 4 đến 8 và lưu bản tự đánh giá.</p>}
        </section>
      )}
    </>
  )
}

/** `/can-bo/thong-ke/tu-danh-gia`: an agency's quarterly self-assessment on the nine indices (leaders save it). */
export async function selfAssessmentPages (app: FastifyInstance, { statistics, requireOfficial }: { statistics: Pick<StatisticsService, 'selfAssessment' | 'saveSelfAssessment'>, requireOfficial: RequireOfficial }) {
  const title = 'Thống kê: tự đánh giá theo quý'
  const show = (reply: FastifyReply, r: Form | undefined, query: Values, values: Values, errors: FieldError[]) =>
    reply.page(<SelfAssessmentPage r={r} query={query} values={values} errors={errors} />, { title, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  /** The form with the errors beside their fields: a bad target shows the target fields alone. */
  const refused = async (request: FastifyRequest, reply: FastifyReply, err: unknown, values: Values) => {
    if (!(err instanceof AppError && err.code === 'VALIDATION' && err.fields)) throw err
    const q = request.query as Values
    const r = await statistics.selfAssessment(request.official!, targetOf(q)).catch(() => undefined)
    return show(reply, r, q, values, err.fields)
  }

  app.get(PATH, { preHandler: requireOfficial }, async (request, reply) => {
    const q = request.query as Values
    try {
      return show(reply, await statistics.selfAssessment(request.official!, targetOf(q)), q, {}, [])
    } catch (err) {
      return refused(request, reply, err, {})
    }
  })

  app.post(PATH, { preHandler: requireOfficial }, async (request, reply) => {
    const q = request.query as Values
    const form = request.body as Values
    try {
      const r = await statistics.saveSelfAssessment(request.official!, targetOf(q), form)
      return reply.seeOther(`${PATH}?${new URLSearchParams({ 'co-quan': r.agency, nam: String(r.year), quy: String(r.quarter) }).toString()}`, `Đã lưu bản tự đánh giá quý ${ROMAN[r.quarter]} năm ${r.year}: ${points(r.total)}/18 điểm, ${r.band}.`)
    } catch (err) {
      return refused(request, reply, err, form)
    }
  })
}
