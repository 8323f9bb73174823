import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../../../platform/db/db.js'
import type { ProcedureContent } from '../catalog.types.js'
import { searchDocument } from './document.js'
import type { Lexicon, RankedQuery, Synonym } from './query.js'

/** How many procedures one statement indexes. */
const BATCH = 200

/**
 * The search index in the database: each procedure's weighted document (`search_vector`), built from
 * its current version; the lexicon of the words the documents hold; the synonyms; the search log.
 */
export const searchRepository = {
  /**
   * Builds the document of every procedure whose current version is not the one indexed (new,
   * changed, or never indexed since search came), then the lexicon when anything changed. Returns how
   * many were indexed.
   */
  async reindex (db: Executor, all = false): Promise<number> {
    let q = db.selectFrom('procedures as p').innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId').innerJoin('sectors as s', 's.id', 'p.sectorId')
      .select(['p.id', 'p.code', 'v.id as versionId', 'v.content', 's.name as sectorName'])
    if (!all) q = q.where(eb => eb.or([eb('p.searchVersionId', 'is', null), eb('p.searchVersionId', '!=', eb.ref('p.currentVersionId'))]))
    const rows = await q.orderBy('p.id').execute()
    for (let i = 0; i < rows.length; i += BATCH) {
      const values = rows.slice(i, i + BATCH).map(r => {
        const d = searchDocument({ code: r.code, content: r.content as ProcedureContent, sectorName: r.sectorName })
        return sql`(${r.id}::bigint, ${r.versionId}::bigint, ${d.name}, ${d.result}, ${d.keywords}, ${d.body})`
      })
      await sql`
        update procedures p set search_version_id = d.version_id,
          search_vector = setweight(to_tsvector('simple', d.name), 'A') || setweight(to_tsvector('simple', d.result), 'B')
            || setweight(to_tsvector('simple', d.keywords), 'C') || setweight(to_tsvector('simple', d.body), 'D')
        from (values ${sql.join(values)}) as d (id, version_id, name, result, keywords, body)
        where p.id = d.id`.execute(db)
    }
    if (rows.length > 0) await searchRepository.refreshLexicon(db)
    return rows.length
  },

  /** The lexicon rebuilt from the documents: every word and how many procedures hold it. */
  async refreshLexicon (db: Executor): Promise<void> {
    await sql`delete from search_lexicon`.execute(db)
    await sql`insert into search_lexicon (word, documents) select word, ndoc from ts_stat('select search_vector from procedures where search_vector is not null')`.execute(db)
  },

  /** The lexicon as the query analysis asks it. */
  lexicon: (db: Executor): Lexicon => tableLexicon(db, 'search_lexicon', async () =>
    (await db.selectFrom('procedures').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n),

  /** The procedures whose names look most like a query that matched nothing (trigram likeness). */
  async closest (db: Executor, text: string, limit = 5): Promise<Array<{ code: string, name: string }>> {
    if (!text) return []
    return db.selectFrom('procedures as p').innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId').select(['p.code', 'v.name'])
      .where(sql<boolean>`similarity(p.search_name, ${text}) > 0.1`).orderBy(sql`similarity(p.search_name, ${text})`, 'desc').orderBy('p.code').limit(limit).execute()
  },

  async synonyms (db: Executor): Promise<Synonym[]> {
    return db.selectFrom('searchSynonyms').select(['phrase', 'means']).orderBy('id').execute()
  }
}

/**
 * A lexicon kept in a table of (word, documents) — the catalog's, or another searchable collection's
 * (the published feedback) — as the query analysis asks it; `total` counts the collection's documents.
 */
export function tableLexicon (db: Executor, table: 'search_lexicon' | 'feedback_lexicon', total: () => Promise<number>): Lexicon {
  const from = sql.table(table)
  return {
    async documents (list) {
      if (list.length === 0) return new Map()
      const r = await sql<{ word: string, documents: number }>`select word, documents from ${from} where word in (${sql.join(list)}) and documents > 0`.execute(db)
      return new Map(r.rows.map(x => [x.word, x.documents]))
    },
    total,
    async nearest (word, maxDistance, limit = 3) {
      // Fewest edits first, then the word that shares more of its letter groups, then the one more documents hold.
      const r = await sql<{ word: string }>`
        select word from ${from}
        where length(word) between ${word.length - maxDistance} and ${word.length + maxDistance} and documents > 0
          and levenshtein_less_equal(word, ${word}, ${maxDistance}) <= ${maxDistance} and word <> ${word}
        order by levenshtein_less_equal(word, ${word}, ${maxDistance}), similarity(word, ${word}) desc, documents desc, word
        limit ${limit}`.execute(db)
      return r.rows.map(x => x.word)
    }
  }
}

/**
 * The score of a document for an analysed query: for each part found, the part's weight (rare words weigh
 * more) three times in the A-weighted text (a procedure's name, a feedback's title), twice in the B text,
 * once elsewhere; for neighbouring parts side by side in the A text, their weight again. `has` tells
 * whether the document matches one of the query's tsqueries. `cheap`: the preselection's score (the part's
 * weight three times in the name, once elsewhere; no result level, no pairs), which keeps the few hundred of
 * thousands of matches the full score then orders: by rarity, as the full score, not by how often a
 * document repeats a common word.
 */
export function rankScore (q: RankedQuery, has: (tsquery: string) => RawBuilder<unknown>, cheap = false): RawBuilder<number> {
  const found = (w: { name: string, result: string, anywhere: string, weight: number }) => cheap
    ? sql`(case when ${has(w.name)} then 3 when ${has(w.anywhere)} then 1 else 0 end) * ${w.weight}::float8`
    : sql`(case when ${has(w.name)} then 3 when ${has(w.result)} then 2 when ${has(w.anywhere)} then 1 else 0 end) * ${w.weight}::float8`
  return sql<number>`${sql.join([
    ...q.parts.map(ways => ways.length === 1 ? found(ways[0]!) : sql`greatest(${sql.join(ways.map(found))})`),
    ...(cheap ? [] : q.pairs.map(pair => sql`(case when ${has(pair.name)} then ${pair.weight}::float8 else 0 end)`))
  ], sql` + `)}`
}

/**
 * An analysed query's tsqueries parsed once, in a one-row subquery `q` every row is joined with; `column`
 * names the parsed form of one of them (its "any", a part's way, a pair).
 */
export function parsedQuery (q: RankedQuery) {
  const texts = [...new Set([q.any, ...q.parts.flat().flatMap(w => [w.name, w.result, w.anywhere]), ...q.pairs.map(x => x.name)])]
  return {
    parsed: sql`(select ${sql.join(texts.map((text, i) => sql`to_tsquery('simple', ${text}) as ${sql.raw(`q${i}`)}`))})`.as('q'),
    column: (text: string) => sql.raw(`q.q${texts.indexOf(text)}`)
  }
}
