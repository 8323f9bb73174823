import type { Transaction } from 'kysely'
import type { Database } from '../../platform/db/database.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { CatalogRepository } from './catalog.repository.js'
import type { ProcedureContent, ResultTemplate } from './catalog.types.js'
import { ADMIN_RECORD, writeVersion } from './content-edit.js'
import { declarationTemplate, definitionIn, type FormField } from './eforms/definition.js'

/**
 * Result templates (issue 23): the wording of the document a procedure results in (a licence, a
 * certificate, a decision), written by a catalog administrator, which the leader issues with the dossier's
 * data filled in instead of uploading a file made elsewhere. Plain text, one paragraph per line, with named
 * placeholders; versioned with the procedure like its other content.
 */

/** What a result may say of the dossier, by placeholder, with what it is (shown to the administrator). */
export const RESULT_PARTICULARS: Record<string, string> = {
  code: 'Mã hồ sơ',
  applicant: 'Họ và tên người nộp (tổ chức)',
  address: 'Địa chỉ người nộp',
  phone: 'Số điện thoại người nộp',
  email: 'Thư điện tử người nộp',
  idNumber: 'Số định danh cá nhân / CCCD người nộp',
  procedure: 'Tên thủ tục',
  agency: 'Cơ quan giải quyết',
  submittedDay: 'Ngày nộp hồ sơ',
  receivedDay: 'Ngày tiếp nhận',
  issuedDay: 'Ngày ban hành kết quả',
  validUntil: 'Có hiệu lực đến ngày (do lãnh đạo ghi khi phê duyệt)'
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g
const placeholdersIn = (lines: readonly string[]) => [...new Set([...lines.join('\n').matchAll(PLACEHOLDER)].map(m => m[1]!))]

/** The fields of the procedure's first declaration filled online, which a result may repeat (`{f3}`: the plate declared). */
export function declaredFields (content: Pick<ProcedureContent, 'components' | 'templates' | 'formCorrections'>): FormField[] {
  for (const c of content.components) {
    const t = declarationTemplate(c, content.templates)
    if (t) return definitionIn(content, t).fields.filter(f => f.type !== 'check')
  }
  return []
}

/** Every placeholder a procedure's result template may use, with what it stands for. */
export function resultPlaceholders (content: Pick<ProcedureContent, 'components' | 'templates' | 'formCorrections'>): Array<{ name: string, label: string }> {
  return [
    ...Object.entries(RESULT_PARTICULARS).map(([name, label]) => ({ name, label })),
    ...declaredFields(content).map(f => ({ name: f.id, label: `Tờ khai: ${f.label}` }))
  ]
}

/** Fills the placeholders; one with no value becomes the dotted blank the printed forms leave. */
export const fillResult = (line: string, values: Record<string, string>) =>
  line.replace(PLACEHOLDER, (_m, k: string) => values[k] || '……………')

export interface ResultTemplateInput { title?: string | undefined, body?: string | undefined, signerTitle?: string | undefined, remove?: boolean }

/** Checks a template: a title, some text, known placeholders only, no markup. Errors beside `title`, `body`, `signerTitle`. */
export function checkResultTemplate (content: Pick<ProcedureContent, 'components' | 'templates' | 'formCorrections'>, input: ResultTemplateInput): { errors: FieldError[], template: ResultTemplate } {
  const errors: FieldError[] = []
  const title = (input.title ?? '').trim().replace(/\s+/g, ' ').slice(0, 200)
  const body = (input.body ?? '').split(/\r?\n/).map(l => l.trim()).filter(Boolean).slice(0, 60).map(l => l.slice(0, 2000))
  const signerTitle = (input.signerTitle ?? '').trim().replace(/\s+/g, ' ').slice(0, 120) || 'Thủ trưởng cơ quan'
  if (title.length < 5) errors.push({ field: 'title', message: 'Nhập tên văn bản kết quả (ít nhất 5 ký tự), ví dụ GIẤY PHÉP LÁI XE' })
  if (body.length === 0) errors.push({ field: 'body', message: 'Nhập nội dung văn bản kết quả, mỗi đoạn một dòng' })
  const known = new Set(resultPlaceholders(content).map(p => p.name))
  const unknown = placeholdersIn([title, ...body]).filter(p => !known.has(p))
  if (unknown.length > 0) errors.push({ field: 'body', message: `Không có trường {${unknown.join('}, {')}}; dùng các trường trong danh sách bên dưới` })
  if (/<\/?[a-z][^>]*>/i.test(`${title}\n${body.join('\n')}\n${signerTitle}`)) errors.push({ field: 'body', message: 'Nội dung là văn bản thuần, không dùng thẻ HTML' })
  return { errors, template: { title, body, signerTitle } }
}

/**
 * Writes (or removes) a procedure's result template as a version of the procedure, audited. Returns the
 * version (0: nothing changed).
 */
export async function applyResultTemplate (trx: Transaction<Database>, repo: CatalogRepository, audit: AuditService, actor: Actor, code: string, input: ResultTemplateInput): Promise<number> {
  const existing = await repo.findProcedureForImport(trx, code)
  if (!existing || existing.versionId === null) throw new AppError('NOT_FOUND', `no procedure ${code}`)
  const before = existing.content as ProcedureContent
  const { resultTemplate: _old, ...rest } = before
  let content: ProcedureContent = rest
  if (!input.remove) {
    const { errors, template } = checkResultTemplate(before, input)
    if (errors.length > 0) throw new AppError('VALIDATION', 'invalid result template', errors)
    content = { ...rest, resultTemplate: template }
  }
  return writeVersion(trx, repo, existing, ADMIN_RECORD, content, version => audit.record(trx, {
    actor, action: input.remove ? 'catalog.result-template.remove' : 'catalog.result-template.set', targetType: 'procedure', targetId: code,
    details: { version, ...(content.resultTemplate ? { title: content.resultTemplate.title, lines: content.resultTemplate.body.length } : {}) }
  }))
}
