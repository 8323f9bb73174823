/**
 * The type of an uploaded file, read from its bytes: the name a browser sends is never trusted.
 * Only the kinds the portal accepts are recognized; anything else (an executable renamed .pdf,
 * a text file, an empty file) is undefined.
 */
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

export function sniff (data: Buffer): SniffedType | undefined {
  if (data.length < 8) return undefined
  // A PDF may have a few bytes of garbage before its header; readers accept it within the first 1 KB.
  const head = data.subarray(0, 1024)
  if (head.indexOf('%PDF-') >= 0 && data.lastIndexOf('%%EOF') > 0) return PDF
  if (starts(data, [0xff, 0xd8, 0xff])) return JPEG
  if (starts(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG
  if (starts(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleKind(data)
  if (starts(data, [0x50, 0x4b, 0x03, 0x04])) return zipKind(data)
  return undefined
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
