import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { Button, FileInput, Form, MultipartForm, Radios, Select, TextInput, Textarea } from '../../platform/html/components/form.js'
import { DataTable, Pagination, SummaryList } from '../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../platform/http/errors.js'
import { formatDay, formatInstant } from '../../platform/vn-time.js'
import { readUploads } from '../../platform/http/uploads.js'
import { requireCitizen } from '../accounts/session.js'
import { downloadHeaders } from '../files/files.service.js'
import { ACCEPT_ATTR, ACCEPTED_LABEL } from '../files/sniff.js'
import type { FeedbackService } from './feedback.service.js'
import { CATEGORIES, LIMITS } from './model.js'
import type { PublicFilter, PublishedFeedback } from './use-cases/reading.js'
import { attempt, Attachments, Paragraphs, StatusTag, Timeline, type Values } from './views.js'

const PUBLIC = '/phan-anh-kien-nghi'
const MINE = '/ca-nhan/phan-anh'
const CODE = /^PA-\d{6}-\d{6,}$/

type Service = Pick<FeedbackService, 'send' | 'mine' | 'own' | 'addInfo' | 'rate' | 'published' | 'publishedOne' | 'answeringAgencies' | 'agencies' | 'about' | 'answerDays' | 'attachment'>
type About = Awaited<ReturnType<FeedbackService['about']>>

function PublishedItem ({ f, heading = 'h2' }: { f: PublishedFeedback, heading?: 'h1' | 'h2' }) {
  const H = heading
  return (
    <article class='procedure-list__item'>
      <H class={heading === 'h1' ? 'heading-l' : 'heading-s'}>{heading === 'h1' ? f.title : <a href={`${PUBLIC}/${f.code}`}>{f.title}</a>}</H>
      <p class='procedure-list__meta'>{f.code} · {CATEGORIES[f.category]} · gửi {formatDay(f.submittedAt)}{f.sender && <> · {f.sender}</>}{f.procedure && <> · thủ tục: <a href={`/thu-tuc/${f.procedure.code}`}>{f.procedure.name}</a></>}</p>
      {heading === 'h1' ? <Paragraphs text={f.text} /> : <p class='body'>{f.text.length > 300 ? `${f.text.slice(0, 300)}…` : f.text}</p>}
      <h3 class='heading-s'>Trả lời của {f.agency.name}</h3>
      <p class='hint'>Ngày {formatDay(f.answeredAt)}{f.onTime ? ', đúng hạn' : ', trễ hạn'}</p>
      {heading === 'h1' ? <Paragraphs text={f.answer} /> : <p class='body'>{f.answer.length > 400 ? `${f.answer.slice(0, 400)}…` : f.answer}</p>}
    </article>
  )
}

function PublicList ({ result, filter, agencies, days }: { result: Awaited<ReturnType<FeedbackService['published']>>, filter: PublicFilter, agencies: Array<{ code: string, name: string }>, days: number }) {
  const params = (page: number) => {
    const p = new URLSearchParams()
    if (filter.q) p.set('q', filter.q)
    if (filter.agency) p.set('co-quan', filter.agency)
    if (filter.procedure) p.set('thu-tuc', filter.procedure)
    if (page > 1) p.set('trang', String(page))
    const s = p.toString()
    return `${PUBLIC}${s ? `?${s}` : ''}`
  }
  return (
    <>
      <h1 class='heading-l'>Phản ánh, kiến nghị</h1>
      <p class='body'>Người dân, doanh nghiệp phản ánh khó khăn khi làm thủ tục hành chính, hành vi của cán bộ, quy định không phù hợp, hoặc kiến nghị cải tiến. Cơ quan có thẩm quyền trả lời trong {days} ngày làm việc; câu trả lời được công khai tại đây, không kèm thông tin cá nhân của người gửi.</p>
      <p class='body'><a class='button' href={`${PUBLIC}/gui${filter.procedure ? `?thu-tuc=${encodeURIComponent(filter.procedure)}` : ''}`}>Gửi phản ánh, kiến nghị</a></p>
      <form action={PUBLIC} method='get' class='inline-search' role='search'>
        <div class='form-group'>
          <label class='label' for='q'>Tìm trong câu hỏi và trả lời</label>
          <input class='input' id='q' name='q' type='search' value={filter.q ?? ''} />
        </div>
        <div class='form-group'>
          <label class='label' for='co-quan'>Cơ quan trả lời</label>
          <select class='select' id='co-quan' name='co-quan'>
            <option value=''>Tất cả cơ quan</option>
            {agencies.map(a => <option key={a.code} value={a.code} selected={a.code === filter.agency}>{a.name}</option>)}
          </select>
        </div>
        {filter.procedure && <input type='hidden' name='thu-tuc' value={filter.procedure} />}
        <button type='submit' class='button'>Tìm</button>
      </form>
      {filter.procedure && <p class='body'>Đang xem câu hỏi về thủ tục {filter.procedure}. <a href={PUBLIC}>Xem tất cả</a></p>}
      <p class='result-count' role='status'>{result.total.toLocaleString('vi-VN')} câu hỏi đã được trả lời</p>
      {result.items.map(f => <PublishedItem key={f.code} f={f} />)}
      <Pagination page={result.page} pageSize={20} total={result.total} href={params} />
    </>
  )
}

function SendPage ({ about, agencies, values, errors, days }: { about: About, agencies: Array<{ code: string, name: string }>, values: Values, errors: FieldError[], days: number }) {
  const action = `${PUBLIC}/gui${about.dossier ? `?ho-so=${encodeURIComponent(about.dossier.code)}` : about.procedure ? `?thu-tuc=${encodeURIComponent(about.procedure.code)}` : ''}`
  return (
    <>
      <a class='back-link' href={about.dossier ? `/ca-nhan/ho-so/${encodeURIComponent(about.dossier.code)}` : PUBLIC}>Quay lại</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Gửi phản ánh, kiến nghị</h1>
      <p class='body'>Cơ quan có thẩm quyền trả lời trong {days} ngày làm việc (thời hạn tạm dừng khi cơ quan đề nghị bạn bổ sung thông tin). Bạn theo dõi và đánh giá câu trả lời tại trang cá nhân.</p>
      {about.dossier && <SummaryList rows={[['Về hồ sơ', about.dossier.code], ['Thủ tục', about.dossier.procedureName ?? ''], ['Cơ quan giải quyết', about.dossier.agencyName]]} />}
      {about.procedure && <SummaryList rows={[['Về thủ tục', about.procedure.name ?? about.procedure.code]]} />}
      <MultipartForm action={action}>
        {!about.dossier && <Select name='agency' label='Cơ quan nhận phản ánh' empty={about.procedure ? 'Cơ quan giải quyết thủ tục' : 'Chọn cơ quan'} options={agencies.map(a => ({ value: a.code, label: a.name }))} value={values['agency']} error={errorOf(errors, 'agency')} />}
        <Radios name='category' legend='Loại phản ánh, kiến nghị' options={Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))} value={values['category'] ?? (about.dossier ? 'late' : undefined)} error={errorOf(errors, 'category')} />
        <TextInput name='title' label='Tiêu đề' hint={`Tóm tắt trong một câu, tối đa ${LIMITS.title} ký tự.`} value={values['title']} error={errorOf(errors, 'title')} />
        <Textarea name='body' label='Nội dung' rows={8} hint={`Nêu sự việc, thời gian, địa điểm và đề nghị của bạn; tối đa ${LIMITS.body.toLocaleString('vi-VN')} ký tự. Không ghi số giấy tờ, số điện thoại của người khác.`} value={values['body']} error={errorOf(errors, 'body')} />
        <FileInput name='files' label='Tệp đính kèm (nếu có)' hint={`Ảnh, văn bản liên quan: tối đa ${LIMITS.files} tệp ${ACCEPTED_LABEL}. Tệp chỉ cơ quan xử lý xem được, không công khai.`} accept={ACCEPT_ATTR} error={errorOf(errors, 'files')} />
        <Checkbox name='show-name' value='1' checked={values['show-name'] === '1'}>Cho phép hiện họ tên của tôi khi câu trả lời được công khai (mặc định không hiện)</Checkbox>
        <Button>Gửi phản ánh</Button>
      </MultipartForm>
    </>
  )
}

function MinePage ({ rows }: { rows: Awaited<ReturnType<FeedbackService['mine']>> }) {
  return (
    <>
      <a class='back-link' href='/ca-nhan'>Trang cá nhân</a>
      <h1 class='heading-l'>Phản ánh, kiến nghị của tôi</h1>
      <p class='body'><a href={`${PUBLIC}/gui`}>Gửi phản ánh, kiến nghị mới</a></p>
      {rows.length === 0
        ? <p class='body'>Bạn chưa gửi phản ánh, kiến nghị nào.</p>
        : <DataTable caption='Phản ánh, kiến nghị đã gửi' rows={rows} rowKey={r => r.code} columns={[
          { label: 'Mã, tiêu đề', cell: r => <><a href={`${MINE}/${r.code}`}>{r.code}</a><br />{r.title}</> },
          { label: 'Cơ quan', cell: r => r.agencyName },
          { label: 'Ngày gửi', cell: r => formatDay(r.submittedAt) },
          { label: 'Trạng thái', cell: r => <StatusTag status={r.status} /> }
        ]} />}
    </>
  )
}

function OwnPage ({ f, values, errors }: { f: Awaited<ReturnType<FeedbackService['own']>>, values: Values, errors: FieldError[] }) {
  return (
    <>
      <a class='back-link' href={MINE}>Phản ánh, kiến nghị của tôi</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>{f.title}</h1>
      <SummaryList rows={[
        ['Mã', f.code],
        ['Trạng thái', <StatusTag key='s' status={f.status} />],
        ['Cơ quan trả lời', f.agencyName],
        ...(f.dossierCode ? [['Hồ sơ', <a key='d' href={`/ca-nhan/ho-so/${encodeURIComponent(f.dossierCode)}`}>{f.dossierCode}</a>] as [string, string | preact.JSX.Element]] : []),
        ...(f.procedureName ? [['Thủ tục', f.procedureName] as [string, string]] : []),
        ['Loại', CATEGORIES[f.category]],
        ['Ngày gửi', formatInstant(f.submittedAt)],
        ['Hạn trả lời', f.status === 'waiting_citizen' ? 'Tạm dừng chờ bạn bổ sung thông tin' : formatInstant(f.dueAt)],
        ['Hiện họ tên khi công khai', f.showName ? 'Có' : 'Không']
      ]} />
      <h2 class='heading-m'>Nội dung</h2>
      <Paragraphs text={f.body} />
      <Attachments files={f.files} href={id => `${MINE}/${f.code}/tep/${id}`} />
      {f.status === 'waiting_citizen' && (
        <>
          <h2 class='heading-m'>Cơ quan đề nghị bổ sung</h2>
          <Paragraphs text={f.infoRequest ?? ''} />
          <Form action={`${MINE}/${f.code}/bo-sung`}>
            <Textarea name='info' label='Thông tin bổ sung' rows={5} value={values['info']} error={errorOf(errors, 'info')} />
            <Button>Gửi thông tin bổ sung</Button>
          </Form>
        </>
      )}
      {f.answer && (
        <>
          <h2 class='heading-m'>{f.status === 'not_competent' ? 'Không thuộc thẩm quyền' : 'Trả lời của cơ quan'}</h2>
          <Paragraphs text={f.answer} />
          {f.redirectTo && <p class='body'>Đề nghị liên hệ: <strong>{f.redirectTo}</strong></p>}
          {f.status === 'published' && !f.hiddenReason && <p class='body'><a href={`${PUBLIC}/${f.code}`}>Xem trên trang công khai</a></p>}
        </>
      )}
      {f.mergedIntoCode && <p class='body'>Gộp với phản ánh cùng nội dung <a href={`${PUBLIC}/${f.mergedIntoCode}`}>{f.mergedIntoCode}</a>.</p>}
      {f.status === 'published' && (
        <Form action={`${MINE}/${f.code}/danh-gia`}>
          <Radios name='rating' legend='Bạn có hài lòng với câu trả lời?' value={values['rating'] ?? (f.rating ? String(f.rating) : undefined)} error={errorOf(errors, 'rating')}
            options={[{ value: '1', label: 'Hài lòng' }, { value: '2', label: 'Không hài lòng' }]} />
          <Button secondary>Gửi đánh giá</Button>
        </Form>
      )}
      <h2 class='heading-m'>Quá trình xử lý</h2>
      <Timeline events={f.events} />
    </>
  )
}

/** Public questions and answers, and the citizen's own feedback: send, follow, add information, rate. */
export async function feedbackPages (app: FastifyInstance, { feedback }: { feedback: Service }) {
  const code = (request: FastifyRequest) => (request.params as { code: string }).code
  const filterOf = (request: FastifyRequest): PublicFilter => {
    const q = request.query as Record<string, string | undefined>
    return { q: q['q']?.slice(0, 200), agency: q['co-quan'] || undefined, procedure: q['thu-tuc'] || undefined, page: Number(q['trang']) || 1 }
  }

  app.get(PUBLIC, async (request, reply) => {
    const filter = filterOf(request)
    const [result, agencies] = await Promise.all([feedback.published(filter), feedback.answeringAgencies()])
    return reply.page(<PublicList result={result} filter={filter} agencies={agencies} days={feedback.answerDays} />, { title: 'Phản ánh, kiến nghị' })
  })

  const sendPage = async (request: FastifyRequest, values: Values, errors: FieldError[], page: { status?: number, hasErrors?: boolean } = {}) => {
    const q = request.query as Record<string, string | undefined>
    const about = await feedback.about(request.account!.id, { dossierCode: q['ho-so'], procedureCode: q['thu-tuc'] })
    return { about, body: <SendPage about={about} agencies={await feedback.agencies()} values={values} errors={errors} days={feedback.answerDays} />, page }
  }
  app.get(`${PUBLIC}/gui`, { preHandler: requireCitizen }, async (request, reply) => {
    const { body } = await sendPage(request, {}, [])
    return reply.header('cache-control', 'no-store').page(body, { title: 'Gửi phản ánh, kiến nghị' })
  })
  app.post(`${PUBLIC}/gui`, { preHandler: requireCitizen }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    let form: Values = {}
    return attempt(async () => {
      const { files, fields } = await readUploads(request, 'files')
      form = fields
      const r = await feedback.send(request.account!, {
        category: form['category'] ?? '', title: form['title'] ?? '', body: form['body'] ?? '', agencyCode: form['agency'] || undefined,
        dossierCode: q['ho-so'], procedureCode: q['thu-tuc'], showName: form['show-name'] === '1', files
      })
      return reply.seeOther(`${MINE}/${r.code}`, `Đã gửi phản ánh, kiến nghị, mã ${r.code}. Hạn trả lời: ${formatInstant(r.dueAt)}.`)
    }, async (errors, page) => {
      const { body } = await sendPage(request, form, errors)
      return reply.page(body, { title: 'Gửi phản ánh, kiến nghị', ...page })
    })
  })

  app.get(`${PUBLIC}/:code`, async (request, reply) => {
    if (!CODE.test(code(request))) return reply.callNotFound()
    const f = await feedback.publishedOne(code(request))
    return reply.page(<><a class='back-link' href={PUBLIC}>Phản ánh, kiến nghị</a><PublishedItem f={f} heading='h1' /></>, { title: f.title })
  })

  app.get(MINE, { preHandler: requireCitizen }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(<MinePage rows={await feedback.mine(request.account!.id)} />, { title: 'Phản ánh, kiến nghị của tôi' }))

  const ownPage = async (request: FastifyRequest, values: Values = {}, errors: FieldError[] = []) => {
    const f = await feedback.own(request.account!.id, code(request))
    return { f, body: <OwnPage f={f} values={values} errors={errors} /> }
  }
  app.get(`${MINE}/:code`, { preHandler: requireCitizen }, async (request, reply) => {
    const { f, body } = await ownPage(request)
    return reply.header('cache-control', 'no-store').page(body, { title: f.title })
  })
  app.get(`${MINE}/:code/tep/:file`, { preHandler: requireCitizen }, async (request, reply) => {
    const { file, data } = await feedback.attachment(code(request), (request.params as { file: string }).file, { accountId: request.account!.id })
    return reply.header('cache-control', 'no-store').headers(downloadHeaders(file)).send(data)
  })
  app.post(`${MINE}/:code/bo-sung`, { preHandler: requireCitizen }, async (request, reply) => {
    const form = request.body as Values
    return attempt(async () => {
      await feedback.addInfo(request.account!, code(request), form['info'] ?? '')
      return reply.seeOther(`${MINE}/${code(request)}`, 'Đã gửi thông tin bổ sung; thời hạn trả lời được tính tiếp.')
    }, async (errors, page) => { const { f, body } = await ownPage(request, form, errors); return reply.page(body, { title: f.title, ...page }) })
  })
  app.post(`${MINE}/:code/danh-gia`, { preHandler: requireCitizen }, async (request, reply) => {
    const form = request.body as Values
    return attempt(async () => {
      await feedback.rate(request.account!.id, code(request), Number(form['rating']))
      return reply.seeOther(`${MINE}/${code(request)}`, 'Cảm ơn bạn đã đánh giá câu trả lời.')
    }, async (errors, page) => { const { f, body } = await ownPage(request, form, errors); return reply.page(body, { title: f.title, ...page }) })
  })
}
