import { sql } from 'kysely'
import { AppError, type FieldError } from '../../../platform/http/errors.js'
import type { Person } from '../dossier-form.js'
import { formatInstant } from '../../../platform/vn-time.js'
import { STATUS_LABELS, type DossierStatus } from '../status.js'
import type { DossierRow, OfficeActor, IssuedDocument } from '../model.js'
import type { Executor } from '../../../platform/db/db.js'
import type { DossierContext } from '../context.js'

/** A supplement: the office asks (form 02), the citizen answers. */
export function supplementUseCases (ctx: DossierContext) {
  const { db, clock, hooks, citizen, ownDossier, recordStep, tell, next, supplementContext, view, shape } = ctx
  return {
    /**
     * An official asks for a supplement (before reception: everything missing in one go, form 02;
     * during processing: once). `items` name components of the dossier with what is wrong with each.
     */
    async requestSupplement (actor: OfficeActor, code: string, request: { items: Array<{ component: string, note: string }>, message?: string, dueAt?: Date | null, agencyCode?: string, document?: (d: DossierRow) => IssuedDocument }): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        const v = await view(trx, d)
        const errors: FieldError[] = []
        if (request.items.length === 0) errors.push({ field: 'items', message: 'Chọn ít nhất một thành phần cần bổ sung' })
        for (const i of request.items) {
          if (!v.slots.some(s => s.key === i.component)) errors.push({ field: `item-${i.component}`, message: 'Thành phần không có trong hồ sơ' })
          if (!i.note.trim()) errors.push({ field: `item-${i.component}`, message: 'Ghi rõ nội dung cần bổ sung' })
        }
        if (errors.length > 0) throw new AppError('VALIDATION', 'supplement request invalid', errors)
        const ctx = await supplementContext(trx, d)
        const to = next(d.status, 'request-supplement', ctx)
        const round = 1 + ((await trx.selectFrom('supplementRequests').select(sql<number>`coalesce(max(round), 0)::int`.as('r')).where('dossierId', '=', d.id).executeTakeFirst())?.r ?? 0)
        await trx.insertInto('supplementRequests').values({
          dossierId: d.id, duringProcessing: d.status === 2 || d.status === 4, items: JSON.stringify(request.items), message: request.message ?? null,
          requestedBy: actor.name, dueAt: request.dueAt ?? null, round, requestedAt: clock()
        }).execute()
        await trx.updateTable('dossiers').set({ status: to, updatedAt: clock() }).where('id', '=', d.id).execute()
        const names = request.items.map(i => `- ${v.slots.find(s => s.key === i.component)!.name}: ${i.note}`).join('\n')
        const deadline = request.dueAt ? `Hạn bổ sung: ${formatInstant(request.dueAt)}` : undefined
        await recordStep(trx, d.id, {
          event: { action: 'request-supplement', from: d.status as DossierStatus, to, actor, actorName: actor.name, agencyCode: request.agencyCode ?? actor.agencyCode ?? d.agencyCode, message: request.message ?? null, details: { items: request.items }, ...(request.document ? { document: request.document(d) } : {}) },
          audit: { actor, action: 'dossier.request-supplement', targetType: 'dossier', targetId: d.id },
          tell: { dossier: d, subject: `Hồ sơ ${code} cần bổ sung`, body: `Cơ quan yêu cầu bổ sung hồ sơ ${code}:\n${names}${request.message ? `\n${request.message}` : ''}${deadline ? `\n${deadline}.` : ''}`, sms: deadline }
        })
      })
    },

    /**
     * The applicant answers the open supplement request: every listed component must have a new file;
     * earlier versions are kept, marked superseded. The dossier returns to reception or processing.
     */
    async answerSupplement (accountId: string, code: string, note: string | undefined): Promise<void> {
      await db.transaction(async (trx) => {
        const d = await ownDossier(trx, accountId, { code }, true)
        const actor = { ...citizen(accountId), name: (d.submitter as Person).fullName }
        const to = await complete(trx, d, { actor, note, paper: [] })
        await tell(trx, d, `Hồ sơ ${code} đã được bổ sung`, `Bạn đã gửi bổ sung hồ sơ ${code}. Trạng thái: ${STATUS_LABELS[to]}.`)
      })
    },

    /**
     * The desk records a supplement the applicant brought in person or sent by post, whatever the
     * dossier's channel: scans it attached (`files`, already stored) and components received on paper
     * only (`paper`). Every requested component needs one or the other. The applicant is told.
     */
    async answerSupplementAtDesk (actor: OfficeActor, code: string, input: { files: Array<{ component: string, fileIds: string[] }>, paper: string[], note?: string | undefined }): Promise<DossierStatus> {
      return db.transaction(async (trx) => {
        const d = await trx.selectFrom('dossiers').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
        if (!d) throw new AppError('NOT_FOUND', 'no such dossier')
        const open = (await shape(trx, d)).openSupplement
        if (!open) throw new AppError('CONFLICT', 'Hồ sơ không có yêu cầu bổ sung đang chờ.')
        const requested = open.items.map(i => i.component)
        const rows = input.files.filter(f => requested.includes(f.component)).flatMap(f => f.fileIds.map(fileId => ({ dossierId: d.id, component: f.component, fileId, round: open.round })))
        if (rows.length > 0) await trx.insertInto('dossierFiles').values(rows).execute()
        const to = await complete(trx, d, { actor, note: input.note, paper: input.paper.filter(c => requested.includes(c)) })
        await tell(trx, d, `Hồ sơ ${code} đã được bổ sung`, `Bộ phận một cửa đã nhận hồ sơ bổ sung của bạn cho hồ sơ ${code}. Trạng thái: ${STATUS_LABELS[to]}.`)
        return to
      })
    }
  }

  /**
   * Closes the open supplement request of a locked dossier: each requested component has a file of
   * this round or was received on paper (else VALIDATION naming it); earlier files of those components
   * are marked superseded; the dossier returns to reception or processing, its due date moved by the
   * wait; the event and the audit row name who answered (the applicant, or the desk for them).
   */
  async function complete (trx: Executor, d: DossierRow, by: { actor: OfficeActor, note: string | undefined, paper: string[] }): Promise<DossierStatus> {
    const v = await view(trx, d)
    const open = v.openSupplement
    if (!open) throw new AppError('CONFLICT', 'Hồ sơ không có yêu cầu bổ sung đang chờ.')
    const errors: FieldError[] = []
    for (const item of open.items) {
      if (!by.paper.includes(item.component) && !v.files.some(f => f.component === item.component && f.round === open.round)) {
        errors.push({ field: `tp-${item.component}`, message: `Tải lên tệp bổ sung cho “${v.slots.find(s => s.key === item.component)?.name ?? item.component}”${by.actor.type === 'official' ? ', hoặc đánh dấu đã nhận bản giấy' : ''}` })
      }
    }
    if (errors.length > 0) throw new AppError('VALIDATION', 'supplement incomplete', errors)
    const to = next(d.status, 'supplement', await supplementContext(trx, d))
    const components = open.items.map(i => i.component)
    const scanned = components.filter(c => v.files.some(f => f.component === c && f.round === open.round))
    if (scanned.length > 0) {
      await trx.updateTable('dossierFiles').set({ supersededAt: clock() })
        .where('dossierId', '=', d.id).where('component', 'in', scanned).where('round', '<', open.round).where('supersededAt', 'is', null).execute()
    }
    const note = (by.note ?? '').trim().slice(0, 2000) || null
    await trx.updateTable('supplementRequests').set({ answeredAt: clock(), answerNote: note }).where('id', '=', open.id).execute()
    // Back in processing: the clock resumes, the wait added back (the due date moves by the paused working time).
    let dueAt: Date | undefined
    if (to === 4 && d.receivedAt && hooks.resumed) dueAt = await hooks.resumed(trx, d, [...v.supplements.filter(x => x.duringProcessing && x.answeredAt).map(x => ({ from: x.requestedAt, to: x.answeredAt! })), { from: open.requestedAt, to: clock() }])
    await trx.updateTable('dossiers').set({ status: to, updatedAt: clock(), ...(dueAt ? { dueAt } : {}) }).where('id', '=', d.id).execute()
    const atDesk = by.actor.type === 'official'
    await recordStep(trx, d.id, {
      event: {
        action: 'supplement', from: 5, to, actor: by.actor, actorName: by.actor.name, agencyCode: by.actor.agencyCode ?? null,
        message: atDesk ? `Đã nhận hồ sơ bổ sung tại bộ phận một cửa${note ? `: ${note}` : '.'}` : note,
        details: { components, round: open.round, ...(atDesk ? { atDesk: true, paper: by.paper } : {}) }
      },
      audit: { actor: by.actor, action: atDesk ? 'dossier.supplement.desk' : 'dossier.supplement', targetType: 'dossier', targetId: d.id, details: atDesk ? { components, paper: by.paper } : {} }
    })
    return to
  }
}
