import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { Button, FileInput, Form, MultipartForm, TextInput } from '../../platform/html/components/form.js'
import { DataTable } from '../../platform/html/components/layout-parts.js'
import { AppError, errorOf, type FieldError } from '../../platform/http/errors.js'
import { readUploads } from '../../platform/http/uploads.js'
import { formatInstant } from '../../platform/vn-time.js'
import { KeyError } from './keys.js'
import { cnOf, type SigningService } from './signing.service.js'

type Values = Record<string, string | undefined>
type Agency = { code: string, name: string }
type Keys = Awaited<ReturnType<SigningService['keysOf']>>
const PATH = '/can-bo/chu-ky-so'
const KIND = { p12: 'Tệp PKCS#12', remote: 'Dịch vụ ký số từ xa', demo: 'CA thử nghiệm (không dùng thật)' } as const
const MAX_P12_BYTES = 64 * 1024

function AgencySelect ({ id, agencies, value, error }: { id: string, agencies: Agency[], value?: string | undefined, error?: string | undefined }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class='label' for={id}>Cơ quan</label>
      {error && <p class='error-message' id={`${id}-error`}><span class='visually-hidden'>Lỗi:</span> {error}</p>}
      <select class='select' id={id} name='agency' aria-describedby={error ? `${id}-error` : undefined}>
        {agencies.map(a => <option key={a.code} value={a.code} selected={value === a.code}>{a.name}</option>)}
      </select>
    </div>
  )
}

function KeysPage ({ agencies, keys, values, errors, form }: { agencies: Agency[], keys: Keys, values: Values, errors: FieldError[], form?: string | undefined }) {
  const err = (field: string, of: string) => form === of ? errorOf(errors, field) : undefined
  return (
    <>
      <a class='back-link' href='/can-bo'>Không gian làm việc</a>
      <ErrorSummary errors={errors} />
      <h1 class='heading-l'>Chứng thư số của cơ quan</h1>
      <p class='body'>Văn bản kết quả dạng PDF được ký số bằng chứng thư số của cơ quan khi lãnh đạo phê duyệt. Chứng thư số phải do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp và còn hiệu lực. Mật khẩu và mã truy cập được mã hóa khi lưu.</p>
      <DataTable caption='Chứng thư số đang dùng' captionHidden={false} rows={agencies} rowKey={a => a.code} columns={[
        { label: 'Cơ quan', cell: a => <>{a.name}<br /><span class='hint'>{a.code}</span></> },
        { label: 'Chứng thư số', cell: a => { const k = keys.get(a.code); return k ? <>{cnOf(k.subject)}<br /><span class='hint'>{KIND[k.kind]}</span></> : 'Chưa có (kết quả không được ký số)' } },
        { label: 'Hiệu lực đến', cell: a => { const k = keys.get(a.code); return k ? formatInstant(k.notAfter) : '—' } },
        { label: 'Cấu hình', cell: a => { const k = keys.get(a.code); return k ? `${k.createdBy}, ${formatInstant(k.createdAt)}` : '—' } }
      ]} />

      <h2 class='heading-m' id='tep-p12'>Dùng tệp PKCS#12 (.p12, .pfx)</h2>
      <MultipartForm action={`${PATH}/tep`}>
        <AgencySelect id={err('agency', 'p12') ? 'agency' : 'p12-agency'} agencies={agencies} value={form === 'p12' ? values['agency'] : undefined} error={err('agency', 'p12')} />
        <FileInput name='p12' label='Tệp chứng thư số (.p12, .pfx)' hint='Tệp gồm chứng thư số và khóa bí mật của cơ quan, tối đa 64 KB.' accept='.p12,.pfx,application/x-pkcs12' error={err('p12', 'p12')} />
        <TextInput name='passphrase' type='password' autocomplete='off' label='Mật khẩu của tệp' error={err('passphrase', 'p12')} />
        <Button>Lưu chứng thư số</Button>
      </MultipartForm>

      <h2 class='heading-m' id='ky-tu-xa'>Dùng dịch vụ ký số từ xa</h2>
      <Form action={`${PATH}/tu-xa`}>
        <AgencySelect id={err('agency', 'remote') ? 'agency' : 'remote-agency'} agencies={agencies} value={form === 'remote' ? values['agency'] : undefined} error={err('agency', 'remote')} />
        <TextInput name='url' label='Địa chỉ dịch vụ' hint='Ví dụ: https://ky-so.ca.vn/api' value={form === 'remote' ? values['url'] : undefined} error={err('url', 'remote')} />
        <TextInput name='key-id' label='Mã khóa của cơ quan tại dịch vụ' value={form === 'remote' ? values['key-id'] : undefined} error={err('key-id', 'remote')} />
        <TextInput name='token' type='password' autocomplete='off' label='Mã truy cập (token)' error={err('token', 'remote')} />
        <Button>Kết nối và lưu</Button>
      </Form>

      <h2 class='heading-m' id='thu-hoi'>Ngừng dùng chứng thư số</h2>
      <Form action={`${PATH}/thu-hoi`}>
        <AgencySelect id={err('agency', 'revoke') ? 'agency' : 'revoke-agency'} agencies={agencies.filter(a => keys.has(a.code))} error={err('agency', 'revoke')} />
        <Button secondary>Ngừng dùng</Button>
      </Form>
    </>
  )
}

export interface KeysPagesDeps {
  signing: Pick<SigningService, 'keysOf' | 'configure' | 'revoke'>
  administered: (request: FastifyRequest) => Promise<Agency[]>
  requireOfficial: (request: FastifyRequest) => Promise<unknown>
  actor: (request: FastifyRequest) => { type: 'official', id: string, name: string }
}

/** `/can-bo/chu-ky-so`: a system administrator gives the agencies they administer their seal certificates (audited). */
export async function keysPages (app: FastifyInstance, { signing, administered, requireOfficial, actor }: KeysPagesDeps) {
  const agenciesOf = async (request: FastifyRequest) => {
    await requireOfficial(request)
    const agencies = await administered(request)
    if (agencies.length === 0) throw new AppError('FORBIDDEN', 'signing keys: system administrators only')
    return agencies
  }
  const show = async (reply: FastifyReply, agencies: Agency[], values: Values = {}, errors: FieldError[] = [], form?: string) =>
    reply.page(<KeysPage agencies={agencies} keys={await signing.keysOf(agencies.map(a => a.code))} values={values} errors={errors} form={form} />,
      { title: 'Chứng thư số của cơ quan', ...(errors.length > 0 ? { status: 422, hasErrors: true } : {}) })
  const attempt = async (reply: FastifyReply, agencies: Agency[], values: Values, form: string, field: string, run: () => Promise<string>) => {
    try {
      return reply.seeOther(PATH, await run())
    } catch (err) {
      if (err instanceof KeyError) return show(reply, agencies, values, [{ field, message: err.message }], form)
      throw err
    }
  }

  app.get(PATH, async (request, reply) => show(reply, await agenciesOf(request)))

  app.post(`${PATH}/tep`, async (request, reply) => {
    const agencies = await agenciesOf(request)
    const { files, fields } = await readUploads(request, 'p12')
    const agency = agencies.find(a => a.code === fields['agency'])
    const file = files.find(f => f.name !== '' || f.size > 0)
    const errors: FieldError[] = []
    if (!agency) errors.push({ field: 'agency', message: 'Chọn một cơ quan bạn quản trị' })
    if (!file) errors.push({ field: 'p12', message: 'Chọn tệp chứng thư số (.p12 hoặc .pfx)' })
    else if (file.truncated || file.size > MAX_P12_BYTES) errors.push({ field: 'p12', message: 'Tệp lớn hơn 64 KB: không phải tệp chứng thư số' })
    if (!fields['passphrase']) errors.push({ field: 'passphrase', message: 'Nhập mật khẩu của tệp' })
    if (errors.length > 0) return show(reply, agencies, fields, errors, 'p12')
    return attempt(reply, agencies, fields, 'p12', 'p12', async () => {
      const r = await signing.configure(actor(request), agency!.code, { p12: file!.data, passphrase: fields['passphrase']! })
      return `Đã lưu chứng thư số của ${agency!.name}: ${cnOf(r.subject)}, hiệu lực đến ${formatInstant(r.notAfter)}.`
    })
  })

  app.post(`${PATH}/tu-xa`, async (request, reply) => {
    const agencies = await agenciesOf(request)
    const form = request.body as Values
    const agency = agencies.find(a => a.code === form['agency'])
    const url = (form['url'] ?? '').trim()
    const keyId = (form['key-id'] ?? '').trim()
    const errors: FieldError[] = []
    if (!agency) errors.push({ field: 'agency', message: 'Chọn một cơ quan bạn quản trị' })
    if (!/^https?:\/\/[^\s/]+/.test(url) || url.length > 300) errors.push({ field: 'url', message: 'Nhập địa chỉ dịch vụ, bắt đầu bằng https://' })
    if (!keyId || keyId.length > 200) errors.push({ field: 'key-id', message: 'Nhập mã khóa của cơ quan tại dịch vụ' })
    if (errors.length > 0) return show(reply, agencies, form, errors, 'remote')
    return attempt(reply, agencies, form, 'remote', 'url', async () => {
      const r = await signing.configure(actor(request), agency!.code, { url, keyId, token: form['token'] ?? '' })
      return `Đã kết nối dịch vụ ký số từ xa cho ${agency!.name}: ${cnOf(r.subject)}, hiệu lực đến ${formatInstant(r.notAfter)}.`
    })
  })

  app.post(`${PATH}/thu-hoi`, async (request, reply) => {
    const agencies = await agenciesOf(request)
    const form = request.body as Values
    const agency = agencies.find(a => a.code === form['agency'])
    if (!agency) return show(reply, agencies, form, [{ field: 'agency', message: 'Chọn một cơ quan bạn quản trị' }], 'revoke')
    await signing.revoke(actor(request), agency.code)
    return reply.seeOther(PATH, `Đã ngừng dùng chứng thư số của ${agency.name}; kết quả của cơ quan không được ký số cho đến khi có chứng thư số mới.`)
  })
}
