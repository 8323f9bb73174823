import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import { Checkbox } from '../../../platform/html/components/Checkbox.js'
import { ErrorSummary, ErrorMessage } from '../../../platform/html/components/ErrorSummary.js'
import { Button, Form, MultipartForm, Radios, Textarea, TextInput } from '../../../platform/html/components/form.js'
import { ACCEPT_ATTR, formatSize } from '../../files/sniff.js'
import { ROLES } from '../../accounts/officials.service.js'
import { DataTable, SummaryList, Tag } from '../../../platform/html/components/layout-parts.js'
import { AssigneeSelect } from './AssigneeSelect.js'
import type { Delivery, Person } from '../../dossiers/dossier-form.js'
import { CHANNEL_LABELS, INTERNAL_COMPONENT } from '../../dossiers/model.js'
import { StatusTag } from '../../dossiers/views/DossierPages.js'
import { ComponentsTable, FeesTable, PersonList, when } from '../../dossiers/views/parts.js'
import { filledFields } from '../../catalog/eforms/definition.js'
import { AssessmentFields } from '../../payments/AssessmentFields.js'
import { SupplementAtDesk } from './SupplementAtDesk.js'
import { OUTCOME_LABELS, TIMING_LABELS } from '../processing.js'
import { PaymentsSection } from '../../payments/PaymentsSection.js'
import { IssuedFormLinks, ResultFiles, Timeline } from '../../dossiers/views/parts.js'
import { staffDossierUrl, STEP_QUEUES } from './queues.js'
import { validityPapers } from '../use-cases/validity.js'
import { ValidityForm } from './ValidityForm.js'
import type { WorkflowService } from '../workflow.service.js'

type Opened = Awaited<ReturnType<WorkflowService['open']>>
type Body = Record<string, string | string[] | undefined>


/** The processing log: every step, who held it, when it started and ended, against its allotted time (form 06). */
export function ProcessLog ({ log, url }: { log: Opened['log'], url: string }) {
  if (log.length === 0) return null
  return (
    <>
    <p class='body'><a href={`${url}/mau-06.pdf`}>In phiếu kiểm soát quá trình giải quyết (mẫu 06)</a></p>
    <DataTable caption='Phiếu kiểm soát quá trình giải quyết' captionHidden={false} rows={log} rowKey={r => String(r.id)} columns={[
      { label: 'Bước', cell: r => r.name },
      { label: 'Người xử lý', cell: r => r.finishedByName ?? r.assigneeName ?? ROLES[r.role as keyof typeof ROLES] },
      { label: 'Bắt đầu', cell: r => when(r.startedAt) },
      { label: 'Hạn', cell: r => when(r.dueAt) },
      { label: 'Kết thúc', cell: r => r.finishedAt ? when(r.finishedAt) : 'Đang xử lý' },
      { label: 'Kết quả', cell: r => <>{r.outcome ? `${OUTCOME_LABELS[r.outcome] ?? r.outcome}${r.timing ? ` – ${TIMING_LABELS[r.timing]}` : ''}` : ''}{r.comment ? <><br /><span class='hint'>{r.comment}</span></> : null}</> }
    ]} />
    </>
  )
}

/** When the procedure's fees are neither paid nor exempted: said before the action, with the reason to go on. */
export function UnsettledFees ({ amountVnd, error }: { amountVnd: number, error?: string | undefined }) {
  if (amountVnd <= 0) return null
  return (
    <>
      <div class='notice notice--warning'><p>Thủ tục thu phí, lệ phí {amountVnd.toLocaleString('vi-VN')} đồng nhưng hồ sơ chưa nộp và chưa được ghi nhận miễn. Nên yêu cầu nộp phí trước; nếu vẫn tiếp tục, ghi lý do.</p></div>
      <Textarea name='fees-reason' label='Lý do tiếp tục khi chưa thu phí, lệ phí' value={undefined} error={error} rows={2} />
    </>
  )
}

export function ApproveForm ({ action, taskId, error, feesVnd = 0, feesError, validUntil, validError, template, fromTemplate }: { action: string, taskId: number, error?: string | undefined, feesVnd?: number, feesError?: string | undefined, validUntil?: string | undefined, validError?: string | undefined, template?: { title: string, preview: string } | undefined, fromTemplate?: boolean }) {
  return (
    <MultipartForm action={action}>
      <input type='hidden' name='taskId' value={String(taskId)} />
      <UnsettledFees amountVnd={feesVnd} error={feesError} />
      {template && (
        <div class='form-group'>
          <Checkbox name='from-template' value='yes' id='from-template' checked={fromTemplate ?? true}>
            Ban hành “{template.title}” theo mẫu của thủ tục, điền sẵn thông tin hồ sơ và tờ khai
          </Checkbox>
          <p class='hint'><a href={template.preview} target='_blank' rel='noopener'>Xem trước văn bản theo mẫu (PDF, mở trong thẻ mới)</a>. Bỏ chọn nếu tải lên văn bản khác; có thể tải thêm phụ lục bên dưới.</p>
        </div>
      )}
      <div class={`form-group${error ? ' form-group--error' : ''}`}>
        <label class='label' for='result'>{template ? 'Văn bản kết quả tải lên (PDF hoặc bản quét), nếu không dùng mẫu hoặc kèm theo' : 'Văn bản kết quả giải quyết (PDF hoặc bản quét)'}</label>
        <ErrorMessage id='result' message={error} />
        <input class='file-upload' id='result' name='files' type='file' multiple accept={ACCEPT_ATTR} aria-describedby={error ? 'result-error' : undefined} />
      </div>
      <TextInput name='valid-until' label='Kết quả có hiệu lực đến ngày (nếu có)' hint='Ví dụ 31/12/2031 với giấy phép, phù hiệu có thời hạn. Để trống nếu kết quả không ghi thời hạn. Người dân thấy ngày này trong kho dữ liệu của mình.' value={validUntil} error={validError} />
      <div class='form-group'>
        <label class='label' for='approve-comment'>Ý kiến phê duyệt (nếu có)</label>
        <textarea class='textarea' id='approve-comment' name='comment' rows={2} />
      </div>
      <Checkbox name='comment-public' value='yes' id='approve-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
      <Button>Phê duyệt và ban hành kết quả</Button>
    </MultipartForm>
  )
}

/** The way of return the applicant asked for, as the desk's choice (the desk may still change it). */
export const DELIVERY_METHOD: Record<string, string | undefined> = { office: 'counter', post: 'post', online: 'online' }

/** The back link of a dossier's page leads to the queue the official came from (by the step they hold). */
export function BackToQueue ({ o }: { o: Opened }) {
  const [queue, label] = o.act?.approve
    ? ['cho-phe-duyet', STEP_QUEUES['cho-phe-duyet'].title]
    : o.act?.returnResult
      ? ['cho-tra-ket-qua', STEP_QUEUES['cho-tra-ket-qua'].title]
      : o.act
        ? ['cua-toi', STEP_QUEUES['cua-toi'].title]
        : o.d.status === 1 ? ['cho-tiep-nhan', 'Hồ sơ chờ tiếp nhận'] : [undefined, 'Tra cứu hồ sơ']
  return <a class='back-link' href={queue ? `/can-bo/ho-so?hang-doi=${queue}` : '/can-bo/ho-so'}>{label}</a>
}

export function StaffDossierPage ({ o, errors = [], values = {} }: { o: Opened, errors?: FieldError[], values?: Body }) {
  const d = o.d
  const url = staffDossierUrl(d.code!)
  const ticked = ([] as string[]).concat(values['components'] ?? [])
  // What changed: the files of the supplement answered last, while the dossier is still being worked on.
  const lastAnswer = [2, 4, 6, 1].includes(d.status) ? [...d.supplements].reverse().find(x => x.answeredAt !== null) as (typeof d.supplements[number] & { items: Array<{ component: string }> }) | undefined : undefined
  return (
    <>
      <BackToQueue o={o} />
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>Hồ sơ</span> {d.code}</h1>
      <SummaryList rows={[
        ['Thủ tục', d.procedure.name],
        ['Trạng thái', <StatusTag status={d.status} />],
        ['Kênh nộp', d.nationalCode ? `${CHANNEL_LABELS[d.channel]} – nộp trên Cổng Dịch vụ công quốc gia (mã ${d.nationalCode})` : CHANNEL_LABELS[d.channel]],
        ['Cơ quan tiếp nhận', d.agency?.name ?? '—'],
        ['Nộp lúc', when(d.submittedAt)],
        ...(o.receptionDue ? [['Hạn quyết định tiếp nhận', `${when(o.receptionDue)} (${o.receptionLeft!.text})`] as [string, string]] : []),
        ['Ngày hẹn trả kết quả', d.dueAt ? <>{when(d.dueAt)}{d.postponedFrom ? <><br /><span class='hint'>đã hẹn lại, hẹn cũ {when(d.postponedFrom)}</span></> : null}{[2, 4, 6].includes(d.status) && d.dueAt.getTime() < Date.now() ? <> <strong class='tag tag--red'>Quá hạn</strong></> : null}</> : '—']
      ]} />
      <IssuedFormLinks url={url} events={d.events} />
      <h2 class='heading-m'>Chủ hồ sơ</h2>
      <PersonList p={d.applicant as Person} />
      {d.onBehalf && <><h2 class='heading-m'>Người nộp thay</h2><PersonList p={d.submitter as Person} /></>}
      {lastAnswer && (
        <div class='inset'>
          <p class='body'><strong>Công dân đã bổ sung lúc {when(lastAnswer.answeredAt)}</strong> (lần {lastAnswer.round}): {lastAnswer.items.map(i => d.slots.find(x => x.key === i.component)?.name ?? i.component).join('; ')}.</p>
          {lastAnswer.answerNote && <p class='body message-body'>Ghi chú của công dân: {lastAnswer.answerNote}</p>}
        </div>
      )}
      <ComponentsTable slots={d.slots} files={d.files} hrefFor={fileId => `${url}/tep/${fileId}`} newRound={lastAnswer?.round} paper={d.paper} />
      {o.mayRecordValidity && validityPapers(d).length > 0 && <ValidityForm action={`${url}/hieu-luc-giay-to`} d={d} errors={errors} values={values} />}
      {o.declarations.map(x => (
        <details class='section' key={x.component}>
          <summary>Tờ khai điện tử: {x.title}</summary>
          <SummaryList rows={filledFields(x.definition, x.answers)} />
        </details>
      ))}
      {d.files.some(f => f.component === INTERNAL_COMPONENT) && (
        <section class='section' aria-labelledby='noi-bo'>
          <h2 class='heading-m' id='noi-bo'>Tài liệu xử lý nội bộ</h2>
          <ul class='file-list'>{d.files.filter(f => f.component === INTERNAL_COMPONENT).map(f => <li key={f.attachmentId}><a href={`${url}/tep/${f.id}`}>{f.name}</a> ({formatSize(f.size)}, {when(f.attachedAt)})</li>)}</ul>
        </section>
      )}
      <ResultFiles files={d.files} hrefFor={fileId => `${url}/tep/${fileId}`}>
        {o.act?.returnResult && <p class='body'>In văn bản kết quả để trả tại bộ phận một cửa, hoặc gửi kèm bưu gửi.</p>}
      </ResultFiles>
      <FeesTable fees={d.fees} payable={d.payable} />
      <PaymentsSection requests={o.payments} fileHref={fileId => `${url}/tep/${fileId}`} receiptHref={id => `${url}/bien-lai/${id}.pdf`} decide={o.mayRecordCash ? (id => (
        <div class='inline-actions'>
          <Form action={`${url}/chung-tu/${id}/xac-nhan`}><Button>Xác nhận đã nhận tiền</Button></Form>
          <Form action={`${url}/chung-tu/${id}/khong-chap-nhan`}>
            <TextInput name={`reject-${id}`} label='Lý do không chấp nhận' value={values[`reject-${id}`] as string | undefined} error={errorOf(errors, `reject-${id}`)} />
            <Button secondary>Không chấp nhận chứng từ</Button>
          </Form>
        </div>
      )) : undefined} refund={o.mayRefund ? (p => p.surplus || o.feesReturnable ? (
        <Form action={`${url}/hoan-tien/${p.id}`}>
          <TextInput name={`refund-${p.id}`} label={p.refundVia === 'gateway' ? 'Lý do hoàn tiền' : 'Lý do, cách hoàn tiền'} value={values[`refund-${p.id}`] as string | undefined} error={errorOf(errors, `refund-${p.id}`)} />
          <Button secondary>{p.refundVia === 'gateway' ? 'Hoàn tiền qua cổng thanh toán' : 'Ghi nhận đã hoàn tiền'}</Button>
        </Form>
      ) : null) : undefined}>
        {o.mayRecordCash && <Form action={`${url}/nop-tien-mat`}><Button>Ghi nhận đã nộp tiền mặt</Button></Form>}
        {o.act?.requestFees !== undefined && (
          <details open={Boolean(errorOf(errors, 'amount'))}>
            <summary>Yêu cầu nộp phí, lệ phí</summary>
            <p class='body'>Hồ sơ chờ công dân nộp phí rồi mới xử lý tiếp. {d.payable ? 'Số tiền bộ phận một cửa xác định khi tiếp nhận' : 'Số tiền theo thủ tục'}: {o.act.requestFees.toLocaleString('vi-VN')} đồng; sửa khi mức thu tùy trường hợp (theo xe, theo trang) và ghi rõ cách tính.</p>
            <Form action={`${url}/yeu-cau-nop-phi`}>
              <input type='hidden' name='taskId' value={String(o.act.taskId)} />
              <TextInput name='amount' label='Số tiền (đồng)' value={(values['amount'] as string | undefined) ?? (o.act.requestFees > 0 ? String(o.act.requestFees) : '')} error={errorOf(errors, 'amount')} />
              <Textarea name='note' label='Ghi chú, cách tính (nếu có)' value={values['note'] as string | undefined} rows={2} />
              <Button secondary>Gửi yêu cầu nộp phí</Button>
            </Form>
            <Form action={`${url}/mien-phi`}>
              <input type='hidden' name='taskId' value={String(o.act.taskId)} />
              <TextInput name='exempt-reason' label='Hoặc: căn cứ miễn phí, lệ phí cho chủ hồ sơ' value={values['exempt-reason'] as string | undefined} error={errorOf(errors, 'exempt-reason')} />
              <Button secondary>Ghi nhận được miễn</Button>
            </Form>
          </details>
        )}
      </PaymentsSection>

      {o.task && (
        <div class='inset'>
          <p class='body'><strong>Bước hiện tại:</strong> {o.task.name} – {o.task.assigneeName ?? ROLES[o.task.role]}{o.task.dueAt ? `, hạn ${when(o.task.dueAt)}` : ''}</p>
        </div>
      )}
      {o.reassign && (
        <section class='section' aria-labelledby='giao-lai'>
          <h2 class='heading-m' id='giao-lai'>Giao lại bước “{o.reassign.name}”</h2>
          <p class='body'>{o.reassign.holder ? `Đang giao cho ${o.reassign.holder}.` : 'Chưa giao cho cán bộ cụ thể.'} Người được giao nhận thư báo; lý do chỉ cán bộ xem được.</p>
          <Form action={`${url}/giao-lai`}>
            <input type='hidden' name='taskId' value={String(o.reassign.taskId)} />
            <AssigneeSelect candidates={o.reassign.candidates} errors={errors} values={values} label='Giao cho' anyone={null} name='reassign-to' />
            <Textarea name='reassign-reason' label='Lý do giao lại' value={values['reassign-reason'] as string | undefined} error={errorOf(errors, 'reassign-reason')} rows={2} />
            <Button secondary>Giao lại</Button>
          </Form>
        </section>
      )}
      {o.act?.forwardTo && (
        <section class='section' aria-labelledby='chuyen'>
          <h2 class='heading-m' id='chuyen'>Chuyển bước: {o.act.forwardTo.name}</h2>
          <MultipartForm action={`${url}/chuyen`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <AssigneeSelect candidates={o.act.forwardTo.candidates} errors={errors} values={values} />
            <Textarea name='comment' label='Ý kiến, nội dung chuyển' value={values['comment'] as string | undefined} rows={2} />
            <Checkbox name='comment-public' value='yes' id='forward-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
            <div class={`form-group${errorOf(errors, 'forward-files') ? ' form-group--error' : ''}`}>
              <label class='label' for='forward-files'>Tài liệu kèm theo (nếu có, chỉ cán bộ xem được)</label>
              <ErrorMessage id='forward-files' message={errorOf(errors, 'forward-files')} />
              <input class='file-upload' id='forward-files' name='files' type='file' multiple accept={ACCEPT_ATTR} aria-describedby={errorOf(errors, 'forward-files') ? 'forward-files-error' : undefined} />
            </div>
            <Button>Chuyển {o.act.forwardTo.name.toLowerCase()}</Button>
          </MultipartForm>
        </section>
      )}
      {o.act?.approve && (
        <section class='section' aria-labelledby='phe-duyet'>
          <h2 class='heading-m' id='phe-duyet'>Phê duyệt</h2>
          <ApproveForm action={`${url}/phe-duyet`} taskId={o.act.taskId} error={errorOf(errors, 'result')} feesVnd={o.unsettledFeesVnd} feesError={errorOf(errors, 'fees-reason')} validUntil={values['valid-until'] as string | undefined} validError={errorOf(errors, 'valid-until')}
            template={o.act.resultTemplate ? { title: o.act.resultTemplate, preview: `${url}/ket-qua-theo-mau?taskId=${o.act.taskId}` } : undefined}
            fromTemplate={errors.length > 0 ? values['from-template'] === 'yes' : true} />
        </section>
      )}
      {o.act?.sendBack && (
        <details class='section' open={Boolean(errorOf(errors, 'back-reason'))}>
          <summary>Trả lại bước trước</summary>
          <Form action={`${url}/tra-lai`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='back-reason' label='Lý do trả lại' value={values['back-reason'] as string | undefined} error={errorOf(errors, 'back-reason')} rows={2} />
            <Checkbox name='comment-public' value='yes' id='back-comment-public'>Công dân được xem ý kiến này (để trống: chỉ cán bộ xem)</Checkbox>
            <Button secondary>Trả lại</Button>
          </Form>
        </details>
      )}
      {o.act?.returnResult && (
        <section class='section' aria-labelledby='tra-kq'>
          <h2 class='heading-m' id='tra-kq'>Trả kết quả</h2>
          <Form action={`${url}/tra-ket-qua`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Radios name='method' legend='Cách trả kết quả' value={(values['method'] as string | undefined) ?? DELIVERY_METHOD[(d.delivery as Partial<Delivery>).result ?? '']} error={errorOf(errors, 'method')}
              options={Object.entries(o.act.returnMethods).map(([value, label]) => ({ value, label }))} />
            <TextInput name='tracking' label='Số hiệu bưu gửi (khi gửi qua bưu chính)' value={values['tracking'] as string | undefined} error={errorOf(errors, 'tracking')} />
            <UnsettledFees amountVnd={o.unsettledFeesVnd} error={errorOf(errors, 'fees-reason')} />
            <Button>Xác nhận đã trả kết quả</Button>
          </Form>
        </section>
      )}
      {(o.consultations.length > 0 || o.act?.consult) && (
        <section class='section' aria-labelledby='y-kien'>
          <h2 class='heading-m' id='y-kien'>Xin ý kiến cơ quan phối hợp</h2>
          {o.consultations.map(c => (
            <div key={String(c.id)} class='inset'>
              <p class='body'><strong>{c.agencyName ?? c.agencyCode}</strong> – hỏi bởi {c.askedByName} lúc {when(c.askedAt)}, hạn trả lời {when(c.dueAt)}{c.answeredAt === null && c.dueAt.getTime() < Date.now() ? <> <strong class='tag tag--red'>Quá hạn</strong></> : null}</p>
              <p class='body message-body'>{c.question}</p>
              {c.answeredAt
                ? <p class='body message-body'><strong>Trả lời</strong> ({c.answeredByName}, {when(c.answeredAt)}): {c.answer}</p>
                : c.mayAnswer
                  ? (
                    <Form action={`${url}/tra-loi-y-kien`}>
                      <input type='hidden' name='consultation' value={String(c.id)} />
                      <Textarea name={`answer-${c.id}`} label='Ý kiến của cơ quan' value={values[`answer-${c.id}`] as string | undefined} error={errorOf(errors, `answer-${c.id}`)} rows={3} />
                      <Button>Gửi ý kiến</Button>
                    </Form>
                    )
                  : <p class='body'><Tag kind='grey'>Chờ trả lời</Tag></p>}
            </div>
          ))}
          {o.act?.consult && (
            <details open={Boolean(errorOf(errors, 'consult-agency') || errorOf(errors, 'consult-question') || errorOf(errors, 'consult-days') || errorOf(errors, 'consult-reason'))}>
              <summary>Xin ý kiến một cơ quan khác</summary>
              <Form action={`${url}/xin-y-kien`}>
                <input type='hidden' name='taskId' value={String(o.act.taskId)} />
                <div class={`form-group${errorOf(errors, 'consult-agency') ? ' form-group--error' : ''}`}>
                  <label class='label' for='consult-agency'>Cơ quan được hỏi</label>
                  <ErrorMessage id='consult-agency' message={errorOf(errors, 'consult-agency')} />
                  <select class='select' id='consult-agency' name='agency'>
                    <option value=''>Chọn cơ quan</option>
                    {o.act.consult.map(a => <option key={a.code} value={a.code} selected={values['agency'] === a.code}>{a.name}</option>)}
                  </select>
                </div>
                <Textarea name='consult-question' label='Nội dung xin ý kiến' value={values['consult-question'] as string | undefined} error={errorOf(errors, 'consult-question')} rows={3} />
                <TextInput name='consult-days' label='Thời hạn trả lời (ngày làm việc)' value={(values['consult-days'] as string | undefined) ?? String(o.act.consultDays)} error={errorOf(errors, 'consult-days')} />
                <Textarea name='consult-reason' label='Lý do, nếu hạn trả lời muộn hơn hạn trả kết quả của hồ sơ (không bắt buộc)' value={values['consult-reason'] as string | undefined} error={errorOf(errors, 'consult-reason')} rows={2} />
                <Button secondary>Gửi xin ý kiến</Button>
              </Form>
            </details>
          )}
        </section>
      )}
      {o.act?.refuse && (
        <details class='section' open={Boolean(errorOf(errors, 'refuse-reason'))}>
          <summary>Từ chối giải quyết</summary>
          <p class='body'>Văn bản trả lời nêu rõ lý do được tạo tự động và là kết quả của hồ sơ; bộ phận một cửa trả cho công dân như mọi kết quả.</p>
          <Form action={`${url}/tu-choi-giai-quyet`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='refuse-reason' label='Lý do từ chối giải quyết' value={values['refuse-reason'] as string | undefined} error={errorOf(errors, 'refuse-reason')} rows={3} />
            <Button secondary>Từ chối giải quyết</Button>
          </Form>
        </details>
      )}
      {o.act?.postpone && (
        <details class='section' open={Boolean(errorOf(errors, 'reason') || errorOf(errors, 'date'))}>
          <summary>Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)</summary>
          <p class='body'>Chỉ được hẹn lại một lần, chậm nhất một ngày làm việc trước ngày hẹn trả ({d.dueAt ? when(d.dueAt) : ''}). Hồ sơ vẫn được tính là trễ hạn.</p>
          {o.act.postpone.late && <div class='inset'><p class='body'><strong>Đã quá thời hạn gửi phiếu xin lỗi.</strong> Phiếu vẫn phải gửi cho công dân; phiếu được ghi nhận là gửi muộn trong sổ theo dõi.</p></div>}
          <Form action={`${url}/hen-lai`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='reason' label='Lý do chậm trả kết quả' value={values['reason'] as string | undefined} error={errorOf(errors, 'reason')} rows={3} />
            <TextInput name='date' type='date' label='Ngày hẹn trả mới' value={values['date'] as string | undefined} error={errorOf(errors, 'date')} />
            <Button secondary>Gửi phiếu xin lỗi và hẹn lại</Button>
          </Form>
        </details>
      )}
      {o.act?.stop && (
        <details class='section' open={Boolean(errorOf(errors, 'stop-reason'))}>
          <summary>Dừng giải quyết hồ sơ (mẫu 05)</summary>
          <Form action={`${url}/dung`}>
            <input type='hidden' name='taskId' value={String(o.act.taskId)} />
            <Textarea name='stop-reason' label='Lý do dừng giải quyết' value={values['stop-reason'] as string | undefined} error={errorOf(errors, 'stop-reason')} rows={3} />
            <Button secondary>Dừng giải quyết</Button>
          </Form>
        </details>
      )}
      <ProcessLog log={o.log} url={url} />

      {o.may.receive && (
        <section class='section' aria-labelledby='tiep-nhan'>
          <h2 class='heading-m' id='tiep-nhan'>Tiếp nhận hồ sơ</h2>
          <ErrorMessage id='receive' message={errorOf(errors, 'receive')} />
          <p class='body'>Ngày hẹn trả kết quả được tính theo thời hạn của thủ tục ({d.procedure.processingTime.text.split('\n')[0]}) và lịch làm việc, từ lúc bấm tiếp nhận.</p>
          <Form action={`${url}/tiep-nhan`}>
            <AssessmentFields fees={d.fees} values={values} errors={errors} />
            {o.receiveTo && <AssigneeSelect candidates={o.receiveTo.candidates} errors={errors} values={values} label={`Chuyển ${o.receiveTo.name.toLowerCase()} cho`} />}
            <Button>Tiếp nhận và in giấy hẹn (mẫu 01)</Button>
          </Form>
        </section>
      )}
      {(o.may.requestSupplement || o.act?.supplement) && (
        <section class='section' aria-labelledby='bo-sung'>
          <h2 class='heading-m' id='bo-sung'>Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)</h2>
          <p class='body'>{o.act?.supplement
            ? 'Chỉ được yêu cầu bổ sung một lần trong quá trình xử lý. Thời hạn giải quyết tạm dừng đến khi công dân bổ sung; hồ sơ quay lại đúng bước này.'
            : 'Nêu một lần đầy đủ mọi nội dung cần bổ sung. Thời hạn tiếp nhận chưa bắt đầu cho đến khi công dân bổ sung.'}</p>
          <Form action={`${url}/yeu-cau-bo-sung`}>
            {o.act?.supplement && <input type='hidden' name='taskId' value={String(o.act.taskId)} />}
            <div class={`form-group${errorOf(errors, 'components') ? ' form-group--error' : ''}`}>
              <fieldset class='fieldset' aria-describedby={errorOf(errors, 'components') ? 'components-error' : undefined}>
                <legend class='label'>Thành phần cần bổ sung</legend>
                <ErrorMessage id='components' message={errorOf(errors, 'components')} />
                {d.slots.map((s, i) => (
                  <div key={s.key} class='section'>
                    <div class='checkbox'>
                      <input class='checkbox__input' id={i === 0 ? 'components' : `components-${s.key}`} type='checkbox' name='components' value={s.key} checked={ticked.includes(s.key)} />
                      <label class='checkbox__label' for={i === 0 ? 'components' : `components-${s.key}`}>{s.name}</label>
                    </div>
                    <Textarea name={`note-${s.key}`} label={`Nội dung cần bổ sung: ${s.name}`} rows={2} value={values[`note-${s.key}`] as string | undefined} error={errorOf(errors, `note-${s.key}`)} />
                  </div>
                ))}
              </fieldset>
            </div>
            <Textarea name='message' label='Ghi chú chung gửi công dân (nếu có)' value={values['message'] as string | undefined} />
            <Button secondary>Gửi yêu cầu bổ sung</Button>
          </Form>
        </section>
      )}
      {o.may.recordSupplement && <SupplementAtDesk d={d} url={url} errors={errors} values={values} />}
      {o.may.refuse && (
        <details class='section' open={Boolean(errorOf(errors, 'reason'))}>
          <summary>Từ chối tiếp nhận (mẫu 03)</summary>
          <Form action={`${url}/tu-choi`}>
            <Textarea name='reason' label='Lý do từ chối' value={values['reason'] as string | undefined} error={errorOf(errors, 'reason')} />
            <Button secondary>Từ chối tiếp nhận</Button>
          </Form>
        </details>
      )}

      <Timeline events={d.events} internal />
    </>
  )
}
