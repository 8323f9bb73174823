import crypto from 'node:crypto'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import { formatInstant } from '../../platform/vn-time.js'
import type { AuditService } from '../audit/audit.service.js'
import type { CalendarService } from '../calendar/calendar.service.js'
import type { WorkCalendar } from '../calendar/calendar.js'
import { computeDue } from '../calendar/due.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import type { OfficialRole, OfficialsService, SignedInOfficial } from '../accounts/officials.service.js'
import { withAbbreviations, words } from '../catalog/search/normalize.js'
import type { SearchService } from '../catalog/search/search.service.js'
import { sql } from 'kysely'
import type { FilesService } from '../files/files.service.js'
import { OPEN, type FeedbackStatus } from './model.js'

/** Days a follow link keeps working after its feedback is closed (answered, not competent, merged, rejected). */
export const FOLLOW_DAYS = 180

/** A follow link past its time: said as such on its page (a plain "not found" otherwise). */
export class LapsedLink extends AppError {
  constructor (readonly feedbackCode: string) {
    super('NOT_FOUND', `Liên kết theo dõi đã hết hạn (${FOLLOW_DAYS} ngày sau khi phản ánh kết thúc).`)
  }
}

/** Who follows their feedback: by their account, or by the signed link sent to them. */
export type Owner = { accountId: string } | { token: string }

export interface FeedbackDeps {
  db: Db
  audit: AuditService
  calendar: Pick<CalendarService, 'calendar'>
  notifications: Pick<NotificationsService, 'enqueue'>
  officials: Pick<OfficialsService, 'scope'>
  files: Pick<FilesService, 'storeMany' | 'discard' | 'read'>
  /** The catalog's search: the public questions and answers are searched by the same analysis. */
  search: Pick<SearchService, 'analyzeAgainst'>
  /** Working days an agency has to answer (FEEDBACK_ANSWER_DAYS). */
  answerDays: number
  publicUrl: () => string
  /** Signs the follow links of senders without an account. */
  followKey: string
  now?: () => Date
}

/** Officials who handle feedback of their agency, and those who approve the answers. */
export const HANDLERS: OfficialRole[] = ['receptionist', 'specialist', 'department_head', 'agency_leader']
export const LEADERS: OfficialRole[] = ['department_head', 'agency_leader']
/** Those told of a new or transferred feedback: who takes it at the desk, and who gives it out. */
export const RECEIVERS: OfficialRole[] = ['receptionist', ...LEADERS]

export function createFeedbackContext (deps: FeedbackDeps) {
  const { db, audit, calendar, notifications } = deps
  const now = deps.now ?? (() => new Date())

  /**
   * The due time of an answer: the limit in working days from the clock's start, the citizen's waits added
   * back, by the agency's calendar. The calendar is read before a transaction opens (`calendarOf`): the
   * embedded database has one connection, which the transaction holds.
   */
  const calendarOf = (agencyCode: string) => calendar.calendar(agencyCode)
  const dueIn = (cal: WorkCalendar, start: Date, pauses: Array<{ from: string, to: string }>): Date =>
    computeDue(cal, start, { value: deps.answerDays, unit: 'working_days' }, { pauseMode: 'pause', pauses: pauses.map(p => ({ from: new Date(p.from), to: new Date(p.to) })) }).due

  /**
   * The document the public search matches (the catalog's normalisation: folded words, abbreviations added):
   * the title weighted A, the citizen's text B, the answer C, as the catalog's ranking reads them.
   */
  const folded = (text: string) => withAbbreviations(words(text)).join(' ')
  const searchDocument = (f: { title: string, body: string, answer: string }) =>
    sql<string>`setweight(to_tsvector('simple', ${folded(f.title)}), 'A') || setweight(to_tsvector('simple', ${folded(f.body)}), 'B') || setweight(to_tsvector('simple', ${folded(f.answer)}), 'C')`
  /** Counts a published document's words in (+1) or out (-1) of the lexicon that corrects searches, in the caller's transaction. */
  const lexicon = (trx: Executor, feedbackId: number, by: 1 | -1) => sql`
    insert into feedback_lexicon (word, documents)
    select word, ${by === 1 ? 1 : 0} from unnest(tsvector_to_array((select search_vector from feedback where id = ${feedbackId}))) as word
    on conflict (word) do update set documents = greatest(0, feedback_lexicon.documents + ${by})`.execute(trx)

  async function event (trx: Executor, feedbackId: number, e: { action: string, actor: { type: 'citizen' | 'official' | 'system', name?: string | null }, agencyCode?: string | null, message?: string | null, note?: string | null }) {
    await trx.insertInto('feedbackEvents').values({
      feedbackId, at: now(), action: e.action, actorType: e.actor.type, actorName: e.actor.name ?? null, agencyCode: e.agencyCode ?? null, message: e.message ?? null, note: e.note ?? null
    }).execute()
  }

  /** The secret address a sender without an account follows their feedback by: its code signed (HMAC). */
  const followToken = (code: string) => `${code}.${crypto.createHmac('sha256', deps.followKey).update(`feedback-follow:${code}`).digest('base64url').slice(0, 32)}`
  /** The code a follow token is for, when its signature holds. */
  function codeOfToken (token: string): string | undefined {
    const code = token.split('.')[0] ?? ''
    const expected = Buffer.from(followToken(code))
    const given = Buffer.from(token)
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? code : undefined
  }
  /** Where the sender follows a feedback: their page when signed in, the signed link otherwise. */
  const followUrl = (f: { code: string, accountId: string | null }) =>
    f.accountId ? `${deps.publicUrl()}/ca-nhan/phan-anh/${f.code}` : `${deps.publicUrl()}/phan-anh-kien-nghi/theo-doi/${followToken(f.code)}`

  /**
   * The feedback an owner reaches: by their account, or by the signed follow link — which lapses
   * FOLLOW_DAYS after the feedback was closed, so an old forwarded e-mail stops showing it (NOT_FOUND otherwise).
   */
  async function ownedBy (owner: Owner, code?: string) {
    const c = 'token' in owner ? codeOfToken(owner.token) : code
    let q = db.kysely.selectFrom('feedback').select(['id', 'code', 'accountId', 'agencyCode', 'status', 'answeredAt']).where('code', '=', c ?? '')
    if ('accountId' in owner) q = q.where('accountId', '=', owner.accountId)
    const f = c ? await q.executeTakeFirst() : undefined
    if (!f) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh của bạn')
    if ('token' in owner && !OPEN.includes(f.status) && f.answeredAt && f.answeredAt.getTime() < now().getTime() - FOLLOW_DAYS * 86_400_000) {
      throw new LapsedLink(f.code)
    }
    return f
  }

  /** Tells the sender what changed — an in-app notice and the account's e-mail, else its phone; or the contact they proved — in the caller's transaction. */
  async function tell (trx: Executor, f: { code: string, accountId: string | null, contact?: string | null }, subject: string, text: string) {
    const contact = f.accountId
      ? await trx.selectFrom('accounts').select(['email', 'phone']).where('id', '=', f.accountId).executeTakeFirst()
      : f.contact?.includes('@') ? { email: f.contact, phone: null } : { email: null, phone: f.contact ?? null }
    const link = followUrl(f)
    // With an account, also an in-app notice (the personal page counts those unread), leading to the feedback.
    if (f.accountId) await trx.insertInto('accountNotices').values({ accountId: f.accountId, text: `Phản ánh ${f.code}: ${subject}`, href: `/ca-nhan/phan-anh/${f.code}` }).execute()
    if (contact?.email) await notifications.enqueue(trx, { channel: 'email', recipient: contact.email, template: 'feedback', subject: `Phản ánh ${f.code}: ${subject}`, body: `${text}\n\nXem phản ánh: ${link}\n` })
    else if (contact?.phone) await notifications.enqueue(trx, { channel: 'sms', recipient: contact.phone, template: 'feedback', subject: '', body: `Cong DVC: phan anh ${f.code} - ${subject}. Xem tai ${link}` })
  }

  /**
   * Tells officials of a feedback that needs them — the agency's receptionists and leaders of a new or
   * transferred one (those who take it or give it out), the leaders of a draft to approve, the handler of
   * a draft sent back — by e-mail, else SMS, in the caller's transaction.
   */
  async function alert (trx: Executor, to: { agencyCode: string, roles: OfficialRole[] } | { officialId: string }, f: { code: string, title: string, dueAt: Date }, subject: string) {
    let q = trx.selectFrom('officials as o').select(['o.email', 'o.phone']).distinct().where('o.status', '=', 'active')
    q = 'officialId' in to
      ? q.where('o.id', '=', to.officialId)
      : q.where(eb => eb.exists(eb.selectFrom('officialRoles as r').innerJoin('agencies as a', 'a.id', 'r.agencyId').select('r.officialId')
        .whereRef('r.officialId', '=', 'o.id').where('a.code', '=', to.agencyCode).where('r.role', 'in', to.roles)))
    const link = `${deps.publicUrl()}/can-bo/phan-anh/${f.code}`
    for (const o of await q.execute()) {
      if (o.email) await notifications.enqueue(trx, { channel: 'email', recipient: o.email, template: 'feedback-official', subject: `Phản ánh ${f.code}: ${subject}`, body: `Phản ánh, kiến nghị “${f.title}” (${dueText(f.dueAt)}).\n\nMở phản ánh: ${link}\n` })
      else if (o.phone) await notifications.enqueue(trx, { channel: 'sms', recipient: o.phone, template: 'feedback-official', subject: '', body: `Cong DVC: phan anh ${f.code} can xu ly. Xem tai ${link}` })
    }
  }

  /**
   * What a feedback is about: the citizen's own dossier (submitted, not a draft) with the agency handling
   * it, or a procedure with its first processing agency; NOT_FOUND when neither is theirs or known. The one
   * read the send form and the send share.
   */
  async function subject (accountId: string | null, of: { dossierCode?: string | undefined, procedureCode?: string | undefined }) {
    const k = db.kysely
    if (of.dossierCode && accountId) {
      const dossier = await k.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .innerJoin('agencies as a', join => join.on(sql<boolean>`a.code = coalesce(d.processing_agency_code, d.agency_code)`))
        .select(['d.id', 'd.procedureId', 'v.name as procedureName', 'a.code as agencyCode', 'a.name as agencyName'])
        .where('d.code', '=', of.dossierCode).where('d.accountId', '=', accountId).where('d.status', '>', 0).executeTakeFirst()
      if (!dossier) throw new AppError('NOT_FOUND', 'Không tìm thấy hồ sơ của bạn')
      return { dossier: { ...dossier, code: of.dossierCode } }
    }
    if (of.procedureCode) {
      const procedure = await k.selectFrom('procedures as p').innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .leftJoin('procedureAgencies as pa', join => join.onRef('pa.procedureId', '=', 'p.id').on('pa.role', '=', 'processing'))
        .leftJoin('agencies as a', 'a.id', 'pa.agencyId')
        .select(['p.id', 'p.code', 'v.name', 'a.code as agencyCode']).where('p.code', '=', of.procedureCode).orderBy('a.id').executeTakeFirst()
      if (!procedure) throw new AppError('NOT_FOUND', 'Không tìm thấy thủ tục')
      return { procedure }
    }
    return {}
  }

  /** A feedback the official may handle (its agency in their `scope`, read before the transaction), locked for the change. */
  async function handled (trx: Executor, scope: string[], code: string) {
    const f = await trx.selectFrom('feedback').selectAll().where('code', '=', code).forUpdate().executeTakeFirst()
    if (!f) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh')
    if (!scope.includes(f.agencyCode)) throw new AppError('FORBIDDEN', `feedback ${code} is not in the official's scope`)
    return f
  }

  function expect (status: FeedbackStatus, allowed: FeedbackStatus[], what: string) {
    if (!allowed.includes(status)) throw new AppError('CONFLICT', `Phản ánh đang ở trạng thái không thể ${what}.`)
  }

  const auditOf = (trx: Executor, official: SignedInOfficial, action: string, code: string, details: Record<string, unknown> = {}) =>
    audit.record(trx, { actor: { type: 'official', id: official.id }, action: `feedback.${action}`, targetType: 'feedback', targetId: code, details })

  /** The files attached to a feedback (for its sender and its handlers only). */
  const attachmentsOf = (feedbackId: number) => db.kysely.selectFrom('feedbackFiles as ff').innerJoin('files as f', 'f.id', 'ff.fileId')
    .select(['f.id', 'f.name', 'f.size', 'f.mediaType', 'f.state']).where('ff.feedbackId', '=', feedbackId).orderBy('f.createdAt').execute()

  const dueText = (due: Date) => `hạn trả lời ${formatInstant(due)}`

  /** Marks the moment of a change on the row (the caller's update), with the clock's fields when it moved. */
  const touch = () => ({ updatedAt: now() })

  return { db, deps, now, subject, followToken, codeOfToken, followUrl, ownedBy, calendarOf, dueIn, searchDocument, lexicon, event, tell, alert, handled, expect, auditOf, attachmentsOf, dueText, touch }
}

export type FeedbackContext = ReturnType<typeof createFeedbackContext>
