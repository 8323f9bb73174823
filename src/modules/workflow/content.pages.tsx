import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { OfficialsService } from '../accounts/officials.service.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Checkbox } from '../../platform/html/components/Checkbox.js'
import { Button, Form, Textarea, TextInput } from '../../platform/html/components/form.js'
import { DataTable, formatVnd } from '../../platform/html/components/layout-parts.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { Component, ProcedureDetail } from '../catalog/catalog.types.js'
import type { ContentEdit } from '../catalog/content-edit.js'
import { COPY_TYPE } from '../catalog/views/labels.js'
import { editableProcedure } from './catalog-admin.js'

type Values = Record<string, string | undefined>
const BASE = '/can-bo/thu-tuc'
/** Blank rows offered for new components and fees (more after saving). */
const NEW_COMPONENTS = 3
const NEW_FEES = 2

/** The form's values for the procedure as it stands: `c<i>-…` for components, `f<i>-…` for fees. */
function valuesOf (p: ProcedureDetail): Values {
  const v: Values = {}
  p.components.forEach((c, i) => {
    Object.assign(v, { [`c${i}-name`]: c.name, [`c${i}-copy`]: c.copyType ?? '', [`c${i}-quantity`]: c.quantity === null ? '' : String(c.quantity), [`c${i}-group`]: c.group ?? '', [`c${i}-form`]: c.formTemplate ?? '' })
    if (c.required) v[`c${i}-required`] = 'yes'
  })
  p.fees.forEach((f, i) => Object.assign(v, { [`f${i}-text`]: f.text, [`f${i}-amount`]: f.amountVnd === null ? '' : String(f.amountVnd) }))
  return v
}

/** Reads the rows of the form back: blank new rows and rows ticked for removal are left out. */
export function readContentForm (form: Values): ContentEdit {
  const indexes = (prefix: string, field: string) => Object.keys(form).flatMap(k => new RegExp(`^${prefix}(\\d+)-${field}$`).exec(k)?.[1] ?? []).map(Number).sort((a, b) => a - b)
  const number = (s: string | undefined) => { const t = (s ?? '').replace(/[.\s]/g, ''); return t === '' ? null : /^\d+$/.test(t) ? Number(t) : NaN }
  const components = indexes('c', 'name').filter(i => (form[`c${i}-name`] ?? '').trim() !== '' && form[`c${i}-remove`] !== 'yes').map(i => ({
    key: `c${i}`,
    name: form[`c${i}-name`] ?? '',
    copyType: (form[`c${i}-copy`] || null) as Component['copyType'],
    quantity: number(form[`c${i}-quantity`]),
    required: form[`c${i}-required`] === 'yes',
    group: form[`c${i}-group`] ?? null,
    formTemplate: form[`c${i}-form`] ?? null
  }))
  const fees = indexes('f', 'text').filter(i => (form[`f${i}-text`] ?? '').trim() !== '' && form[`f${i}-remove`] !== 'yes').map(i => ({ key: `f${i}`, text: form[`f${i}-text`] ?? '', amountVnd: number(form[`f${i}-amount`]) }))
  return { components, fees, reason: form['reason'] ?? '' }
}

function ContentPage ({ p, versions, values, errors }: { p: ProcedureDetail, versions: Awaited<ReturnType<CatalogService['listVersions']>>, values: Values, errors: FieldError[] }) {
  const url = `${BASE}/${encodeURIComponent(p.code)}/thanh-phan`
  const e = (field: string) => errorOf(errors, field)
  const componentRows = Math.max(p.components.length, ...Object.keys(values).flatMap(k => /^c(\d+)-name$/.exec(k)?.[1] ?? []).map(n => Number(n) + 1)) + NEW_COMPONENTS
  const feeRows = Math.max(p.fees.length, ...Object.keys(values).flatMap(k => /^f(\d+)-text$/.exec(k)?.[1] ?? []).map(n => Number(n) + 1)) + NEW_FEES
  return (
    <>
      <a class='back-link' href={`${BASE}/${encodeURIComponent(p.code)}`}>Thời hạn và quy trình của thủ tục</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'><span class='caption'>{p.code} · phiên bản {p.version}</span> Thành phần hồ sơ và phí, lệ phí</h1>
      <p class='body'>{p.name}</p>
      <p class='body'>Mỗi lần lưu tạo một phiên bản mới của thủ tục (hoặc sửa phiên bản chỉnh sửa chưa có hồ sơ nào dùng). Hồ sơ đã nộp giữ phiên bản của lúc nộp; công bố quyết định mới thay đổi thủ tục sẽ thay thế các chỉnh sửa này.</p>
      <Form action={url}>
        <h2 class='heading-m'>Thành phần hồ sơ</h2>
        {Array.from({ length: componentRows }, (_, i) => (
          <fieldset class='fieldset section' key={`c${i}`}>
            <legend class='label'>{i < p.components.length ? `Thành phần ${i + 1}` : `Thêm thành phần (${i + 1})`}</legend>
            <Textarea name={`c${i}-name`} label='Tên giấy tờ' rows={2} value={values[`c${i}-name`]} error={e(`c${i}-name`)} />
            <div class='form-group'>
              <label class='label' for={`c${i}-copy`}>Loại bản</label>
              <select class='select' id={`c${i}-copy`} name={`c${i}-copy`}>
                <option value=''>Không ghi</option>
                {Object.entries(COPY_TYPE).map(([k, label]) => <option key={k} value={k} selected={values[`c${i}-copy`] === k}>{label}</option>)}
              </select>
            </div>
            <TextInput name={`c${i}-quantity`} label='Số lượng (bản)' inputmode='numeric' value={values[`c${i}-quantity`]} error={e(`c${i}-quantity`)} />
            <Checkbox name={`c${i}-required`} value='yes' checked={values[`c${i}-required`] === 'yes'}>Bắt buộc</Checkbox>
            <TextInput name={`c${i}-group`} label='Trường hợp (nếu thành phần chỉ áp dụng cho một trường hợp)' value={values[`c${i}-group`]} />
            <TextInput name={`c${i}-form`} label='Mẫu đơn, tờ khai (nếu có)' value={values[`c${i}-form`]} />
            {i < p.components.length && <Checkbox name={`c${i}-remove`} value='yes' checked={values[`c${i}-remove`] === 'yes'}>Bỏ thành phần này</Checkbox>}
          </fieldset>
        ))}
        <h2 class='heading-m'>Phí, lệ phí</h2>
        {Array.from({ length: feeRows }, (_, i) => (
          <fieldset class='fieldset section' key={`f${i}`}>
            <legend class='label'>{i < p.fees.length ? `Khoản ${i + 1}` : `Thêm khoản phí, lệ phí (${i + 1})`}</legend>
            <TextInput name={`f${i}-text`} label='Tên khoản và cách thu' value={values[`f${i}-text`]} error={e(`f${i}-text`)} />
            <TextInput name={`f${i}-amount`} label='Mức thu (đồng; để trống nếu tính theo trường hợp)' inputmode='numeric' value={values[`f${i}-amount`]} error={e(`f${i}-amount`)} />
            {i < p.fees.length && <Checkbox name={`f${i}-remove`} value='yes' checked={values[`f${i}-remove`] === 'yes'}>Bỏ khoản này</Checkbox>}
          </fieldset>
        ))}
        <Textarea name='reason' label='Căn cứ thay đổi' hint='Ví dụ: Thông tư số 63/2023/TT-BTC sửa đổi mức thu lệ phí' rows={2} value={values['reason']} error={e('reason')} />
        <Button>Lưu thành phiên bản mới</Button>
      </Form>
      {(p.templates ?? []).length > 0 && (
        <section class='section' aria-labelledby='to-khai'>
          <h2 class='heading-m' id='to-khai'>Tờ khai điện tử</h2>
          <p class='body'>Các mẫu tờ khai in trong quyết định, người dân khai trực tuyến. Sửa nhãn và kiểu dữ liệu của các ô được tạo tự động:</p>
          <ul class='list'>
            {p.templates!.map((t, i) => <li key={i}><a href={`${BASE}/${encodeURIComponent(p.code)}/to-khai/${i}`}>{t.title}</a>{p.formCorrections?.[t.title] ? ' (đã sửa)' : ''}</li>)}
          </ul>
        </section>
      )}
      <section class='section' aria-labelledby='mau-ket-qua'>
        <h2 class='heading-m' id='mau-ket-qua'>Văn bản kết quả</h2>
        <p class='body'>{p.resultTemplate ? <>Lãnh đạo có thể ban hành “{p.resultTemplate.title}” theo mẫu, điền sẵn thông tin hồ sơ. </> : 'Chưa có mẫu: lãnh đạo tải lên văn bản kết quả soạn ở nơi khác. '}
          <a href={`${BASE}/${encodeURIComponent(p.code)}/mau-ket-qua`}>{p.resultTemplate ? 'Sửa mẫu văn bản kết quả' : 'Soạn mẫu văn bản kết quả'}</a></p>
      </section>
      <DataTable caption='Các phiên bản của thủ tục' captionHidden={false} rows={[...versions].reverse()} rowKey={v => String(v.id)} columns={[
        { label: 'Phiên bản', cell: v => `${v.version}${v.version === p.version ? ' (hiện hành)' : ''}` },
        { label: 'Nguồn', cell: v => v.decisionNumber === 'QTDM' ? 'Quản trị danh mục cập nhật' : `Quyết định ${v.decisionNumber}` },
        { label: 'Cập nhật', cell: v => formatInstant(v.updatedAt) },
        { label: 'Hồ sơ dùng', cell: v => v.inUse ? 'Có' : 'Chưa' }
      ]} />
      {p.fees.length > 0 && <p class='hint'>Tổng phí, lệ phí hiện hành: {formatVnd(p.fees.reduce((n, f) => n + (f.amountVnd ?? 0), 0))}</p>}
    </>
  )
}

/** What the content pages use. */
export interface ContentPagesDeps { catalog: CatalogService, officials: OfficialsService }

/**
 * `/can-bo/thu-tuc/{code}/thanh-phan`: a catalog administrator of an agency that receives or processes the
 * procedure edits its components and fees; each save is a version (catalog/content-edit.ts), audited.
 */
export async function contentPages (app: FastifyInstance, { services, requireOfficial }: { services: ContentPagesDeps, requireOfficial: RequireOfficial }) {
  const { catalog, officials } = services
  const editable = (request: FastifyRequest) => editableProcedure({ officials, catalog }, request)
  const show = async (reply: FastifyReply, p: ProcedureDetail, values: Values, errors: FieldError[]) =>
    reply.page(<ContentPage p={p} versions={await catalog.listVersions(p.code)} values={values} errors={errors} />,
      { title: `Thành phần hồ sơ và phí: ${p.name}`, ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })

  app.get(`${BASE}/:code/thanh-phan`, { preHandler: requireOfficial }, async (request, reply) => {
    const p = await editable(request)
    return show(reply, p, valuesOf(p), [])
  })

  app.post(`${BASE}/:code/thanh-phan`, { preHandler: requireOfficial }, async (request, reply) => {
    const p = await editable(request)
    const form = request.body as Values
    try {
      const version = await catalog.editContent({ type: 'official', id: request.official!.id }, p.code, readContentForm(form))
      return reply.seeOther(`${BASE}/${encodeURIComponent(p.code)}/thanh-phan`, version === 0 ? 'Không có thay đổi nào.' : `Đã lưu phiên bản ${version} của thủ tục. Hồ sơ nộp từ nay dùng phiên bản này.`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return show(reply, p, form, err.fields)
      throw err
    }
  })
}
