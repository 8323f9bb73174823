import type { ProcessStep } from './process.js'
import type { OfficialRole } from '../accounts/officials.service.js'
import type { FormKey } from './form-wording.js'

/** The official's step queues: steps to work on, approvals (the leader's step), results to return. */
export type StepQueue = 'cua-toi' | 'cho-phe-duyet' | 'cho-tra-ket-qua'
export const QUEUE_KINDS: Record<StepQueue, ProcessStep['kind']> = { 'cua-toi': 'work', 'cho-phe-duyet': 'approve', 'cho-tra-ket-qua': 'return' }

/** Roles that work on dossiers (administrators of the catalog or of accounts see none). */
export const CASE_ROLES: OfficialRole[] = ['receptionist', 'specialist', 'department_head', 'agency_leader']

export const ONCE_POSTPONED = 'Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần nữa.'

/** The most dossiers one printed register holds; a longer period is asked to be split. */
export const REGISTER_LIMIT = 5000

/** Whose register (form 07): the dossiers an agency received, or those it processes. */
export type RegisterBy = 'receiving' | 'processing'

export type Signature = { title: string, note: string, name: string }

/** The symbol after a document's number ("Số: 12/2026/PXL"): the kind of paper it is. */
export const DOCUMENT_SYMBOLS: Partial<Record<FormKey, string>> = { '02': 'PBS', '03': 'PTC', '04': 'PXL', '05': 'TB', refusal: 'VB' }
