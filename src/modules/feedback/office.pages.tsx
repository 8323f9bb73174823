import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, Form, Select, TextInput, Textarea } from '../../platform/html/components/form.js'
import { DataTable, SummaryList } from '../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../platform/http/errors.js'
import { formatDay, formatInstant } from '../../platform/vn-time.js'
import type { SignedInOfficial } from '../accounts/officials.service.js'
import type { FeedbackService } from './feedback.service.js'
import { LEADERS } from './context.js'
import { CATEGORIES, RUNNING } from './model.js'
import type { QueueTab } from './use-cases/handling.js'
import { downloadHeaders } from '../files/files.service.js'
import { attempt, Attachments, Paragraphs, StatusTag, Timeline, type Values } from './views.js'

const PATH = '/can-bo/phan-anh'
const TABS: Array<[string, QueueTab, string]> = [['chua-tra-loi', 'open', 'Chưa trả lời'], ['qua-han', 'overdue', 'Quá hạn'], ['cho-duyet', 'approval', 'Chờ duyệt'], ['nghi-tin-rac', 'suspected', 'Nghi là tin rác'], ['da-xong', 'closed', 'Đã xong']]

type Service = Pick<FeedbackService, 'queue' | 'forOfficial' | 'attachment' | 'assign' | 'askInfo' | 'transfer' | 'draft' | 'approve' | 'sendBack' | 'notCompetent' | 'merge' | 'hide' | 'rejectSpam'>
type Item = Awaited<ReturnType<FeedbackService['forOfficial']>>

function QueuePage ({ tab, rows, leader }: { tab: string, rows: Awaited<ReturnType<FeedbackService['queue']>>, leader: boolean }) {
  const now = Date.now()
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Phản ánh, kiến nghị</h1>
      <nav aria-label='Hàng đợi phản ánh'>
        <ul class='inline-actions'>
          {TABS.map(([slug, , label]) => <li key={slug}>{slug === tab ? <strong aria-current='page'>{label}</strong> : <a href={`${PATH}?hang-doi=${slug}`}>{label}</a>}</li>)}
          {leader && <li><a href='/can-bo/thong-ke/phan-anh'>Thống kê</a></li>}
        </ul>
      </nav>
      {rows.length === 0
        ? <p class='body'>Không có phản ánh nào trong hàng đợi này.</p>
        : <DataTable caption='Phản ánh, kiến nghị' rows={rows} rowKey={r => r.code} columns={[
          { label: 'Mã, tiêu đề', cell: r => <><a href={`${PATH}/${r.code}`}>{r.code}</a><br />{r.title}{r.hiddenReason && <><br /><span class='hint'>Đã ẩn khỏi trang công khai</span></>}{r.spamSignals && r.status !== 'spam' && <><br /><span class='hint'>Nghi là tin rác: {r.spamSignals}</span></>}</> },
          { label: 'Cơ quan', cell: r => r.agencyName },
          { label: 'Ngày gửi', cell: r => formatDay(r.submittedAt) },
          { label: 'Hạn trả lời', cell: r => r.status === 'waiting_citizen' ? 'Tạm dừng' : formatInstant(r.dueAt) },
          { label: 'Trạng thái', cell: r => <StatusTag status={r.status} overdue={RUNNING.includes(r.status) && r.dueAt.getTime() < now} /> },
          { label: 'Người xử lý', cell: r => r.assignedName ?? '—' }
        ]} />}
    </>
  )
}

function ItemPage ({ f, me, values, errors, form }: { f: Item, me: SignedInOfficial, values: Values, errors: FieldError[], form?: string | undefined }) {
  const open = ['received', 'processing'].includes(f.status)
  const err = (field: string, of: string) => form === of ? errorOf(errors, field) : undefined
  const val = (field: string, of: string) => form === of ? values[field] : undefined
  const act = `${PATH}/${f.code}`
  return (
    <>
      <a class='back-link' href={PATH}>Phản ánh, kiến nghị</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>{f.title}</h1>
      <SummaryList rows={[
        ['Mã', f.code],
        ['Trạng thái', <StatusTag key='s' status={f.status} overdue={f.overdue} />],
        ['Hạn trả lời', f.status === 'waiting_citizen' ? 'Tạm dừng chờ người gửi bổ sung' : formatInstant(f.dueAt)],
        ['Cơ quan trả lời', f.agencyName],
        ['Người gửi', f.senderName ? `${f.senderName}${f.senderEmail ? `, ${f.senderEmail}` : ''}${f.senderPhone ? `, ${f.senderPhone}` : ''}` : `Không có tài khoản, đã xác nhận ${f.contact ?? ''}`],
        ['Loại', CATEGORIES[f.category]],
        ['Về hồ sơ, thủ tục', <span key='d'>{f.dossierCode ? <a href={`/can-bo/ho-so/${encodeURIComponent(f.dossierCode)}`}>{f.dossierCode}</a> : null}{f.dossierCode && f.procedureName ? ' · ' : ''}{f.procedureName ?? ''}{!f.dossierCode && !f.procedureName ? '—' : ''}</span>],
        ...(f.dossierHandlers.length > 0 ? [['Cán bộ đã xử lý hồ sơ', f.dossierHandlers.join('; ')] as [string, string]] : []),
        ['Người xử lý', f.assignedName ?? 'Chưa phân công'],
        ['Công khai', f.hiddenReason ? `Đã ẩn: ${f.hiddenReason}` : f.showName ? 'Được hiện họ tên người gửi' : 'Không hiện họ tên người gửi']
      ]} />
      {f.spamSignals && ['received', 'processing', 'waiting_citizen', 'awaiting_approval'].includes(f.status) && (
        <div class='notice notice--warning' role='note'><strong>Nghi là quảng cáo, tin rác:</strong> {f.spamSignals}. Vẫn đang tính hạn trả lời; lãnh đạo có thể không tiếp nhận (cuối trang).</div>
      )}
      <h2 class='heading-m'>Nội dung</h2>
      <Paragraphs text={f.body} />
      <Attachments files={f.files} href={id => `${act}/tep/${id}`} />
      {f.answer && <><h2 class='heading-m'>{f.status === 'awaiting_approval' ? 'Dự thảo trả lời' : 'Trả lời'}</h2><Paragraphs text={f.answer} /></>}

      {open && (
        <>
          <h2 class='heading-m' id='phan-cong'>Phân công</h2>
          <Form action={`${act}/phan-cong`}>
            <Select name='official' label='Cán bộ xử lý' options={f.colleagues.map(c => ({ value: c.id, label: c.fullName }))} value={val('official', 'assign') ?? me.id} error={err('official', 'assign')} />
            <Button secondary>Giao xử lý</Button>
          </Form>
          <h2 class='heading-m' id='tra-loi'>Dự thảo trả lời</h2>
          <Form action={`${act}/du-thao`}>
            <Textarea name='answer' label='Nội dung trả lời' rows={8} hint='Lãnh đạo duyệt trước khi công khai.' value={val('answer', 'draft') ?? f.answer ?? undefined} error={err('answer', 'draft')} />
            <Button>Trình lãnh đạo duyệt</Button>
          </Form>
          <h2 class='heading-m' id='bo-sung'>Đề nghị người gửi bổ sung</h2>
          <Form action={`${act}/bo-sung`}>
            <Textarea name='request' label='Thông tin cần bổ sung' hint='Thời hạn trả lời tạm dừng đến khi người gửi bổ sung.' value={val('request', 'ask')} error={err('request', 'ask')} />
            <Button secondary>Gửi đề nghị</Button>
          </Form>
          <h2 class='heading-m' id='chuyen'>Chuyển cơ quan có thẩm quyền</h2>
          <Form action={`${act}/chuyen`}>
            <Select name='agency' label='Cơ quan nhận' empty='Chọn cơ quan' options={f.agencies.map(a => ({ value: a.code, label: a.name }))} value={val('agency', 'transfer')} error={err('agency', 'transfer')} />
            <Textarea name='reason' label='Lý do chuyển' hint='Cơ quan nhận có đủ thời hạn trả lời, tính từ khi chuyển.' value={val('reason', 'transfer')} error={err('reason', 'transfer')} />
            <Button secondary>Chuyển</Button>
          </Form>
          <h2 class='heading-m' id='gop'>Gộp với phản ánh cùng nội dung</h2>
          <Form action={`${act}/gop`}>
            <TextInput name='into' label='Mã phản ánh chính' hint='Ví dụ: PA-261207-000012. Người gửi nhận câu trả lời của phản ánh đó.' value={val('into', 'merge')} error={err('into', 'merge')} />
            <Button secondary>Gộp</Button>
          </Form>
        </>
      )}
      {(open || f.status === 'awaiting_approval') && (
        <>
          <h2 class='heading-m' id='tham-quyen'>Không thuộc thẩm quyền của tỉnh</h2>
          <Form action={`${act}/khong-tham-quyen`}>
            <TextInput name='redirect' label='Cơ quan có thẩm quyền người gửi cần liên hệ' value={val('redirect', 'not-competent')} error={err('redirect', 'not-competent')} />
            <Textarea name='explanation' label='Giải thích' value={val('explanation', 'not-competent')} error={err('explanation', 'not-competent')} />
            <Button secondary>Kết thúc, hướng dẫn người gửi</Button>
          </Form>
        </>
      )}
      {f.status === 'awaiting_approval' && f.canApprove && (
        <>
          <h2 class='heading-m' id='duyet'>Duyệt trả lời</h2>
          <Form action={`${act}/duyet`}>
            <Textarea name='answer' label='Nội dung trả lời được công khai' rows={8} value={val('answer', 'approve') ?? f.answer ?? undefined} error={err('answer', 'approve')} />
            <Button>Duyệt và công khai</Button>
          </Form>
          <Form action={`${act}/tra-lai`}>
            <Textarea name='note' label='Yêu cầu sửa dự thảo' value={val('note', 'send-back')} error={err('note', 'send-back')} />
            <Button secondary>Trả lại dự thảo</Button>
          </Form>
        </>
      )}
      {f.canApprove && ['received', 'processing', 'waiting_citizen', 'awaiting_approval'].includes(f.status) && (
        <>
          <h2 class='heading-m' id='tin-rac'>Không tiếp nhận: quảng cáo, tin rác</h2>
          <Form action={`${act}/tin-rac`}>
            <TextInput name='spam' label='Lý do không tiếp nhận' hint='Người gửi được báo lý do. Phản ánh không được công khai và không tính vào số tiếp nhận.' value={val('spam', 'spam')} error={err('spam', 'spam')} />
            <Button secondary>Không tiếp nhận</Button>
          </Form>
        </>
      )}
      {!f.hiddenReason && (
        <>
          <h2 class='heading-m' id='an'>Ẩn nội dung không phù hợp</h2>
          <Form action={`${act}/an`}>
            <TextInput name='hide' label='Lý do ẩn khỏi trang công khai' hint='Ví dụ: lời lẽ xúc phạm, quảng cáo. Người gửi vẫn xem được phản ánh của mình.' value={val('hide', 'hide')} error={err('hide', 'hide')} />
            <Button secondary>Ẩn</Button>
          </Form>
        </>
      )}
      <h2 class='heading-m'>Quá trình xử lý</h2>
      <Timeline events={f.events} />
    </>
  )
}

/** The agencies' feedback in the back office: queues, handling, approval, figures. Every change is audited by the service. */
export async function feedbackOfficePages (app: FastifyInstance, { feedback, requireOfficial }: { feedback: Service, requireOfficial: (request: FastifyRequest) => Promise<unknown> }) {
  const code = (request: FastifyRequest) => (request.params as { code: string }).code
  const me = (request: FastifyRequest) => request.official!

  app.get(PATH, { preHandler: requireOfficial }, async (request, reply) => {
    const slug = (request.query as { 'hang-doi'?: string })['hang-doi'] ?? 'chua-tra-loi'
    const tab = TABS.find(t => t[0] === slug) ?? TABS[0]!
    return reply.header('cache-control', 'no-store').page(<QueuePage tab={tab[0]} rows={await feedback.queue(me(request), tab[1])} leader={me(request).roles.some(r => LEADERS.includes(r.role))} />, { title: 'Phản ánh, kiến nghị' })
  })

  // The figures moved to the statistics pages (with their exports); the old address leads there.
  app.get(`${PATH}/thong-ke`, { preHandler: requireOfficial }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    const period = new URLSearchParams(Object.entries({ tu: q['tu'], den: q['den'] }).filter((e): e is [string, string] => Boolean(e[1]))).toString()
    return reply.redirect(`/can-bo/thong-ke/phan-anh${period ? `?${period}` : ''}`, 303)
  })

  const show = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: FieldError[] = [], form?: string, page: { status?: number, hasErrors?: boolean } = {}) => {
    const f = await feedback.forOfficial(me(request), code(request))
    return reply.header('cache-control', 'no-store').page(<ItemPage f={f} me={me(request)} values={values} errors={errors} form={form} />, { title: f.title, ...page })
  }
  app.get(`${PATH}/:code`, { preHandler: requireOfficial }, async (request, reply) => show(request, reply))
  app.get(`${PATH}/:code/tep/:file`, { preHandler: requireOfficial }, async (request, reply) => {
    const { file, data } = await feedback.attachment(code(request), (request.params as { file: string }).file, { official: me(request) })
    return reply.header('cache-control', 'no-store').headers(downloadHeaders(file)).send(data)
  })

  // Each action: the form's fields → the service; errors beside the fields of that form.
  const action = (slug: string, form: string, run: (official: SignedInOfficial, code: string, v: Values) => Promise<void>, done: string) => {
    app.post(`${PATH}/:code/${slug}`, { preHandler: requireOfficial }, async (request, reply) => {
      const values = request.body as Values
      return attempt(async () => {
        await run(me(request), code(request), values)
        return reply.seeOther(`${PATH}/${code(request)}`, done)
      }, (errors, page) => show(request, reply, values, errors, form, page))
    })
  }
  action('phan-cong', 'assign', (o, c, v) => feedback.assign(o, c, v['official'] || o.id), 'Đã giao xử lý.')
  action('bo-sung', 'ask', (o, c, v) => feedback.askInfo(o, c, v['request']), 'Đã gửi đề nghị bổ sung; thời hạn tạm dừng.')
  action('chuyen', 'transfer', (o, c, v) => feedback.transfer(o, c, v['agency'], v['reason']), 'Đã chuyển phản ánh.')
  action('du-thao', 'draft', (o, c, v) => feedback.draft(o, c, v['answer']), 'Đã trình lãnh đạo duyệt.')
  action('duyet', 'approve', (o, c, v) => feedback.approve(o, c, v['answer']), 'Đã duyệt; câu trả lời được công khai và gửi cho người gửi.')
  action('tra-lai', 'send-back', (o, c, v) => feedback.sendBack(o, c, v['note']), 'Đã trả lại dự thảo.')
  action('khong-tham-quyen', 'not-competent', (o, c, v) => feedback.notCompetent(o, c, v['redirect'], v['explanation']), 'Đã kết thúc và hướng dẫn người gửi.')
  action('gop', 'merge', (o, c, v) => feedback.merge(o, c, v['into']), 'Đã gộp phản ánh.')
  action('an', 'hide', (o, c, v) => feedback.hide(o, c, v['hide']), 'Đã ẩn khỏi trang công khai.')
  action('tin-rac', 'spam', (o, c, v) => feedback.rejectSpam(o, c, v['spam']), 'Đã không tiếp nhận; người gửi được báo lý do.')
}
