import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { formatDay } from '../../../platform/vn-time.js'
import { allFields, checkAnswer, formDefinition, type Answers, type FormDefinition } from '../../catalog/eforms/definition.js'
import { declarationPdf } from '../../catalog/eforms/pdf.js'
import { templateFor } from '../../catalog/import/form-templates.js'
import { fold } from '../../catalog/import/text.js'
import { words } from '../../catalog/search/normalize.js'
import type { DossierContext } from '../context.js'
import type { Person } from '../dossier-form.js'
import { fileUseCases } from './files.js'

/** How many rows a repeating table of a declaration may have. */
const MAX_ROWS = 50
const label = (s: string) => words(s).join(' ')

/** What the applicant's particulars fill, by the field's folded label. */
function fromPerson (l: string, p: Partial<Person>): string | undefined {
  if (/\b(ho va ten|ho ten|ten chu|ten nguoi|nguoi (khai|de nghi|lam don))\b/.test(l) && !/\b(dong chu|cha|me|vo|chong)\b/.test(l)) return p.fullName
  if (/\bngay sinh\b/.test(l)) return p.dateOfBirth ? p.dateOfBirth.split('-').reverse().join('/') : undefined
  if (/\b(cmnd|cccd|can cuoc|dinh danh|chung minh)\b/.test(l) && !/\b(ngay|noi)\b/.test(l)) return p.idNumber
  if (/\b(dien thoai)\b/.test(l)) return p.phone
  if (/\b(email|thu dien tu)\b/.test(l)) return p.email ?? undefined
  if (/\bdia chi\b|\bthuong tru\b/.test(l)) return p.address
  return undefined
}

/**
 * Declarations filled online (issue 23): a component whose form the decision printed is filled on a
 * page instead of printed, signed and scanned. The fields come prefilled from the applicant's
 * particulars and from this account's earlier declarations (vehicles already declared); the answers are
 * checked by type, kept as data, and made into the PDF that becomes the component's file.
 */
export function declarationUseCases (ctx: DossierContext) {
  const { db, ownDraft, view, clock } = ctx
  const files = fileUseCases(ctx)

  async function formOf (accountId: string, id: string, component: string) {
    const d = await view(db.kysely, await ownDraft(db.kysely, accountId, id))
    const slot = d.slots.find(s => s.key === component)
    const n = slot?.formTemplate ? templateFor(slot.formTemplate, d.content.templates, fold) : undefined
    if (!slot || n === undefined) throw new AppError('NOT_FOUND', 'no form to fill for this component')
    return { d, slot, definition: formDefinition(d.content.templates![n]!) }
  }

  /** Answers from the form's fields (`f3`, and `r7-0-r7c2` for row 0 of a repeating table), each trimmed; rows wholly empty dropped. */
  function answersFrom (definition: FormDefinition, form: Record<string, string | undefined>, addRow?: string): Answers {
    const answers: Answers = {}
    for (const f of definition.fields) {
      const v = (form[f.id] ?? '').trim().slice(0, 500)
      if (v !== '') answers[f.id] = f.type === 'check' ? (v === 'yes' ? 'yes' : '') : v
    }
    for (const b of definition.blocks) {
      if (b.kind !== 'rows') continue
      const count = Math.min(MAX_ROWS, Number(form[`${b.id}-count`] ?? 1) || 1)
      const rows: Array<Record<string, string>> = []
      for (let i = 0; i < count; i++) {
        const row = Object.fromEntries(b.columns.map(c => [c.id, (form[`${b.id}-${i}-${c.id}`] ?? '').trim().slice(0, 200)]))
        if (Object.values(row).some(v => v !== '') || addRow === b.id) rows.push(row)
      }
      if (addRow === b.id && rows.length < MAX_ROWS) rows.push(Object.fromEntries(b.columns.map(c => [c.id, ''])))
      answers[b.id] = rows
    }
    return answers
  }

  return {
    /** The form of a draft's component, its answers (saved, or prefilled), and where each prefilled answer came from. */
    async declaration (accountId: string, id: string, component: string) {
      const { d, slot, definition } = await formOf(accountId, id, component)
      const saved = await db.kysely.selectFrom('dossierDeclarations').select(['answers', 'fileId']).where('dossierId', '=', d.id).where('component', '=', component).executeTakeFirst()
      if (saved) return { d, slot, definition, answers: saved.answers, prefilled: false, saved: true }
      // Prefilled: the applicant's particulars, then what this account declared before under the same label.
      const earlier = await db.kysely.selectFrom('dossierDeclarations as dd').innerJoin('dossiers as x', 'x.id', 'dd.dossierId')
        .select(['dd.answers', 'dd.templateTitle']).where('x.accountId', '=', accountId).where('x.id', '!=', d.id).orderBy('dd.updatedAt', 'desc').limit(20).execute()
      const known = new Map<string, string>()
      for (const e of earlier.reverse()) {
        const def = e.templateTitle === definition.title ? definition : undefined
        for (const [k, v] of Object.entries(e.answers)) if (typeof v === 'string' && def) known.set(label(def.fields.find(f => f.id === k)?.label ?? ''), v)
      }
      const person = d.submitter as Partial<Person>
      const answers: Answers = {}
      for (const f of definition.fields) {
        const l = label(f.label)
        const v = known.get(l) ?? fromPerson(l, person) ?? (f.label === 'Ngày ký' ? formatDay(clock()) : undefined)
        if (v) answers[f.id] = v
      }
      for (const b of definition.blocks) if (b.kind === 'rows') answers[b.id] = [Object.fromEntries(b.columns.map(c => [c.id, '']))]
      return { d, slot, definition, answers, prefilled: true, saved: false }
    },

    /**
     * Saves a declaration: "add a row" keeps what was typed and adds an empty row (no check); "save"
     * checks every answer (VALIDATION names each field), makes the PDF and puts it in the component in
     * place of the one made before. Returns the answers kept.
     */
    async saveDeclaration (accountId: string, id: string, component: string, form: Record<string, string | undefined>): Promise<{ saved: boolean, answers: Answers }> {
      const { d, slot, definition } = await formOf(accountId, id, component)
      const addRow = /^add-row:(r\d+)$/.exec(form['action'] ?? '')?.[1]
      const answers = answersFrom(definition, form, addRow)
      const keep = async (fileId: string | null) => {
        await db.kysely.insertInto('dossierDeclarations').values({ dossierId: d.id, component, templateTitle: definition.title, answers: JSON.stringify(answers), fileId, updatedAt: clock() })
          .onConflict(oc => oc.columns(['dossierId', 'component']).doUpdateSet({ answers: JSON.stringify(answers), fileId, updatedAt: clock() })).execute()
      }
      if (addRow) { await keep((await db.kysely.selectFrom('dossierDeclarations').select('fileId').where('dossierId', '=', d.id).where('component', '=', component).executeTakeFirst())?.fileId ?? null); return { saved: false, answers } }
      const errors: FieldError[] = []
      for (const f of definition.fields) {
        const message = checkAnswer(f, typeof answers[f.id] === 'string' ? answers[f.id] as string : '', clock())
        if (message) errors.push({ field: f.id, message })
      }
      for (const b of definition.blocks) {
        if (b.kind !== 'rows') continue
        for (const [i, row] of (answers[b.id] as Array<Record<string, string>>).entries()) {
          for (const c of b.columns) {
            const message = checkAnswer(c, row[c.id] ?? '', clock())
            if (message) errors.push({ field: `${b.id}-${i}-${c.id}`, message: `Dòng ${i + 1}, ${message}` })
          }
        }
      }
      if (Object.keys(answers).filter(k => allFields(definition).some(f => f.id === k) && answers[k] !== '').length === 0) errors.push({ field: definition.fields[0]?.id ?? 'form', message: 'Tờ khai chưa có nội dung nào' })
      if (errors.length > 0) { await keep(null); throw new AppError('VALIDATION', 'declaration', errors) }
      const pdf = await declarationPdf(definition, answers, `Tờ khai được khai trực tuyến trên Cổng Dịch vụ công ngày ${formatDay(clock())}, hồ sơ thủ tục “${d.procedure.name}”.`)
      // The PDF made before (if any) gives way to the new one.
      const before = await db.kysely.selectFrom('dossierDeclarations').select('fileId').where('dossierId', '=', d.id).where('component', '=', component).executeTakeFirst()
      const previous = before?.fileId ? d.files.find(f => f.id === before.fileId && f.component === component) : undefined
      const [stored] = await files.addFiles(accountId, { id }, component, [{ name: `to-khai-${slot.key}.pdf`, data: pdf }], { draft: true })
      await keep(stored!.id)
      if (previous) await files.removeFile(accountId, { id }, previous.attachmentId)
      return { saved: true, answers }
    },

    /** The declarations of a dossier as officials read them: each component's fields and answers. */
    async declarationsOf (dossierId: string, content: Parameters<typeof templateFor>[1], slots: Array<{ key: string, formTemplate: string | null }>) {
      const rows = await db.kysely.selectFrom('dossierDeclarations').select(['component', 'answers', 'templateTitle']).where('dossierId', '=', dossierId).where('fileId', 'is not', null).execute()
      return rows.flatMap(r => {
        const slot = slots.find(s => s.key === r.component)
        const n = slot?.formTemplate ? templateFor(slot.formTemplate, content, fold) : undefined
        if (n === undefined) return []
        const definition = formDefinition(content![n]!)
        return [{ component: r.component, title: r.templateTitle, definition, answers: r.answers }]
      })
    }
  }
}
