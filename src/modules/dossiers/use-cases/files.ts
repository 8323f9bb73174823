import { AppError, type FieldError } from '../../../platform/http/errors.js'
import { dmy } from '../../../platform/vn-time.js'
import type { StoredFile } from '../../files/files.service.js'
import { type ComponentSlot, type DossierRow, INTERNAL_COMPONENT } from '../model.js'
import type { DossierContext } from '../context.js'
import { chosen, type FileInput } from '../../files/bytes.js'
import { storeUseCases } from './store.js'

/** A dossier's files as the citizen handles them: upload, reuse, remove, download. */
export function fileUseCases (ctx: DossierContext) {
  const { db, files, audit, citizen, ownDossier, ownDraft, next, view, shape, attach } = ctx
  const store = storeUseCases(ctx)
  /** The citizen's dossier; with `draft`, only while it is a draft (the journey's pages). */
  const owned = (accountId: string, ref: { id?: string, code?: string }, options: { draft?: boolean }) =>
    options.draft ? ownDraft(db.kysely, accountId, ref.id ?? '') : ownDossier(db.kysely, accountId, ref)
  const useCases = {
    /**
     * Keeps uploads for one component of a draft (or of a dossier answering a supplement request).
     * Each file is checked; on the first refused one nothing of this upload is attached.
     */
    async addFiles (accountId: string, dossierRef: { id?: string, code?: string }, component: string, uploads: FileInput[], options: { draft?: boolean } = {}): Promise<StoredFile[]> {
      return keepFiles(accountId, await owned(accountId, dossierRef, options), component, uploads)
    },

    /**
     * One form's choices for several components at once: files under `tp-<component>` and earlier files
     * under `dung-lai-<component>`. Each component is kept or refused on its own (a refused one attaches
     * nothing); the refusals come back as field errors, next to their components.
     */
    async addChosen (accountId: string, dossierRef: { id?: string, code?: string }, uploads: Array<FileInput & { field: string }>, fields: Record<string, string>, options: { draft?: boolean } = {}): Promise<FieldError[]> {
      const errors: FieldError[] = []
      const keep = async (work: () => Promise<unknown>) => {
        try { await work() } catch (err) {
          if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) errors.push(...err.fields)
          else throw err
        }
      }
      const byComponent = new Map<string, typeof uploads>()
      for (const u of uploads) {
        if (!u.field.startsWith('tp-') || !chosen(u)) continue
        byComponent.set(u.field.slice(3), [...(byComponent.get(u.field.slice(3)) ?? []), u])
      }
      const reused = Object.entries(fields).filter(([name, fileId]) => name.startsWith('dung-lai-') && fileId !== '')
      if (byComponent.size === 0 && reused.length === 0) return errors
      // The dossier is checked once for the whole form, not once per component.
      const d = await owned(accountId, dossierRef, options)
      for (const [component, list] of byComponent) await keep(() => keepFiles(accountId, d, component, list))
      for (const [name, fileId] of reused) await keep(() => reuseInto(accountId, d, name.slice(9), fileId))
      return errors
    },

    /** Attaches a file the citizen uploaded to an earlier dossier. */
    async reuseFile (accountId: string, dossierRef: { id?: string, code?: string }, component: string, fileId: string | undefined, options: { draft?: boolean } = {}): Promise<void> {
      await reuseInto(accountId, await owned(accountId, dossierRef, options), component, fileId)
    },

    /** The round new files of a component belong to: 0 in a draft, the open request's round when supplementing. */
    uploadRound (v: { status: number, slots: ComponentSlot[], openSupplement?: { round: number, items: Array<{ component: string }> } | undefined }, component: string): number {
      if (v.status === 0) {
        if (!v.slots.some(s => s.key === component)) throw new AppError('NOT_FOUND', 'no such component')
        return 0
      }
      const open = v.openSupplement
      if (!open || !open.items.some(i => i.component === component)) throw new AppError('CONFLICT', 'Thành phần này không nằm trong yêu cầu bổ sung.')
      return open.round
    },

    /** Removes a file from a draft, or a not-yet-sent supplement file; earlier versions are never removed. */
    async removeFile (accountId: string, dossierRef: { id?: string, code?: string }, attachmentId: number): Promise<void> {
      const d = await ownDossier(db.kysely, accountId, dossierRef)
      const v = await view(db.kysely, d)
      const a = v.files.find(f => f.attachmentId === attachmentId)
      const removable = a && (v.status === 0 || (v.openSupplement && a.round === v.openSupplement.round && !a.superseded))
      if (!a || !removable) throw new AppError('NOT_FOUND', 'no such file in this dossier')
      await db.transaction(async (trx) => {
        await trx.deleteFrom('dossierFiles').where('id', '=', attachmentId).where('dossierId', '=', d.id).execute()
        await audit.record(trx, { actor: citizen(accountId), action: 'dossier.file.remove', targetType: 'dossier', targetId: d.id, details: { file: a.id } })
      })
      await files.discard([a.id])
    },

    /** A file the account may read: its own upload, or a file in one of its dossiers. */
    async readFile (accountId: string, fileId: string) {
      const f = await files.get(db.kysely, fileId)
      if (!f) throw new AppError('NOT_FOUND', 'no such file')
      const mine = await db.kysely.selectFrom('files').select('id').where('id', '=', fileId)
        .where(eb => eb.or([
          eb('ownerAccountId', '=', accountId),
          eb.exists(eb.selectFrom('dossierFiles as df').innerJoin('dossiers as d', 'd.id', 'df.dossierId').select('df.id')
            .whereRef('df.fileId', '=', 'files.id').where('d.accountId', '=', accountId).where('df.component', '!=', INTERNAL_COMPONENT))
        ])).executeTakeFirst()
      if (!mine) throw new AppError('NOT_FOUND', 'no such file')
      return files.read(fileId)
    },

    /** The store's documents offered for each component of a draft, the fitting ones first. */
    reuseOffers: (accountId: string, slots: ComponentSlot[]) => store.storeOffers(accountId, slots)
  }
  /**
   * Keeps uploads for one component of a dossier the caller checked. Every file is checked before any
   * is kept (storeMany); the dossier's total is checked under its lock (attach). A refusal keeps nothing.
   */
  async function keepFiles (accountId: string, d: DossierRow, component: string, uploads: FileInput[]): Promise<StoredFile[]> {
    const round = useCases.uploadRound(await shape(db.kysely, d), component)
    const field = `tp-${component}`
    const present = uploads.filter(chosen)
    if (present.length === 0) throw new AppError('VALIDATION', 'no file', [{ field, message: 'Chọn tệp cần tải lên' }])
    const stored = await files.storeMany(accountId, present, field, { leaveUploading: true })
    // Files left 'uploading' (no virus scanner) become clean in the statement that attaches them.
    const finish = stored.some(f => f.state === 'uploading') ? 'clean' as const : undefined
    try {
      await attach(accountId, d.id, component, stored, round, finish)
    } catch (err) {
      await files.discard(stored.map(f => f.id))
      throw err
    }
    return finish ? stored.map(f => ({ ...f, state: finish })) : stored
  }

  /**
   * Attaches to a dossier the caller checked a document of the citizen's store (`entry`: its attachment
   * in the dossier it came from), marked reused from a component (2) or from a result (3), with its source.
   */
  async function reuseInto (accountId: string, d: DossierRow, component: string, entry: string | undefined): Promise<void> {
    const round = useCases.uploadRound(await shape(db.kysely, d), component)
    const doc = await store.storeDocument(accountId, Number(entry)).catch(() => undefined)
    const file = doc && await files.get(db.kysely, doc.file.id)
    if (!doc || !file || doc.dossierCode === d.code) throw new AppError('VALIDATION', 'not in the store', [{ field: `tp-${component}`, message: 'Chọn một giấy tờ trong kho dữ liệu của bạn' }])
    if (doc.expired) throw new AppError('VALIDATION', 'expired', [{ field: `tp-${component}`, message: `Giấy tờ “${doc.name}” đã hết hiệu lực từ ${dmy(doc.validUntil!)}; hãy tải lên giấy tờ còn hiệu lực` }])
    await attach(accountId, d.id, component, [file], round, undefined, { digitisation: doc.kind === 'result' ? 3 : 2, from: doc.entryId })
  }

  return useCases
}
