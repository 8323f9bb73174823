import type { ColumnType } from 'kysely'

/**
 * What the schema cannot say about a column: the values a text column may hold (its CHECK constraint,
 * as a union), and what a JSON column holds (read as that type, written as a JSON string). The table
 * types in schema.ts are generated from the migrated database by `npm run db:types`, which applies
 * these to the columns COLUMN_TYPES names; every other column's type comes from the schema alone.
 */

/** A JSON column read as `T` and written as its JSON text. */
export type JsonColumn<T> = ColumnType<T, string | undefined, string>

export type PaymentState = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded'
export type Assurance = 'basic' | 'eid-1' | 'eid-2'
export type OfficialRole = 'receptionist' | 'specialist' | 'department_head' | 'agency_leader' | 'catalog_admin' | 'system_admin'
export interface BankAccount { bin: string, number: string, name: string, bank: string }
export interface CodeMessageJson { channel: 'email' | 'sms', recipient: string, subject: string, body: string, template: string }

/** The types COLUMN_TYPES refers to, which the generated schema imports from this file. */
export const COLUMN_TYPE_NAMES = ['JsonColumn', 'PaymentState', 'Assurance', 'OfficialRole', 'BankAccount', 'CodeMessageJson']

/** `table.column` (as in SQL) → its TypeScript type, overriding what the schema alone would give. */
export const COLUMN_TYPES: Record<string, string> = {
  'official_roles.role': "OfficialRole",
  'account_tokens.purpose': "'confirm-email' | 'confirm-phone' | 'reset-email' | 'reset-phone' | 'sign-in' | 'change-email' | 'change-phone'",
  'account_tokens.resend': "JsonColumn<CodeMessageJson> | null",
  'accounts.kind': "'individual' | 'organization' | 'foreigner'",
  'accounts.status': "Generated<'pending' | 'active' | 'disabled'>",
  'agencies.aliases': "ColumnType<string[], string | undefined, string>",
  'agencies.bank_account': "ColumnType<BankAccount | null, string | null | undefined, string | null>",
  'agencies.kind': "'national' | 'ministry' | 'province' | 'department' | 'unit' | 'district' | 'commune'",
  'agencies.online_payment': "'vnpay' | 'paygov' | null",
  'audit_log.actor_type': "'citizen' | 'official' | 'system' | 'cli' | 'anonymous'",
  'audit_log.details': "ColumnType<Record<string, unknown>, string | undefined, string>",
  'calendar_exceptions.kind': "'off' | 'work'",
  'dossier_events.details': "Generated<JsonColumn<Record<string, unknown>>>",
  'dossier_tasks.kind': "Generated<'work' | 'approve' | 'return'>",
  'dossiers.applicant': "Generated<JsonColumn<unknown>>",
  'dossiers.channel': "Generated<'online' | 'counter' | 'postal'>",
  'dossiers.delivery': "Generated<JsonColumn<unknown>>",
  'dossiers.fees': "Generated<JsonColumn<unknown>>",
  'dossiers.process': "ColumnType<unknown, string | null | undefined, string | null>",
  'dossiers.submitter': "Generated<JsonColumn<unknown>>",
  'files.state': "Generated<'uploading' | 'quarantine' | 'clean' | 'infected'>",
  'signing_keys.kind': "'p12' | 'remote' | 'demo'",
  'signed_documents.kind': "'result' | 'form'",
  'dossier_declarations.answers': "JsonColumn<Record<string, string | Array<Record<string, string>>>>",
  'feedback.category': "'procedure' | 'official' | 'late' | 'regulation' | 'proposal' | 'other'",
  'feedback.status': "'received' | 'processing' | 'waiting_citizen' | 'awaiting_approval' | 'published' | 'not_competent' | 'merged' | 'spam'",
  'feedback.pauses': "ColumnType<Array<{ from: string, to: string }>, string | undefined, string>",
  'feedback_pending.channel': "'email' | 'sms'",
  'feedback_pending.input': "JsonColumn<{ category: string, title: string, body: string, agencyCode?: string, procedureCode?: string, showName?: boolean }>",
  'feedback_events.actor_type': "'citizen' | 'official' | 'system'",
  'form_wording.body': "ColumnType<string[], string, string>",
  'jobs.payload': "ColumnType<unknown, string | undefined, string>",
  'jobs.state': "Generated<'pending' | 'running' | 'done' | 'failed'>",
  'messages.channel': "'email' | 'sms'",
  'messages.state': "Generated<'queued' | 'sent' | 'captured' | 'failed'>",
  'official_codes.resend': "JsonColumn<CodeMessageJson> | null",
  'officials.status': "Generated<'active' | 'locked'>",
  'payment_notifications.query': "JsonColumn<unknown>",
  'payment_refunds.state': "'requested' | 'done' | 'refused'",
  'payment_refunds.via': "'gateway' | 'manual'",
  'payment_requests.state': "Generated<'open' | 'paid' | 'cancelled' | 'exempt'>",
  'payments.method': "'cash' | 'transfer' | 'vnpay' | 'paygov'",
  'payments.state': "PaymentState",
  'privacy_requests.kind': "'correction' | 'deletion'",
  'privacy_requests.status': "Generated<'open' | 'done' | 'refused'>",
  'procedure_agencies.role': "'receiving' | 'processing'",
  'procedure_settings.after_supplement': "Generated<'pause' | 'restart'>",
  'procedure_settings.process': "ColumnType<unknown, string | null | undefined, string | null>",
  'procedure_versions.content': "ColumnType<unknown, string, string>",
  'procedures.min_assurance': "Generated<Assurance>",
  'procedures.online_level': "'full' | 'partial' | 'none'",
  'procedures.processing_time_override': "ColumnType<unknown, string | null | undefined, string | null>",
  'publishing_decisions.kind': "Generated<'decision' | 'manual'>",
  'supplement_requests.items': "JsonColumn<unknown>"
}
