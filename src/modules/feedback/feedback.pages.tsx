import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { Button, FileInput, Form, MultipartForm, Radios, Select, TextInput, Textarea } from '../../platform/html/components/form.js'
import { DataTable, Pagination, SummaryList } from '../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../platform/http/errors.js'
import { formatDay, formatInstant } from '../../platform/vn-time.js'
import { readUploads } from '../../platform/http/uploads.js'
import { requireCitizen } from '../accounts/session.js'
import type { Captcha, CaptchaService } from '../accounts/captcha.js'
import { CaptchaField } from '../../platform/html/components/CaptchaField.js'
import { downloadHeaders } from '../files/files.service.js'
import { ACCEPT_ATTR, ACCEPTED_LABEL } from '../files/sniff.js'
import type { FeedbackService } from './feedback.service.js'
import { CATEGORIES, LIMITS } from './model.js'
import type { PublicFilter, PublishedFeedback } from './use-cases/reading.js'
import { LapsedLink, type Owner } from './context.js'
import { attempt, Attachments, Paragraphs, StatusTag, Timeline, type Values } from './views.js'

const PUBLIC = '/phan-anh-kien-nghi'
const MINE = '/ca-nhan/phan-anh'
const CODE = /^PA-\d{6}-\d{6,}$/

type Service = Pick<FeedbackService, 'validateAnonymous' | 'startAnonymous' | 'confirmAnonymous' | 'send' | 'mine' | 'own' | 'addInfo' | 'rate' | 'published' | 'publishedOne' | 'answeringAgencies' | 'agencies' | 'about' | 'answerDays' | 'attachment'>
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
      <p class='result-count' role='status'>{result.total.toLocaleString('vi-VN')} câu hỏi đã được trả lời{filter.q ? ` phù hợp với “${filter.q}”` : ''}</p>
      {result.corrected && <p class='body'>Có phải bạn muốn tìm: <a href={`${PUBLIC}?q=${encodeURIComponent(result.corrected)}`}><strong>{result.corrected}</strong></a>? Kết quả dưới đây theo cách viết này.</p>}
      {result.total === 0 && filter.q && <p class='body'>Chưa có câu hỏi nào như vậy được trả lời. Hãy thử từ khác, <a href={PUBLIC}>xem tất cả câu hỏi</a>, hoặc <a href={`${PUBLIC}/gui`}>gửi phản ánh, kiến nghị</a> của bạn.</p>}
      {result.items.map(f => <PublishedItem key={f.code} f={f} />)}
      <Pagination page={result.page} pageSize={20} total={result.total} href={params} />
    </>
  )
}

function SendPage ({ about, agencies, values, errors, days, anonymous }: { about: About, agencies: Array<{ code: string, name: string }>, values: Values, errors: FieldError[], days: number, anonymous?: Captcha | undefined }) {
  // What both ways of sending ask.
  const fields = (
    <>
      {!about.dossier && <Select name='agency' label='Cơ quan nhận phản ánh' empty={about.procedure ? 'Cơ quan giải quyết thủ tục' : 'Chọn cơ quan'} options={agencies.map(a => ({ value: a.code, label: a.name }))} value={values['agency']} error={errorOf(errors, 'agency')} />}
      <Radios name='category' legend='Loại phản ánh, kiến nghị' options={Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))} value={values['category'] ?? (about.dossier ? 'late' : undefined)} error={errorOf(errors, 'category')} />
      <TextInput name='title' label='Tiêu đề' hint={`Tóm tắt trong một câu, tối đa ${LIMITS.title} ký tự.`} value={values['title']} error={errorOf(errors, 'title')} />
      <Textarea name='body' label='Nội dung' rows={8} hint={`Nêu sự việc, thời gian, địa điểm và đề nghị của bạn; tối đa ${LIMITS.body.toLocaleString('vi-VN')} ký tự. Không ghi số giấy tờ, số điện thoại của người khác.`} value={values['body']} error={errorOf(errors, 'body')} />
    </>
  )
  const action = `${PUBLIC}/gui${about.dossier ? `?ho-so=${encodeURIComponent(about.dossier.code)}` : about.procedure ? `?thu-tuc=${encodeURIComponent(about.procedure.code)}` : ''}`
  return (
    <>
      <a class='back-link' href={about.dossier ? `/ca-nhan/ho-so/${encodeURIComponent(about.dossier.code)}` : PUBLIC}>Quay lại</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Gửi phản ánh, kiến nghị</h1>
      <p class='body'>Cơ quan có thẩm quyền trả lời trong {days} ngày làm việc (thời hạn tạm dừng khi cơ quan đề nghị bạn bổ sung thông tin). {anonymous ? 'Bạn theo dõi và đánh giá câu trả lời qua đường liên kết gửi đến thư điện tử hoặc số điện thoại của bạn.' : 'Bạn theo dõi và đánh giá câu trả lời tại trang cá nhân.'}</p>
      {anonymous && <p class='body'>Bạn có tài khoản? <a href={`/dang-nhap?tiep=${encodeURIComponent(action)}`}>Đăng nhập</a> để gửi kèm tệp và theo dõi tại trang cá nhân. Không đăng nhập, bạn cần xác nhận thư điện tử hoặc số điện thoại bằng mã được gửi đến.</p>}
      {about.dossier && <SummaryList rows={[['Về hồ sơ', about.dossier.code], ['Thủ tục', about.dossier.procedureName ?? ''], ['Cơ quan giải quyết', about.dossier.agencyName]]} />}
      {about.procedure && <SummaryList rows={[['Về thủ tục', about.procedure.name ?? about.procedure.code]]} />}
      {anonymous
        ? (
          <Form action={action}>
            {fields}
            <TextInput name='contact' label='Thư điện tử hoặc số điện thoại di động' hint='Để nhận mã xác nhận và câu trả lời; không công khai.' autocomplete='email' value={values['contact']} error={errorOf(errors, 'contact')} />
            <CaptchaField {...anonymous} error={errorOf(errors, 'captcha')} />
            <Button>Nhận mã xác nhận</Button>
          </Form>
          )
        : (
          <MultipartForm action={action}>
            {fields}
            <FileInput name='files' label='Tệp đính kèm (nếu có)' hint={`Ảnh, văn bản liên quan: tối đa ${LIMITS.files} tệp ${ACCEPTED_LABEL}. Tệp chỉ cơ quan xử lý xem được, không công khai.`} accept={ACCEPT_ATTR} error={errorOf(errors, 'files')} />
            <Checkbox name='show-name' value='1' checked={values['show-name'] === '1'}>Cho phép hiện họ tên của tôi khi câu trả lời được công khai (mặc định không hiện)</Checkbox>
            <Button>Gửi phản ánh</Button>
          </MultipartForm>
          )}
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

function OwnPage ({ f, values, errors, base, back }: { f: Awaited<ReturnType<FeedbackService['own']>>, values: Values, errors: FieldError[], base: string, back?: { href: string, label: string } | undefined }) {
  return (
    <>
      {back && <a class='back-link' href={back.href}>{back.label}</a>}
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
      {f.accountId && <Attachments files={f.files} href={id => `${MINE}/${f.code}/tep/${id}`} />}
      {f.status === 'waiting_citizen' && (
        <>
          <h2 class='heading-m'>Cơ quan đề nghị bổ sung</h2>
          <Paragraphs text={f.infoRequest ?? ''} />
          <Form action={`${base}/bo-sung`}>
            <Textarea name='info' label='Thông tin bổ sung' rows={5} value={values['info']} error={errorOf(errors, 'info')} />
            <Button>Gửi thông tin bổ sung</Button>
          </Form>
        </>
      )}
      {f.answer && (
        <>
          <h2 class='heading-m'>{f.status === 'not_competent' ? 'Không thuộc thẩm quyền' : f.status === 'spam' ? 'Không tiếp nhận' : 'Trả lời của cơ quan'}</h2>
          <Paragraphs text={f.answer} />
          {f.redirectTo && <p class='body'>Đề nghị liên hệ: <strong>{f.redirectTo}</strong></p>}
          {f.status === 'published' && !f.hiddenReason && <p class='body'><a href={`${PUBLIC}/${f.code}`}>Xem trên trang công khai</a></p>}
        </>
      )}
      {f.mergedIntoCode && <p class='body'>Gộp với phản ánh cùng nội dung <a href={`${PUBLIC}/${f.mergedIntoCode}`}>{f.mergedIntoCode}</a>.</p>}
      {f.status === 'published' && (
        <Form action={`${base}/danh-gia`}>
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
export async function feedbackPages (app: FastifyInstance, { feedback, captcha }: { feedback: Service, captcha: Pick<CaptchaService, 'forRequest' | 'swapRequested' | 'verifyWith'> }) {
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

  const sendPage = async (request: FastifyRequest, values: Values, errors: FieldError[]) => {
    const q = request.query as Record<string, string | undefined>
    const about = await feedback.about(request.account?.id ?? null, { dossierCode: q['ho-so'], procedureCode: q['thu-tuc'] })
    const anonymous = request.account ? undefined : await captcha.forRequest(request)
    return <SendPage about={about} agencies={await feedback.agencies()} values={values} errors={errors} days={feedback.answerDays} anonymous={anonymous} />
  }
  // Signed in: the whole form with files. Without an account: the form with a contact to prove and a captcha.
  // About a dossier: only its owner, signed in.
  const signedInFor = async (request: FastifyRequest) => { if ((request.query as Record<string, string | undefined>)['ho-so']) await requireCitizen(request) }
  app.get(`${PUBLIC}/gui`, { preHandler: signedInFor }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(await sendPage(request, {}, []), { title: 'Gửi phản ánh, kiến nghị' }))
  app.post(`${PUBLIC}/gui`, { preHandler: signedInFor }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    let form: Values = {}
    const again = async (errors: FieldError[], page: { status?: number, hasErrors?: boolean } = {}) => reply.page(await sendPage(request, form, errors), { title: 'Gửi phản ánh, kiến nghị', ...page })
    if (!request.account) {
      form = request.body as Values
      if (captcha.swapRequested(request)) return again([])
      return attempt(async () => {
        const input = { category: form['category'] ?? '', title: form['title'] ?? '', body: form['body'] ?? '', agencyCode: form['agency'] || undefined, procedureCode: q['thu-tuc'], contact: form['contact'] ?? '' }
        await captcha.verifyWith(form['captchaId'], form['captcha'], () => feedback.validateAnonymous(input))
        const r = await feedback.startAnonymous(input, request.ip)
        return reply.seeOther(`${PUBLIC}/xac-nhan/${r.pendingId}?qua=${r.channel}`)
      }, again)
    }
    return attempt(async () => {
      const { files, fields } = await readUploads(request, 'files')
      form = fields
      const r = await feedback.send(request.account!, {
        category: form['category'] ?? '', title: form['title'] ?? '', body: form['body'] ?? '', agencyCode: form['agency'] || undefined,
        dossierCode: q['ho-so'], procedureCode: q['thu-tuc'], showName: form['show-name'] === '1', files
      })
      return reply.seeOther(`${MINE}/${r.code}`, `Đã gửi phản ánh, kiến nghị, mã ${r.code}. Hạn trả lời: ${formatInstant(r.dueAt)}.`)
    }, again)
  })

  // The code sent to the contact of someone without an account.
  const confirmPage = (id: string, channel: string | undefined, errors: FieldError[] = []) => (
    <>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Xác nhận gửi phản ánh</h1>
      <p class='body'>Chúng tôi đã gửi mã xác nhận gồm 6 chữ số đến {channel === 'sms' ? 'số điện thoại' : 'địa chỉ thư điện tử'} bạn nhập. Mã dùng trong 10 phút. Phản ánh chỉ được gửi đến cơ quan sau khi bạn nhập đúng mã.</p>
      <Form action={`${PUBLIC}/xac-nhan/${id}`}>
        <TextInput name='code' label='Mã xác nhận' inputmode='numeric' autocomplete='one-time-code' error={errorOf(errors, 'code')} />
        <Button>Xác nhận và gửi</Button>
      </Form>
    </>
  )
  app.get(`${PUBLIC}/xac-nhan/:id`, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(confirmPage((request.params as { id: string }).id, (request.query as { qua?: string }).qua), { title: 'Xác nhận gửi phản ánh' }))
  app.post(`${PUBLIC}/xac-nhan/:id`, async (request, reply) => {
    const id = (request.params as { id: string }).id
    return attempt(async () => {
      const r = await feedback.confirmAnonymous(id, (request.body as Values)['code'] ?? '')
      return reply.seeOther(`${PUBLIC}/theo-doi/${r.token}`, `Đã gửi phản ánh, kiến nghị, mã ${r.code}. Hạn trả lời: ${formatInstant(r.dueAt)}. Đường liên kết theo dõi đã được gửi đến bạn; hãy giữ nó.`)
    }, (errors, page) => reply.page(confirmPage(id, undefined, errors), { title: 'Xác nhận gửi phản ánh', ...page }))
  })

  app.get(`${PUBLIC}/:code`, async (request, reply) => {
    if (!CODE.test(code(request))) return reply.callNotFound()
    const f = await feedback.publishedOne(code(request))
    return reply.page(<><a class='back-link' href={PUBLIC}>Phản ánh, kiến nghị</a><PublishedItem f={f} heading='h1' /></>, { title: f.title })
  })

  app.get(MINE, { preHandler: requireCitizen }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(<MinePage rows={await feedback.mine(request.account!.id)} />, { title: 'Phản ánh, kiến nghị của tôi' }))

  // The sender's own page and its forms: by account under /ca-nhan/phan-anh/{code}, or by the signed follow link.
  const own = (path: string, guard: { preHandler?: typeof requireCitizen }, ownerOf: (request: FastifyRequest) => Owner, urlOf: (request: FastifyRequest) => string, back?: { href: string, label: string }) => {
    const codeOf = (request: FastifyRequest) => (request.params as { code?: string }).code
    const ownPage = async (request: FastifyRequest, values: Values = {}, errors: FieldError[] = []) => {
      const f = await feedback.own(ownerOf(request), codeOf(request))
      return { f, body: <OwnPage f={f} values={values} errors={errors} base={urlOf(request)} back={back} /> }
    }
    app.get(path, guard, async (request, reply) => {
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex')
      try {
        const { f, body } = await ownPage(request)
        return reply.page(body, { title: f.title })
      } catch (err) {
        if (!(err instanceof LapsedLink)) throw err
        return reply.page(
          <>
            <h1 class='heading-l'>Liên kết theo dõi đã hết hạn</h1>
            <p class='body'>{err.detail} Nếu phản ánh đã được trả lời, câu trả lời vẫn được công khai tại trang <a href={`${PUBLIC}/${err.feedbackCode}`}>phản ánh {err.feedbackCode}</a>.</p>
            <p class='body'><a href={`${PUBLIC}/gui`}>Gửi phản ánh, kiến nghị mới</a></p>
          </>, { title: 'Liên kết theo dõi đã hết hạn', status: 404 })
      }
    })
    const form = (slug: string, run: (request: FastifyRequest, v: Values) => Promise<unknown>, done: string) =>
      app.post(`${path}/${slug}`, guard, async (request, reply) => {
        const values = request.body as Values
        return attempt(async () => {
          await run(request, values)
          return reply.seeOther(urlOf(request), done)
        }, async (errors, page) => { const { f, body } = await ownPage(request, values, errors); return reply.page(body, { title: f.title, ...page }) })
      })
    form('bo-sung', (request, v) => feedback.addInfo(ownerOf(request), codeOf(request), v['info'] ?? ''), 'Đã gửi thông tin bổ sung; thời hạn trả lời được tính tiếp.')
    form('danh-gia', (request, v) => feedback.rate(ownerOf(request), codeOf(request), Number(v['rating'])), 'Cảm ơn bạn đã đánh giá câu trả lời.')
  }
  own(`${MINE}/:code`, { preHandler: requireCitizen }, request => ({ accountId: request.account!.id }), request => `${MINE}/${code(request)}`, { href: MINE, label: 'Phản ánh, kiến nghị của tôi' })
  own(`${PUBLIC}/theo-doi/:token`, {}, request => ({ token: (request.params as { token: string }).token }), request => `${PUBLIC}/theo-doi/${(request.params as { token: string }).token}`)
  app.get(`${MINE}/:code/tep/:file`, { preHandler: requireCitizen }, async (request, reply) => {
    const { file, data } = await feedback.attachment(code(request), (request.params as { file: string }).file, { accountId: request.account!.id })
    return reply.header('cache-control', 'no-store').headers(downloadHeaders(file)).send(data)
  })
}
