import { OUTCOME_LABELS, TIMING_LABELS } from '../processing.js'
import { AppError } from '../../../platform/http/errors.js'
import { ROLES as ROLE_NAMES, type OfficialRole, type SignedInOfficial } from '../../accounts/officials.service.js'
import { formatInstant, toLocal } from '../../../platform/vn-time.js'
import type { Person } from '../../dossiers/dossier-form.js'
import { CHANNEL_LABELS } from '../../dossiers/model.js'
import { STATUS_LABELS, type DossierStatus } from '../../dossiers/status.js'
import { fill, officialFormPdf } from '../../../platform/pdf/forms-pdf.js'
import { ISSUED_FORMS, type IssuedForm } from '../../dossiers/issued-forms.js'
import { vnDayStart } from '../../../platform/http/day-range.js'
import { REGISTER_LIMIT, type RegisterBy } from '../model.js'
import type { WorkflowContext } from '../context.js'

/** The printed forms: the control sheet (06), the register (07) and forms 01–05 of a dossier. */
export function registerUseCases (ctx: WorkflowContext) {
  const { db, dossiers, officials, audit, deps, clock, actorOf, tasks, wording, visible, officialScope, downloaded, signatureFor, renderForm } = ctx
  const useCases = {
    /**
     * The control sheet (form 06): every hand-over of the dossier, who gave and who took it, when, and
     * early / on time / late against the step's allotted time.
     */
    async controlSheetPdf (o: SignedInOfficial, code: string): Promise<Buffer> {
      const d = await visible(o, code)
      const log = await tasks.log(db.kysely, d.id)
      if (log.length === 0) throw new AppError('NOT_FOUND', 'no processing yet')
      await downloaded(o, d, 'dossier.form.download', { form: '06' })
      const receivedBy = [...d.events].reverse().find(e => e.action === 'receive')?.actorName ?? 'Bộ phận một cửa'
      const names = await db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', 'in', [...new Set(log.map(r => r.agencyCode))]).execute()
      const agencyName = (c: string) => names.find(n => n.code === c)?.name ?? c
      const rows = log.map((r, i) => {
        const giver = i === 0 ? receivedBy : (log[i - 1]!.finishedByName ?? '')
        const taker = r.finishedByName ?? r.assigneeName ?? ROLE_NAMES[r.role as OfficialRole] ?? r.role
        return [
          String(i + 1),
          `${r.name}\n${agencyName(r.agencyCode)}`,
          `Giao: ${giver}\nNhận: ${taker}`,
          `${formatInstant(r.startedAt)}${r.dueAt ? `\nHạn: ${formatInstant(r.dueAt)}` : ''}`,
          r.finishedAt ? `${formatInstant(r.finishedAt)}${r.timing ? `\n${TIMING_LABELS[r.timing]}` : ''}` : 'Đang xử lý',
          [r.outcome ? OUTCOME_LABELS[r.outcome] ?? r.outcome : '', r.comment ?? ''].filter(Boolean).join(': ')
        ]
      })
      const pdf = await renderForm(d, '06', clock(), o.fullName, {}, {
        signatures: [],
        table: {
          columns: [{ title: 'STT', share: 0.75 }, { title: 'Bước, đơn vị', share: 2.4 }, { title: 'Người giao, người nhận', share: 2.2 }, { title: 'Thời gian giao, nhận', share: 1.7 }, { title: 'Hoàn thành (trước hạn / đúng hạn / quá hạn)', share: 1.7 }, { title: 'Kết quả, ghi chú', share: 2 }],
          rows
        }
      })
      // Once every step is done the sheet no longer changes: it is signed with the receiving agency's seal
      // and kept; until then it is a working copy, printed unsigned.
      const last = log[log.length - 1]!
      if (log.some(r => r.finishedAt === null) || !d.agency) return pdf
      return sealed({ dossierId: d.id, formKey: `06:${last.id}`, fileName: `mau-06-${d.code}.pdf`, title: (await wording.get('06')).title }, d.agency.code, pdf)
    },

    /** The agencies whose register (form 07) the official may print: those they receive for or work in. */
    async registerAgencies (o: SignedInOfficial) {
      const scope = await officialScope(o)
      if (scope.length === 0) return []
      return db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', 'in', scope).orderBy('code').execute()
    },

    /**
     * The register (form 07): dossiers received in a period, in order, with their dates and outcome; those
     * an agency received (`by` receiving: its one-stop desk) or those it processes (`by` processing: a
     * department whose dossiers the centre receives).
     */
    async register (o: SignedInOfficial, agencyCode: string, from: string, to: string, by: RegisterBy = 'receiving') {
      if (!(await officialScope(o)).includes(agencyCode)) throw new AppError('FORBIDDEN', 'register of another agency')
      const rows = await db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.code', 'd.status', 'd.channel', 'd.applicant', 'd.receivedAt', 'd.dueAt', 'd.postponedFrom', 'd.postponedLate', 'd.finishedAt', 'd.returnedAt', 'v.name as procedureName'])
        .where(by === 'processing' ? 'd.processingAgencyCode' : 'd.agencyCode', 'in', by === 'processing' ? await officials.withUnits(agencyCode) : [agencyCode]).where('d.receivedAt', '>=', vnDayStart(from)).where('d.receivedAt', '<', vnDayStart(to, 1))
        .orderBy('d.receivedAt').limit(REGISTER_LIMIT + 1).execute()
      const agency = await db.kysely.selectFrom('agencies as a').leftJoin('agencies as p', 'p.id', 'a.parentId').select(['a.name', 'p.name as parentName']).where('a.code', '=', agencyCode).executeTakeFirst()
      return { agency: agency?.name ?? agencyCode, parent: agency?.parentName ?? null, by, rows: rows.slice(0, REGISTER_LIMIT), truncated: rows.length > REGISTER_LIMIT }
    },

    async registerPdf (o: SignedInOfficial, agencyCode: string, from: string, to: string, by: RegisterBy = 'receiving'): Promise<Buffer> {
      const r = await useCases.register(o, agencyCode, from, to, by)
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'register.download', targetType: 'agency', targetId: agencyCode, details: { from, to, rows: r.rows.length } }))
      const site = await deps.site.profile()
      const day = (s: string) => s.split('-').reverse().join('/')
      const words = await wording.get('07')
      const body = words.body.map(l => fill(l, { agency: r.agency, agencyRole: by === 'processing' ? 'Cơ quan giải quyết' : 'Cơ quan tiếp nhận', from: day(from), to: day(to), count: String(r.rows.length) }))
      const pdf = await officialFormPdf({
        number: words.number,
        title: words.title,
        // Headed like every other form: the agency under its parent (the province for a top-level one).
        issuer: { parent: r.parent ?? site.provinceName, agency: r.agency },
        province: site.provinceName,
        date: clock(),
        body,
        signatures: [],
        landscape: true,
        table: {
          columns: [{ title: 'STT', share: 0.75 }, { title: 'Mã hồ sơ', share: 2.7 }, { title: 'Tên thủ tục hành chính', share: 2.9 }, { title: 'Tổ chức, cá nhân', share: 1.8 }, { title: 'Địa chỉ, số điện thoại', share: 1.8 }, { title: 'Ngày tiếp nhận', share: 1.2 }, { title: 'Ngày hẹn trả', share: 1.2 }, { title: 'Ngày có kết quả', share: 1.2 }, { title: 'Ngày trả kết quả', share: 1.2 }, { title: 'Ghi chú', share: 1.3 }],
          rows: r.rows.map((x, i) => {
            const a = x.applicant as Person
            const late = x.finishedAt && x.dueAt && x.finishedAt.getTime() > (x.postponedFrom ?? x.dueAt).getTime()
            return [String(i + 1), x.code!, x.procedureName, a.fullName, `${a.address}\n${a.phone}`, formatInstant(x.receivedAt!), x.dueAt ? formatInstant(x.dueAt) : '', x.finishedAt ? formatInstant(x.finishedAt) : '', x.returnedAt ? formatInstant(x.returnedAt) : '',
              [STATUS_LABELS[x.status as DossierStatus], late ? 'Quá hạn' : '', x.postponedFrom ? (x.postponedLate ? 'Đã hẹn lại (xin lỗi muộn)' : 'Đã hẹn lại') : '', CHANNEL_LABELS[x.channel]].filter(Boolean).join('; ')]
          })
        }
      })
      // A register of a period that has ended is issued as it stands today, signed with the agency's seal
      // (each copy registered as issued then); the current period's is a working copy, printed unsigned.
      if (to >= toLocal(clock()).date) return pdf
      return sealed({ dossierId: null, formKey: null, fileName: `so-theo-doi-${agencyCode}-${from}-${to}.pdf`, title: `${words.title} từ ${day(from)} đến ${day(to)}` }, agencyCode, pdf)
    },

    /** Forms 01–05 of a dossier as PDFs, for the official (any case role) or the applicant's account. */
    async formPdf (reader: { official: SignedInOfficial } | { accountId: string }, code: string, form: IssuedForm): Promise<Buffer> {
      const d = 'official' in reader ? await visible(reader.official, code) : await dossiers.get(reader.accountId, code)
      const action = ISSUED_FORMS.find(f => f.form === form)!.action
      const event = [...d.events].reverse().find(e => e.action === action)
      if (!event) throw new AppError('NOT_FOUND', `form ${form} not issued for ${code}`)
      if ('official' in reader) await downloaded(reader.official, d, 'dossier.form.download', { form })
      const supplement = form === '02' ? [...d.supplements].reverse()[0] : undefined
      const details = event.details as { from?: string, to?: string, reason?: string, late?: boolean }
      const extra: Record<string, string> = form === '01'
        ? { explanation: (event.message ?? '').replace(/^Hẹn trả kết quả: [^.]*\.\s*/, '') }
        : form === '02'
          ? {
              items: supplement ? supplement.items.map((i, n) => `- ${n + 1}. ${d.slots.find(s => s.key === i.component)?.name ?? i.component}: ${i.note}`).join('\n') : '',
              message: supplement?.message ?? '',
              ...(supplement?.dueAt ? { dueAt: formatInstant(supplement.dueAt) } : {})
            }
          : form === '04'
            ? {
                reason: details.reason ?? '',
                originalDueAt: details.from ? formatInstant(new Date(details.from)) : '',
                dueAt: details.to ? formatInstant(new Date(details.to)) : '',
                // Sent in time, the apology announces the delay; sent late, it owns it.
                delay: details.late
                  ? `Tuy nhiên đến nay, ${d.agency?.name ?? 'cơ quan'} chưa trả kết quả giải quyết hồ sơ cho ông (bà) đúng hạn được như đã hẹn.`
                  : `Tuy nhiên, ${d.agency?.name ?? 'cơ quan'} không thể trả kết quả giải quyết hồ sơ cho ông (bà) đúng hạn như đã hẹn.`
              }
            : { reason: event.message ?? '' }
      // The issuing agency and number recorded with the event; the signer who legally issues the form.
      const document = (event.details as { document?: { agencyCode: string, year: number, number: number } }).document
      const issuer = document?.agencyCode ?? event.agencyCode ?? d.agency?.code ?? ''
      const signature = await signatureFor(form, issuer, event, event.fromStatus === 2 || event.fromStatus === 4)
      const pdf = await renderForm(d, form, event.at, event.actorName ?? '', extra, {}, { ...(document ? { document } : {}), signature, issuer })
      return sealed({ dossierId: d.id, formKey: `${form}:${event.id}`, fileName: `mau-${form}-${d.code ?? d.id}.pdf`, title: capitalised(ISSUED_FORMS.find(f => f.form === form)!.label) }, issuer, pdf)
    }
  }
  /**
   * A form signed with the issuing agency's seal, when it has one (issue 23). With a `formKey` it is signed
   * once, kept, and served again from then on (the register of signed documents knows it by dossier and
   * key); without one (a register printed for a closed period) each copy is signed and registered as issued
   * then. If the signing service does not answer, the form is served unsigned, as it was printed before.
   */
  async function sealed (doc: { dossierId: string | null, formKey: string | null, fileName: string, title: string }, issuer: string, pdf: Buffer): Promise<Buffer> {
    if (!deps.signing) return pdf
    const kept = () => doc.dossierId && doc.formKey ? db.kysely.selectFrom('signedDocuments').select('fileId').where('dossierId', '=', doc.dossierId).where('formKey', '=', doc.formKey).executeTakeFirst() : Promise.resolve(undefined)
    const existing = await kept()
    if (existing) return (await deps.files.read(existing.fileId)).data
    const agency = await db.kysely.selectFrom('agencies').select(['code', 'name']).where('code', '=', issuer).executeTakeFirst()
    if (!agency) return pdf
    let signed
    try {
      signed = await deps.signing.sign({ agency, dossierId: doc.dossierId, kind: 'form', title: doc.title, pdf, location: (await deps.site.profile()).provinceName, ...(doc.formKey ? { formKey: doc.formKey } : {}) })
    } catch {
      return pdf
    }
    if (!signed) return pdf
    const [stored] = await deps.files.storeMany(null, [{ name: doc.fileName, data: signed.pdf }], 'form', { generated: true })
    try {
      await signed.record(db.kysely, stored!)
      return signed.pdf
    } catch (err) {
      // Another request signed it first: its copy is the one kept.
      await deps.files.discard([stored!.id])
      const first = await kept()
      if (!first) throw err
      return (await deps.files.read(first.fileId)).data
    }
  }
  const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
  return useCases
}
