import type { ComponentChildren } from 'preact'
import { CaptchaField } from '../../../platform/html/components/CaptchaField.js'
import { Checkbox } from '../../../platform/html/components/Checkbox.js'
import { ErrorSummary } from '../../../platform/html/components/ErrorSummary.js'
import { Button, Conditional, FileInput, Form, MultipartForm, Radios, TextInput } from '../../../platform/html/components/form.js'
import { SummaryList } from '../../../platform/html/components/layout-parts.js'
import { errorOf, type FieldError } from '../../../platform/http/errors.js'
import type { ProcedureDetail } from '../../catalog/catalog.types.js'
import { shortDuration } from '../../catalog/views/labels.js'
import { TemplateLink } from '../../catalog/views/TemplatePage.js'
import { declarationTemplate } from '../../catalog/eforms/definition.js'
import { ACCEPT_ATTR, ACCEPTED_LABEL, formatSize } from '../../files/sniff.js'
import type { ComponentSlot } from '../model.js'
import type { StoreDocument } from '../use-cases/store.js'
import { provinceList, type Person } from '../dossier-form.js'
import type { DossiersService } from '../dossiers.service.js'
import { ComponentsTable, DeliveryList, FeesTable, FileList, PersonList, when } from './parts.js'

type Draft = Awaited<ReturnType<DossiersService['draft']>>
type Values = Record<string, string | undefined>

export const STEP_TITLES: Record<string, string> = {
  'nguoi-nop': 'Thông tin người nộp hồ sơ',
  'co-quan': 'Cơ quan tiếp nhận',
  'thanh-phan': 'Thành phần hồ sơ',
  'nhan-ket-qua': 'Hình thức nộp và nhận kết quả',
  'kiem-tra': 'Kiểm tra và nộp'
}

/** The steps this draft has: the agency step only when there is a choice. */
export function stepsOf (d: Draft): string[] {
  return Object.keys(STEP_TITLES).filter(s => s !== 'co-quan' || d.procedure.receiving.length > 1)
}

export const draftUrl = (d: { id: string }, step: string) => `/nop-ho-so/${d.id}/${step}`

/** The frame of every question page: the procedure, "step n of m", and a way back to the list of steps. */
function Journey ({ d, step, errors = [], children }: { d: Draft, step: string, errors?: FieldError[], children: ComponentChildren }) {
  const steps = stepsOf(d)
  const n = steps.indexOf(step) + 1
  const prev = steps[n - 2]
  return (
    <>
      {prev ? <a class='back-link' href={draftUrl(d, prev)}>Quay lại</a> : <a class='back-link' href={`/thu-tuc/${encodeURIComponent(d.procedure.code)}/nop-ho-so`}>Quay lại</a>}
      <ErrorSummary errors={errors} />
      <span class='caption'>{d.procedure.name}</span>
      <h1 class='heading-l'><span class='caption'>Bước {n} trên {steps.length}</span> {STEP_TITLES[step]}</h1>
      {children}
      <p class='body'>Hồ sơ được lưu nháp sau mỗi bước; bạn có thể tiếp tục sau tại <a href='/ca-nhan/ho-so'>Hồ sơ của tôi</a>.</p>
    </>
  )
}

/** "Nộp hồ sơ trực tuyến" from a procedure's page: what is needed, drafts to continue, and the start button. */
export function StartPage ({ p, drafts }: { p: ProcedureDetail, drafts: Array<{ id: string, updatedAt: Date, deleteAfter: Date }> }) {
  return (
    <>
      <a href={`/thu-tuc/${encodeURIComponent(p.code)}`} class='back-link'>Quay lại thủ tục</a>
      <span class='caption'>Nộp hồ sơ trực tuyến</span>
      <h1 class='heading-l'>{p.name}</h1>
      <SummaryList rows={[
        ['Thời hạn giải quyết', shortDuration(p.processingTime)],
        ['Cơ quan tiếp nhận', p.agencies.receiving.map(a => a.name).join('; ') || p.place]
      ]} />
      <h2 class='heading-m'>Bạn sẽ cần</h2>
      <ul class='list list--bullet'>
        {p.components.map((c, i) => <li key={i}>{c.name}{c.required ? '' : ' (không bắt buộc)'}</li>)}
      </ul>
      <p class='body'>Tệp tải lên: {ACCEPTED_LABEL}. Bạn trả lời 4 đến 5 câu hỏi; mỗi bước được lưu nháp.</p>
      {drafts.length > 0 && (
        <>
          <h2 class='heading-m'>Hồ sơ đang soạn</h2>
          <ul class='list'>
            {drafts.map(d => (
              <li key={d.id}><a href={draftUrl(d, 'kiem-tra')}>Tiếp tục hồ sơ nháp sửa lúc {when(d.updatedAt)}</a> (tự xóa sau {when(d.deleteAfter)})</li>
            ))}
          </ul>
        </>
      )}
      <Form action={`/thu-tuc/${encodeURIComponent(p.code)}/nop-ho-so`}>
        <Button>Bắt đầu nộp hồ sơ mới</Button>
      </Form>
    </>
  )
}

export function PersonFields ({ prefix, kind, values, errors }: { prefix: string, kind: Person['kind'], values: Values, errors: FieldError[] }) {
  const v = (n: string) => values[`${prefix}${n}`]
  const e = (n: string) => errorOf(errors, `${prefix}${n}`)
  const org = kind === 'organization'
  return (
    <>
      <TextInput name={`${prefix}fullName`} label={org ? 'Tên tổ chức' : 'Họ và tên'} value={v('fullName')} error={e('fullName')} autocomplete={prefix === 's-' ? 'name' : 'off'} required />
      {!org && <TextInput name={`${prefix}dateOfBirth`} label='Ngày sinh' hint='Ví dụ: 04/03/1999' value={v('dateOfBirth')} error={e('dateOfBirth')} required />}
      <TextInput name={`${prefix}idNumber`} label={org ? 'Mã số thuế' : kind === 'foreigner' ? 'Số hộ chiếu' : 'Số định danh cá nhân (căn cước)'} value={v('idNumber')} error={e('idNumber')} required />
      {!org && <TextInput name={`${prefix}idIssuedBy`} label='Nơi cấp' hint='Ví dụ: Cục Cảnh sát quản lý hành chính về trật tự xã hội' value={v('idIssuedBy')} error={e('idIssuedBy')} />}
      {kind === 'foreigner' && <TextInput name={`${prefix}nationality`} label='Quốc tịch' value={v('nationality')} error={e('nationality')} required />}
      {org && <TextInput name={`${prefix}representative`} label='Người đại diện theo pháp luật' value={v('representative')} error={e('representative')} required />}
      <TextInput name={`${prefix}phone`} label='Số điện thoại di động' type='tel' value={v('phone')} error={e('phone')} autocomplete={prefix === 's-' ? 'tel' : 'off'} required />
      <TextInput name={`${prefix}email`} label='Thư điện tử' type='email' value={v('email')} error={e('email')} autocomplete={prefix === 's-' ? 'email' : 'off'} />
      <TextInput name={`${prefix}address`} label='Địa chỉ' value={v('address')} error={e('address')} autocomplete={prefix === 's-' ? 'street-address' : 'off'} required />
    </>
  )
}

const back = (from?: string) => (from === 'kiem-tra' ? '?tu=kiem-tra' : '')

export function PartiesPage ({ d, values, errors, from }: { d: Draft, values: Values, errors: FieldError[], from?: string | undefined }) {
  const kind = (d.submitter as Person).kind
  const aKind = (values['a-kind'] ?? 'individual') as Person['kind']
  return (
    <Journey d={d} step='nguoi-nop' errors={errors}>
      <p class='body'>Thông tin lấy từ tài khoản của bạn; hãy kiểm tra và sửa nếu cần. Mục có dấu (*) là bắt buộc.</p>
      <Form action={`${draftUrl(d, 'nguoi-nop')}${back(from)}`}>
        <fieldset class='fieldset'>
          <legend class='heading-m'>Người nộp hồ sơ</legend>
          <PersonFields prefix='s-' kind={kind} values={values} errors={errors} />
        </fieldset>
        <Radios name='onBehalf' legend='Bạn nộp hồ sơ cho ai?' value={values['onBehalf']} error={errorOf(errors, 'onBehalf')} options={[
          { value: 'no', label: 'Cho chính tôi (tổ chức của tôi)' },
          { value: 'yes', label: 'Nộp thay cho người khác, có văn bản ủy quyền', hint: 'Bạn sẽ tải lên văn bản ủy quyền ở bước Thành phần hồ sơ.', reveals: true }
        ]} />
        <Conditional><fieldset class='fieldset'>
          <legend class='heading-m'>Chủ hồ sơ (người được nộp thay)</legend>
          <Radios name='a-kind' legend='Chủ hồ sơ là' value={values['a-kind'] ?? 'individual'} error={errorOf(errors, 'a-kind')} options={[
            { value: 'individual', label: 'Công dân Việt Nam' }, { value: 'organization', label: 'Tổ chức, doanh nghiệp' }, { value: 'foreigner', label: 'Người nước ngoài' }
          ]} />
          <PersonFields prefix='a-' kind={aKind} values={values} errors={errors} />
        </fieldset></Conditional>
        <Button>Lưu và tiếp tục</Button>
      </Form>
    </Journey>
  )
}

export function AgencyPage ({ d, value, errors, from }: { d: Draft, value?: string | undefined, errors: FieldError[], from?: string | undefined }) {
  return (
    <Journey d={d} step='co-quan' errors={errors}>
      <Form action={`${draftUrl(d, 'co-quan')}${back(from)}`}>
        <Radios name='agency' legend='Chọn cơ quan tiếp nhận hồ sơ' value={value ?? d.agency?.code} error={errorOf(errors, 'agency')}
          options={d.procedure.receiving.map(a => ({ value: a.code, label: a.name }))} />
        <Button>Lưu và tiếp tục</Button>
      </Form>
    </Journey>
  )
}

/** Uploads per component: files listed with name and size, removable; earlier files reusable. */
/**
 * A document of the citizen's store in place of an upload (Decree 45/2020 art. 16: not asked again for
 * what was already issued or accepted): the ones that fit the component first, opened when there are.
 */
function ReuseChoice ({ slot, offer }: { slot: ComponentSlot, offer?: { fitting: StoreDocument[], others: StoreDocument[] } | undefined }) {
  if (!offer || offer.fitting.length + offer.others.length === 0) return null
  const option = (doc: StoreDocument) => <option key={doc.entryId} value={String(doc.entryId)}>{doc.name} – {doc.file.name} ({formatSize(doc.file.size)}, hồ sơ {doc.dossierCode}, {when(doc.issuedAt)})</option>
  return (
    <details open={offer.fitting.length > 0}>
      <summary>{offer.fitting.length > 0 ? `Dùng giấy tờ có sẵn trong kho dữ liệu (${offer.fitting.length} phù hợp)` : 'Dùng giấy tờ trong kho dữ liệu của bạn'}</summary>
      <div class='form-group'>
        <label class='label' for={`dung-lai-${slot.key}`}>Giấy tờ trong kho dữ liệu</label>
        <select class='select' id={`dung-lai-${slot.key}`} name={`dung-lai-${slot.key}`}>
          <option value=''>Không dùng</option>
          {offer.fitting.length > 0 && <optgroup label='Phù hợp với thành phần này'>{offer.fitting.map(option)}</optgroup>}
          {offer.others.length > 0 && <optgroup label='Giấy tờ khác'>{offer.others.map(option)}</optgroup>}
        </select>
      </div>
    </details>
  )
}

export function ComponentsPage ({ d, errors, offers, maxFileMb, from }: { d: Draft, errors: FieldError[], offers: Map<string, { fitting: StoreDocument[], others: StoreDocument[] }>, maxFileMb: number, from?: string | undefined }) {
  const base = draftUrl(d, 'thanh-phan')
  const needCase = d.caseGroups.length >= 2
  return (
    <Journey d={d} step='thanh-phan' errors={errors}>
      <p class='body'>Chọn tệp cho các thành phần: tệp {ACCEPTED_LABEL}, mỗi tệp không quá {maxFileMb} MB. Có thể chọn nhiều tệp cho một thành phần (ví dụ ảnh từng trang) và chọn cho nhiều thành phần rồi tải lên một lần.</p>
      {needCase && (
        <Form action={`${base}/truong-hop`}>
          <Radios name='caseGroup' legend='Hồ sơ của bạn thuộc trường hợp nào?' value={d.caseGroup ?? undefined} error={errorOf(errors, 'caseGroup')}
            options={d.caseGroups.map(g => ({ value: g, label: g }))} />
          <Button secondary>Chọn trường hợp</Button>
        </Form>
      )}
      {(!needCase || d.caseGroup) && (
        <MultipartForm action={`${base}${back(from)}`}>
          {d.slots.map((s, i) => {
            const files = d.files.filter(f => f.component === s.key)
            return (
              <section class='section' key={s.key} aria-labelledby={`h-${s.key}`}>
                <h2 class='heading-s' id={`h-${s.key}`}>{i + 1}. {s.name} {s.required ? <span class='required'>(bắt buộc)</span> : <span class='hint'>(không bắt buộc)</span>}</h2>
                <p class='hint'>{s.quantity ?? 1} bản{s.formTemplate && <> · Mẫu: <TemplateLink code={d.procedure.code} templates={d.content.templates} name={s.formTemplate} /></>}</p>
                {declarationTemplate(s, d.content.templates) && (
                  <p class='body'><a href={`/nop-ho-so/${d.id}/to-khai/${s.key}`}>Khai trực tuyến<span class='visually-hidden'> “{s.name}”</span></a> – không cần in, ký và chụp lại tờ khai.</p>
                )}
                <FileList files={files} removeHref={f => `/nop-ho-so/${d.id}/tep/${f.attachmentId}/xoa`} />
                <FileInput name={`tp-${s.key}`} label={files.length > 0 ? `Thêm tệp cho “${s.name}”` : `Chọn tệp cho “${s.name}”`}
                  accept={ACCEPT_ATTR} error={errorOf(errors, `tp-${s.key}`)} />
                <ReuseChoice slot={s} offer={offers.get(s.key)} />
              </section>
            )
          })}
          <p class='body'>Các tệp đã chọn được tải lên khi bạn bấm một trong hai nút dưới đây.</p>
          <div class='button-group'>
            <button type='submit' class='button' name='action' value='continue'>Lưu và tiếp tục</button>
            <button type='submit' class='button button--secondary' name='action' value='upload'>Tải lên và ở lại trang này</button>
          </div>
        </MultipartForm>
      )}
      {needCase && !d.caseGroup && (
        <Form action={`${base}${back(from)}`}>
          <Button>Lưu và tiếp tục</Button>
        </Form>
      )}
    </Journey>
  )
}

function AddressFields ({ prefix, legend, values, errors }: { prefix: string, legend: string, values: Values, errors: FieldError[] }) {
  const e = (n: string) => errorOf(errors, `${prefix}${n}`)
  return (
    <fieldset class='fieldset'>
      <legend class='label'>{legend}</legend>
      <div class={`form-group${e('province') ? ' form-group--error' : ''}`}>
        <label class='label' for={`${prefix}province`}>Tỉnh, thành phố</label>
        {e('province') && <p class='error-message' id={`${prefix}province-error`}><span class='visually-hidden'>Lỗi:</span> {e('province')}</p>}
        <select class='select' id={`${prefix}province`} name={`${prefix}province`} aria-describedby={e('province') ? `${prefix}province-error` : undefined}>
          <option value=''>Chọn tỉnh, thành phố</option>
          {provinceList().current.map(p => <option key={p.code} value={p.code} selected={values[`${prefix}province`] === p.code}>{p.name}</option>)}
        </select>
      </div>
      <TextInput name={`${prefix}commune`} label='Xã, phường, đặc khu' value={values[`${prefix}commune`]} error={e('commune')} required />
      <TextInput name={`${prefix}district`} label='Quận, huyện cũ (nếu cần cho bưu tá)' value={values[`${prefix}district`]} error={e('district')} />
      <TextInput name={`${prefix}street`} label='Số nhà, đường, thôn, tổ dân phố' value={values[`${prefix}street`]} error={e('street')} required />
    </fieldset>
  )
}

export function DeliveryPage ({ d, values, errors, options, from }: { d: Draft, values: Values, errors: FieldError[], options: { pickup: boolean, post: boolean, online: boolean }, from?: string | undefined }) {
  return (
    <Journey d={d} step='nhan-ket-qua' errors={errors}>
      <Form action={`${draftUrl(d, 'nhan-ket-qua')}${back(from)}`}>
        <Radios name='submission' legend='Nộp bản gốc hồ sơ (khi cơ quan yêu cầu)' value={values['submission']} error={errorOf(errors, 'submission')} options={[
          { value: 'office', label: 'Tôi mang bản gốc đến cơ quan' },
          ...(options.pickup ? [{ value: 'pickup', label: 'Nhân viên bưu chính đến nhận tại địa chỉ dưới đây' }] : [])
        ]} />
        {options.pickup && <AddressFields prefix='p-' legend='Địa chỉ nhận hồ sơ (khi chọn bưu chính)' values={values} errors={errors} />}
        <Radios name='result' legend='Nhận kết quả' value={values['result']} error={errorOf(errors, 'result')} options={[
          { value: 'office', label: 'Tại cơ quan tiếp nhận' },
          ...(options.post ? [{ value: 'post', label: 'Qua dịch vụ bưu chính, tại địa chỉ dưới đây', hint: 'Cước bưu chính do người nhận trả.' }] : []),
          ...(options.online ? [{ value: 'online', label: 'Trực tuyến: tải bản điện tử trên Cổng' }] : [])
        ]} />
        {options.post && <AddressFields prefix='r-' legend='Địa chỉ nhận kết quả (khi chọn bưu chính)' values={values} errors={errors} />}
        <Button>Lưu và tiếp tục</Button>
      </Form>
    </Journey>
  )
}

function Section ({ title, change, children }: { title: string, change: string, children: ComponentChildren }) {
  return (
    <section class='section' id={change.split('/').pop()!.split('?')[0]}>
      <h2 class='heading-m'>{title} <a class='change-link' href={change}>Thay đổi<span class='visually-hidden'> {title.toLowerCase()}</span></a></h2>
      {children}
    </section>
  )
}

export function ReviewPage ({ d, errors, captcha, values }: { d: Draft, errors: FieldError[], captcha: { id: string, question: string | null }, values: Values }) {
  const change = (step: string) => `${draftUrl(d, step)}?tu=kiem-tra`
  const stepErrors = errors.filter(e => e.field in STEP_TITLES || e.field.startsWith('tp-'))
    .map(e => ({ field: e.field.startsWith('tp-') ? 'thanh-phan' : e.field, message: e.message }))
  const summary = [...stepErrors, ...errors.filter(e => !(e.field in STEP_TITLES) && !e.field.startsWith('tp-'))]
  return (
    <Journey d={d} step='kiem-tra' errors={summary}>
      <Section title='Người nộp hồ sơ' change={change('nguoi-nop')}>
        {d.stepsDone.includes('nguoi-nop') ? <PersonList p={d.submitter as Person} /> : <p class='body'>Chưa khai.</p>}
        {d.onBehalf && <><h3 class='heading-s'>Chủ hồ sơ (nộp thay)</h3><PersonList p={d.applicant as Person} /></>}
      </Section>
      {d.procedure.receiving.length > 1 && (
        <Section title='Cơ quan tiếp nhận' change={change('co-quan')}><p class='body'>{d.agency?.name ?? 'Chưa chọn'}</p></Section>
      )}
      <Section title='Thành phần hồ sơ' change={change('thanh-phan')}>
        {d.caseGroup && <p class='body'>Trường hợp: {d.caseGroup}</p>}
        <ComponentsTable slots={d.slots} files={d.files} />
      </Section>
      <Section title='Hình thức nộp và nhận kết quả' change={change('nhan-ket-qua')}>
        {d.stepsDone.includes('nhan-ket-qua') ? <DeliveryList d={d.delivery as never} /> : <p class='body'>Chưa chọn.</p>}
      </Section>
      <h2 class='heading-m'>Phí, lệ phí phải nộp</h2>
      <FeesTable fees={d.fees} payable={d.payable} />
      <Form action={`/nop-ho-so/${d.id}/nop`}>
        <CaptchaField {...captcha} error={errorOf(errors, 'captcha')} />
        <Checkbox name='declaration' value='yes' checked={values['declaration'] === 'yes'} error={errorOf(errors, 'declaration')}>
          Tôi xin chịu trách nhiệm trước pháp luật về lời khai trên
        </Checkbox>
        <Button>Nộp hồ sơ</Button>
      </Form>
      <Form action={`/nop-ho-so/${d.id}/xoa`}>
        <button type='submit' class='link-button'>Xóa hồ sơ nháp này</button>
      </Form>
    </Journey>
  )
}
