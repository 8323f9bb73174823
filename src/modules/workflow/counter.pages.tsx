import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { DossiersService } from '../dossiers/dossiers.service.js'
import type { FilesService } from '../files/files.service.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorMessage, ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, MultipartForm, Radios } from '../../platform/html/components/form.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { fold } from '../catalog/import/text.js'
import { readUploads } from '../../platform/http/uploads.js'
import { ACCEPT_ATTR, formatSize } from '../files/sniff.js'
import type { Person } from '../dossiers/dossier-form.js'
import { PersonFields } from '../dossiers/views/JourneyPages.js'
import type { WorkflowService } from './workflow.service.js'
import { AssessmentFields } from '../payments/AssessmentFields.js'
import { chosen } from '../files/bytes.js'
import { AssigneeSelect } from './views/AssigneeSelect.js'

type Offered = Awaited<ReturnType<WorkflowService['counterProcedures']>>[number]
type FirstStep = Awaited<ReturnType<WorkflowService['counterFirstStep']>>
type Values = Record<string, string | undefined>
const PATH = '/can-bo/tiep-nhan-truc-tiep'
const KINDS: Array<{ value: Person['kind'], label: string }> = [
  { value: 'individual', label: 'Công dân Việt Nam' }, { value: 'organization', label: 'Tổ chức, doanh nghiệp' }, { value: 'foreigner', label: 'Người nước ngoài' }
]
const CHANNELS = [{ value: 'counter', label: 'Nộp trực tiếp tại bộ phận một cửa' }, { value: 'postal', label: 'Nhận qua bưu chính' }]

/** Step 1: the procedure, who the applicant is and how the dossier came in (a GET form: nothing is written). */
function ChoosePage ({ offered, values, errors }: { offered: Offered[], values: Values, errors: FieldError[] }) {
  const chosen = offered.find(p => `${p.code}|${p.agencyCode}` === values['thu-tuc'])
  // Words typed in "Tìm thủ tục" narrow the list (without accents as with them, any order); the one chosen stays.
  const words = fold((values['tim'] ?? '').toLowerCase()).split(/\s+/).filter(Boolean)
  const shown = words.length === 0 ? offered : offered.filter(p => p === chosen || words.every(w => fold(`${p.name} ${p.code} ${p.agencyName}`.toLowerCase()).includes(w)))
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <h1 class='heading-l'>Tiếp nhận hồ sơ trực tiếp, qua bưu chính</h1>
      <ErrorSummary errors={errors} />
      <p class='body'>Nhập hồ sơ của người đến nộp tại bộ phận một cửa hoặc gửi qua bưu chính: quét từng thành phần, hệ thống cấp mã hồ sơ và giấy tiếp nhận, hẹn trả kết quả (mẫu 01) như hồ sơ trực tuyến.</p>
      <form action={PATH} method='get' noValidate role='search' aria-label='Tìm thủ tục'>
        <div class='form-group'>
          <label class='label' for='tim'>Tìm thủ tục</label>
          <div class='hint' id='tim-hint'>Gõ vài chữ trong tên hoặc mã thủ tục, có dấu hay không dấu đều được.</div>
          <input class='input' id='tim' name='tim' type='search' value={values['tim'] ?? ''} aria-describedby='tim-hint' />
        </div>
        <Button secondary>Tìm</Button>
      </form>
      <form action={PATH} method='get' noValidate>
        {values['tim'] && <input type='hidden' name='tim' value={values['tim']} />}
        <div class={`form-group${errorOf(errors, 'thu-tuc') ? ' form-group--error' : ''}`}>
          <label class='label' for='thu-tuc'>Thủ tục hành chính</label>
          <div class='hint' id='thu-tuc-hint'>{words.length > 0 ? `${shown.length} trong ${offered.length} thủ tục khớp với “${values['tim']}”.` : `${offered.length} thủ tục do bộ phận một cửa của bạn tiếp nhận.`}</div>
          <ErrorMessage id='thu-tuc' message={errorOf(errors, 'thu-tuc')} />
          <select class='select select--wide' id='thu-tuc' name='thu-tuc' aria-describedby='thu-tuc-hint'>
            <option value=''>Chọn thủ tục</option>
            {shown.map(p => <option key={`${p.code}|${p.agencyCode}`} value={`${p.code}|${p.agencyCode}`} selected={values['thu-tuc'] === `${p.code}|${p.agencyCode}`}>{p.name} ({p.agencyName})</option>)}
          </select>
        </div>
        {chosen && chosen.caseGroups.length >= 2 && (
          <Radios name='nhom' legend='Trường hợp của hồ sơ' value={values['nhom']} error={errorOf(errors, 'nhom')} options={chosen.caseGroups.map(g => ({ value: g, label: g }))} />
        )}
        <Radios name='loai' legend='Chủ hồ sơ là' value={values['loai'] ?? 'individual'} options={KINDS} />
        <Radios name='kenh' legend='Hồ sơ đến' value={values['kenh'] ?? 'counter'} options={CHANNELS} />
        <Button>Tiếp tục</Button>
      </form>
    </>
  )
}

/** Step 2: the applicant's particulars, a scan for each component, how the result goes back. */
function EnterPage ({ p, kind, channel, caseGroup, values, errors, kept, found, firstStep }: { p: Offered, kind: Person['kind'], channel: string, caseGroup: string | undefined, values: Values, errors: FieldError[], kept: Array<{ id: string, name: string, size: number, component: string }>, found?: 'account' | 'dossier' | 'none' | undefined, firstStep: FirstStep }) {
  const slots = p.slots(caseGroup)
  return (
    <>
      <a class='back-link' href={`${PATH}?thu-tuc=${encodeURIComponent(`${p.code}|${p.agencyCode}`)}`}>Chọn lại thủ tục</a>
      <h1 class='heading-l'><span class='caption'>{channel === 'postal' ? 'Hồ sơ nhận qua bưu chính' : 'Hồ sơ nộp trực tiếp'}</span> {p.name}</h1>
      <ErrorSummary errors={errors} />
      <p class='body'>Cơ quan tiếp nhận: {p.agencyName}{caseGroup ? `. Trường hợp: ${caseGroup}` : ''}. Mục có dấu (*) là bắt buộc.</p>
      <form action={PATH} method='get' noValidate role='search' aria-label='Tìm chủ hồ sơ đã có'>
        <input type='hidden' name='thu-tuc' value={`${p.code}|${p.agencyCode}`} />
        <input type='hidden' name='loai' value={kind} />
        <input type='hidden' name='kenh' value={channel} />
        {caseGroup && <input type='hidden' name='nhom' value={caseGroup} />}
        <div class='form-group'>
          <label class='label' for='so-giay-to'>Điền sẵn từ tài khoản hoặc hồ sơ trước: số CCCD, hộ chiếu hoặc mã số thuế</label>
          <input class='input input--short' id='so-giay-to' name='so-giay-to' type='text' inputMode='text' autocomplete='off' value={values['so-giay-to'] ?? ''} />
        </div>
        <Button secondary>Tìm và điền sẵn</Button>
        {found === 'account' && <p class='body' role='status'>Đã điền theo tài khoản trên Cổng của người này; hãy đối chiếu với giấy tờ gốc.</p>}
        {found === 'dossier' && <p class='body' role='status'>Đã điền theo hồ sơ nộp trước đây của người này; hãy đối chiếu với giấy tờ gốc.</p>}
        {found === 'none' && <p class='body' role='status'>Không tìm thấy tài khoản hay hồ sơ nào với số giấy tờ này; hãy nhập thông tin.</p>}
      </form>
      <MultipartForm action={PATH}>
        <input type='hidden' name='procedure' value={p.code} />
        <input type='hidden' name='agency' value={p.agencyCode} />
        <input type='hidden' name='kind' value={kind} />
        <input type='hidden' name='channel' value={channel} />
        {caseGroup && <input type='hidden' name='caseGroup' value={caseGroup} />}
        <fieldset class='fieldset'>
          <legend class='heading-m'>Chủ hồ sơ</legend>
          <PersonFields prefix='a-' kind={kind} values={values} errors={errors} />
        </fieldset>
        <fieldset class='fieldset'>
          <legend class='heading-m'>Thành phần hồ sơ (bản quét)</legend>
          <ErrorMessage id='files' message={errorOf(errors, 'files')} />
          {slots.map(s => {
            const field = `tp-${s.key}`
            const error = errorOf(errors, field)
            const have = kept.filter(k => k.component === s.key)
            return (
              <div key={s.key} class={`form-group${error ? ' form-group--error' : ''}`}>
                <label class='label' for={field}>{s.name}{s.required && <span class='required' aria-hidden='true'> (*)</span>}</label>
                <div class='hint' id={`${field}-hint`}>{s.quantity} {s.copyType === 'original' ? 'bản chính' : 'bản sao'}; mỗi trang một ảnh, đúng thứ tự (PDF, JPG, PNG).</div>
                <ErrorMessage id={field} message={error} />
                {have.length > 0 && (
                  <ul class='list'>
                    {have.map((k, i) => <li key={k.id}>Đã tải: {k.name} ({formatSize(k.size)})<input type='hidden' name={`kept-${s.key}-${i}`} value={k.id} /></li>)}
                  </ul>
                )}
                <input class='file-upload' id={field} name={field} type='file' multiple accept={ACCEPT_ATTR} aria-describedby={`${field}-hint${error ? ` ${field}-error` : ''}`} />
                <Checkbox name={`giay-${s.key}`} value='yes' checked={values[`giay-${s.key}`] === 'yes'}>Đã nhận bản giấy, không quét</Checkbox>
              </div>
            )
          })}
        </fieldset>
        <AssessmentFields fees={p.fees} values={values} errors={errors} />
        {firstStep && <AssigneeSelect candidates={firstStep.candidates} errors={errors} values={values} label={`Chuyển ${firstStep.name.toLowerCase()} cho`} />}
        <Radios name='result' legend='Trả kết quả' value={values['result'] ?? 'office'} error={errorOf(errors, 'result')} options={[
          { value: 'office', label: 'Tại bộ phận một cửa' }, { value: 'post', label: 'Qua bưu chính, đến địa chỉ của chủ hồ sơ' }
        ]} />
        <Button>Tiếp nhận hồ sơ và in giấy hẹn (mẫu 01)</Button>
      </MultipartForm>
    </>
  )
}

/** `/can-bo/tiep-nhan-truc-tiep`: the receptionist enters a walk-in or postal dossier. */
/** What the counter intake pages use. */
export interface CounterPagesDeps { workflow: WorkflowService, dossiers: DossiersService, files: FilesService }

export async function counterPages (app: FastifyInstance, { services, requireOfficial }: { services: CounterPagesDeps, requireOfficial: RequireOfficial }) {
  const { workflow } = services
  const offeredTo = async (request: FastifyRequest) => {
    const offered = await workflow.counterProcedures(request.official!)
    if (offered.length === 0) throw new AppError('FORBIDDEN', 'counter intake: receptionists only')
    return offered
  }
  const kindOf = (v: string | undefined): Person['kind'] => KINDS.some(k => k.value === v) ? v as Person['kind'] : 'individual'

  app.get(PATH, { preHandler: requireOfficial }, async (request, reply) => {
    const offered = await offeredTo(request)
    const q = request.query as Values
    if (!q['thu-tuc']) return reply.page(<ChoosePage offered={offered} values={q} errors={[]} />, { title: 'Tiếp nhận hồ sơ trực tiếp' })
    const p = offered.find(x => `${x.code}|${x.agencyCode}` === q['thu-tuc'])
    const errors: FieldError[] = []
    if (!p) errors.push({ field: 'thu-tuc', message: 'Chọn thủ tục do bộ phận một cửa của bạn tiếp nhận' })
    else if (p.caseGroups.length >= 2 && !p.caseGroups.includes(q['nhom'] ?? '')) {
      // The components depend on the case: ask for it (the first time without an error).
      if (q['nhom'] !== undefined) errors.push({ field: 'nhom', message: 'Chọn trường hợp của hồ sơ' })
      return reply.page(<ChoosePage offered={offered} values={q} errors={errors} />, { title: 'Tiếp nhận hồ sơ trực tiếp', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
    }
    if (errors.length > 0) return reply.page(<ChoosePage offered={offered} values={q} errors={errors} />, { title: 'Tiếp nhận hồ sơ trực tiếp', status: 422, hasErrors: true })
    // "Tìm và điền sẵn": the applicant from an account or an earlier dossier with that ID (audited).
    const looked = q['so-giay-to']?.trim() ? await workflow.findApplicant(request.official!, q['so-giay-to'].trim()) : undefined
    const values: Values = looked ? { 'so-giay-to': q['so-giay-to'], ...Object.fromEntries(Object.entries(looked.person).map(([k, v]) => [`a-${k}`, v ?? undefined])) } : { 'so-giay-to': q['so-giay-to'] }
    return reply.page(<EnterPage p={p!} kind={kindOf(q['loai'])} channel={q['kenh'] === 'postal' ? 'postal' : 'counter'} caseGroup={q['nhom']} values={values} errors={[]} kept={[]} found={q['so-giay-to']?.trim() ? (looked?.from ?? 'none') : undefined} firstStep={await workflow.counterFirstStep(p!.code, p!.agencyCode)} />, { title: 'Nhập hồ sơ trực tiếp' })
  })

  app.post(PATH, { preHandler: requireOfficial }, async (request, reply) => {
    const offered = await offeredTo(request)
    const { files, fields } = await readUploads(request, 'files')
    const p = offered.find(x => x.code === fields['procedure'] && x.agencyCode === fields['agency'])
    if (!p) return reply.page(<ChoosePage offered={offered} values={{}} errors={[{ field: 'thu-tuc', message: 'Chọn thủ tục do bộ phận một cửa của bạn tiếp nhận' }]} />, { title: 'Tiếp nhận hồ sơ trực tiếp', status: 422, hasErrors: true })
    const kind = kindOf(fields['kind'])
    const channel = fields['channel'] === 'postal' ? 'postal' as const : 'counter' as const
    const caseGroup = fields['caseGroup'] || undefined
    // Scans kept from an earlier try, then the new ones, stored component by component: a bad file
    // is told next to its component, and the good ones are kept for the next try.
    const slots = p.slots(caseGroup)
    const keptIds: Record<string, string[]> = {}
    for (const s of slots) keptIds[s.key] = Object.entries(fields).filter(([k]) => k.startsWith(`kept-${s.key}-`)).map(([, v]) => v)
    const errors: FieldError[] = []
    const paper = slots.filter(s => fields[`giay-${s.key}`] === 'yes').map(s => s.key)
    for (const s of slots) {
      const mine = files.filter(f => f.field === `tp-${s.key}` && chosen(f))
      if (mine.length === 0) continue
      try {
        keptIds[s.key] = [...keptIds[s.key]!, ...(await services.files.storeMany(null, mine, `tp-${s.key}`)).map(f => f.id)]
      } catch (err) {
        if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) errors.push(...err.fields)
        else throw err
      }
    }
    const render = async (errs: FieldError[]) => {
      const scans = await services.dossiers.pendingScans(Object.values(keptIds).flat())
      const kept = Object.entries(keptIds).flatMap(([component, ids]) => scans.filter(x => ids.includes(x.id)).map(x => ({ ...x, component })))
      return reply.page(<EnterPage p={p} kind={kind} channel={channel} caseGroup={caseGroup} values={fields} errors={errs} kept={kept} firstStep={await workflow.counterFirstStep(p.code, p.agencyCode)} />, { title: 'Nhập hồ sơ trực tiếp', status: 422, hasErrors: true })
    }
    if (errors.length > 0) {
      const rejected = errors.map(e => e.field.replace(/^tp-/, ''))
      return render([...await services.dossiers.counterErrors({ procedureCode: p.code, agencyCode: p.agencyCode, channel, kind, caseGroup, form: fields, files: keptIds, pending: rejected, paper }), ...errors])
    }
    try {
      const { code } = await workflow.enterAtCounter(request.official!, { procedureCode: p.code, agencyCode: p.agencyCode, channel, kind, caseGroup, form: fields, files: keptIds, paper })
      return reply.seeOther(`/can-bo/ho-so/${encodeURIComponent(code)}`, 'Đã tiếp nhận hồ sơ. In giấy tiếp nhận và hẹn trả kết quả (mẫu 01) giao cho người nộp.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return render(err.fields)
      throw err
    }
  })
}

