import type { Transaction } from 'kysely'
import type { Database } from '../../platform/db/database.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { hashOf } from './catalog.import.js'
import { fold } from './import/text.js'
import type { CatalogRepository } from './catalog.repository.js'
import type { Component, Fee, ProcedureContent } from './catalog.types.js'
import type { FormTemplate } from './import/form-templates.js'
import { allFields, citizenLines, FIELD_TYPES, formDefinition, type AddedField, type FieldType, type FormCorrection } from './eforms/definition.js'

/** A row of the edit form: the value, and the prefix of its fields (`c3`, `f1`) that errors name. */
export type EditedRow<T> = T & { key: string }

export interface ContentEdit { components: Array<EditedRow<Component>>, fees: Array<EditedRow<Fee>>, reason: string }

/** The publishing record under which administrators' edits are versioned (beside the decisions imported). */
export const ADMIN_RECORD = { number: 'QTDM', issuedOn: null, title: 'Cập nhật của quản trị danh mục: thành phần hồ sơ, phí, lệ phí', kind: 'manual' as const, sourceSha256: null }
const COPY_TYPES = new Set(['original', 'copy', 'certified_copy', 'original_or_copy'])

/** Checks an edit: at least one component, each named, quantities 1–99, amounts whole đồng, a reason. */
export function checkContentEdit (edit: ContentEdit): FieldError[] {
  const errors: FieldError[] = []
  if (edit.components.length === 0) errors.push({ field: 'c0-name', message: 'Thủ tục cần ít nhất một thành phần hồ sơ' })
  for (const c of edit.components) {
    if (c.name.trim().length < 3 || c.name.length > 1000) errors.push({ field: `${c.key}-name`, message: 'Nhập tên giấy tờ, từ 3 đến 1000 ký tự' })
    if (c.quantity !== null && (!Number.isInteger(c.quantity) || c.quantity < 1 || c.quantity > 99)) errors.push({ field: `${c.key}-quantity`, message: 'Số lượng là số nguyên từ 1 đến 99, hoặc để trống' })
    if (c.copyType !== null && !COPY_TYPES.has(c.copyType)) errors.push({ field: `${c.key}-copy`, message: 'Chọn loại bản trong danh sách' })
  }
  for (const f of edit.fees) {
    if (f.text.trim().length < 3 || f.text.length > 1000) errors.push({ field: `${f.key}-text`, message: 'Nhập tên khoản phí, lệ phí, từ 3 đến 1000 ký tự' })
    if (f.amountVnd !== null && (!Number.isInteger(f.amountVnd) || f.amountVnd < 0 || f.amountVnd > 1_000_000_000)) errors.push({ field: `${f.key}-amount`, message: 'Mức thu là số đồng (số nguyên, không âm), hoặc để trống nếu tính theo trường hợp' })
  }
  if (edit.reason.trim().length < 10) errors.push({ field: 'reason', message: 'Ghi rõ căn cứ thay đổi (ít nhất 10 ký tự), ví dụ số văn bản quy định mới' })
  return errors
}

/**
 * Writes an administrator's edit of a procedure's components and fees as a version, like the importer:
 * the current version is rewritten while it is itself an administrator's edit no dossier uses; otherwise
 * a new version becomes current and dossiers keep theirs. Returns the version number (unchanged: 0).
 */
export async function applyContentEdit (trx: Transaction<Database>, repo: CatalogRepository, audit: AuditService, actor: Actor, code: string, edit: ContentEdit): Promise<number> {
  const errors = checkContentEdit(edit)
  if (errors.length > 0) throw new AppError('VALIDATION', 'invalid content edit', errors)
  const existing = await repo.findProcedureForImport(trx, code)
  if (!existing || existing.versionId === null) throw new AppError('NOT_FOUND', `no procedure ${code}`)
  const before = existing.content as ProcedureContent
  const components = edit.components.map(({ key: _key, ...c }) => ({ ...c, name: c.name.trim(), group: c.group?.trim() || null, formTemplate: c.formTemplate?.trim() || null }))
  const fees = edit.fees.map(({ key: _key, ...f }) => ({ ...f, text: f.text.trim() }))
  return writeVersion(trx, repo, existing, ADMIN_RECORD, { ...before, components, fees }, version => audit.record(trx, {
    actor, action: 'catalog.content.edit', targetType: 'procedure', targetId: code,
    details: { version, reason: edit.reason.trim().slice(0, 1000), before: { components: before.components.length, fees: before.fees }, after: { components: components.length, fees } }
  }))
}

/** An administrator's correction of a generated declaration: each field's label and type (by id), and why. */
export interface FormCorrectionInput {
  template: number
  fields: Record<string, { label: string, type: string, omit?: boolean }>
  /** Fields added at the end of a line (its block index, as text from the form); an empty row is ignored. */
  added?: Array<{ label: string, type: string, line: string, remove?: boolean }>
  reason: string
}

/** How many fields an administrator may add to one declaration. */
export const MAX_ADDED_FIELDS = 20

/**
 * Checks a correction against the definition generated from the template: every field named exists, its
 * label is 2–120 characters, its type one of FIELD_TYPES; a reason. Returns the errors (beside `label-{id}`,
 * `type-{id}`, `reason`) and what differs from the generated definition.
 */
export function checkFormCorrection (t: FormTemplate, input: FormCorrectionInput): { errors: FieldError[], correction: FormCorrection } {
  const errors: FieldError[] = []
  /** A field's label (spaces tidied) and type, checked; errors named `{prefix}label` and `{prefix}type`. */
  const checked = (label: string, type: string, names: { label: string, type: string }) => {
    const tidy = label.trim().replace(/\s+/g, ' ')
    if (tidy.length < 2 || tidy.length > 120) errors.push({ field: names.label, message: 'Nhãn của ô từ 2 đến 120 ký tự' })
    if (!(type in FIELD_TYPES)) errors.push({ field: names.type, message: 'Chọn kiểu dữ liệu trong danh sách' })
    return tidy
  }
  const d = formDefinition(t)
  const generated = new Map(allFields(d).map(f => [f.id, f]))
  const lineFields = new Set(d.fields.map(f => f.id))
  const correction: FormCorrection = { fields: {} }
  for (const [id, given] of Object.entries(input.fields)) {
    const f = generated.get(id)
    if (!f) continue
    const label = checked(given.label, given.type, { label: `label-${id}`, type: `type-${id}` })
    const fix: { label?: string, type?: FieldType, omit?: boolean } = {}
    if (label !== f.label) fix.label = label
    if (given.type !== f.type && given.type in FIELD_TYPES) fix.type = given.type as FieldType
    if (given.omit && lineFields.has(id)) fix.omit = true
    if (Object.keys(fix).length > 0) correction.fields[id] = fix
  }
  const lines = new Set(citizenLines(d).map(x => x.line))
  const added: AddedField[] = []
  for (const [i, a] of (input.added ?? []).entries()) {
    if (a.remove || (a.label.trim() === '' && a.line === '')) continue
    const label = checked(a.label, a.type, { label: `added-${i}-label`, type: `added-${i}-type` })
    if (!/^\d+$/.test(a.line) || !lines.has(Number(a.line))) errors.push({ field: `added-${i}-line`, message: 'Chọn dòng của mẫu mà ô mới đứng cuối' })
    if (added.length >= MAX_ADDED_FIELDS) { errors.push({ field: `added-${i}-label`, message: `Thêm tối đa ${MAX_ADDED_FIELDS} ô` }); continue }
    added.push({ id: `a${added.length + 1}`, line: Number(a.line), label, type: a.type as FieldType })
  }
  if (added.length > 0) correction.added = added
  if (d.fields.length > 0 && added.length === 0 && d.fields.every(f => input.fields[f.id]?.omit)) errors.push({ field: `omit-${d.fields[0]!.id}`, message: 'Tờ khai cần ít nhất một ô người dân điền' })
  if (input.reason.trim().length < 10) errors.push({ field: 'reason', message: 'Ghi rõ lý do sửa (ít nhất 10 ký tự), ví dụ nhãn sai, kiểu dữ liệu chưa đúng' })
  return { errors, correction }
}

/**
 * Writes a correction of a procedure's declaration as a version (dossiers keep the definition of theirs),
 * audited. Returns the version (0: nothing changed).
 */
export async function applyFormCorrection (trx: Transaction<Database>, repo: CatalogRepository, audit: AuditService, actor: Actor, code: string, input: FormCorrectionInput): Promise<number> {
  const existing = await repo.findProcedureForImport(trx, code)
  if (!existing || existing.versionId === null) throw new AppError('NOT_FOUND', `no procedure ${code}`)
  const before = existing.content as ProcedureContent
  const t = before.templates?.[input.template]
  if (!t) throw new AppError('NOT_FOUND', `no form template ${input.template} in ${code}`)
  const { errors, correction } = checkFormCorrection(t, input)
  if (errors.length > 0) throw new AppError('VALIDATION', 'invalid form correction', errors)
  const formCorrections = { ...before.formCorrections, [t.title]: correction }
  return writeVersion(trx, repo, existing, ADMIN_RECORD, { ...before, formCorrections }, version => audit.record(trx, {
    actor, action: 'catalog.form.correct', targetType: 'procedure', targetId: code,
    details: { version, template: t.title, fields: Object.keys(correction.fields).length, added: correction.added?.length ?? 0, reason: input.reason.trim().slice(0, 1000) }
  }))
}

/** The record under which changes taken from the national procedure database are versioned. */
const NATIONAL_RECORD = { number: 'CSDLQG', issuedOn: null, title: 'Cập nhật từ Cơ sở dữ liệu quốc gia về thủ tục hành chính', kind: 'manual' as const, sourceSha256: null }

/**
 * Takes a change of the national procedure database into a procedure (issue 20): the fields it carries
 * replace ours in a new version (dossiers keep theirs), as an administrator's edit is versioned. Returns
 * the version (0: nothing changed).
 */
export async function applyNationalContent (trx: Transaction<Database>, repo: CatalogRepository, audit: AuditService, actor: Actor, code: string, change: Partial<Pick<ProcedureContent, 'name' | 'processingTime' | 'fees' | 'components' | 'forms'>>, note: string): Promise<number> {
  const existing = await repo.findProcedureForImport(trx, code)
  if (!existing || existing.versionId === null) throw new AppError('NOT_FOUND', `no procedure ${code}`)
  const before = existing.content as ProcedureContent
  const content: ProcedureContent = { ...before, ...change }
  const version = await writeVersion(trx, repo, existing, NATIONAL_RECORD, content, v => audit.record(trx, { actor, action: 'catalog.national.apply', targetType: 'procedure', targetId: code, details: { version: v, fields: Object.keys(change), note } }))
  if (version > 0 && change.name && change.name !== before.name) {
    await trx.updateTable('procedures').set({ searchName: ` ${fold(change.name)}` }).where('id', '=', existing.id).execute()
  }
  return version
}

/**
 * Writes a procedure's new content under a publishing record: the current version is rewritten while
 * it is that record's and no dossier uses it; otherwise a new version becomes current and dossiers keep
 * theirs. Re-importing the decision the procedure came from keeps it (`edited_from_hash`).
 */
export async function writeVersion (trx: Transaction<Database>, repo: CatalogRepository, existing: NonNullable<Awaited<ReturnType<CatalogRepository['findProcedureForImport']>>>, recordOf: Parameters<CatalogRepository['upsertDecision']>[1], content: ProcedureContent, audited: (version: number) => Promise<void>): Promise<number> {
  const hash = hashOf(content)
  if (hash === existing.contentHash) return 0
  const record = await repo.upsertDecision(trx, recordOf)
  let version = existing.version!
  if (existing.decisionId === record && !existing.inUse) {
    await repo.updateVersionInPlace(trx, existing.versionId!, { contentHash: hash, name: content.name, content })
  } else {
    version += 1
    await repo.insertVersion(trx, { procedureId: existing.id, version, decisionId: record, contentHash: hash, name: content.name, content })
  }
  await trx.updateTable('procedures').set({ editedFromHash: existing.editedFromHash ?? existing.contentHash, updatedAt: new Date() }).where('id', '=', existing.id).execute()
  await audited(version)
  return version
}
