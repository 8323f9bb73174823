/**
 * Signing and checking a result (issue 23), in process: a one-page result PDF signed as PAdES with a
 * PKCS#12 key (QR stamp, placeholder, CMS), and checked again (signature, chain), beside the baseline of
 * making the same PDF unsigned and of reading it back with pdf-lib, in the same run.
 */
import { PDFDocument as PdfLib } from 'pdf-lib'
import PDFDocument from 'pdfkit'
import { pdfBytes } from '../src/platform/pdf/bytes.js'
import { createDemoCa, issueDemoP12, p12Key } from '../src/modules/signing/keys.js'
import { checkPdfSignature, signPdf } from '../src/modules/signing/pdf-sign.js'

async function result (): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' })
  const bytes = pdfBytes(doc)
  doc.fontSize(14).text('GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÁY CHUYÊN DÙNG', { align: 'center' }).fontSize(12).text('Số: 123/GCN — cấp cho ông Nguyễn Văn A, địa chỉ 70 Lê Hồng Phong, Kon Tum.'.repeat(8))
  doc.end()
  return bytes
}

const time = async (n: number, fn: () => Promise<unknown>) => {
  await fn()
  const t = performance.now()
  for (let i = 0; i < n; i++) await fn()
  return (performance.now() - t) / n
}

export async function benchSigning (n = 40): Promise<string[]> {
  const ca = createDemoCa()
  const key = p12Key(issueDemoP12(ca, { commonName: 'Sở Giao thông vận tải', organization: 'UBND tỉnh Kon Tum' }, 'p'), 'p')
  const pdf = await result()
  const signed = await signPdf(pdf, key, { verifyUrl: 'https://dichvucong.example.vn/xac-thuc/00000000-0000-0000-0000-000000000000', signerName: 'Sở Giao thông vận tải', reason: 'Kết quả', location: 'Kon Tum' })
  const make = await time(n, result)
  const sign = await time(n, () => signPdf(pdf, key, { verifyUrl: 'https://dichvucong.example.vn/xac-thuc/x', signerName: 'Sở Giao thông vận tải', reason: 'Kết quả', location: 'Kon Tum' }))
  const read = await time(n, () => PdfLib.load(signed))
  const check = await time(n, () => checkPdfSignature(signed, [ca.certificate]))
  return [
    `signing a result (${(pdf.length / 1024).toFixed(1)} kB PDF → ${(signed.length / 1024).toFixed(1)} kB signed): ${sign.toFixed(1)} ms each; baseline, making the same PDF unsigned: ${make.toFixed(1)} ms (${(sign / make).toFixed(1)} ×)`,
    `checking it (verification page): ${check.toFixed(1)} ms each; baseline, reading it with pdf-lib: ${read.toFixed(1)} ms (${(check / read).toFixed(1)} ×)`
  ]
}
