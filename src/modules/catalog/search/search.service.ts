import { sql, type Transaction } from 'kysely'
import type { Db } from '../../../platform/db/db.js'
import type { Database } from '../../../platform/db/database.js'
import { AppError } from '../../../platform/http/errors.js'
import type { Actor, AuditService } from '../../audit/audit.service.js'
import { words } from './normalize.js'
import { analyze, rankedQuery, type Lexicon, type Synonym } from './query.js'
import { searchRepository } from './search.repository.js'

/** How long searches are counted in memory before they are written (one write per query and day). */
const LOG_FLUSH_MS = 10_000

/** How many words' document counts a process keeps before starting again. */
const LEXICON_KEPT = 50_000

/**
 * A search query as the log keeps it: normalised, without runs of five or more digits or anything
 * around an "@" (an ID number, a phone number, an e-mail address typed into the box), at most 100 characters.
 */
export function loggedQuery (q: string): string {
  return words(q.replace(/\S+@\S+/g, ' ').replace(/\d{5,}/g, ' ')).join(' ').slice(0, 100).trim()
}

/**
 * Search in the citizen's words (issue 21): the analysis of a query against the index and the
 * synonyms, the synonyms catalog administrators keep (each change audited, effective in every process
 * through the catalog revision), and the log of what was searched without finding.
 */
export function createSearchService (deps: { db: Db, audit: AuditService, write: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>, now?: () => Date }) {
  const { db, audit } = deps
  const clock = deps.now ?? (() => new Date())
  let synonyms: Synonym[] | undefined
  // What the analysis asks of the lexicon is the same until the catalog changes: the number of
  // procedures and how many hold a word (0: none) are kept, and forgotten with the synonyms.
  let total: number | undefined
  const held = new Map<string, number>()
  const stored = () => searchRepository.lexicon(db.reader())
  const lexicon: Lexicon = {
    async documents (list) {
      const missing = [...new Set(list.filter(w => !held.has(w)))]
      if (missing.length > 0) {
        const found = await stored().documents(missing)
        if (held.size > LEXICON_KEPT) held.clear()
        for (const w of missing) held.set(w, found.get(w) ?? 0)
      }
      return new Map(list.filter(w => held.get(w)! > 0).map(w => [w, held.get(w)!]))
    },
    async total () { return (total ??= await stored().total()) },
    nearest: (word, maxDistance, limit) => stored().nearest(word, maxDistance, limit)
  }
  // Counted in memory and written every few seconds: a search is a read, and stays one.
  const pending = new Map<string, { searches: number, empty: number, opened: number }>()
  const day = () => new Date(clock().getTime() + 7 * 3600_000).toISOString().slice(0, 10)
  const count = (query: string, field: 'searches' | 'empty' | 'opened') => {
    if (!query) return
    const key = `${day()}|${query}`
    const c = pending.get(key) ?? { searches: 0, empty: 0, opened: 0 }
    c[field]++
    pending.set(key, c)
  }
  async function flush (): Promise<void> {
    if (pending.size === 0) return
    const rows = [...pending].map(([key, c]) => ({ day: key.slice(0, 10), query: key.slice(11), ...c }))
    pending.clear()
    await db.kysely.insertInto('searchQueries').values(rows)
      .onConflict(oc => oc.columns(['query', 'day']).doUpdateSet({
        searches: sql`search_queries.searches + excluded.searches`, empty: sql`search_queries.empty + excluded.empty`, opened: sql`search_queries.opened + excluded.opened`
      })).execute()
  }
  const timer = setInterval(() => { flush().catch(() => undefined) }, LOG_FLUSH_MS)
  timer.unref()

  const service = {
    /** Drops this process's copy of the synonyms (the catalog revision changed). */
    forget () { synonyms = undefined; total = undefined; held.clear() },

    /** A query read for the ranked search: its tsquery texts, folded words and correction. */
    async analyze (q: string, options: { prefixLast?: boolean } = {}) {
      synonyms ??= await searchRepository.synonyms(db.reader())
      const a = await analyze(q, synonyms, lexicon, options)
      return { query: rankedQuery(a), text: a.text, corrected: a.corrected }
    },

    /**
     * A query read against another collection's lexicon (the published feedback): the same synonyms,
     * abbreviations and stop words, typos corrected to the words that collection holds.
     */
    async analyzeAgainst (q: string, other: Lexicon) {
      synonyms ??= await searchRepository.synonyms(db.reader())
      const a = await analyze(q, synonyms, other)
      return { query: rankedQuery(a), text: a.text, corrected: a.corrected }
    },

    /** When a query matched nothing: the procedures with the most similar names. */
    closest: (text: string) => searchRepository.closest(db.reader(), text),

    /** Builds the documents of procedures not indexed at their current version (and the lexicon); in the caller's catalog write. */
    reindex: searchRepository.reindex,

    /** A search made on the portal's pages, and whether it found anything; a result opened from one. */
    searched (q: string, found: boolean) { const l = loggedQuery(q); count(l, 'searches'); if (!found) count(l, 'empty') },
    opened (q: string) { count(loggedQuery(q), 'opened') },
    flush,
    close () { clearInterval(timer); return flush() },

    /** Queries of the last `days` days that found nothing, or whose results nobody opened: where a synonym is missing. */
    async misses (days = 30, limit = 100) {
      await flush()
      const since = new Date(clock().getTime() - days * 86_400_000).toISOString().slice(0, 10)
      return db.kysely.selectFrom('searchQueries').select(['query', sql<number>`sum(searches)::int`.as('searches'), sql<number>`sum(empty)::int`.as('empty'), sql<number>`sum(opened)::int`.as('opened')])
        .where('day', '>=', since).groupBy('query').having(sql<boolean>`sum(empty) > 0 or sum(opened) = 0`)
        .orderBy(sql`sum(empty)`, 'desc').orderBy(sql`sum(searches)`, 'desc').orderBy('query').limit(limit).execute()
    },

    async listSynonyms () {
      return db.kysely.selectFrom('searchSynonyms').select(['id', 'phrase', 'means', 'note', 'createdByName', 'createdAt']).orderBy('phrase').orderBy('means').execute()
    },

    /** A catalog administrator adds an equivalence; VALIDATION names the field. */
    async addSynonym (actor: Actor & { name: string }, input: { phrase?: string, means?: string, note?: string }): Promise<void> {
      const phrase = words(input.phrase ?? '').join(' ')
      const means = words(input.means ?? '').join(' ')
      const errors: Array<{ field: string, message: string }> = []
      if (!phrase) errors.push({ field: 'phrase', message: 'Nhập từ, cụm từ người dân thường dùng' })
      else if (phrase.split(' ').length > 6) errors.push({ field: 'phrase', message: 'Cụm từ dài tối đa 6 từ' })
      if (!means) errors.push({ field: 'means', message: 'Nhập cách gọi trong danh mục thủ tục' })
      else if (means.split(' ').length > 10) errors.push({ field: 'means', message: 'Cách gọi dài tối đa 10 từ' })
      else if (means === phrase) errors.push({ field: 'means', message: 'Hai cách gọi giống nhau sau khi bỏ dấu' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid synonym', errors)
      await deps.write(async (trx) => {
        const r = await trx.insertInto('searchSynonyms').values({ phrase, means, note: input.note?.trim().slice(0, 300) || null, createdBy: actor.type === 'official' ? actor.id ?? null : null, createdByName: actor.name })
          .onConflict(oc => oc.columns(['phrase', 'means']).doNothing()).returning('id').executeTakeFirst()
        if (!r) throw new AppError('VALIDATION', 'duplicate synonym', [{ field: 'phrase', message: 'Cặp từ đồng nghĩa này đã có' }])
        await audit.record(trx, { actor, action: 'catalog.synonym.add', targetType: 'synonym', targetId: String(r.id), details: { phrase, means } })
      })
    },

    async removeSynonym (actor: Actor, id: number): Promise<void> {
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', 'no such synonym')
      await deps.write(async (trx) => {
        const r = await trx.deleteFrom('searchSynonyms').where('id', '=', id).returning(['phrase', 'means']).executeTakeFirst()
        if (!r) throw new AppError('NOT_FOUND', 'no such synonym')
        await audit.record(trx, { actor, action: 'catalog.synonym.remove', targetType: 'synonym', targetId: String(id), details: r })
      })
    },

    /** Loads the seeded synonyms (the first start, or when the file has new ones): pairs already there are kept. */
    async seedSynonyms (actor: Actor, list: ReadonlyArray<{ phrase: string, means: string, note?: string }>): Promise<number> {
      const rows = list.map(s => ({ phrase: words(s.phrase).join(' '), means: words(s.means).join(' '), note: s.note ?? null, createdByName: 'Danh sách ban đầu' })).filter(s => s.phrase && s.means && s.phrase !== s.means)
      if (rows.length === 0) return 0
      return deps.write(async (trx) => {
        const added = await trx.insertInto('searchSynonyms').values(rows).onConflict(oc => oc.columns(['phrase', 'means']).doNothing()).returning('id').execute()
        if (added.length > 0) await audit.record(trx, { actor, action: 'catalog.synonym.seed', targetType: 'catalog', targetId: 'synonyms', details: { count: added.length } })
        return added.length
      })
    }
  }
  return service
}

export type SearchService = ReturnType<typeof createSearchService>
