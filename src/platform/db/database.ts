import type { ColumnType, Generated } from 'kysely'

/** Table types, written by hand next to the migrations that create them. */
export interface JobsTable {
  id: Generated<number>
  name: string
  payload: ColumnType<unknown, string | undefined, string>
  dedupeKey: string | null
  state: Generated<'pending' | 'running' | 'done' | 'failed'>
  attempts: Generated<number>
  maxAttempts: Generated<number>
  runAt: Generated<Date>
  lockedBy: string | null
  lockedAt: Date | null
  lastError: string | null
  createdAt: Generated<Date>
  finishedAt: Date | null
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  actorType: 'citizen' | 'official' | 'system' | 'cli' | 'anonymous'
  actorId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, string>
  requestId: string | null
}

export interface SiteProfileTable {
  id: Generated<boolean>
  portalName: string
  provinceName: string
  provinceCode: string
  operatorName: string
  hotline: string
  email: string | null
  address: string
  updatedAt: Generated<Date>
}

export interface SchemaMigrationsTable {
  name: string
  checksum: string
  appliedAt: Generated<Date>
}

export interface BankAccount { bin: string, number: string, name: string, bank: string }

export interface AgenciesTable {
  id: Generated<number>
  code: string
  name: string
  shortName: string | null
  parentId: number | null
  kind: 'national' | 'ministry' | 'province' | 'department' | 'unit' | 'district' | 'commune'
  codeConfirmed: Generated<boolean>
  validFrom: string | null
  validTo: string | null
  address: string | null
  phone: string | null
  aliases: ColumnType<string[], string | undefined, string>
  officeHours: string | null
  receptionDeskCode: ColumnType<string | null, string | null | undefined, string | null>
  /** {bin, number, name, bank}: where fees are transferred (VietQR). */
  bankAccount: ColumnType<BankAccount | null, string | null | undefined, string | null>
}

export interface SectorsTable {
  id: Generated<number>
  code: string
  name: string
}

export interface PublishingDecisionsTable {
  id: Generated<number>
  number: string
  issuedOn: string | null
  title: Generated<string>
  kind: Generated<'decision' | 'manual'>
  sourceSha256: string | null
  importedAt: Generated<Date>
}

export interface ProceduresTable {
  id: Generated<number>
  code: string
  sectorId: number
  onlineLevel: 'full' | 'partial' | 'none'
  onlineLevelSet: Generated<boolean>
  needsReview: Generated<boolean>
  minAssurance: Generated<Assurance>
  enteredByHand: Generated<boolean>
  currentVersionId: number | null
  position: Generated<number>
  searchName: string
  searchText: string
  processingTimeOverride: ColumnType<unknown, string | null | undefined, string | null>
  updatedAt: Generated<Date>
}

export interface ProcedureVersionsTable {
  id: Generated<number>
  procedureId: number
  version: number
  decisionId: number
  contentHash: string
  inUse: Generated<boolean>
  name: string
  content: ColumnType<unknown, string, string>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface ProcedureAgenciesTable {
  procedureId: number
  agencyId: number
  role: 'receiving' | 'processing'
}

export interface DossierConsultationsTable {
  id: Generated<number>
  dossierId: string
  agencyCode: string
  question: string
  askedBy: string | null
  askedByName: string
  askedAt: Generated<Date>
  dueAt: Date
  answer: string | null
  answeredBy: string | null
  answeredByName: string | null
  answeredAt: Date | null
}

export interface PaymentRequestsTable {
  id: Generated<number>
  dossierId: string
  amountVnd: ColumnType<number, number, number>
  note: string | null
  state: Generated<'open' | 'paid' | 'cancelled' | 'exempt'>
  requestedBy: string | null
  requestedByName: string
  requestedAt: Generated<Date>
  paidAt: Date | null
}

export type PaymentState = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded'

export interface PaymentsTable {
  id: Generated<number>
  requestId: number
  method: 'cash' | 'transfer' | 'vnpay'
  state: PaymentState
  amountVnd: ColumnType<number, number, number>
  txnRef: string | null
  providerTxn: string | null
  bankCode: string | null
  responseCode: string | null
  surplus: Generated<boolean>
  slipFileId: string | null
  decidedReason: string | null
  recordedBy: string | null
  recordedByName: string | null
  createdAt: Generated<Date>
  settledAt: Date | null
}

export interface PaymentNotificationsTable {
  id: Generated<number>
  provider: string
  receivedAt: Generated<Date>
  query: Json<unknown>
  answer: string
}

export interface ReceiptCountersTable {
  agencyCode: string
  template: string
  series: string
  year: number
  last: number
}

export interface ReceiptsTable {
  id: Generated<number>
  paymentId: number
  agencyCode: string
  template: string
  series: string
  year: number
  number: number
  amountVnd: ColumnType<number, number, number>
  payerName: string
  payerAddress: string | null
  payerIdNumber: string | null
  content: string
  issuedAt: Generated<Date>
  cancelledAt: Date | null
  cancelReason: string | null
}

export interface PaymentSandboxTransactionsTable {
  txnRef: string
  amount: string
  orderInfo: string
  responseCode: string
  transactionStatus: string
  transactionNo: string
  payDate: string
  refundedAmount: Generated<string | null>
  createdAt: Generated<Date>
}

export interface PaymentRefundsTable {
  id: Generated<number>
  paymentId: number
  amountVnd: ColumnType<number, number, number>
  reason: string
  via: 'gateway' | 'manual'
  state: 'requested' | 'done' | 'refused'
  responseCode: Generated<string | null>
  responseMessage: Generated<string | null>
  requestedBy: string | null
  requestedByName: string
  requestedAt: Generated<Date>
  settledAt: Generated<Date | null>
}

export interface FormWordingTable {
  form: string
  title: string
  body: ColumnType<string[], string, string>
  updatedAt: Generated<Date>
  updatedBy: string | null
}

export interface ProcedureSettingsTable {
  procedureId: number
  receptionHours: Generated<number>
  supplementDays: Generated<number>
  afterSupplement: Generated<'pause' | 'restart'>
  process: ColumnType<unknown, string | null | undefined, string | null>
  updatedAt: Generated<Date>
  updatedBy: string | null
}

export interface CatalogRevisionTable {
  id: Generated<boolean>
  revision: number
}

export interface CalendarExceptionsTable {
  day: string
  kind: 'off' | 'work'
  note: string
  createdAt: Generated<Date>
}

export interface MessagesTable {
  id: Generated<number>
  channel: 'email' | 'sms'
  recipient: string
  subject: Generated<string>
  body: string
  template: string
  state: Generated<'queued' | 'sent' | 'captured' | 'failed'>
  providerMessageId: string | null
  error: string | null
  createdAt: Generated<Date>
  sentAt: Date | null
}

/** Identity assurance of an account, or the minimum a procedure requires. */
export type Assurance = 'basic' | 'eid-1' | 'eid-2'

export interface IdentityMergesTable {
  id: Generated<string>
  refHash: string
  accountId: string
  subject: string
  fullName: string
  assurance: string
  expiresAt: Date
  usedAt: Date | null
}

export interface AccountsTable {
  id: Generated<string>
  kind: 'individual' | 'organization' | 'foreigner'
  fullName: string
  citizenId: string | null
  passportNumber: string | null
  nationality: string | null
  taxCode: string | null
  representative: string | null
  dateOfBirth: string | null
  phone: string | null
  email: string | null
  address: string
  passwordHash: string
  status: Generated<'pending' | 'active' | 'disabled'>
  assurance: Generated<string>
  oidcSubject: string | null
  consentAt: Date
  createdAt: Generated<Date>
  confirmedAt: Date | null
}

export interface AccountTokensTable {
  id: Generated<number>
  accountId: string
  purpose: 'confirm-email' | 'confirm-phone' | 'reset-email' | 'reset-phone' | 'sign-in' | 'change-email' | 'change-phone'
  tokenHash: string
  refHash: string | null
  /** The e-mail or phone a change will set, once confirmed. */
  newValue: string | null
  attempts: Generated<number>
  expiresAt: Date
  usedAt: Date | null
  createdAt: Generated<Date>
  /** When the code was last sent, how many times it was sent again, and the message to send it again. */
  sentAt: Generated<Date>
  resends: Generated<number>
  resend: Json<CodeMessageJson> | null
}

/** A code's message, `{code}` where the code goes (accounts/codes.ts). */
export interface CodeMessageJson { channel: 'email' | 'sms', recipient: string, subject: string, body: string, template: string }

export interface SessionsTable {
  id: Generated<number>
  accountId: string
  tokenHash: string
  userAgent: string | null
  createdAt: Generated<Date>
  lastSeenAt: Generated<Date>
  expiresAt: Date
  revokedAt: Date | null
  /** How it was opened: 'password', 'password+code' or 'national-identity'. */
  method: Generated<string>
}

export interface CaptchasTable {
  id: Generated<string>
  answer: string
  question: string | null
  expiresAt: Date
  usedAt: Date | null
  createdAt: Generated<Date>
}

export interface PrivacyRequestsTable {
  id: Generated<number>
  accountId: string
  kind: 'correction' | 'deletion'
  details: string
  status: Generated<'open' | 'done' | 'refused'>
  createdAt: Generated<Date>
  dueAt: Date
  answeredAt: Date | null
  answer: string | null
}

export interface ThrottlesTable {
  key: string
  failures: Generated<number>
  locks: Generated<number>
  lockedUntil: Date | null
  updatedAt: Generated<Date>
}

export type OfficialRole = 'receptionist' | 'specialist' | 'department_head' | 'agency_leader' | 'catalog_admin' | 'system_admin'

export interface OfficialsTable {
  id: Generated<string>
  username: string
  fullName: string
  email: string | null
  phone: string | null
  agencyId: number
  passwordHash: string
  status: Generated<'active' | 'locked'>
  createdAt: Generated<Date>
  lockedAt: Date | null
  /** Set with a password someone else chose; cleared when the official sets their own. */
  mustChangePassword: Generated<boolean>
}

export interface OfficialRolesTable { officialId: string, role: OfficialRole, agencyId: number }

export interface OfficialSessionsTable {
  id: Generated<number>
  officialId: string
  tokenHash: string
  createdAt: Generated<Date>
  lastSeenAt: Generated<Date>
  expiresAt: Date
  revokedAt: Date | null
}

export interface OfficialCodesTable {
  id: Generated<number>
  officialId: string
  refHash: string
  codeHash: string
  attempts: Generated<number>
  expiresAt: Date
  usedAt: Date | null
  sentAt: Generated<Date>
  resends: Generated<number>
  resend: Json<CodeMessageJson> | null
}

export interface FilesTable {
  id: Generated<string>
  ownerAccountId: string | null
  storageKey: string
  name: string
  mediaType: string
  size: ColumnType<number, number, number>
  sha256: string | null
  state: Generated<'uploading' | 'quarantine' | 'clean' | 'infected'>
  createdAt: Generated<Date>
}

export interface DossierCountersTable {
  agencyCode: string
  day: string
  last: number
}

type Json<T> = ColumnType<T, string | undefined, string>

export interface DossiersTable {
  id: Generated<string>
  code: string | null
  status: Generated<number>
  procedureId: number
  procedureVersionId: number
  accountId: string | null
  agencyCode: string | null
  channel: Generated<'online' | 'counter' | 'postal'>
  applicant: Json<unknown>
  submitter: Json<unknown>
  onBehalf: Generated<boolean>
  caseGroup: string | null
  delivery: Json<unknown>
  fees: Json<unknown>
  stepsDone: ColumnType<string[], string[] | undefined, string[]>
  submittedAt: Date | null
  receivedAt: Date | null
  dueAt: Date | null
  finishedAt: Date | null
  returnedAt: Date | null
  processingAgencyCode: Generated<string | null>
  postponedFrom: Generated<Date | null>
  /** The apology (form 04) was sent later than the law wants (one working day before the due date). */
  postponedLate: Generated<boolean>
  payableVnd: Generated<number | null>
  payableNote: Generated<string | null>
  enteredBy: Generated<string | null>
  process: ColumnType<unknown, string | null | undefined, string | null>
  rating: number | null
  ratingComment: string | null
  ratedAt: Date | null
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface DossierFilesTable {
  id: Generated<number>
  dossierId: string
  component: string
  fileId: string
  round: Generated<number>
  supersededAt: Date | null
  createdAt: Generated<Date>
}

export interface DossierEventsTable {
  id: Generated<number>
  dossierId: string
  at: Generated<Date>
  action: string
  fromStatus: number | null
  toStatus: number | null
  actorType: string
  actorId: string | null
  actorName: string | null
  agencyCode: string | null
  /** What the citizen and the public may read. */
  message: string | null
  /** For officials only (hand-over comments, remarks, reasons). */
  note: string | null
  details: Json<Record<string, unknown>>
}

/** The sequence of issued documents' numbers, per agency and year. */
export interface DocumentCountersTable {
  agencyCode: string
  year: number
  last: number
}

/** The register of issued documents (forms 02–05, refusal letters): "Số: n/…" of an agency in a year. */
export interface IssuedDocumentsTable {
  id: Generated<string>
  agencyCode: string
  year: number
  number: number
  form: string
  dossierId: string
  eventId: number
  issuedAt: Generated<Date>
}

export interface SupplementRequestsTable {
  id: Generated<number>
  dossierId: string
  duringProcessing: boolean
  items: Json<unknown>
  message: string | null
  requestedBy: string | null
  requestedAt: Generated<Date>
  dueAt: Date | null
  answeredAt: Date | null
  answerNote: string | null
  round: number
}

export interface AccountNoticesTable {
  id: Generated<number>
  accountId: string
  dossierId: string | null
  text: string
  createdAt: Generated<Date>
  readAt: Date | null
}

export interface DossierTasksTable {
  id: Generated<number>
  dossierId: string
  step: number
  name: string
  role: string
  agencyCode: string
  assigneeId: string | null
  assigneeName: string | null
  startedAt: Generated<Date>
  dueAt: Date | null
  finishedAt: Date | null
  finishedBy: string | null
  finishedByName: string | null
  outcome: string | null
  comment: string | null
  kind: Generated<'work' | 'approve' | 'return'>
}

export interface Database {
  dossierTasks: DossierTasksTable
  files: FilesTable
  dossierCounters: DossierCountersTable
  dossiers: DossiersTable
  dossierFiles: DossierFilesTable
  dossierEvents: DossierEventsTable
  documentCounters: DocumentCountersTable
  issuedDocuments: IssuedDocumentsTable
  supplementRequests: SupplementRequestsTable
  accountNotices: AccountNoticesTable
  officials: OfficialsTable
  officialRoles: OfficialRolesTable
  officialSessions: OfficialSessionsTable
  officialCodes: OfficialCodesTable
  throttles: ThrottlesTable
  privacyRequests: PrivacyRequestsTable
  captchas: CaptchasTable
  paymentSandboxSecret: { id: Generated<number>, secret: string }
  accounts: AccountsTable
  accountTokens: AccountTokensTable
  identityMerges: IdentityMergesTable
  sessions: SessionsTable
  messages: MessagesTable
  calendarExceptions: CalendarExceptionsTable
  catalogRevision: CatalogRevisionTable
  agencies: AgenciesTable
  sectors: SectorsTable
  publishingDecisions: PublishingDecisionsTable
  procedures: ProceduresTable
  procedureVersions: ProcedureVersionsTable
  procedureAgencies: ProcedureAgenciesTable
  procedureSettings: ProcedureSettingsTable
  dossierConsultations: DossierConsultationsTable
  paymentRequests: PaymentRequestsTable
  payments: PaymentsTable
  paymentNotifications: PaymentNotificationsTable
  receiptCounters: ReceiptCountersTable
  receipts: ReceiptsTable
  paymentSandboxTransactions: PaymentSandboxTransactionsTable
  paymentRefunds: PaymentRefundsTable
  formWording: FormWordingTable
  jobs: JobsTable
  auditLog: AuditLogTable
  siteProfile: SiteProfileTable
  schemaMigrations: SchemaMigrationsTable
}
