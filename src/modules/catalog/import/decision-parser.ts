/**
 * Parses a province's published decision on its procedure catalog, as converted from PDF to
 * markdown: Part I (one table listing every procedure by sector) and Part II (for each procedure a
 * two-column table of its attributes, then its form templates).
 *
 * The conversion breaks tables at page boundaries: a new table starts, and rows whose first cell is
 * empty continue the previous row's cells, mid-sentence or mid-word. Labels come in several styles
 * and are sometimes split across pages too. The parser handles these in general, never by line.
 */
import type { ProcedureContent } from '../catalog.types.js'
import {
  deriveOnlineLevel, parseApplicantTypes, parseComponents, parseFees, parseLevels, parseList, parseMethods,
  parseProcessingTime, parseSteps, type GovernmentLevel, type OnlineLevel
} from './fields.js'
import { cellsOf, fold, htmlToText, isSeparatorRow, isTableRow, makeJoiner, nameSimilarity, stripMarkdown } from './text.js'

type Join = (a: string, b: string) => string

import { splitTemplates, type FormTemplate } from './form-templates.js'

export interface ImportWarning { line: number, procedure?: string, message: string }

/** A structural problem: the import stops and changes nothing. */
export class DecisionFormatError extends Error {
  constructor (readonly problems: ImportWarning[]) {
    super(problems.map(p => `line ${p.line}: ${p.message}`).join('\n'))
    this.name = 'DecisionFormatError'
  }
}

/** A procedure as the decision states it: its content, plus where it sits in the document. */
export interface ParsedProcedure extends ProcedureContent {
  code: string
  sector: string
  order: number
  /** Line numbers (1-based) of the Part I row and the Part II heading. */
  lines: { partOne: number, partTwo: number }
  onlineLevel: OnlineLevel
}

export interface ParsedDecision {
  decision: { number: string, date: string, title: string }
  sectors: Array<{ name: string, count: number }>
  procedures: ParsedProcedure[]
  warnings: ImportWarning[]
}

type Field = 'steps' | 'methods' | 'components' | 'processingTime' | 'applicants' | 'agency' | 'result' | 'fees' | 'forms' | 'requirements' | 'legalBasis'

/** Row labels of Part II, by the folded words they start with. Both label sets of the decision match. */
const LABELS: Array<[RegExp, Field]> = [
  [/^trinh tu thuc hien/, 'steps'],
  [/^cach thuc thuc hien/, 'methods'],
  [/^thanh phan,? so luong ho so/, 'components'],
  [/^thoi han giai quyet/, 'processingTime'],
  [/^doi tuong thuc hien/, 'applicants'],
  [/^co quan (thuc hien|giai quyet)/, 'agency'],
  [/^ket qua/, 'result'],
  [/^(phi,? )+le phi|^phi$|^le phi/, 'fees'],
  [/^(ten )?mau don,? (mau )?to khai/, 'forms'],
  [/^yeu cau,? dieu kien/, 'requirements'],
  [/^can cu phap ly/, 'legalBasis']
]

function labelOf (cell: string): Field | undefined {
  const f = fold(htmlToText(cell)).replace(/[:;.]+\s*$/, '').replace(/\s*[:;]\s*/g, ' ').trim()
  if (!f) return undefined
  return LABELS.find(([re]) => re.test(f))?.[1]
}

const CODE = /^\d\.\d{6}\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/

function cleanCode (cell: string): string {
  return htmlToText(cell).replace(/\s+/g, '')
}

interface PartOneRow { line: number, cells: string[], sector: string, levels: GovernmentLevel[] }

export function parseDecision (source: string): ParsedDecision {
  const lines = source.split(/\r?\n/)
  const warnings: ImportWarning[] = []
  const problems: ImportWarning[] = []

  const decision = parseDecisionHeader(lines, problems)
  const partTwoStart = lines.findIndex(l => /^\s*(\*\*)?\s*PHẦN II\b/i.test(stripMarkdown(l)) || /^PHẦN II\b/i.test(stripMarkdown(l)))
  const partOneStart = lines.findIndex(l => /^Phần I\s*[:.]/i.test(stripMarkdown(l)))
  if (partOneStart < 0) problems.push({ line: 1, message: 'no Part I ("Phần I") heading' })
  if (partTwoStart < 0) problems.push({ line: 1, message: 'no Part II ("PHẦN II") heading' })
  if (problems.length > 0) throw new DecisionFormatError(problems)

  const join = makeJoiner(source)
  const partOne = parsePartOne(lines, partOneStart, partTwoStart, problems, join)
  const partTwo = parsePartTwo(lines, partTwoStart, problems, warnings, join)
  if (problems.length > 0) throw new DecisionFormatError(problems)

  const sectors = [...new Set(partOne.map(r => r.sector))]
  const procedures: ParsedProcedure[] = []
  for (const sector of sectors) {
    const rowsOne = partOne.filter(r => r.sector === sector)
    const blocksTwo = partTwo.filter(b => fold(b.sector) === fold(sector))
    if (rowsOne.length !== blocksTwo.length) {
      problems.push({ line: rowsOne[0]!.line, message: `sector "${sector}": Part I lists ${rowsOne.length} procedures, Part II describes ${blocksTwo.length}` })
      continue
    }
    rowsOne.forEach((row, i) => {
      const block = blocksTwo[i]!
      const name = htmlToText(row.cells[2] ?? '').replace(/\s+/g, ' ').trim()
      const code = cleanCode(row.cells[1] ?? '')
      if (!CODE.test(code)) {
        problems.push({ line: row.line, message: `procedure ${i + 1} of "${sector}" has no valid code (found "${code}")` })
        return
      }
      const similarity = nameSimilarity(name, block.name)
      if (similarity < 0.6) {
        warnings.push({ line: block.line, procedure: code, message: `Part I name "${name}" and Part II heading "${block.name}" differ (similarity ${similarity.toFixed(2)})` })
      }
      procedures.push(buildProcedure(code, name, sector, i + 1, row, block, warnings))
    })
  }
  for (const block of partTwo) {
    if (!sectors.some(s => fold(s) === fold(block.sector))) problems.push({ line: block.line, message: `Part II sector "${block.sector}" is not in Part I` })
  }
  if (procedures.length === 0 && problems.length === 0) problems.push({ line: partOneStart + 1, message: 'Part I lists no procedure' })
  const seen = new Map<string, number>()
  for (const p of procedures) {
    if (seen.has(p.code)) problems.push({ line: p.lines.partOne, message: `procedure code ${p.code} appears twice (also line ${seen.get(p.code)})` })
    seen.set(p.code, p.lines.partOne)
  }
  if (problems.length > 0) throw new DecisionFormatError(problems)

  return {
    decision,
    sectors: sectors.map(name => ({ name, count: procedures.filter(p => p.sector === name).length })),
    procedures,
    warnings
  }
}

function parseDecisionHeader (lines: string[], problems: ImportWarning[]): ParsedDecision['decision'] {
  // The annex names the decision it belongs to ("Ban hành kèm theo Quyết định số …"); the preamble
  // cites other decisions, so that line is preferred.
  const order = [...lines.keys()].sort((a, b) => Number(/kèm theo Quyết định/i.test(lines[b]!)) - Number(/kèm theo Quyết định/i.test(lines[a]!)) || a - b)
  for (const i of order) {
    const m = /Quyết định số\s*(\d+)\s*\/\s*(QĐ-[\wĐ]+)\s*ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})/u.exec(lines[i]!)
    if (m) {
      const title = lines.slice(0, i).map(stripMarkdown).find(l => /^Về việc/i.test(l)) ?? ''
      return { number: `${m[1]}/${m[2]}`, date: `${m[5]}-${m[4]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`, title }
    }
  }
  problems.push({ line: 1, message: 'the decision number and date ("Quyết định số N/QĐ-… ngày … tháng … năm …") were not found' })
  return { number: '', date: '', title: '' }
}

/** Part I rows, with continuation rows (empty number cell) merged cell by cell into the row above. */
function parsePartOne (lines: string[], start: number, end: number, problems: ImportWarning[], join: Join): PartOneRow[] {
  const rows: PartOneRow[] = []
  let sector: string | undefined
  let levels: GovernmentLevel[] = ['province']
  let sawTable = false
  for (let i = start; i < end; i++) {
    const line = lines[i]!
    if (!isTableRow(line) || isSeparatorRow(line)) continue
    const cells = cellsOf(line)
    const first = htmlToText(cells[0] ?? '').trim()
    if (/^stt$/i.test(first)) { sawTable = true; continue }
    if (/^[IVX]+$/.test(first)) {
      sawTable = true
      sector = htmlToText(cells[1] ?? '').replace(/^lĩnh vực\s*/i, '').replace(/\s*:.*$/, '').trim()
      sector = sector.charAt(0).toUpperCase() + sector.slice(1)
      levels = ['province']
      continue
    }
    if (/^[IVX]+\.\d+$/.test(first)) {
      const found = parseLevels(htmlToText(cells[1] ?? ''))
      levels = found.length > 0 ? found : levels
      continue
    }
    if (/^\d+$/.test(first)) {
      if (!sector) { problems.push({ line: i + 1, message: 'a procedure row comes before any sector row in Part I' }); continue }
      rows.push({ line: i + 1, cells: cells.slice(0, 7), sector, levels })
      continue
    }
    if (first === '' && rows.length > 0 && cells.some(c => htmlToText(c) !== '')) {
      const last = rows[rows.length - 1]!
      cells.slice(0, 7).forEach((c, k) => {
        if (htmlToText(c) === '') return
        // Codes are split without a space ("1.005018.00<br>0.00.00.H34"); text continues with one.
        last.cells[k] = k === 1 ? `${last.cells[k] ?? ''}${c}` : join(last.cells[k] ?? '', c)
      })
    }
  }
  if (!sawTable || rows.length === 0) problems.push({ line: start + 1, message: 'no Part I table of procedures was found' })
  return rows
}

interface PartTwoBlock { line: number, sector: string, name: string, levels: GovernmentLevel[], fields: Partial<Record<Field, string>>, templates: FormTemplate[] }

const PROCEDURE_HEADING = /^\d{1,2}\.\s*Thủ tục\s*:\s*(.+)$/u
const SECTOR_HEADING = /^[IVX]+\.\s*LĨNH VỰC\s+(.+?)\s*:\s*\d+\s*THỦ TỤC/iu
const LEVEL_HEADING = /^([A-Z]|[IVX]+\.\d+)\.\s*Thủ tục hành chính/iu

function parsePartTwo (lines: string[], start: number, problems: ImportWarning[], warnings: ImportWarning[], join: Join): PartTwoBlock[] {
  const blocks: PartTwoBlock[] = []
  let sector: string | undefined
  let levels: GovernmentLevel[] = ['province']
  for (let i = start; i < lines.length; i++) {
    const text = stripMarkdown(lines[i]!)
    const s = SECTOR_HEADING.exec(text)
    if (s) { sector = s[1]!; levels = ['province']; continue }
    if (LEVEL_HEADING.test(text)) {
      const found = parseLevels(text)
      if (found.length > 0) levels = found
      continue
    }
    const h = PROCEDURE_HEADING.exec(text)
    if (!h || isTableRow(lines[i]!)) continue
    if (!sector) { problems.push({ line: i + 1, message: 'a procedure heading comes before any sector heading in Part II' }); continue }
    const name = h[1]!.replace(/[.*]+$/, '').trim()
    const { fields, end } = readAttributeTable(lines, i + 1, name, warnings, join)
    if (!fields.steps && !fields.components) {
      problems.push({ line: i + 1, message: `procedure "${name}" in Part II has no attribute table` })
    }
    // What follows the table, up to the next heading, are the procedure's form templates.
    let next = end
    while (next < lines.length) {
      const t = stripMarkdown(lines[next]!)
      if ((PROCEDURE_HEADING.test(t) && !isTableRow(lines[next]!)) || SECTOR_HEADING.test(t) || LEVEL_HEADING.test(t)) break
      next++
    }
    blocks.push({ line: i + 1, sector, name, levels, fields, templates: splitTemplates(lines.slice(end, next)) })
    i = end - 1
  }
  return blocks
}

/**
 * Reads the attribute table after a procedure heading, across page breaks: tables separated only by
 * blank lines are one table; a row whose first cell is empty (or a one-cell row) continues the
 * current attribute; a first cell that is not a label but completes one ("Tên mẫu đơn, tờ" + "khai:")
 * is a label split across pages. The table ends at the first line of other text.
 */
function readAttributeTable (lines: string[], from: number, name: string, warnings: ImportWarning[], join: Join): { fields: Partial<Record<Field, string>>, end: number } {
  const fields: Partial<Record<Field, string>> = {}
  let current: Field | undefined
  // A first cell that is no label may be the start of one cut by a page break; its content waits.
  let pending: { label: string, content: string, line: number } | undefined
  let started = false
  let i = from
  const append = (field: Field, text: string) => { if (text && !/^\.+$/.test(htmlToText(text))) fields[field] = join(fields[field] ?? '', text) }
  const flushPending = () => {
    if (!pending) return
    if (current) {
      warnings.push({ line: pending.line, procedure: name, message: `row "${pending.label.slice(0, 40)}" is not a known label; read as a continuation of ${current}` })
      append(current, `${pending.label} ${pending.content}`)
    }
    pending = undefined
  }
  for (; i < lines.length; i++) {
    const line = lines[i]!
    if (!isTableRow(line)) {
      if (line.trim() === '') continue
      if (started) break
      if (PROCEDURE_HEADING.test(stripMarkdown(line))) break
      continue
    }
    started = true
    if (isSeparatorRow(line)) continue
    const cells = cellsOf(line)
    const [first = '', ...rest] = cells
    const content = rest.filter(c => htmlToText(c) !== '').join(' ')
    const firstText = htmlToText(first)
    if (pending && firstText) {
      const joined = labelOf(`${pending.label} ${firstText}`)
      if (joined) {
        current = joined
        append(joined, [pending.content, content].filter(Boolean).join(' '))
        pending = undefined
        continue
      }
      flushPending()
    }
    const label = labelOf(first)
    if (label) {
      flushPending()
      current = label
      append(label, content)
      continue
    }
    if (firstText && cells.length > 1) {
      if (current === 'legalBasis' && !pending) break // the attribute table is over; a form's own table follows
      if (/^\.+$/.test(firstText)) continue
      pending = { label: firstText, content, line: i + 1 }
      continue
    }
    if (pending) {
      pending.content = join(pending.content, cells.filter(c => htmlToText(c) !== '').join(' '))
      continue
    }
    if (current) append(current, cells.filter(c => htmlToText(c) !== '').join(' '))
  }
  flushPending()
  return { fields, end: i }
}

function buildProcedure (code: string, name: string, sector: string, order: number, row: PartOneRow, block: PartTwoBlock, warnings: ImportWarning[]): ParsedProcedure {
  const f = block.fields
  const warn = (message: string) => warnings.push({ line: block.line, procedure: code, message })
  const forms = parseList(f.forms ?? '')
  const { components, numberOfSets } = parseComponents(f.components ?? '', forms, warn)
  const processingTime = parseProcessingTime(f.processingTime || row.cells[3] || '')
  if (processingTime.needsReview) warn(`processing time "${processingTime.text.slice(0, 80)}" has no single duration; flagged for a catalog administrator`)
  const feeSource = f.fees ?? row.cells[5] ?? ''
  const { text: feesText, fees } = parseFees(feeSource)
  if (fees.length > 0 && fees.every(x => x.amountVnd === null) && !/phụ lục|biểu/i.test(feesText)) {
    warn('fees stated without an amount in VND; kept as text')
  }
  const methods = parseMethods(f.methods ?? '')
  for (const field of ['steps', 'methods', 'components', 'processingTime', 'agency', 'result', 'legalBasis'] as const) {
    if (!f[field]) warn(`no "${field}" row in Part II`)
  }
  return {
    code,
    name,
    sector,
    order,
    levels: row.levels.length > 1 ? row.levels : block.levels,
    lines: { partOne: row.line, partTwo: block.line },
    place: htmlToText(row.cells[4] ?? ''),
    steps: parseSteps(f.steps ?? ''),
    methods,
    onlineLevel: deriveOnlineLevel(methods),
    components,
    componentsText: htmlToText(f.components ?? ''),
    numberOfSets,
    processingTime,
    applicantTypes: parseApplicantTypes(f.applicants ?? ''),
    applicantText: htmlToText(f.applicants ?? ''),
    agencyText: htmlToText(f.agency ?? ''),
    result: htmlToText(f.result ?? ''),
    feesText,
    fees,
    forms,
    requirements: htmlToText(f.requirements ?? ''),
    legalBasis: parseList(f.legalBasis ?? row.cells[6] ?? ''),
    templates: block.templates
  }
}
