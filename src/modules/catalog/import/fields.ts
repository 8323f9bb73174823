/**
 * Turns the text of one attribute cell into structured values. Each function returns what it can
 * and says, through `warn`, what it could not; the text is always kept alongside.
 */
import { fold, htmlToLines } from './text.js'

export type DurationUnit = 'working_days' | 'working_hours' | 'calendar_days' | 'same_day'

export interface ProcessingTime {
  text: string
  value: number | null
  unit: DurationUnit | null
  /** Set when the text gives no single duration: a catalog administrator must set it. */
  needsReview: boolean
}

export interface Component {
  name: string
  copyType: 'original' | 'copy' | 'certified_copy' | 'original_or_copy' | null
  quantity: number | null
  required: boolean
  group: string | null
  formTemplate: string | null
}

export interface Fee { text: string, amountVnd: number | null }

export interface Methods { text: string, inPerson: boolean, post: boolean, online: boolean }

export type OnlineLevel = 'full' | 'partial' | 'none'
export type GovernmentLevel = 'province' | 'district' | 'commune'
export type ApplicantType = 'individual' | 'organization'

type Warn = (message: string) => void

const NUMBER_WORDS: Record<string, number> = { một: 1, hai: 2, ba: 3, bốn: 4, năm: 5, sáu: 6, bảy: 7, tám: 8, chín: 9, mười: 10 }

/**
 * "Không quá 05 ngày làm việc kể từ …" → 5 working days. Several different durations (cases, or
 * rules that changed on a date) or none at all → needsReview, with the text kept.
 */
export function parseProcessingTime (html: string): ProcessingTime {
  const lines = htmlToLines(html)
  const text = lines.join('\n')
  // The first line usually states the limit; parentheses and later lines split it into internal
  // steps ("(05 ngày kiểm tra…)"). A first line that is one case of several says nothing alone.
  const firstLine = (lines[0] ?? '').replace(/\([^)]*\)/g, ' ')
  const isCase = /^([-–+•]|đối với|trường hợp|áp dụng)/i.test(lines[0] ?? '')
  const head = isCase ? new Map() : durationsIn(firstLine)
  const all = durationsIn(text)
  const found = head.size === 1 ? head : all
  if (found.size === 1) {
    const only = [...found.values()][0]!
    return { text, value: only.value, unit: only.unit, needsReview: false }
  }
  if (all.size === 0 && /(^|\s)(ngay sau khi|trong ngay|cap ngay|ngay khi)/.test(fold(text))) {
    return { text, value: 0, unit: 'same_day', needsReview: false }
  }
  return { text, value: null, unit: null, needsReview: true }
}

function durationsIn (text: string): Map<string, { value: number, unit: DurationUnit }> {
  const found = new Map<string, { value: number, unit: DurationUnit }>()
  const pattern = /(\d{1,3}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s*(?:\([^)]*\)\s*)?(ngày làm việc|giờ làm việc|ngày|giờ)(?!\s*(?:\d|tháng))/giu
  for (const m of text.matchAll(pattern)) {
    const raw = m[1]!.toLowerCase()
    const value = /^\d+$/.test(raw) ? Number(raw) : NUMBER_WORDS[raw]!
    const word = m[2]!.toLowerCase()
    if (word === 'giờ') continue // plain hours: calendar or working is not said
    const unit: DurationUnit = word === 'ngày làm việc' ? 'working_days' : word === 'giờ làm việc' ? 'working_hours' : 'calendar_days'
    found.set(`${value} ${unit}`, { value, unit })
  }
  return found
}

/** Working days a duration stands for (8 working hours a day), where that is meaningful. */
export function workingDaysOf (t: Pick<ProcessingTime, 'value' | 'unit'>): number | null {
  if (t.value === null || t.unit === null) return null
  if (t.unit === 'working_days') return t.value
  if (t.unit === 'working_hours') return t.value / 8
  if (t.unit === 'same_day') return 0
  return null
}

const AMOUNT = /(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|đ(?!\p{L})|vnđ|vnd)/iu

/** Fee items with their amount in VND where one is stated. "Không" means no fee. */
export function parseFees (html: string): { text: string, fees: Fee[] } {
  const lines = htmlToLines(html)
  const text = lines.join('\n')
  if (lines.length === 0 || /^(không|không có|không quy định)\.?$/i.test(text.trim())) return { text, fees: [] }
  const items = mergeContinuations(lines)
  return {
    text,
    fees: items.map(item => {
      const m = AMOUNT.exec(item)
      return { text: item, amountVnd: m ? Number(m[1]!.replace(/[.,]/g, '')) : null }
    })
  }
}

/** Lines that do not start a new item (no bullet, no case label) belong to the previous one. */
function mergeContinuations (lines: string[]): string[] {
  const items: string[] = []
  for (const line of lines) {
    if (items.length > 0 && !/^([-–+•*]|[a-zđ][).]\s|\d+[.)]\s)/i.test(line) && !/^[A-ZĐÂĂÊÔƠƯ]/.test(line)) {
      items[items.length - 1] += ' ' + line
    } else {
      items.push(line)
    }
  }
  return items.map(i => i.replace(/^[-–+•*]\s*/, '').trim()).filter(i => i.length > 0)
}

export function parseMethods (html: string): Methods {
  const text = htmlToLines(html).join('\n')
  const f = fold(text)
  return {
    text,
    inPerson: /truc tiep/.test(f),
    post: /buu chinh|buu dien/.test(f),
    online: /truc tuyen|dich vu cong|qua mang|http|dien tu/.test(f)
  }
}

/** Full online needs online submission stated at level 4 ("mức độ 4" / "cấp độ 4"); any online mention is partial. */
export function deriveOnlineLevel (methods: Methods): OnlineLevel {
  if (!methods.online) return 'none'
  return /(muc|cap) do 4/.test(fold(methods.text)) ? 'full' : 'partial'
}

export function parseApplicantTypes (html: string): ApplicantType[] {
  const f = fold(htmlToLines(html).join(' '))
  const types: ApplicantType[] = []
  if (/ca nhan|cong dan|nguoi |chu phuong tien|lai xe|giao vien/.test(f)) types.push('individual')
  if (/to chuc|doanh nghiep|don vi|ho kinh doanh|co so|trung tam|hop tac xa/.test(f)) types.push('organization')
  return types
}

/** Steps: one per "Bước N"; without such markers, one per paragraph. */
export function parseSteps (html: string): string[] {
  const lines = htmlToLines(html)
  const steps: string[] = []
  const hasMarkers = lines.some(l => /^bước\s*\d/i.test(l))
  for (const line of lines) {
    if (!hasMarkers || /^bước\s*\d/i.test(line) || steps.length === 0) steps.push(line)
    else steps[steps.length - 1] += '\n' + line
  }
  return steps
}

/** A list of references (legal basis, form names): one per item. */
export function parseList (html: string): string[] {
  const lines = htmlToLines(html)
  if (lines.length === 1 && /^(không|không có)\.?$/i.test(lines[0]!)) return []
  return mergeContinuations(lines)
}

const SETS = /số lượng(?: bộ)?(?: hồ sơ)?\s*[:：]?\s*(\d{1,2}|một|hai|ba)[^\n\d]{0,12}?bộ/iu

type Marker = 'section' | 'star' | 'dash' | 'plus' | 'plusplus' | 'none'

function markerOf (line: string): { marker: Marker, text: string } {
  const rules: Array<[RegExp, Marker]> = [
    [/^[a-z]\.\d+\.?\s*/i, 'section'], // "a.1. Giấy tờ phải nộp…"
    [/^\*+\s*/, 'star'],
    [/^\+\+\s*/, 'plusplus'],
    [/^\+\s*/, 'plus'],
    [/^([-–•]|\d{1,2}[.)](?=\s))\s*/, 'dash']
  ]
  for (const [re, marker] of rules) {
    const m = re.exec(line)
    if (m) return { marker, text: line.slice(m[0].length).trim() }
  }
  return { marker: 'none', text: line }
}

const endsWithColon = (t: string) => /[:：]\s*$/.test(t)
const stripColon = (t: string) => t.replace(/[:：]\s*$/, '').trim()

/**
 * Components from "Thành phần, số lượng hồ sơ", read by the structure the decisions use:
 * "*" and "a.1." lines head a case group; a "-" line ending in ":" that starts with "Hồ sơ",
 * "Đối với" or "Trường hợp" heads a group whose "+" lines are the documents; a "+ Hồ sơ …:" line
 * under a case is a sub-group (who submits); otherwise "+" lines detail the document above them
 * (its parts, or the alternatives of "một trong các giấy tờ sau"). Text after "Lưu ý" or "Ghi chú"
 * is a note. "Số lượng hồ sơ: 01 bộ" is the number of sets.
 */
export function parseComponents (html: string, forms: string[], warn: Warn): { components: Component[], numberOfSets: string | null } {
  const components: Component[] = []
  let numberOfSets: string | null = null
  let outer: string | null = null
  let group: string | null = null
  let documentsArePlus = false
  let current: string[] | null = null
  let notes = false
  const flush = () => {
    if (current) components.push(componentOf(current.join(' '), group, forms))
    current = null
  }
  const inner = (text: string) => (outer ? `${outer} – ${stripColon(text)}` : stripColon(text))

  for (const line of htmlToLines(html)) {
    const sets = SETS.exec(line)
    if (sets) {
      flush()
      const n = sets[1]!.toLowerCase()
      numberOfSets = `${(/^\d+$/.test(n) ? Number(n) : NUMBER_WORDS[n]!).toString().padStart(2, '0')} bộ`
      continue
    }
    if (notes) continue
    if (/^[(]?(lưu ý|ghi chú)/i.test(line)) { flush(); notes = true; continue }
    if (/^[a-z][.)]\s*thành phần/i.test(line) || /^thành phần/i.test(line)) { flush(); continue }
    const { marker, text } = markerOf(line)
    const f = fold(text)
    const caseLike = /^(doi voi|truong hop|ho so|giay to|kiem dinh)/.test(f)
    // "*" also marks sub-items inside a list of alternatives ("* Quyết định tịch thu…"): those are details.
    if (marker === 'star' && current && !endsWithColon(text) && !caseLike) { current.push(text); continue }
    if (marker === 'section' || marker === 'star' || (marker === 'none' && endsWithColon(text) && caseLike)) {
      flush()
      outer = stripColon(text)
      group = outer
      documentsArePlus = false
      continue
    }
    if (marker === 'dash') {
      if (current && /^\p{Ll}/u.test(text)) { current.push(text); continue } // "- kỹ thuật" continues "kinh tế"
      flush()
      if (endsWithColon(text) && /^(ho so|doi voi|truong hop)/.test(f)) {
        group = inner(text)
        documentsArePlus = true
        continue
      }
      if (documentsArePlus) { documentsArePlus = false; group = outer }
      current = [text]
      continue
    }
    if (marker === 'plus') {
      if (documentsArePlus) { flush(); current = [text]; continue }
      if (endsWithColon(text) && /^ho so/.test(f)) { flush(); group = inner(text); continue }
      if (current) current.push(text)
      else current = [text]
      continue
    }
    if (current) current.push(text) // "++" details and lines cut by the page: part of the document above
  }
  flush()
  const documents = components.filter(c => c.name.length > 2)
  if (documents.length === 0) warn('no component could be read from "Thành phần, số lượng hồ sơ"; kept as text')
  return { components: documents, numberOfSets }
}

function componentOf (text: string, group: string | null, forms: string[]): Component {
  const f = fold(text)
  let copyType: Component['copyType'] = null
  if (/ban chinh hoac ban sao|ban sao hoac ban chinh/.test(f)) copyType = 'original_or_copy'
  else if (/ban sao co chung thuc|ban sao chung thuc|ban sao hop phap/.test(f)) copyType = 'certified_copy'
  else if (/ban sao/.test(f)) copyType = 'copy'
  else if (/ban chinh/.test(f)) copyType = 'original'
  const q = /(\d{1,2})\s*bản/iu.exec(text)
  const mentionsForm = /mau|phu luc/.test(f)
  return {
    name: text.replace(/[;.,]\s*$/, '').trim(),
    copyType,
    quantity: q ? Number(q[1]) : null,
    required: !/neu co|(truong hop|doi voi)[^.]*(neu|khi) co/.test(f),
    group,
    formTemplate: mentionsForm ? bestForm(text, forms) : null
  }
}

const STOP = new Set(['theo', 'mau', 'ban', 'cua', 'cac', 'cho', 'phu', 'luc', 'thong', 'nam', 'ngay', 'nghi', 'dinh', 'quy'])
const wordsOf = (s: string) => new Set(fold(s).split(/[^a-z0-9]+/).filter(w => w.length > 2 && !STOP.has(w)))

/** The form template a component most likely refers to: the form sharing most of the shorter name's words. */
function bestForm (text: string, forms: string[]): string | null {
  const words = wordsOf(text)
  let best: string | null = null
  let bestScore = 0
  for (const form of forms) {
    const fw = wordsOf(form)
    let common = 0
    for (const w of fw) if (words.has(w)) common++
    const score = common / Math.max(1, Math.min(fw.size, words.size))
    if (score > bestScore) { best = form; bestScore = score }
  }
  return bestScore >= 0.6 ? best : null
}

export function parseLevels (text: string): GovernmentLevel[] {
  const f = fold(text)
  if (/3 cap|ba cap/.test(f)) return ['province', 'district', 'commune']
  const levels: GovernmentLevel[] = []
  if (/cap tinh/.test(f)) levels.push('province')
  if (/cap huyen/.test(f)) levels.push('district')
  if (/cap xa/.test(f)) levels.push('commune')
  return levels
}
