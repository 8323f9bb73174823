import type { Selectable } from 'kysely'
import type { DossiersTable } from '../../platform/db/database.js'
import type { Actor } from '../audit/audit.service.js'
import type { Component, Fee, ProcedureContent } from '../catalog/catalog.types.js'
import type { StoredFile } from '../files/files.service.js'
import type { Person } from './dossier-form.js'

/** The journey's question pages, in order (URL slugs). The agency step exists only with a choice. */
export const STEPS = ['nguoi-nop', 'co-quan', 'thanh-phan', 'nhan-ket-qua', 'kiem-tra'] as const
export type Step = typeof STEPS[number]

export const MANDATE_KEY = 'mandate'
export const MANDATE_NAME = 'Văn bản ủy quyền nộp hồ sơ (nộp thay)'

export interface ComponentSlot {
  key: string
  name: string
  required: boolean
  copyType: Component['copyType']
  quantity: number | null
  formTemplate: string | null
}

export interface AttachedFile extends StoredFile {
  /** dossier_files.id: what "remove" names. */
  attachmentId: number
  component: string
  round: number
  superseded: boolean
  attachedAt: Date
  /** Reused from the citizen's store (2: a component, 3: a result of another dossier), with that dossier's code. */
  reused?: { digitisation: 2 | 3, dossierCode: string | null } | undefined
  /** The last day the paper is valid (YYYY-MM-DD), when an official recorded one (a result: the leader at approval). */
  validUntil?: string | undefined
}

export type FeeLine = Fee

/** A dossier entered at the counter: the form's fields and, per component, the ids of its stored scans. */
export interface CounterInput {
  procedureCode: string
  agencyCode: string
  channel: 'counter' | 'postal'
  kind: Person['kind']
  caseGroup?: string | undefined
  form: Record<string, string | undefined>
  files: Record<string, string[]>
  /** Components whose scan was sent but refused (its own message is shown): not "missing" too. */
  pending?: string[]
  /** Components received on paper only (nothing to scan, or scanned later): recorded, not "missing". */
  paper?: string[]
}

/** How a dossier came in. */
export const CHANNEL_LABELS = { online: 'Trực tuyến', counter: 'Trực tiếp', postal: 'Bưu chính' } as const

/** The component under which the back office keeps its working papers: never shown or served to the applicant. */
export const INTERNAL_COMPONENT = 'internal'

export const RATING_LABELS: Record<number, string> = { 5: 'Rất hài lòng', 4: 'Hài lòng', 3: 'Bình thường', 2: 'Không hài lòng', 1: 'Rất không hài lòng' }

export const ACTION_LABELS: Record<string, string> = {
  submit: 'Nộp hồ sơ trực tuyến',
  enter: 'Nộp hồ sơ tại bộ phận một cửa, qua bưu chính',
  receive: 'Tiếp nhận hồ sơ',
  'request-supplement': 'Yêu cầu bổ sung hồ sơ',
  refuse: 'Từ chối tiếp nhận',
  supplement: 'Công dân bổ sung hồ sơ',
  'supplement.desk': 'Bộ phận một cửa nhận hồ sơ bổ sung trực tiếp',
  'supplement-expired': 'Hết hạn bổ sung, dừng xử lý',
  'start-processing': 'Chuyển xử lý',
  'request-fees': 'Yêu cầu nộp phí, lệ phí',
  'fees-paid': 'Đã nộp phí, lệ phí',
  finish: 'Đã có kết quả giải quyết',
  'return-result': 'Trả kết quả',
  forward: 'Chuyển xử lý',
  'send-back': 'Trả lại bước trước',
  withdraw: 'Công dân rút hồ sơ',
  stop: 'Dừng xử lý',
  postpone: 'Xin lỗi và hẹn lại ngày trả kết quả',
  consult: 'Xin ý kiến cơ quan phối hợp',
  'transfer-rejected': 'Chứng từ chuyển khoản chưa được chấp nhận',
  'fees-exempt': 'Miễn phí, lệ phí',
  refund: 'Hoàn tiền phí, lệ phí',
  'refund-asked': 'Đề nghị hoàn tiền qua cổng thanh toán',
  'refund-refused': 'Cổng thanh toán không hoàn được tiền',
  'receipt-attached': 'Nhận biên lai điện tử của cổng thanh toán',
  'consult-answer': 'Cơ quan phối hợp trả lời',
  rate: 'Đánh giá mức độ hài lòng',
  reassign: 'Giao lại người xử lý',
  'record-validity': 'Ghi nhận thời hạn hiệu lực của giấy tờ'
}

/** Steps of the history only officials read: who holds a step inside the agency is not the applicant's concern. */
export const OFFICE_ONLY_ACTIONS: ReadonlySet<string> = new Set(['reassign'])

/** The dossier actions as the audit log names them (`dossier.<action>`). */
export const DOSSIER_AUDIT_LABELS: Record<string, string> = Object.fromEntries(Object.entries(ACTION_LABELS).map(([k, v]) => [`dossier.${k}`, v]))

/** Components of a procedure version for a case (when it has several) and a filing on someone's behalf. */
export function componentSlots (content: ProcedureContent, caseGroup: string | null, onBehalf: boolean): ComponentSlot[] {
  const slots: ComponentSlot[] = []
  const groups = caseGroups(content)
  content.components.forEach((c, i) => {
    if (groups.length >= 2 && c.group !== null && c.group !== caseGroup) return
    slots.push({ key: `c${i}`, name: c.name, required: c.required, copyType: c.copyType, quantity: c.quantity, formTemplate: c.formTemplate })
  })
  if (onBehalf) slots.push({ key: MANDATE_KEY, name: MANDATE_NAME, required: true, copyType: 'original', quantity: 1, formTemplate: null })
  return slots
}

/** The cases (trường hợp) a procedure's components are grouped by; two or more mean the citizen chooses. */
export function caseGroups (content: ProcedureContent): string[] {
  return [...new Set(content.components.map(c => c.group).filter((g): g is string => g !== null))]
}

/** yyyy-mm-dd and yymmdd of an instant in Vietnam time (UTC+7), where dossier codes take their date. */
export function vietnamDay (t: Date): { iso: string, short: string } {
  const iso = new Date(t.getTime() + 7 * 3600_000).toISOString().slice(0, 10)
  return { iso, short: iso.slice(2).replace(/-/g, '') }
}

export type DossierRow = Selectable<DossiersTable>

/** Lookups one address may make in a row without the applicant's ID number or phone (then 15 minutes, 30…). */
export const LOOKUP_ALLOWANCE = 10

/**
 * Who moves a dossier in the back office: the official (or the system) and the agency they act for,
 * which each step of the history names (not the receiving centre's, unless the centre did it).
 */
export type OfficeActor = Actor & { name: string, agencyCode?: string | undefined }

/**
 * A step of the history as the applicant reads it: the step, the agency and the outcome; never the
 * officials' names or their internal notes (docs/decisions/0010).
 */
export function forCitizen<E extends { actorType: string, actorId: string | null, actorName: string | null, note: string | null }> (e: E): E {
  const citizen = e.actorType === 'citizen'
  return { ...e, actorId: citizen ? e.actorId : null, actorName: citizen ? e.actorName : null, note: null }
}

/** A form an event issues, numbered in the register of `agencyCode` (the agency that issues it). */
export interface IssuedDocument { form: string, agencyCode: string, reserved?: { year: number, number: number } }

/** Which ways of handing in and receiving a procedure allows. */
export function deliveryOptions (p: { methods: { post: boolean, online: boolean }, onlineLevel: string }) {
  return { pickup: p.methods.post, post: p.methods.post, online: p.onlineLevel === 'full' }
}
