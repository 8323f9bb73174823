import { sql } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { FORM_WORDING, type FormKey } from './form-wording.js'

/** Placeholders every form may use (the dossier's particulars), besides those of its own shipped wording. */
const COMMON = ['code', 'agency', 'applicant', 'address', 'phone', 'email', 'procedure', 'components', 'duration', 'receivedAt', 'dueAt', 'submittedAt', 'delivery', 'hotline']

const placeholders = (lines: readonly string[]) => [...new Set(lines.join('\n').match(/\{([a-zA-Z]+)\}/g)?.map(m => m.slice(1, -1)) ?? [])]

/** The placeholders a form's wording may use. */
export const allowedPlaceholders = (form: FormKey) => [...new Set([...COMMON, ...placeholders(FORM_WORDING[form].body)])]

export interface Wording { number: string, title: string, body: readonly string[], custom: boolean }

/**
 * The wording of the forms, as shipped or as an administrator adjusted it: plain text, one paragraph
 * per line, with named placeholders; never HTML (it is laid out as text in a PDF).
 */
export function createWordingService (deps: { db: Db, audit: AuditService }) {
  const { db, audit } = deps
  return {
    async get (form: FormKey): Promise<Wording> {
      const row = await db.reader().selectFrom('formWording').select(['title', 'body']).where('form', '=', form).executeTakeFirst()
      const shipped = FORM_WORDING[form]
      return row ? { number: shipped.number, title: row.title, body: row.body, custom: true } : { number: shipped.number, title: shipped.title, body: shipped.body, custom: false }
    },

    /** Throws VALIDATION naming the field: an empty title or text, an unknown placeholder, markup. */
    async set (actor: Actor, form: FormKey, input: { title?: string | undefined, body?: string | undefined }): Promise<void> {
      const errors: FieldError[] = []
      const title = (input.title ?? '').trim().replace(/\s+/g, ' ').slice(0, 200)
      const body = (input.body ?? '').split(/\r?\n/).map(l => l.trim()).filter(Boolean).slice(0, 60).map(l => l.slice(0, 2000))
      if (title.length < 5) errors.push({ field: 'title', message: 'Nhập tên mẫu (ít nhất 5 ký tự)' })
      if (body.length === 0) errors.push({ field: 'body', message: 'Nhập nội dung mẫu, mỗi đoạn một dòng' })
      const unknown = placeholders(body).filter(p => !allowedPlaceholders(form).includes(p))
      if (unknown.length > 0) errors.push({ field: 'body', message: `Không có trường {${unknown.join('}, {')}}; dùng các trường trong danh sách` })
      if (/<\/?[a-z][^>]*>/i.test(`${title}\n${body.join('\n')}`)) errors.push({ field: 'body', message: 'Nội dung là văn bản thuần, không dùng thẻ HTML' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'wording invalid', errors)
      const updatedBy = actor.type === 'official' ? actor.id ?? null : null
      await db.transaction(async (trx) => {
        await trx.insertInto('formWording').values({ form, title, body: JSON.stringify(body), updatedBy })
          .onConflict(oc => oc.column('form').doUpdateSet({ title, body: JSON.stringify(body), updatedBy, updatedAt: sql`now()` })).execute()
        await audit.record(trx, { actor, action: 'forms.wording.set', targetType: 'form', targetId: form, details: { title, body } })
      })
    },

    /** Back to the shipped wording. */
    async reset (actor: Actor, form: FormKey): Promise<void> {
      await db.transaction(async (trx) => {
        await sql`delete from form_wording where form = ${form}`.execute(trx)
        await audit.record(trx, { actor, action: 'forms.wording.reset', targetType: 'form', targetId: form })
      })
    }
  }
}

export type WordingService = ReturnType<typeof createWordingService>
