import type { OfficialRole } from '../accounts/officials.service.js'
import type { FieldError } from '../../platform/http/errors.js'

/**
 * One step of an internal process: its name, the role that does it, in which agency (the one that
 * processes the procedure, or the one-stop desk that received it), its share of the processing time
 * in percent, and its kind: ordinary work handed on to the next step, the approval that issues the
 * decision, and the return of the result.
 */
export interface ProcessStep { name: string, role: OfficialRole, at: 'processing' | 'receiving', share: number, kind: 'work' | 'approve' | 'return' }

/**
 * The default internal process where none is configured (issue 7): the specialist appraises, the
 * department head reviews, the agency leader approves, and the one-stop desk returns the result.
 */
export const DEFAULT_PROCESS: ProcessStep[] = [
  { name: 'Thẩm định hồ sơ', role: 'specialist', share: 60, at: 'processing', kind: 'work' },
  { name: 'Xem xét, trình ký', role: 'department_head', share: 20, at: 'processing', kind: 'work' },
  { name: 'Phê duyệt', role: 'agency_leader', share: 20, at: 'processing', kind: 'approve' },
  { name: 'Trả kết quả', role: 'receptionist', share: 0, at: 'receiving', kind: 'return' }
]

export const RETURN_STEP: ProcessStep = DEFAULT_PROCESS[3]!
export const WORK_ROLES: OfficialRole[] = ['specialist', 'department_head', 'agency_leader', 'receptionist']
export const APPROVE_ROLES: OfficialRole[] = ['department_head', 'agency_leader']
export const MAX_WORK_STEPS = 6

/** A process read from storage; anything malformed falls back to the default (never a broken dossier). */
export function processFrom (value: unknown): ProcessStep[] {
  if (!Array.isArray(value)) return DEFAULT_PROCESS
  return checkProcess(value as ProcessStep[]).length === 0 ? value as ProcessStep[] : DEFAULT_PROCESS
}

/** What is wrong with a process, field by field (`step-N-…`): nothing when it can be used. */
export function checkProcess (steps: ProcessStep[]): FieldError[] {
  const errors: FieldError[] = []
  const work = steps.filter(s => s.kind === 'work')
  if (work.length === 0) errors.push({ field: 'step-0-name', message: 'Quy trình cần ít nhất một bước xử lý trước bước phê duyệt' })
  if (work.length > MAX_WORK_STEPS) errors.push({ field: 'step-0-name', message: `Tối đa ${MAX_WORK_STEPS} bước xử lý` })
  if (steps.filter(s => s.kind === 'approve').length !== 1 || steps[steps.length - 2]?.kind !== 'approve') errors.push({ field: 'approve-name', message: 'Quy trình cần đúng một bước phê duyệt, ngay trước bước trả kết quả' })
  const last = steps[steps.length - 1]
  if (!last || last.kind !== 'return' || last.role !== 'receptionist' || last.at !== 'receiving') errors.push({ field: 'approve-name', message: 'Bước cuối là bộ phận một cửa trả kết quả' })
  steps.forEach((s, i) => {
    const f = s.kind === 'approve' ? 'approve' : `step-${i}`
    if (s.kind === 'return') return
    if (typeof s.name !== 'string' || s.name.trim().length < 3 || s.name.length > 100) errors.push({ field: `${f}-name`, message: 'Tên bước từ 3 đến 100 ký tự' })
    if (!(s.kind === 'approve' ? APPROVE_ROLES : WORK_ROLES).includes(s.role)) errors.push({ field: `${f}-role`, message: 'Chọn vai trò thực hiện bước này' })
    if (s.at !== 'processing' && s.at !== 'receiving') errors.push({ field: `${f}-at`, message: 'Chọn đơn vị thực hiện' })
    if (!Number.isInteger(s.share) || s.share < 1 || s.share > 100) errors.push({ field: `${f}-share`, message: 'Tỷ lệ thời gian là số nguyên từ 1 đến 100' })
  })
  const total = steps.filter(s => s.kind !== 'return').reduce((a, s) => a + (Number.isInteger(s.share) ? s.share : 0), 0)
  if (errors.length === 0 && total !== 100) errors.push({ field: 'approve-share', message: `Tổng tỷ lệ thời gian của các bước phải bằng 100% (hiện ${total}%)` })
  return errors
}

/**
 * The process editor's form: up to MAX_WORK_STEPS work rows (`step-N-name`, `-role`, `-at`, `-share`;
 * blank rows are skipped), the approval row (`approve-…`), then the fixed return step.
 */
export function readProcess (form: Record<string, string | undefined>): { steps: ProcessStep[], errors: FieldError[] } {
  const text = (k: string) => (form[k] ?? '').trim()
  const steps: ProcessStep[] = []
  for (let i = 0; i < MAX_WORK_STEPS; i++) {
    if (!text(`step-${i}-name`) && !text(`step-${i}-share`)) continue
    steps.push({ name: text(`step-${i}-name`), role: text(`step-${i}-role`) as OfficialRole, at: text(`step-${i}-at`) as ProcessStep['at'], share: Number(text(`step-${i}-share`) || NaN), kind: 'work' })
  }
  steps.push({ name: text('approve-name'), role: text('approve-role') as OfficialRole, at: 'processing', share: Number(text('approve-share') || NaN), kind: 'approve' })
  steps.push(RETURN_STEP)
  // Errors name the row as typed; renumber work rows to the form's positions.
  const errors = checkProcess(steps).map(e => {
    const m = /^step-(\d+)-(.*)$/.exec(e.field)
    if (!m) return e
    const typed = [...Array(MAX_WORK_STEPS).keys()].filter(i => text(`step-${i}-name`) || text(`step-${i}-share`))
    return { ...e, field: `step-${typed[Number(m[1])] ?? 0}-${m[2]}` }
  })
  return { steps, errors }
}

/** The form values of a process, to fill the editor. */
export function processFields (steps: ProcessStep[]): Record<string, string> {
  const out: Record<string, string> = {}
  steps.filter(s => s.kind === 'work').forEach((s, i) => {
    out[`step-${i}-name`] = s.name
    out[`step-${i}-role`] = s.role
    out[`step-${i}-at`] = s.at
    out[`step-${i}-share`] = String(s.share)
  })
  const a = steps.find(s => s.kind === 'approve')
  if (a) { out['approve-name'] = a.name; out['approve-role'] = a.role; out['approve-share'] = String(a.share) }
  return out
}
