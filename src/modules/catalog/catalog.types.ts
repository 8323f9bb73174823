import type { Assurance } from '../../platform/db/database.js'
import type { FormTemplate } from './import/form-templates.js'
import type { FormCorrection } from './eforms/definition.js'
import type {
  ApplicantType, Component, Fee, GovernmentLevel, Methods, OnlineLevel, ProcessingTime
} from './import/fields.js'

export type { ApplicantType, Component, Fee, GovernmentLevel, Methods, OnlineLevel, ProcessingTime }

/** Everything a procedure version says, as stored in procedure_versions.content. */
export interface ProcedureContent {
  name: string
  levels: GovernmentLevel[]
  steps: string[]
  methods: Methods
  components: Component[]
  componentsText: string
  numberOfSets: string | null
  processingTime: ProcessingTime
  applicantTypes: ApplicantType[]
  applicantText: string
  agencyText: string
  place: string
  result: string
  feesText: string
  fees: Fee[]
  forms: string[]
  requirements: string
  legalBasis: string[]
  /** The form templates printed in the decision after the procedure (absent in older versions). */
  templates?: FormTemplate[]
  /** A catalog administrator's corrections of the definitions generated from the templates, by template title (eforms/definition.ts). */
  formCorrections?: Record<string, FormCorrection>
  /** The result document the leader may issue from the dossier's data instead of uploading one (result-template.ts). */
  resultTemplate?: ResultTemplate
}

/** A result document's wording: a title and paragraphs (one per line) with `{placeholders}` filled from the dossier. */
export interface ResultTemplate { title: string, body: string[], signerTitle: string }

export type { Assurance }

/** The levels a procedure may require, lowest first. */
export const ASSURANCE_LEVELS: readonly Assurance[] = ['basic', 'eid-1', 'eid-2']

/** Whether an account's assurance meets what a procedure requires. */
export const meetsAssurance = (has: string, needs: Assurance) => ASSURANCE_LEVELS.indexOf(has as Assurance) >= ASSURANCE_LEVELS.indexOf(needs)

export const ASSURANCE_LABELS: Record<Assurance, string> = {
  basic: 'Tài khoản đã xác nhận',
  'eid-1': 'Tài khoản định danh điện tử mức độ 1',
  'eid-2': 'Tài khoản định danh điện tử mức độ 2'
}

export interface AgencyRef { code: string, name: string, shortName: string | null }

export interface ProcedureSummary {
  code: string
  name: string
  sector: { code: string, name: string }
  onlineLevel: OnlineLevel
  levels: GovernmentLevel[]
  processingTime: ProcessingTime
  agencies: { receiving: AgencyRef[], processing: AgencyRef[] }
}

export interface ProcedureDetail extends ProcedureSummary, ProcedureContent {
  version: number
  versionId: number
  enteredByHand: boolean
  needsReview: boolean
  /** The identity assurance the applicant's account must have. */
  minAssurance: Assurance
  decision: { number: string, date: string | null, kind: 'decision' | 'manual' }
  /** The processing time as the decision published it (processingTime may be an administrator's setting). */
  publishedProcessingTime: ProcessingTime
}

export interface ProcedureFilters {
  q?: string | undefined
  agency?: string | undefined
  sector?: string | undefined
  level?: GovernmentLevel | undefined
  onlineLevel?: OnlineLevel | undefined
  page: number
  pageSize: number
}

export const ONLINE_LEVEL_LABELS: Record<OnlineLevel, string> = {
  full: 'Dịch vụ công trực tuyến toàn trình',
  partial: 'Dịch vụ công trực tuyến một phần',
  none: 'Chưa cung cấp trực tuyến'
}

export const LEVEL_LABELS: Record<GovernmentLevel, string> = {
  province: 'Cấp tỉnh',
  district: 'Cấp huyện',
  commune: 'Cấp xã'
}
