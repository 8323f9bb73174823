import { sql, type SqlBool } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import { words } from '../../catalog/search/normalize.js'
import { spelled } from '../../catalog/search/query.js'
import { parsedQuery, rankScore, tableLexicon } from '../../catalog/search/search.repository.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { HANDLERS, type FeedbackContext, type Owner } from '../context.js'
import { maskPersonal, type FeedbackCategory } from '../model.js'

export interface PublicFilter { q?: string | undefined, agency?: string | undefined, procedure?: string | undefined, page?: number }

/** A published question and answer: nothing that says who asked unless they agreed, no personal data in the text. */
export interface PublishedFeedback {
  code: string
  category: FeedbackCategory
  title: string
  text: string
  /** The sender's name when they chose to show it; otherwise absent. */
  sender?: string
  agency: { code: string, name: string }
  procedure: { code: string, name: string } | null
  submittedAt: Date
  answeredAt: Date
  answer: string
  onTime: boolean
}

const PAGE = 20

/** Reading feedback: the public questions and answers, and the citizen's own. */
export function readingUseCases (ctx: FeedbackContext) {
  const k = ctx.db.kysely

  const published = () => k.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode').leftJoin('accounts as c', 'c.id', 'f.accountId')
    .leftJoin('procedures as p', 'p.id', 'f.procedureId').leftJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
    .select(['f.code', 'f.category', 'f.title', 'f.body', 'f.showName', 'f.submittedAt', 'f.answeredAt', 'f.answer', 'f.dueAt', 'a.code as agencyCode', 'a.name as agencyName', 'c.fullName', 'p.code as procedureCode', 'v.name as procedureName'])
    .where('f.status', '=', 'published').where('f.hiddenReason', 'is', null)

  type Row = Awaited<ReturnType<ReturnType<typeof published>['execute']>>[number]
  const toPublic = (r: Row): PublishedFeedback => {
    // The sender's name is hidden from the text too unless they chose to show it.
    const names = r.showName || !r.fullName ? [] : [r.fullName]
    return {
      code: r.code,
      category: r.category,
      title: maskPersonal(r.title, names),
      text: maskPersonal(r.body, names),
      ...(r.showName && r.fullName ? { sender: r.fullName } : {}),
      agency: { code: r.agencyCode, name: r.agencyName },
      procedure: r.procedureCode ? { code: r.procedureCode, name: r.procedureName ?? r.procedureCode } : null,
      submittedAt: r.submittedAt,
      answeredAt: r.answeredAt!,
      answer: r.answer ?? '',
      onTime: r.answeredAt! <= r.dueAt
    }
  }

  // The words published answers hold, which correct the typos of a search; the total counts what is searchable.
  const lexicon = tableLexicon(k, 'feedback_lexicon', async () =>
    Number((await k.selectFrom('feedback').select(sql<string>`count(*)`.as('n')).where('status', '=', 'published').where('hiddenReason', 'is', null).executeTakeFirstOrThrow()).n))

  return {
    /**
     * Published questions and answers: with words, searched by the catalog's analysis (synonyms,
     * abbreviations, stop words; typos corrected against the words published answers hold) and ranked by
     * the catalog's score (the title above the citizen's text above the answer; words side by side), a
     * sharing of one meaningful word enough to come; without, newest answer first. By agency, by procedure.
     */
    async published (filter: PublicFilter): Promise<{ items: PublishedFeedback[], total: number, page: number, pages: number, corrected?: string | undefined }> {
      let q = published()
      if (filter.agency) q = q.where('a.code', '=', filter.agency)
      if (filter.procedure) q = q.where('p.code', '=', filter.procedure)
      const page = Math.max(1, Math.min(filter.page ?? 1, 500))
      const a = filter.q?.trim() ? await ctx.deps.search.analyzeAgainst(filter.q, lexicon) : undefined
      const total = sql<string>`count(*) over ()`.as('total')
      let rows
      if (a?.query) {
        const { parsed, column } = parsedQuery(a.query)
        rows = await q.innerJoin(parsed, join => join.onTrue()).where(sql<SqlBool>`f.search_vector @@ ${column(a.query.any)}`).select(total)
          .orderBy(rankScore(a.query, t => sql`f.search_vector @@ ${column(t)}`), 'desc').orderBy('f.answeredAt', 'desc').orderBy('f.id', 'desc')
          .limit(PAGE).offset((page - 1) * PAGE).execute()
      } else {
        rows = await q.select(total).orderBy('f.answeredAt', 'desc').orderBy('f.id', 'desc').limit(PAGE).offset((page - 1) * PAGE).execute()
      }
      const count = Number(rows[0]?.total ?? 0)
      const items = rows.map(toPublic)
      const corrected = a?.corrected && items.length > 0 ? spelled(a.corrected, items.map(i => i.title)) : undefined
      return { items, total: count, page, pages: Math.max(1, Math.ceil(count / PAGE)), corrected: corrected && words(corrected).join(' ') !== a?.text ? corrected : undefined }
    },

    /** One published question and answer (NOT_FOUND when it is not published or was hidden). */
    async publishedOne (code: string): Promise<PublishedFeedback> {
      const r = await published().where('f.code', '=', code).executeTakeFirst()
      if (!r) throw new AppError('NOT_FOUND', 'Không tìm thấy phản ánh, kiến nghị đã trả lời')
      return toPublic(r)
    },

    /** How many answered questions a procedure has (its page links to them). */
    async countForProcedure (procedureCode: string): Promise<number> {
      const r = await published().clearSelect().select(sql<string>`count(*)`.as('n')).where('p.code', '=', procedureCode).executeTakeFirstOrThrow()
      return Number(r.n)
    },

    /** The agencies that have published answers, for the filter. */
    async answeringAgencies () {
      return k.selectFrom('agencies as a').select(['a.code', 'a.name'])
        .where(({ exists, selectFrom }) => exists(selectFrom('feedback as f').select('f.id').whereRef('f.agencyCode', '=', 'a.code').where('f.status', '=', 'published').where('f.hiddenReason', 'is', null)))
        .orderBy('a.name').execute()
    },

    /** One attached file's bytes, for whoever `reach` says may see the feedback (NOT_FOUND otherwise, or while it is being scanned). */
    async attachment (code: string, fileId: string, who: { accountId: string } | { official: SignedInOfficial }) {
      const reach = 'accountId' in who ? who : { scope: await ctx.deps.officials.scope(who.official, HANDLERS) }
      let q = k.selectFrom('feedbackFiles as ff').innerJoin('feedback as f', 'f.id', 'ff.feedbackId').select('ff.fileId').where('f.code', '=', code).where('ff.fileId', '=', sql<string>`${/^[0-9a-f-]{36}$/.test(fileId) ? fileId : '00000000-0000-0000-0000-000000000000'}::uuid`)
      q = 'accountId' in reach ? q.where('f.accountId', '=', reach.accountId) : q.where('f.agencyCode', 'in', reach.scope.length > 0 ? reach.scope : [''])
      if (!await q.executeTakeFirst()) throw new AppError('NOT_FOUND', 'Không tìm thấy tệp')
      return ctx.deps.files.read(fileId)
    },

    /** The agencies a citizen may address feedback to. */
    async agencies () {
      return k.selectFrom('agencies').select(['code', 'name']).where('kind', 'in', ['province', 'department', 'unit', 'district']).orderBy('name').execute()
    },

    /** What the send form says the feedback is about: the citizen's own dossier, or a procedure (NOT_FOUND otherwise). */
    about: (accountId: string | null, of: { dossierCode?: string | undefined, procedureCode?: string | undefined }) => ctx.subject(accountId, of),

    /** The citizen's own feedback, whole, with what they may see of its timeline (messages, never officials' notes). */
    async own (owner: Owner, code?: string) {
      const { id } = await ctx.ownedBy(owner, code)
      const f = await k.selectFrom('feedback as f').innerJoin('agencies as a', 'a.code', 'f.agencyCode')
        .leftJoin('procedures as p', 'p.id', 'f.procedureId').leftJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .leftJoin('dossiers as d', 'd.id', 'f.dossierId').leftJoin('feedback as m', 'm.id', 'f.mergedInto')
        .select(['f.id', 'f.code', 'f.accountId', 'f.category', 'f.title', 'f.body', 'f.status', 'f.showName', 'f.submittedAt', 'f.dueAt', 'f.answeredAt', 'f.infoRequest', 'f.redirectTo', 'f.rating', 'f.hiddenReason',
          sql<string | null>`case when f.status in ('published', 'not_competent', 'spam') then f.answer end`.as('answer'), 'a.name as agencyName', 'v.name as procedureName', 'd.code as dossierCode', 'm.code as mergedIntoCode'])
        .where('f.id', '=', id).executeTakeFirstOrThrow()
      const [events, files] = await Promise.all([
        k.selectFrom('feedbackEvents').select(['at', 'message']).where('feedbackId', '=', f.id).where('message', 'is not', null).orderBy('at').orderBy('id').execute(),
        ctx.attachmentsOf(f.id)
      ])
      return { ...f, events, files }
    }
  }
}
