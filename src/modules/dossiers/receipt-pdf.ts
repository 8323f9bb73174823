import { createRequire } from 'node:module'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import { pdfBytes } from '../../platform/pdf/bytes.js'
import { formatInstant } from '../../platform/vn-time.js'
import { COPY_TYPE } from '../catalog/views/labels.js'
import { formatAddress, RESULT_LABELS, submissionLabel, type Delivery, type Person } from './dossier-form.js'
import type { DossierView } from './dossiers.service.js'

const FONT_ROOT = path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/be-vietnam-pro/package.json'))
const REGULAR = path.join(FONT_ROOT, '400Regular', 'BeVietnamPro_400Regular.ttf')
const BOLD = path.join(FONT_ROOT, '700Bold', 'BeVietnamPro_700Bold.ttf')

const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`

/**
 * The submission confirmation as a PDF: national motto, portal, code, what was filed, fees, and a QR
 * code to the public lookup page. Be Vietnam Pro is embedded (subset), so Vietnamese text prints and
 * copies correctly everywhere.
 */
export async function submissionPdf (d: DossierView, site: { portalName: string, provinceName: string }, publicUrl: string): Promise<Buffer> {
  const lookupUrl = `${publicUrl}/tra-cuu-ho-so?ma=${encodeURIComponent(d.code!)}`
  const qr = await QRCode.toBuffer(lookupUrl, { type: 'png', margin: 1, width: 240, errorCorrectionLevel: 'M' })
  const doc = new PDFDocument({ size: 'A4', margins: { top: 50, bottom: 50, left: 60, right: 60 }, info: { Title: `Giấy xác nhận nộp hồ sơ ${d.code}`, Author: site.portalName }, lang: 'vi-VN', font: REGULAR } as PDFKit.PDFDocumentOptions)
  doc.registerFont('regular', REGULAR)
  doc.registerFont('bold', BOLD)
  const done = pdfBytes(doc)

  const width = doc.page.width - 120
  const left = 60
  doc.font('bold').fontSize(10).text(site.portalName.toUpperCase(), left, 50, { width: width / 2 - 10, align: 'center' })
  doc.font('regular').fontSize(9).text(site.provinceName, { width: width / 2 - 10, align: 'center' })
  doc.font('bold').fontSize(10).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + width / 2, 50, { width: width / 2, align: 'center' })
  doc.font('bold').fontSize(10).text('Độc lập - Tự do - Hạnh phúc', { width: width / 2, align: 'center', underline: true })
  doc.moveDown(2)
  doc.x = left
  doc.font('bold').fontSize(14).text('GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN', left, doc.y, { width, align: 'center' })
  doc.moveDown(0.5)
  // Centred by measuring both pieces: pdfkit's `continued` with centring prints the second over the first.
  const label = 'Mã số hồ sơ: '
  const labelWidth = doc.font('regular').fontSize(11).widthOfString(label)
  const codeWidth = doc.font('bold').fontSize(11).widthOfString(d.code!)
  const codeY = doc.y
  const start = left + (width - labelWidth - codeWidth) / 2
  doc.font('regular').text(label, start, codeY, { lineBreak: false })
  doc.font('bold').text(d.code!, start + labelWidth, codeY, { lineBreak: false })
  doc.x = left
  doc.y = codeY + doc.currentLineHeight(true)
  doc.moveDown()

  const qrSize = 110
  const qrTop = doc.y
  doc.image(qr, left + width - qrSize, qrTop, { width: qrSize })
  doc.font('regular').fontSize(8).text('Quét mã để tra cứu hồ sơ', left + width - qrSize, qrTop + qrSize + 2, { width: qrSize, align: 'center' })
  doc.x = left
  doc.y = qrTop
  const line = (label: string, value: string) => {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true, width: width - qrSize - 10 }).font('regular').text(value)
  }
  line('Thủ tục', d.procedure.name)
  line('Mã thủ tục', d.procedure.code)
  line('Cơ quan tiếp nhận', d.agency?.name ?? '')
  line('Thời điểm nộp', d.submittedAt ? formatInstant(d.submittedAt) : '')
  line('Trạng thái', d.statusLabel)
  doc.y = Math.max(doc.y, qrTop + qrSize + 16)
  doc.x = left

  const section = (title: string) => { doc.moveDown(0.8); doc.font('bold').fontSize(11).text(title, left, doc.y, { width }); doc.moveDown(0.2) }
  const person = (p: Person) => {
    line(p.kind === 'organization' ? 'Tên tổ chức' : 'Họ và tên', p.fullName)
    if (p.dateOfBirth) line('Ngày sinh', p.dateOfBirth.split('-').reverse().join('/'))
    line(p.kind === 'organization' ? 'Mã số thuế' : p.kind === 'foreigner' ? 'Số hộ chiếu' : 'Số định danh cá nhân', p.idNumber)
    line('Số điện thoại', p.phone)
    if (p.email) line('Thư điện tử', p.email)
    line('Địa chỉ', p.address)
  }
  section('Người nộp hồ sơ')
  person(d.submitter as Person)
  if (d.onBehalf) { section('Chủ hồ sơ (nộp thay)'); person(d.applicant as Person) }

  section('Thành phần hồ sơ')
  d.slots.forEach((s, i) => {
    const files = d.files.filter(f => f.component === s.key && !f.superseded)
    doc.font('regular').fontSize(10).text(`${i + 1}. ${s.name} – ${s.quantity ?? 1} ${s.copyType ? COPY_TYPE[s.copyType].toLowerCase() : 'bản'}`, { width })
    for (const f of files) doc.fontSize(9).fillColor('#444').text(`    Tệp: ${f.name} (SHA-256 ${f.sha256?.slice(0, 16) ?? ''}…)`, { width }).fillColor('black')
    if (files.length === 0) doc.fontSize(9).fillColor('#444').text('    Không có tệp', { width }).fillColor('black')
  })

  section('Phí, lệ phí')
  if (d.fees.length === 0) doc.font('regular').fontSize(10).text('Không thu phí, lệ phí.', { width })
  for (const f of d.fees) doc.font('regular').fontSize(10).text(`- ${f.text}${f.amountVnd === null ? ' (theo trường hợp cụ thể)' : ''}`, { width })
  doc.font('bold').fontSize(10).text(`Tổng: ${vnd(d.feeTotal)}`, { width })

  if ('submission' in d.delivery) {
    const del = d.delivery as Delivery
    section('Hình thức nộp và nhận kết quả')
    line('Nộp bản gốc', submissionLabel(del) + (del.pickupAddress ? ` – ${formatAddress(del.pickupAddress)}` : ''))
    line('Nhận kết quả', RESULT_LABELS[del.result] + (del.resultAddress ? ` – ${formatAddress(del.resultAddress)}` : ''))
  }

  doc.moveDown(1.2)
  doc.font('regular').fontSize(9).fillColor('#333').text(
    'Giấy này xác nhận hệ thống đã nhận hồ sơ nộp trực tuyến. Ngày hẹn trả kết quả được ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01) khi cơ quan tiếp nhận hồ sơ. ' +
    `Tra cứu tình trạng hồ sơ tại ${lookupUrl}`, left, doc.y, { width })
  doc.end()
  return done
}
