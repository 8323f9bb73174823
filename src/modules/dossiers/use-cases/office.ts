import type { Executor } from '../../../platform/db/db.js'
import { AppError } from '../../../platform/http/errors.js'
import { dmy } from '../../../platform/vn-time.js'
import { STATUS_LABELS, type DossierAction, type DossierStatus } from '../status.js'
import type { DossierRow, OfficeActor, IssuedDocument } from '../model.js'
import type { DossierContext } from '../context.js'

/** What the back office does through the dossier's own rules: transitions, events, attachments, files. */
export function officeUseCases (ctx: DossierContext) {
  const { db, clock, files, hooks, nextNumber, recordStep, next, supplementContext, view } = ctx
  const useCases = {
    /** The back office closes its open step when a dossier is withdrawn or stopped, in the same transaction. */
    onClose (fn: (trx: Executor, d: DossierRow, to: DossierStatus, actor: OfficeActor) => Promise<void>) { hooks.closed = fn },

    /** The back office tells how a received dossier's due date moves when its supplement wait ends. */
    onResume (fn: (trx: Executor, d: DossierRow, pauses: Array<{ from: Date, to: Date }>) => Promise<Date | undefined>) { hooks.resumed = fn },

    /**
     * Moves a dossier along the state machine for the back office (reception, processing, results),
     * recording the event and telling the applicant. The back-office module builds its forms on useCases.
     */
    async act (actor: OfficeActor, code: string, action: DossierAction, input: {
      /** Told to the applicant and shown in their history; `note` is for officials only. */
      message?: string, note?: string | null, agencyCode?: string, details?: Record<string, unknown>
      /** The form the move issues, numbered in its agency's register. */
      document?: IssuedDocument
      /** What an SMS about the move says besides its subject (an amount to pay). */
      sms?: string
      set?: Partial<{ dueAt: Date, receivedAt: Date, finishedAt: Date, returnedAt: Date, processingAgencyCode: string, process: string, payableVnd: number, payableNote: string }>
      /** More work in the same transaction, after the move is allowed (tasks of the back office). */
      within?: (trx: Executor, d: DossierRow) => Promise<void>
    } = {}): Promise<DossierStatus> {
      return db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        const to = next(d.status, action, { ...(await supplementContext(trx, d)), decisionIssued: d.finishedAt !== null })
        await input.within?.(trx, d)
        const now = clock()
        const stamps = {
          ...(action === 'receive' ? { receivedAt: now } : {}),
          ...(action === 'finish' ? { finishedAt: now } : {}),
          ...(action === 'return-result' ? { returnedAt: now } : {}),
          ...input.set
        }
        // Withdrawn or stopped: the instant it closed, the same as its event's (statistics, decision 0012).
        await trx.updateTable('dossiers').set({ status: to, updatedAt: now, ...stamps, ...(to === 7 || to === 8 ? { closedAt: now } : {}) }).where('id', '=', d.id).execute()
        if (to === 7 || to === 8) await hooks.closed?.(trx, d, to, actor)
        await recordStep(trx, d.id, {
          event: { at: now, action, from: d.status as DossierStatus, to, actor, actorName: actor.name, agencyCode: input.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: input.message ?? null, note: input.note ?? null, ...(input.details ? { details: input.details } : {}), ...(input.document ? { document: input.document } : {}) },
          audit: { actor, action: `dossier.${action}`, targetType: 'dossier', targetId: d.id },
          tell: { dossier: d, subject: `Hồ sơ ${code}: ${STATUS_LABELS[to]}`, body: `Hồ sơ ${code} chuyển sang trạng thái “${STATUS_LABELS[to]}”.${input.message ? `\n${input.message}` : ''}`, sms: input.sms }
        })
        return to
      })
    },

    /**
     * Work on a dossier that moves no status (a hand-over between steps): the row is locked, the event
     * and an audit row are written with it, in one transaction.
     */
    async record (actor: OfficeActor, code: string, e: { action: string, message?: string | null, note?: string | null, agencyCode?: string, details?: Record<string, unknown>, document?: IssuedDocument, notify?: { subject: string, body: string } }, within: (trx: Executor, d: DossierRow) => Promise<void>): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        await within(trx, d)
        await recordStep(trx, d.id, {
          event: { action: e.action, actor, actorName: actor.name, agencyCode: e.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: e.message ?? null, note: e.note ?? null, ...(e.details ? { details: e.details } : {}), ...(e.document ? { document: e.document } : {}) },
          audit: { actor, action: `dossier.${e.action}`, targetType: 'dossier', targetId: d.id },
          ...(e.notify ? { tell: { dossier: d, ...e.notify } } : {})
        })
      })
    },

    /**
     * An official records how long papers of the dossier are valid (a licence, a certificate with an end
     * date): each attachment's last valid day, or none; one event on the history and its audit row.
     */
    async recordValidity (actor: OfficeActor, code: string, changes: Array<{ attachmentId: number, name: string, validUntil: string | null }>): Promise<void> {
      await useCases.record(actor, code, {
        action: 'record-validity',
        message: `${changes.map(c => c.validUntil ? `“${c.name}” có hiệu lực đến hết ngày ${dmy(c.validUntil)}` : `“${c.name}” không ghi thời hạn`).join('; ')}.`,
        details: { files: changes.map(c => ({ attachment: c.attachmentId, validUntil: c.validUntil })) }
      }, async (trx, d) => {
        for (const c of changes) {
          const r = await trx.updateTable('dossierFiles').set({ validUntil: c.validUntil })
            .where('id', '=', c.attachmentId).where('dossierId', '=', d.id).where('supersededAt', 'is', null).executeTakeFirst()
          if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Giấy tờ này vừa được thay bằng bản khác; hãy tải lại trang.')
        }
      })
    },

    /** Attaches files kept by the back office (a result, valid through `validUntil` when it says) to a dossier, in the caller's transaction. */
    async attachInTransaction (trx: Executor, dossierId: string, component: string, fileIds: string[], validUntil?: string | null): Promise<void> {
      if (fileIds.length > 0) await trx.insertInto('dossierFiles').values(fileIds.map(fileId => ({ dossierId, component, fileId, validUntil: validUntil ?? null }))).execute()
    },

    /** A submitted dossier as the back office sees it (the caller checks the official's scope). */
    async forOfficial (code: string) {
      const d = await db.kysely.selectFrom('dossiers').selectAll().where('code', '=', code).where('status', '>', 0).executeTakeFirst()
      if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
      return view(db.kysely, d)
    },

    /** A file of a given dossier (the back office reads files only through the dossier it may see). */
    async readDossierFile (code: string, fileId: string) {
      const hit = /^[0-9a-f-]{36}$/.test(fileId) && await db.kysely.selectFrom('dossierFiles as df').innerJoin('dossiers as d', 'd.id', 'df.dossierId')
        .select('df.id').where('d.code', '=', code).where('df.fileId', '=', fileId).executeTakeFirst()
      if (!hit) throw new AppError('NOT_FOUND', 'no such file in this dossier')
      return files.read(fileId)
    },

    /**
     * Reserves the next number of an agency's register for a document printed before the event that issues
     * it (a refusal letter is the result it carries); an event that then fails leaves that number unused.
     */
    reserveDocumentNumber: (agencyCode: string) => db.transaction(trx => nextNumber(trx, agencyCode))
  }
  return useCases
}
