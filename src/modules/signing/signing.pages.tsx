import type { FastifyInstance } from 'fastify'
import { ErrorSummary } from '../../platform/html/components/ErrorSummary.js'
import { UploadForm } from '../../platform/html/components/form.js'
import { SummaryList } from '../../platform/html/components/layout-parts.js'
import { AppError } from '../../platform/http/errors.js'
import { readUploads } from '../../platform/http/uploads.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { SigningService, Verification } from './signing.service.js'

export interface SigningPagesDeps {
  signing: Pick<SigningService, 'verifyIssued' | 'verifyUpload'>
  /** The bytes of a stored file. */
  read: (fileId: string) => Promise<Buffer>
}

const MAX_CHECK_BYTES = 20 * 1024 * 1024

/** The verdict in one sentence, then each check; nothing personal beyond what the holder of the file has. */
function Result ({ v }: { v: Verification }) {
  const c = v.check
  const authentic = c.signed && c.signatureValid && c.wholeFile && c.trusted && (v.issued === null || v.unchanged)
  const verdict = !c.signed
    ? 'Tệp này không có chữ ký số.'
    : authentic
      ? (v.issued ? 'Văn bản hợp lệ: chữ ký số đúng, văn bản không bị thay đổi kể từ khi ban hành.' : 'Chữ ký số hợp lệ, nhưng văn bản này không do Cổng ban hành.')
      : 'Văn bản KHÔNG hợp lệ: không được dùng văn bản này.'
  const yes = (b: boolean, good: string, bad: string) => b ? `Đạt – ${good}` : `Không đạt – ${bad}`
  const rows: Array<[string, string]> = [
    ['Chữ ký số', c.signed ? yes(c.signatureValid, 'chữ ký khớp với nội dung văn bản', 'nội dung đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng') : 'Không có'],
    ...(c.signed ? [
      ['Phạm vi ký', yes(c.wholeFile, 'chữ ký bao trùm toàn bộ tệp', 'tệp có phần được thêm vào sau khi ký')] as [string, string],
      ['Chứng thư số', yes(c.trusted, 'do tổ chức chứng thực được tin cậy cấp, còn hiệu lực', c.revocation?.revoked ? 'chứng thư số đã bị thu hồi' : 'không xác minh được đến tổ chức chứng thực được tin cậy, hoặc đã hết hiệu lực')] as [string, string],
      ['Tình trạng thu hồi', c.revocation ? (c.revocation.revoked ? `Đã bị thu hồi (theo danh sách thu hồi ngày ${formatInstant(c.revocation.listedAt)})` : `Chưa bị thu hồi (theo danh sách thu hồi ngày ${formatInstant(c.revocation.listedAt)})`) : 'Chưa kiểm tra (chưa cấu hình danh sách thu hồi của tổ chức cấp chứng thư số này)'] as [string, string]
    ] : []),
    ...(c.signer ? [['Người ký (theo chứng thư số)', c.signer.subject.replace(/\n/g, ', ')] as [string, string], ['Chứng thư số có hiệu lực', `${formatInstant(c.signer.notBefore)} đến ${formatInstant(c.signer.notAfter)}`] as [string, string]] : []),
    ...(v.issued ? [
      ['Văn bản', v.issued.title] as [string, string],
      ['Cơ quan ban hành', v.issued.agencyName] as [string, string],
      ['Thời điểm ký', formatInstant(v.issued.signedAt)] as [string, string],
      ...(v.issued.dossierCode ? [['Mã hồ sơ', v.issued.dossierCode] as [string, string]] : []),
      ['Trùng khớp với bản Cổng lưu', v.unchanged ? 'Có – tệp giống từng byte với bản đã ban hành' : 'Không – tệp khác với bản đã ban hành'] as [string, string]
    ] : [['Trong sổ văn bản của Cổng', 'Không tìm thấy tệp này trong các văn bản Cổng đã ký số ban hành'] as [string, string]])
  ]
  return (
    <section class='section' aria-labelledby='ket-qua-xac-thuc'>
      <h2 class='heading-m' id='ket-qua-xac-thuc'>Kết quả kiểm tra</h2>
      <p class={`notice ${authentic && v.issued ? 'notice--success' : 'notice--warning'}`} role='status'><strong>{verdict}</strong></p>
      <SummaryList rows={rows} />
    </section>
  )
}

function CheckForm ({ error }: { error?: string | undefined }) {
  return (
    <section class='section' aria-labelledby='tu-kiem-tra'>
      <h2 class='heading-m' id='tu-kiem-tra'>Kiểm tra một tệp PDF bạn nhận được</h2>
      <UploadForm action='/xac-thuc' name='file' label='Tệp PDF cần kiểm tra' hint='Tệp chỉ dùng để kiểm tra, không được lưu lại. Tối đa 20 MB.' accept='.pdf,application/pdf' error={error} button='Kiểm tra' />
    </section>
  )
}

function VerifyPage ({ v, error }: { v?: Verification | undefined, error?: string | undefined }) {
  return (
    <>
      <h1 class='heading-l'>Xác thực văn bản điện tử</h1>
      <p class='body'>Văn bản kết quả do Cổng ban hành được ký số bằng chứng thư số của cơ quan. Trang này kiểm tra chữ ký số, xem văn bản có bị thay đổi sau khi ký không và chứng thư số có do tổ chức chứng thực được tin cậy cấp không.</p>
      <ErrorSummary errors={error ? [{ field: 'file', message: error }] : []} />
      {v && <Result v={v} />}
      <CheckForm error={error} />
    </>
  )
}

/** The public verification pages: the QR code's address, and the check of a file someone was given. */
export async function signingPages (app: FastifyInstance, { signing, read }: SigningPagesDeps) {
  app.get('/xac-thuc', async (_request, reply) => reply.page(<VerifyPage />, { title: 'Xác thực văn bản điện tử' }))

  app.get('/xac-thuc/:id', async (request, reply) => {
    const v = await signing.verifyIssued((request.params as { id: string }).id, read)
    if (!v) throw new AppError('NOT_FOUND', 'no such signed document')
    return reply.header('cache-control', 'no-store').page(<VerifyPage v={v} />, { title: `Xác thực: ${v.issued!.title}` })
  })

  app.post('/xac-thuc', async (request, reply) => {
    const { files } = await readUploads(request, 'file')
    const file = files.find(f => f.name !== '' || f.data.length > 0)
    const fail = (message: string) => reply.page(<VerifyPage error={message} />, { title: 'Xác thực văn bản điện tử', status: 400, hasErrors: true })
    if (!file) return fail('Chọn tệp PDF cần kiểm tra')
    const data = file.data
    if (file.truncated || data.length > MAX_CHECK_BYTES) return fail('Tệp lớn hơn 20 MB')
    if (data.subarray(0, 5).toString('latin1') !== '%PDF-') return fail('Tệp không phải PDF: chỉ văn bản PDF mới mang chữ ký số để kiểm tra')
    return reply.header('cache-control', 'no-store').page(<VerifyPage v={await signing.verifyUpload(data)} />, { title: 'Xác thực văn bản điện tử' })
  })
}
