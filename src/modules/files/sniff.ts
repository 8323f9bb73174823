/**
 * The type of an uploaded file, read from its bytes: the name a browser sends is never trusted.
 * Only the kinds the portal accepts are recognized; anything else (an executable renamed .pdf,
 * a text file, an empty file) is undefined.
 */
import { headOf, joined } from './bytes.js'

export interface SniffedType { mediaType: string, ext: string, label: string }

const PDF: SniffedType = { mediaType: 'application/pdf', ext: 'pdf', label: 'PDF' }
const JPEG: SniffedType = { mediaType: 'image/jpeg', ext: 'jpg', label: 'JPEG' }
const PNG: SniffedType = { mediaType: 'image/png', ext: 'png', label: 'PNG' }
const DOC: SniffedType = { mediaType: 'application/msword', ext: 'doc', label: 'DOC' }
const XLS: SniffedType = { mediaType: 'application/vnd.ms-excel', ext: 'xls', label: 'XLS' }
const DOCX: SniffedType = { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', label: 'DOCX' }
const XLSX: SniffedType = { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', label: 'XLSX' }

export const ACCEPTED_LABEL = 'PDF, JPEG, PNG, DOC, DOCX, XLS, XLSX'
/** For the file input's accept attribute (a hint to the browser; the server decides). */
export const ACCEPT_ATTR = '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,application/pdf,image/jpeg,image/png'

const starts = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v)

export function sniff (input: Buffer | readonly Buffer[]): SniffedType | undefined {
  const chunks = Buffer.isBuffer(input) ? [input] : input
  const size = chunks.reduce((n, c) => n + c.length, 0)
  if (size < 8) return undefined
  // A PDF may have a few bytes of garbage before its header; readers accept it within the first 1 KB.
  const head = headOf(chunks, 1024)
  if (head.indexOf('%PDF-') >= 0 && endMarkerAfterStart(chunks)) return PDF
  if (starts(head, [0xff, 0xd8, 0xff])) return JPEG
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleKind(joined(chunks))
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) return zipKind(joined(chunks))
  return undefined
}

/**
 * Whether "%%EOF" occurs anywhere but at the very start. It ends a PDF, so it is looked for in the
 * last chunk first; only a file where it is not there (or straddles two chunks) is searched whole.
 */
function endMarkerAfterStart (chunks: readonly Buffer[]): boolean {
  const last = chunks[chunks.length - 1]!
  const at = last.lastIndexOf('%%EOF')
  if (at > 0 || (at === 0 && chunks.length > 1)) return true
  return chunks.length > 1 && joined(chunks).lastIndexOf('%%EOF') > 0
}

/** Word and Excel 97–2003 files are OLE compound files; the stream names tell them apart. */
function oleKind (data: Buffer): SniffedType | undefined {
  const utf16 = (s: string) => Buffer.from(s, 'utf16le')
  if (data.indexOf(utf16('WordDocument')) >= 0) return DOC
  if (data.indexOf(utf16('Workbook')) >= 0 || data.indexOf(utf16('Book')) >= 0) return XLS
  return undefined
}

/**
 * Office Open XML files are ZIP archives; the entry names (stored uncompressed in each local
 * header and in the central directory) say whether it is a document or a workbook.
 */
function zipKind (data: Buffer): SniffedType | undefined {
  if (data.indexOf('[Content_Types].xml') < 0) return undefined
  if (data.indexOf('word/document') >= 0) return DOCX
  if (data.indexOf('xl/workbook') >= 0) return XLSX
  return undefined
}

/** "1,5 MB", "820 KB": sizes the way Vietnamese readers write them. */
export function formatSize (bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}
