import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import fontkit from '@pdf-lib/fontkit'
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib'
import { SignPdf } from '@signpdf/signpdf'
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils'
import * as asn1js from 'asn1js'
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib'
import type { CertificateRevocationList } from 'pkijs'
import QRCode from 'qrcode'
import { cadesDetached, verifyCades, type CmsCheck, type SigningKey } from './cms.js'

const FONT = path.join(path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/tinos/package.json')), '400Regular', 'Tinos_400Regular.ttf')

/** Room kept for the CMS in the PDF (hex doubles it): ours is ~3 kB with two RSA certificates; a chain of four fits. */
const SIGNATURE_LENGTH = 8_192

class CadesSigner extends Signer {
  constructor (private readonly key: SigningKey) { super() }
  override async sign (content: Buffer): Promise<Buffer> { return cadesDetached(content, this.key) }
}

export class NotAPdf extends Error {}

/**
 * Signs a PDF as PAdES (baseline B: ETSI.CAdES.detached with the signing certificate attribute),
 * after stamping on its last page, in the bottom margin, the QR code of its verification page and
 * the words that say where to check it. Returns the signed file.
 */
export async function signPdf (pdf: Buffer, key: SigningKey, options: { verifyUrl: string, signerName: string, reason: string, location: string, at?: Date }): Promise<Buffer> {
  let doc: PDFDocument
  let page: PDFPage
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false })
    const pages = doc.getPages()
    if (pages.length === 0) throw new Error('no page')
    page = pages[pages.length - 1]!
  } catch (err) {
    throw new NotAPdf(`not a readable PDF: ${err instanceof Error ? err.message : String(err)}`)
  }
  doc.registerFontkit(fontkit)
  const font = await doc.embedFont(fs.readFileSync(FONT), { subset: true })
  const qr = await doc.embedPng(await QRCode.toBuffer(options.verifyUrl, { type: 'png', margin: 1, width: 180, errorCorrectionLevel: 'M' }))
  const { width } = page.getSize()
  const size = 46
  const x = width - 36 - size
  page.drawImage(qr, { x, y: 10, width: size, height: size })
  const lines = ['Văn bản điện tử đã được ký số.', `Ký bởi: ${options.signerName}`, 'Quét mã QR hoặc mở địa chỉ sau để kiểm tra:', options.verifyUrl]
  lines.forEach((line, i) => {
    const fontSize = i === 3 ? 6 : 7
    page.drawText(line, { x: Math.max(36, x - 6 - font.widthOfTextAtSize(line, fontSize)), y: 46 - i * 10, size: fontSize, font, color: rgb(0.1, 0.1, 0.1) })
  })
  pdflibAddPlaceholder({
    pdfDoc: doc, reason: options.reason, contactInfo: options.verifyUrl, name: options.signerName, location: options.location,
    signingTime: options.at ?? new Date(), signatureLength: SIGNATURE_LENGTH, subFilter: SUBFILTER_ETSI_CADES_DETACHED, appName: 'Một Cửa'
  })
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }))
  return new SignPdf().sign(prepared, new CadesSigner(key), options.at)
}

export interface PdfSignatureCheck extends CmsCheck {
  /** A signature was found. */
  signed: boolean
  /** The signature covers the whole file but its own value (nothing added after signing). */
  wholeFile: boolean
}

/** Finds the PDF's (last) signature and checks it: digest, signature, coverage and the chain to the roots. */
export async function checkPdfSignature (pdf: Buffer, roots: string[], at?: Date, crls: CertificateRevocationList[] = []): Promise<PdfSignatureCheck> {
  const none = { signed: false, wholeFile: false, signatureValid: false, trusted: false, signer: null }
  const at_ = pdf.lastIndexOf('/ByteRange [')
  if (at_ < 0) return none
  const m = /^\/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at_, at_ + 80).toString('latin1'))
  if (!m) return none
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number]
  if (a !== 0 || b <= 0 || c <= a + b || c + d > pdf.length) return none
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1')
  if (pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e || !/^[0-9a-fA-F]*$/.test(hex)) return none
  const raw = Buffer.from(hex, 'hex')
  // The value is padded with zeros up to the room kept for it: the CMS is its first DER element.
  const parsed = asn1js.fromBER(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer)
  if (parsed.offset === -1) return { ...none, signed: true }
  const cms = raw.subarray(0, parsed.offset)
  const content = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)])
  const check = await verifyCades(cms, content, roots, at, crls)
  return { ...check, signed: true, wholeFile: c + d === pdf.length }
}
