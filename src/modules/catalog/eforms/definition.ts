import crypto from 'node:crypto'
import { words } from '../search/normalize.js'
import { plain, templateFor, type FormTemplate } from '../import/form-templates.js'
import { fold as foldName } from '../import/text.js'
import { REVIEWED } from './reviewed.js'

/**
 * Interactive declarations (tờ khai điện tử, Decree 45/2020 art. 9 and 14): a form template as the
 * decision prints it, turned into typed fields. Each blank ("…", "....", "…/…/…", "ngày … tháng … năm …")
 * becomes a field labelled by the words before it; a tick box ("□") a yes/no choice; a table whose rows
 * are blanks a list of rows the citizen adds to. The wording is kept: the filled form is the original
 * text with the answers in place of the blanks. Blanks after the part officials fill ("Phần ghi của …",
 * "Xác nhận của …") are left for them.
 */

export type FieldType = 'text' | 'date' | 'idNumber' | 'plate' | 'address' | 'phone' | 'email' | 'year' | 'number' | 'check'

export interface FormField { id: string, label: string, type: FieldType }

/** A piece of a line: wording, or the place of a field's answer. */
export type Part = { text: string } | { field: string }

export type Block =
  | { kind: 'line', parts: Part[], bold: boolean }
  | { kind: 'rows', id: string, label: string, columns: FormField[] }
  | { kind: 'table', rows: string[][] }

export interface FormDefinition {
  title: string
  blocks: Block[]
  /** Every field the citizen fills, in order (a repeating table's columns are in its block). */
  fields: FormField[]
  /** The text after which officials write. */
  officialsFrom: number | null
}

const BLANK = /(?:…|\.{2,}|_{3,})(?:[\s/]*(?:…|\.{2,}|_{3,}))*/gu
/** Whether a text holds a blank (BLANK without its global state). */
const HAS_BLANK = new RegExp(BLANK.source, 'u')
// "ngày … tháng … năm …", also "Sinh ngày: … tháng … năm …" and "năm 20…" (the century printed).
const DATE_WORDS = /ngày\s*:?\s*(?:…|\.{2,})+\s*tháng\s*:?\s*(?:…|\.{2,})+\s*năm\s*:?\s*(?:20\s*(?=…|\.{2,}))?(?:…|\.{2,})*/giu
const SLASH_DATE = /(?:…|\.{2,})+\s*\/\s*(?:…|\.{2,})+\s*\/\s*(?:…|\.{2,})+/gu
const TICK = /[□☐]/u
const OFFICIALS = /^(phan (ghi|danh|xac nhan)|xac nhan cua|y kien cua|danh cho co quan|can bo (lam thu tuc|tiep nhan)|ket qua kiem tra)/

const fold = (s: string) => words(s).join(' ')
const SIGNED_AT = 'Nơi ký (địa danh)'

/** The type a label asks for (its folded words). */
export function typeOf (label: string, after = ''): FieldType {
  const f = fold(label)
  // A reason, a summary, or several things asked at once ("Máy chính (số lượng, kiểu, công suất)", "dài x rộng x cao") are words.
  if (/^(ly do|noi dung|trich yeu|ghi chu)\b/.test(f) || /\([^)]*,[^)]*\)/u.test(label) || /\bdai x rong\b/.test(f)) return 'text'
  if (/\b(ngay|thoi gian) (cap|sinh|het han|dang ky|san xuat)\b|^ngay\b|\bngay thang nam\b|\bsinh ngay\b/.test(f)) return 'date'
  if (/\b(cmnd|cccd|can cuoc|dinh danh|ho chieu|chung minh)\b/.test(f) && !/\b(noi|ngay)\b/.test(f)) return 'idNumber'
  if (/\bbien (so|kiem soat)\b/.test(f) && !/\b(ngay|noi)\b/.test(f)) return 'plate'
  if (/\bdia chi\b|\bthuong tru\b|\bnoi (o|cu tru)\b/.test(f)) return 'address'
  if (/\b(dien thoai|so dt|dtdd)\b/.test(f)) return 'phone'
  if (/\b(email|thu dien tu)\b/.test(f)) return 'email'
  if (/\bnam (san xuat|sinh|che tao)\b/.test(f)) return 'year'
  if (/^\s*\((kg|kw|mm|m|cm|tan|ml|lit|cc|cm3|ghe|cho|nguoi|km)\)/i.test(after) || UNIT_AFTER.test(fold(after.slice(0, 12))) || /\b(trong luong|cong suat|so luong|so cho|so nguoi|dung tich)\b/.test(f)) return 'number'
  return 'text'
}

/** A label from the words before a blank: without numbering, list marks, Markdown and the trailing colon. */
function labelOf (before: string): string {
  // "1. Tên chủ sở hữu: 2. Số CMND: ……": the blank belongs to the last numbered item before it.
  const items = plain(before).split(/\s(?=\d{1,2}\.\s)/u)
  const label = items[items.length - 1]!.replace(UNIT_BEFORE, '').replace(/^[\s,;:]+/u, '').replace(/^\s*(?:[-+•]|\d+[.)]|[a-zđ][.)])\s*/iu, '').replace(/^\s*\(?\d+\)\s*/, '')
    .replace(/[:;,]?\s*\(\d\)\s*$/u, '').replace(/[:;,]\s*$/u, '').trim()
  return PLAIN_LABELS.find(([words]) => words.test(fold(label)))?.[1] ?? label
}

/** A unit the blank before was measured in, left before the next label ("…… m Chiều dài lớn nhất"). */
const UNIT_BEFORE = /^\s*(?:m|mm|cm|km|tấn|kg|kW|người|chiếc|cv|\(chiếc\));?\s+(?=\p{Lu})/u
/** Units printed after a blank: the answer is a number. */
const UNIT_AFTER = /^(m|mm|cm|km|tan|kg|kw|nguoi|chiec|cv|ghe|cho)\b/

/** Openings the forms use for a common particular, named as a citizen expects to read them. */
const PLAIN_LABELS: Array<[RegExp, string]> = [
  [/^toi (la|ten la)$/, 'Họ và tên'],
  [/^(nam nu|nam hoac nu|gioi tinh nam nu)$/, 'Giới tính (Nam, Nữ)'],
  [/^do$/, 'Cơ quan cấp']
]

/** The template as a definition, with the reading by hand where there is one (`reviewed.ts`). */
export function formDefinition (t: FormTemplate): FormDefinition {
  const d = generatedDefinition(t)
  const reviewed = REVIEWED[shapeOf(d)]
  if (!reviewed) return d
  const fix = (f: FormField): FormField => {
    const r = reviewed.fields[f.id]
    return r && r.was === f.label ? { ...f, ...(r.label ? { label: r.label } : {}), ...(r.type ? { type: r.type } : {}) } : f
  }
  return { ...d, fields: d.fields.map(fix), blocks: d.blocks.map(b => b.kind === 'rows' ? { ...b, columns: b.columns.map(fix) } : b) }
}

/** What names a generated form: its fields' ids and labels (transcriptions of one printed form share it). */
export function shapeOf (d: FormDefinition): string {
  return crypto.createHash('sha256').update(allFields(d).map(f => `${f.id}:${f.label}`).join('\n')).digest('hex').slice(0, 16)
}

/** The template as the generator reads it: blocks of wording and fields; ids f1, f2… in order. */
export function generatedDefinition (t: FormTemplate): FormDefinition {
  const blocks: Block[] = []
  const fields: FormField[] = []
  let n = 0
  let officialsFrom: number | null = null
  let nextLead = ''
  // Whether the line before ended on its answer's blank (a line opening with a blank then continues it).
  let endedOnBlank = false
  const field = (label: string, type: FieldType): FormField => {
    const f = { id: `f${++n}`, label: label.slice(0, 120) || `Nội dung ${n}`, type }
    fields.push(f)
    return f
  }
  const lines = t.markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    if (raw.trim() === '') continue
    const forCitizen = officialsFrom === null
    if (forCitizen && OFFICIALS.test(fold(plain(raw)))) officialsFrom = blocks.length
    if (/^\s*\|/.test(raw)) {
      const rows: string[][] = []
      while (i < lines.length && /^\s*\|/.test(lines[i]!)) {
        const cells = lines[i]!.trim().replace(/^\||\|$/g, '').split('|').map(c => plain(c))
        if (!cells.every(c => /^:?-{1,}:?$/.test(c))) rows.push(cells)
        i++
      }
      i--
      const [header, ...body] = rows
      // A table whose rows are blanks (or empty) under a header: rows the citizen adds.
      if (officialsFrom === null && header && body.length > 0 && body.every(r => r.every(c => c === '' || /^(?:…|\.+|\d+|_+)?$/u.test(c.replace(/\s/g, ''))))) {
        const id = `r${blocks.length + 1}`
        const columns = header.map((h, k) => ({ id: `${id}c${k + 1}`, label: h || `Cột ${k + 1}`, type: /^(tt|stt|so tt)$/.test(fold(h)) ? 'number' as const : typeOf(h) }))
        blocks.push({ kind: 'rows', id, label: plain(header.join(' ')).slice(0, 120), columns })
      } else {
        blocks.push({ kind: 'table', rows })
      }
      continue
    }
    const bold = /^\s*\*\*.*\*\*\s*$/.test(raw.trim())
    let text = plain(raw)
    // "7. Người đại diện theo pháp luật:" then the next item: the blank the decision's text lost.
    if (/^\d{1,2}\.\s.{2,120}:$/u.test(text) && /^\s*\d{1,2}\.\s/u.test(lines.slice(i + 1).find(l => l.trim() !== '') ?? '')) text += ' .....'
    const lead = nextLead
    const continues = endedOnBlank
    endedOnBlank = false
    // The words a line without blanks ends on with a colon label the blank lines under it ("- …", "- …").
    const onlyBlank = /^\s*(?:[-+•]\s*)?(?:…|\.{2,})+\s*$/u.test(text)
    nextLead = onlyBlank ? lead : /:\s*$/u.test(text) && !HAS_BLANK.test(text) ? labelOf(text) : ''
    if (officialsFrom !== null) { blocks.push({ kind: 'line', parts: [{ text }], bold }); continue }
    const parts: Part[] = []
    // "……, ngày … tháng … năm …": the place and the date the citizen signs.
    text = text.replace(DATE_WORDS, '\u0001').replace(SLASH_DATE, '\u0002')
    // "1. Tên chủ sở hữu: 2. Số CMND: …": an item whose blank the decision's text lost before the next item.
    text = text.replace(/((?:^|\s)\d{1,2}\.\s[^:.…]{2,80}:)\s+(?=\d{1,2}\.\s)/gu, '$1 ..... ')
    if (TICK.test(text)) {
      // Each box with the words after it (up to the next box) is a yes/no choice.
      const pieces = text.split(TICK)
      if (pieces[0]!.trim()) parts.push({ text: pieces[0]! })
      for (const p of pieces.slice(1)) {
        const f = field(labelOf(p.replace(BLANK, ' ')) || 'Lựa chọn', 'check')
        parts.push({ field: f.id }, { text: p })
      }
      blocks.push({ kind: 'line', parts, bold })
      continue
    }
    let last = 0
    const marks = [...text.matchAll(new RegExp(`\u0001|\u0002|${BLANK.source}`, 'gu'))]
    if (marks.length === 0) { blocks.push({ kind: 'line', parts: [{ text }], bold }); continue }
    for (const m of marks) {
      const before = text.slice(last, m.index)
      const after = text.slice(m.index! + m[0].length)
      if (m[0] === '\u0001') {
        if (before) parts.push({ text: before })
        const lbl = labelOf(before)
        const earlier = [...parts].reverse().find((x): x is { field: string } => 'field' in x)
        // With no words before it, the date of the answer before it ("Số giấy phép …… ngày …"), else the signing date.
        const earlierLabel = earlier ? fields.find(f => f.id === earlier.field)!.label : SIGNED_AT
        const named = lbl ? (fold(lbl).startsWith('ngay') ? lbl : `${lbl} ngày`) : earlierLabel === SIGNED_AT ? 'Ngày ký' : `${earlierLabel}: ngày`
        parts.push({ text: 'ngày ' }, { field: field(named, 'date').id })
      } else if (m[0] === '\u0002') {
        if (before) parts.push({ text: before })
        parts.push({ field: field(labelOf(before) || 'Ngày', 'date').id })
      } else {
        let label = labelOf(before)
        // A blank before ", ngày …" is the place the form is signed at.
        if (!label && /^\s*,?\s*\u0001/.test(after)) label = SIGNED_AT
        const answered = parts.some(x => 'field' in x)
        const opening = /^\s*(?:[-+•]\s*)?$/u.test(before) && !answered
        // A line that opens with its blank answers the line before it ("Số giấy chứng minh nhân dân:" / "…… cấp ngày …").
        if (!label && opening && lead) label = lead
        // Room for the answer before it, not a field: a blank after a unit or a parenthesis alone ("(kW) ……"),
        // or the first blank of a line continuing the last one's answer ("Số giấy CMND: ……" / "……, cấp ngày …").
        if ((/^\([^)]*\)$/u.test(label) && answered) || (!label && opening && continues && /^\s*,/u.test(after))) {
          parts.push({ text: before + m[0] })
          last = m.index! + m[0].length
          continue
        }
        if (!label) label = labelOf(after.replace(/[\u0001\u0002]/g, '').split(/(?:…|\.{2,})/u)[0] ?? '')
        parts.push({ text: before }, { field: field(label, typeOf(label, after)).id })
      }
      last = m.index! + m[0].length
    }
    if (last < text.length) parts.push({ text: text.slice(last) })
    blocks.push({ kind: 'line', parts: parts.filter(p => !('text' in p) || p.text !== ''), bold })
    endedOnBlank = 'field' in parts[parts.length - 1]!
  }
  return { title: t.title, blocks, fields, officialsFrom }
}

/**
 * What a catalog administrator corrected of a generated definition, by field id: a label, a type, or that
 * the field is not asked (a blank the generator took for the citizen's, e.g. one officials fill: it stays a
 * blank in the printed form). Repeating tables' columns take labels and types only.
 */
export interface FormCorrection {
  fields: Record<string, { label?: string, type?: FieldType, omit?: boolean }>
  /** Fields the generator did not find (ids a1, a2…), each at the end of a line of the citizen's part (a block's index). */
  added?: AddedField[] | undefined
}

export interface AddedField { id: string, line: number, label: string, type: FieldType }

/** The lines of the citizen's part a field may be added to: their block index and wording (blanks as "…"). */
export function citizenLines (d: FormDefinition): Array<{ line: number, text: string }> {
  const labels = new Map(d.fields.map(f => [f.id, f.label]))
  return d.blocks.flatMap((b, line) => b.kind === 'line' && (d.officialsFrom === null || line < d.officialsFrom)
    ? [{ line, text: b.parts.map(x => 'text' in x ? x.text : `[${labels.get(x.field) ?? '…'}]`).join('').trim() }]
    : []).filter(x => x.text !== '')
}

export const FIELD_TYPES: Record<FieldType, string> = {
  text: 'Chữ', date: 'Ngày', idNumber: 'Số định danh, CCCD', plate: 'Biển số xe', address: 'Địa chỉ', phone: 'Số điện thoại',
  email: 'Thư điện tử', year: 'Năm', number: 'Số', check: 'Ô đánh dấu (có/không)'
}

/** The generated definition with an administrator's corrections applied (a field or column the correction names). */
export function correctedDefinition (t: FormTemplate, correction?: FormCorrection): FormDefinition {
  const d = formDefinition(t)
  if (!correction) return d
  const fix = (f: FormField): FormField => {
    const c = correction.fields[f.id]
    return { ...f, ...(c?.label !== undefined ? { label: c.label } : {}), ...(c?.type !== undefined ? { type: c.type } : {}) }
  }
  const omitted = new Set(Object.entries(correction.fields).filter(([, c]) => c.omit).map(([id]) => id))
  const types = new Map(d.fields.map(f => [f.id, f.type]))
  const part = (p: Part): Part => 'field' in p && omitted.has(p.field) ? { text: types.get(p.field) === 'check' ? '☐' : '…………' } : p
  const added = correction.added ?? []
  const blocks = d.blocks.map((b, line) => b.kind === 'rows'
    ? { ...b, columns: b.columns.map(fix) }
    : b.kind === 'line'
      ? { ...b, parts: [...b.parts.map(part), ...added.filter(a => a.line === line).flatMap(a => [{ text: ' ' }, { field: a.id }])] }
      : b)
  // The fields in the order the form shows them: an added one where its line is.
  const byId = new Map<string, FormField>([...d.fields.filter(f => !omitted.has(f.id)).map(fix), ...added.map(a => ({ id: a.id, label: a.label, type: a.type }))].map(f => [f.id, f]))
  const fields = blocks.flatMap(b => b.kind === 'line' ? b.parts.flatMap(x => 'field' in x && byId.has(x.field) ? [byId.get(x.field)!] : []) : [])
  return { ...d, fields, blocks }
}

/** The definition of a template as the procedure's version has it (with its corrections). */
export const definitionIn = (content: { formCorrections?: Record<string, FormCorrection> | undefined }, t: FormTemplate) => correctedDefinition(t, content.formCorrections?.[t.title])

/** Every field of a definition, the repeating tables' columns included. */
export function allFields (d: FormDefinition): FormField[] {
  return [...d.fields, ...d.blocks.flatMap(b => b.kind === 'rows' ? b.columns : [])]
}

export type Answers = Record<string, string | Array<Record<string, string>>>

const ID = /^(\d{9}|\d{12}|[A-Z]\d{7,8})$/
const PLATE = /^\d{2}[A-ZĐ]{1,2}\d?[-\s.]?\d{3}\.?\d{2}$/u
const PHONE = /^(0|\+84)\d{9,10}$/
const DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/

/** The message for an answer that does not fit its type ('' when it fits, or is empty). */
export function checkAnswer (f: FormField, value: string, now = new Date()): string {
  const v = value.trim()
  if (v === '') return ''
  switch (f.type) {
    case 'date': {
      const m = DATE.exec(v)
      const d = m ? new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1])) : null
      return d && d.getDate() === Number(m![1]) && d.getMonth() === Number(m![2]) - 1 ? '' : `${f.label}: nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/08/1990`
    }
    case 'idNumber': return ID.test(v.replace(/\s/g, '').toUpperCase()) ? '' : `${f.label}: số định danh cá nhân có 12 chữ số (chứng minh nhân dân cũ 9 chữ số, hộ chiếu một chữ cái và 7–8 chữ số)`
    case 'plate': return PLATE.test(v.toUpperCase().replace(/\s+/g, '')) ? '' : `${f.label}: nhập biển số như 82C-123.45`
    case 'phone': return PHONE.test(v.replace(/[\s.]/g, '')) ? '' : `${f.label}: số điện thoại có 10 chữ số, ví dụ 0912345678`
    case 'email': return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? '' : `${f.label}: địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn`
    case 'year': return /^\d{4}$/.test(v) && Number(v) >= 1900 && Number(v) <= now.getFullYear() ? '' : `${f.label}: nhập năm có 4 chữ số, không sau năm nay`
    case 'number': return /^\d+([.,]\d+)?$/.test(v.replace(/\s/g, '')) ? '' : `${f.label}: chỉ nhập số`
    case 'check': return v === 'yes' ? '' : `${f.label}: chọn hoặc bỏ chọn`
    default: return v.length > 500 ? `${f.label}: tối đa 500 ký tự` : ''
  }
}

/** The form's wording with the answers in place of the blanks: lines of text, and the repeating rows as tables. */
export function filledText (d: FormDefinition, answers: Answers): Array<{ text: string, bold: boolean } | { table: string[][] }> {
  const value = (id: string, type?: FieldType) => {
    const v = answers[id]
    if (type === 'check') return v === 'yes' ? '☒' : '☐'
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : '…………'
  }
  const types = new Map(allFields(d).map(f => [f.id, f.type]))
  return d.blocks.map(b => {
    if (b.kind === 'table') return { table: b.rows }
    if (b.kind === 'rows') {
      const rows = Array.isArray(answers[b.id]) ? answers[b.id] as Array<Record<string, string>> : []
      return { table: [b.columns.map(c => c.label), ...rows.map(r => b.columns.map(c => r[c.id] ?? ''))] }
    }
    return { text: b.parts.map(p => 'text' in p ? p.text : value(p.field, types.get(p.field))).join(''), bold: b.bold }
  })
}

/** The answers as label and value pairs (officials read them; a repeating table's rows numbered). */
export function filledFields (d: FormDefinition, answers: Answers): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const f of d.fields) {
    const v = answers[f.id]
    if (typeof v === 'string' && v !== '') out.push([f.label, f.type === 'check' ? (v === 'yes' ? 'Có' : 'Không') : v])
  }
  for (const b of d.blocks) {
    if (b.kind !== 'rows') continue
    const rows = Array.isArray(answers[b.id]) ? answers[b.id] as Array<Record<string, string>> : []
    rows.forEach((r, i) => out.push([`Dòng ${i + 1}`, b.columns.map(c => `${c.label}: ${r[c.id] ?? ''}`).join('; ')]))
  }
  return out
}

/** The template a component's form name points to, when the decision printed it: what can be declared online. */
export function declarationTemplate (slot: { formTemplate: string | null } | undefined, templates: FormTemplate[] | undefined): FormTemplate | undefined {
  const n = slot?.formTemplate ? templateFor(slot.formTemplate, templates, foldName) : undefined
  return n === undefined ? undefined : templates![n]
}
