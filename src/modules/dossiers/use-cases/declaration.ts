import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { formatDay } from '../../../platform/vn-time.js'
import { checkAnswer, declarationTemplate, definitionIn, type Answers, type FormDefinition } from '../../catalog/eforms/definition.js'
import type { ProcedureContent } from '../../catalog/catalog.types.js'
import { declarationPdf } from '../../catalog/eforms/pdf.js'
import { words } from '../../catalog/search/normalize.js'
import type { DossierContext } from '../context.js'
import type { Person } from '../dossier-form.js'
import type { ComponentSlot } from '../model.js'
import { fileUseCases } from './files.js'

/** How many rows a repeating table of a declaration may have. */
const MAX_ROWS = 50
const label = (s: string) => words(s).join(' ')

/** What the applicant's particulars fill, by the field's folded label. */
export function fromPerson (l: string, p: Partial<Person>): string | undefined {
  // Someone else's particulars (a co-owner's, a parent's, a spouse's) are not the applicant's.
  if (/\b(dong chu|dong so huu|cha|me|vo|chong)\b/.test(l)) return undefined
  if (/\b(ho va ten|ho ten|ten chu|ten nguoi|nguoi (khai|de nghi|lam don))\b/.test(l)) return p.fullName
  if (/\b(ngay sinh|sinh ngay)\b/.test(l)) return p.dateOfBirth ? p.dateOfBirth.split('-').reverse().join('/') : undefined
  if (/\b(cmnd|cccd|can cuoc|dinh danh|chung minh)\b/.test(l) && !/\b(ngay|noi)\b/.test(l)) return p.idNumber
  if (/\b(dien thoai)\b/.test(l)) return p.phone
  if (/\b(email|thu dien tu)\b/.test(l)) return p.email ?? undefined
  if (/\bdia chi\b|\bthuong tru\b|\bnoi cu tru\b/.test(l)) return p.address
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
    const template = declarationTemplate(slot, d.content.templates)
    if (!slot || !template) throw new AppError('NOT_FOUND', 'no form to fill for this component')
    return { d, slot, definition: definitionIn(d.content, template) }
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
      const earlier = await db.kysely.selectFrom('dossierDeclarations as dd').innerJoin('dossiers as x', 'x.id', 'dd.dossierId').select('dd.answers')
        .where('x.accountId', '=', accountId).where('x.id', '!=', d.id).where('dd.templateTitle', '=', definition.title).orderBy('dd.updatedAt', 'desc').limit(5).execute()
      // The newest answer of each field wins.
      const known = new Map<string, string>()
      for (const e of earlier.reverse()) for (const f of definition.fields) if (typeof e.answers[f.id] === 'string') known.set(f.id, e.answers[f.id] as string)
      const person = d.submitter as Partial<Person>
      const answers: Answers = {}
      for (const f of definition.fields) {
        const l = label(f.label)
        const v = known.get(f.id) ?? fromPerson(l, person) ?? (f.label === 'Ngày ký' ? formatDay(clock()) : undefined)
        if (v) answers[f.id] = v
      }
      for (const b of definition.blocks) if (b.kind === 'rows') answers[b.id] = [Object.fromEntries(b.columns.map(c => [c.id, '']))]
      return { d, slot, definition, answers, prefilled: true, saved: false }
    },

    /**
     * Saves a declaration: "add a row" gives back what was typed with an empty row (nothing kept, nothing
     * checked); "save" checks every answer and, when one is wrong, gives back the answers with the errors
     * (nothing kept); when all fit, makes the PDF, puts it in the component in place of the one made before
     * and keeps the answers with it — so the answers officials read are always those the PDF prints.
     */
    async saveDeclaration (accountId: string, id: string, component: string, form: Record<string, string | undefined>): Promise<{ saved: boolean, answers: Answers, errors: FieldError[] }> {
      const { d, slot, definition } = await formOf(accountId, id, component)
      const addRow = /^add-row:(r\d+)$/.exec(form['action'] ?? '')?.[1]
      const answers = answersFrom(definition, form, addRow)
      if (addRow) return { saved: false, answers, errors: [] }
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
      if (!definition.fields.some(f => typeof answers[f.id] === 'string' && answers[f.id] !== '')) errors.push({ field: definition.fields[0]?.id ?? 'form', message: 'Tờ khai chưa có nội dung nào' })
      if (errors.length > 0) return { saved: false, answers, errors }
      const pdf = await declarationPdf(definition, answers, `Tờ khai được khai trực tuyến trên Cổng Dịch vụ công ngày ${formatDay(clock())}, hồ sơ thủ tục “${d.procedure.name}”.`)
      // The PDF made before (if still attached) gives way to the new one.
      const before = await db.kysely.selectFrom('dossierDeclarations').select('fileId').where('dossierId', '=', d.id).where('component', '=', component).executeTakeFirst()
      const previous = before?.fileId ? d.files.find(f => f.id === before.fileId && f.component === component) : undefined
      const [stored] = await files.addFiles(accountId, { id }, component, [{ name: `to-khai-${slot.key}.pdf`, data: pdf }], { draft: true })
      const row = { templateTitle: definition.title, answers: JSON.stringify(answers), fileId: stored!.id, updatedAt: clock() }
      await db.kysely.insertInto('dossierDeclarations').values({ dossierId: d.id, component, ...row })
        .onConflict(oc => oc.columns(['dossierId', 'component']).doUpdateSet(row)).execute()
      if (previous) await files.removeFile(accountId, { id }, previous.attachmentId)
      return { saved: true, answers, errors: [] }
    },

    /** The declarations of a dossier as officials read them: each component's fields and answers, while their PDF is attached. */
    async declarationsOf (dossierId: string, content: Pick<ProcedureContent, 'templates' | 'formCorrections'>, slots: ComponentSlot[]) {
      const rows = await db.kysely.selectFrom('dossierDeclarations as dd').select(['dd.component', 'dd.answers', 'dd.templateTitle']).where('dd.dossierId', '=', dossierId)
        .where(eb => eb.exists(eb.selectFrom('dossierFiles as df').select('df.id').whereRef('df.dossierId', '=', 'dd.dossierId').whereRef('df.fileId', '=', 'dd.fileId').where('df.supersededAt', 'is', null)))
        .execute()
      return rows.flatMap(r => {
        const t = declarationTemplate(slots.find(s => s.key === r.component), content.templates)
        return t ? [{ component: r.component, title: r.templateTitle, definition: definitionIn(content, t), answers: r.answers }] : []
      })
    }
  }
}
