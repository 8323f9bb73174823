import { sql, type SqlBool } from 'kysely'
import type { Executor } from '../../platform/db/db.js'
import type { Assurance } from '../../platform/db/database.js'
import type { AgencyRef, GovernmentLevel, OnlineLevel, ProcedureContent, ProcedureFilters, ProcedureSummary, ProcessingTime } from './catalog.types.js'
import { fold } from './import/text.js'
import type { RankedQuery } from './search/query.js'
import { parsedQuery, rankScore } from './search/search.repository.js'

export interface AgencyInput {
  code: string
  name: string
  shortName?: string | null
  kind: 'national' | 'ministry' | 'province' | 'department' | 'unit' | 'district' | 'commune'
  parent?: string | null
  address?: string | null
  phone?: string | null
  aliases?: string[]
  validFrom?: string | null
  validTo?: string | null
  /** The agency whose one-stop desk receives this one's dossiers (e.g. the public service centre). */
  receptionDesk?: string | null
  /** The account fees are transferred to: NAPAS bank BIN, account number, holder, bank name. */
  bankAccount?: { bin: string, number: string, name: string, bank: string } | null
  /** The online payment the agency collects through ('vnpay' or 'paygov'); unset, every one the portal has is offered. */
  onlinePayment?: 'vnpay' | 'paygov' | null
}

export interface AgencyRow { id: number, code: string, name: string, shortName: string | null, parentId: number | null, kind: string, codeConfirmed: boolean, aliases: string[], validFrom: string | null, validTo: string | null }

export interface VersionRow { id: number, procedureId: number, version: number, decisionId: number, decisionNumber: string, contentHash: string, inUse: boolean, createdAt: Date, updatedAt: Date }

/** How many matches of a search the full score orders (at least; more when the page asked for is further). */
export const PRESELECT = 300

/** `preselect`: how many matches the cheap rank keeps for the full score (a test keeps few to see what it drops). */
export function createCatalogRepository (options: { preselect?: number } = {}) {
  const preselect = options.preselect ?? PRESELECT
  async function agencyRefs (db: Executor, procedureIds: number[]): Promise<Map<number, { receiving: AgencyRef[], processing: AgencyRef[] }>> {
    const map = new Map<number, { receiving: AgencyRef[], processing: AgencyRef[] }>()
    if (procedureIds.length === 0) return map
    const rows = await db.selectFrom('procedureAgencies as pa').innerJoin('agencies as a', 'a.id', 'pa.agencyId')
      .select(['pa.procedureId', 'pa.role', 'a.code', 'a.name', 'a.shortName'])
      .where('pa.procedureId', 'in', procedureIds).orderBy('a.code').execute()
    for (const id of procedureIds) map.set(id, { receiving: [], processing: [] })
    for (const r of rows) map.get(r.procedureId)![r.role].push({ code: r.code, name: r.name, shortName: r.shortName })
    return map
  }

  return {
    async bumpRevision (db: Executor): Promise<void> {
      await db.updateTable('catalogRevision').set({ revision: sql`revision + 1` }).where('id', '=', true).execute()
    },

    async revision (db: Executor): Promise<number> {
      return (await db.selectFrom('catalogRevision').select('revision').executeTakeFirstOrThrow()).revision
    },

    async upsertAgency (db: Executor, a: AgencyInput, parentId: number | null): Promise<number> {
      const values = {
        code: a.code, name: a.name, shortName: a.shortName ?? null, kind: a.kind, parentId,
        address: a.address ?? null, phone: a.phone ?? null, aliases: JSON.stringify((a.aliases ?? []).map(fold)),
        validFrom: a.validFrom ?? null, validTo: a.validTo ?? null, receptionDeskCode: a.receptionDesk ?? null,
        bankAccount: a.bankAccount ? JSON.stringify(a.bankAccount) : null, onlinePayment: a.onlinePayment ?? null
      }
      const row = await db.insertInto('agencies').values(values)
        .onConflict(oc => oc.column('code').doUpdateSet({ name: values.name, shortName: values.shortName, kind: values.kind, parentId, address: values.address, phone: values.phone, aliases: values.aliases, receptionDeskCode: values.receptionDeskCode, bankAccount: values.bankAccount, onlinePayment: values.onlinePayment }))
        .returning('id').executeTakeFirstOrThrow()
      return row.id
    },

    async listAgencyRows (db: Executor): Promise<AgencyRow[]> {
      return db.selectFrom('agencies').select(['id', 'code', 'name', 'shortName', 'parentId', 'kind', 'codeConfirmed', 'aliases', 'validFrom', 'validTo']).orderBy('code').execute()
    },

    async confirmAgencyCode (db: Executor, code: string): Promise<boolean> {
      const r = await db.updateTable('agencies').set({ codeConfirmed: true }).where('code', '=', code).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async upsertSector (db: Executor, code: string, name: string): Promise<number> {
      const row = await db.insertInto('sectors').values({ code, name })
        .onConflict(oc => oc.column('code').doUpdateSet({ name })).returning('id').executeTakeFirstOrThrow()
      return row.id
    },

    async upsertDecision (db: Executor, d: { number: string, issuedOn: string | null, title: string, kind: 'decision' | 'manual', sourceSha256: string | null }): Promise<number> {
      const row = await db.insertInto('publishingDecisions').values(d)
        .onConflict(oc => oc.column('number').doUpdateSet({ issuedOn: d.issuedOn, title: d.title, sourceSha256: d.sourceSha256 }))
        .returning('id').executeTakeFirstOrThrow()
      return row.id
    },

    async findProcedureForImport (db: Executor, code: string) {
      return db.selectFrom('procedures as p').leftJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .select(['p.id', 'p.onlineLevelSet', 'p.processingTimeOverride', 'p.editedFromHash', 'v.id as versionId', 'v.version', 'v.decisionId', 'v.contentHash', 'v.inUse', 'v.content'])
        .where('p.code', '=', code).executeTakeFirst()
    },

    async insertProcedure (db: Executor, p: { code: string, sectorId: number, onlineLevel: OnlineLevel, needsReview: boolean, enteredByHand: boolean, position: number, searchName: string, searchText: string }): Promise<number> {
      const row = await db.insertInto('procedures').values(p).returning('id').executeTakeFirstOrThrow()
      return row.id
    },

    async updateProcedure (db: Executor, id: number, p: { sectorId: number, onlineLevel?: OnlineLevel, needsReview: boolean, position: number, searchName: string, searchText: string, editedFromHash?: string | null }): Promise<void> {
      await db.updateTable('procedures').set({ ...p, updatedAt: new Date() }).where('id', '=', id).execute()
    },

    async insertVersion (db: Executor, v: { procedureId: number, version: number, decisionId: number, contentHash: string, name: string, content: ProcedureContent }): Promise<number> {
      const row = await db.insertInto('procedureVersions').values({ ...v, content: JSON.stringify(v.content) }).returning('id').executeTakeFirstOrThrow()
      await db.updateTable('procedures').set({ currentVersionId: row.id }).where('id', '=', v.procedureId).execute()
      return row.id
    },

    /** Rewrites a version that no dossier uses yet. */
    async updateVersionInPlace (db: Executor, id: number, v: { contentHash: string, name: string, content: ProcedureContent }): Promise<void> {
      const r = await db.updateTable('procedureVersions').set({ ...v, content: JSON.stringify(v.content), updatedAt: new Date() })
        .where('id', '=', id).where('inUse', '=', false).executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw new Error(`version ${id} is in use and cannot be rewritten`)
    },

    async markVersionInUse (db: Executor, versionId: number): Promise<void> {
      await db.updateTable('procedureVersions').set({ inUse: true }).where('id', '=', versionId).execute()
    },

    async findVersion (db: Executor, versionId: number) {
      return db.selectFrom('procedureVersions as v').innerJoin('procedures as p', 'p.id', 'v.procedureId')
        .select(['p.id as procedureId', 'p.code', 'v.version', 'v.content']).where('v.id', '=', versionId).executeTakeFirst()
    },

    async listVersions (db: Executor, code: string): Promise<VersionRow[]> {
      return db.selectFrom('procedureVersions as v').innerJoin('procedures as p', 'p.id', 'v.procedureId').innerJoin('publishingDecisions as d', 'd.id', 'v.decisionId')
        .select(['v.id', 'v.procedureId', 'v.version', 'v.decisionId', 'd.number as decisionNumber', 'v.contentHash', 'v.inUse', 'v.createdAt', 'v.updatedAt'])
        .where('p.code', '=', code).orderBy('v.version').execute()
    },

    async replaceProcedureAgencies (db: Executor, procedureId: number, links: Array<{ agencyId: number, role: 'receiving' | 'processing' }>): Promise<void> {
      await db.deleteFrom('procedureAgencies').where('procedureId', '=', procedureId).execute()
      const unique = [...new Map(links.map(l => [`${l.agencyId}:${l.role}`, l])).values()]
      if (unique.length > 0) await db.insertInto('procedureAgencies').values(unique.map(l => ({ procedureId, ...l }))).execute()
    },

    async setProcessingTime (db: Executor, code: string, time: ProcessingTime): Promise<boolean> {
      const r = await db.updateTable('procedures').set({ processingTimeOverride: JSON.stringify(time), needsReview: false, updatedAt: new Date() })
        .where('code', '=', code).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async setOnlineLevel (db: Executor, code: string, level: OnlineLevel, byAdmin: boolean): Promise<boolean> {
      const r = await db.updateTable('procedures').set({ onlineLevel: level, onlineLevelSet: byAdmin, updatedAt: new Date() })
        .where('code', '=', code).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async setMinAssurance (db: Executor, code: string, level: Assurance): Promise<boolean> {
      const r = await db.updateTable('procedures').set({ minAssurance: level, updatedAt: new Date() }).where('code', '=', code).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    /** Opens every procedure to online submission at least as partial online (the demo profile). */
    async openAllOnline (db: Executor): Promise<number> {
      const r = await db.updateTable('procedures').set({ onlineLevel: 'partial' }).where('onlineLevel', '=', 'none').where('onlineLevelSet', '=', false).executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    async listNeedingReview (db: Executor) {
      return db.selectFrom('procedures as p').innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .select(['p.code', 'v.name']).where('p.needsReview', '=', true).orderBy('p.position').execute()
    },

    async countProcedures (db: Executor): Promise<number> {
      const r = await db.selectFrom('procedures').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
      return r.n
    },

    /**
     * One page of procedures matching the filters, ranked when there is a search (`search.query`: the
     * analysed query, search/query.ts; `text` its folded words). A procedure sharing one meaningful part
     * comes; its score adds, for each part found, the part's weight (rare words weigh more) three times
     * in the name, twice in the result, once elsewhere, and for neighbouring parts side by side in the
     * name their weight again; ties go to the name most like the query, then the shorter. Ranking and
     * counting read only the search columns; the page's rows are then read in full.
     */
    async listProcedures (db: Executor, f: ProcedureFilters, search?: { query: RankedQuery, text: string }): Promise<{ items: ProcedureSummary[], total: number }> {
      // The query's tsqueries are parsed once, in a one-row subquery every row is compared with.
      const { parsed, column } = parsedQuery(search?.query ?? { any: '', parts: [], pairs: [] })
      let query = search
        ? db.selectFrom('procedures as p').innerJoin('sectors as s', 's.id', 'p.sectorId').innerJoin(parsed, join => join.onTrue())
        : db.selectFrom('procedures as p').innerJoin('sectors as s', 's.id', 'p.sectorId')
      if (search) query = query.where(sql<SqlBool>`p.search_vector @@ ${column(search.query.any)}`)
      if (f.sector) query = query.where('s.code', '=', f.sector)
      if (f.onlineLevel) query = query.where('p.onlineLevel', '=', f.onlineLevel)
      if (f.level) {
        const level = f.level
        query = query.where(({ exists, selectFrom }) => exists(selectFrom('procedureVersions as lv').select('lv.id')
          .whereRef('lv.id', '=', 'p.currentVersionId').where(sql<SqlBool>`jsonb_exists(lv.content -> 'levels', ${level})`)))
      }
      if (f.agency) {
        const agency = f.agency
        query = query.where(({ exists, selectFrom }) => exists(selectFrom('procedureAgencies as pa').innerJoin('agencies as a', 'a.id', 'pa.agencyId')
          .select('pa.procedureId').whereRef('pa.procedureId', '=', 'p.id').where('a.code', '=', agency)))
      }
      let page: Array<{ id: number, total: number }>
      if (search) {
        const q = search.query
        // Two steps: the matches' cheap score (the rarity of the parts each holds, more in the name) keeps the best few
        // hundred, which the full score then orders.
        const kept = Math.max(preselect, f.page * f.pageSize)
        // Only the matches' ids and ranks go through the count, not their documents (`offset 0` keeps
        // the rank computed below it): the kept few read theirs again for the score.
        const matches = query.select(['p.id', rankScore(q, tsquery => sql`p.search_vector @@ ${column(tsquery)}`, true).as('rank')]).offset(0)
        const candidates = db.selectFrom(matches.as('m')).select(['m.id', sql<number>`(count(*) over ())::int`.as('total')])
          .orderBy('m.rank', 'desc').orderBy('m.id').limit(kept)
        const score = rankScore(q, tsquery => sql`k.search_vector @@ ${column(tsquery)}`)
        page = await db.selectFrom(candidates.as('c')).innerJoin('procedures as k', 'k.id', 'c.id').innerJoin(parsed, join => join.onTrue()).select(['c.id', 'c.total'])
          .orderBy(sql`${score}`, 'desc').orderBy(sql`length(k.search_name)`).orderBy('k.sectorId').orderBy('k.position').orderBy('k.code')
          .limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute()
      } else {
        page = await query.select(['p.id', sql<number>`(count(*) over ())::int`.as('total')]).orderBy('s.id').orderBy('p.position').orderBy('p.code')
          .limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute()
      }
      let total = page[0]?.total ?? 0
      if (page.length === 0 && f.page > 1) total = (await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n
      if (page.length === 0) return { total, items: [] }

      const ids = page.map(r => r.id)
      const rows = await db.selectFrom('procedures as p')
        .innerJoin('sectors as s', 's.id', 'p.sectorId')
        .innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .select([
          'p.id', 'p.code', 'v.name', 's.code as sectorCode', 's.name as sectorName', 'p.onlineLevel',
          sql<GovernmentLevel[]>`v.content -> 'levels'`.as('levels'),
          sql<ProcessingTime>`coalesce(p.processing_time_override, v.content -> 'processingTime')`.as('processingTime')
        ])
        .where('p.id', 'in', ids).execute()
      const byId = new Map(rows.map(r => [r.id, r]))
      const refs = await agencyRefs(db, ids)
      return {
        total,
        items: ids.map(id => {
          const r = byId.get(id)!
          return {
            code: r.code,
            name: r.name,
            sector: { code: r.sectorCode, name: r.sectorName },
            onlineLevel: r.onlineLevel,
            levels: r.levels,
            processingTime: r.processingTime,
            agencies: refs.get(r.id)!
          }
        })
      }
    },

    async findProcedureDetail (db: Executor, code: string) {
      const row = await db.selectFrom('procedures as p')
        .innerJoin('sectors as s', 's.id', 'p.sectorId')
        .innerJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .innerJoin('publishingDecisions as d', 'd.id', 'v.decisionId')
        .select(['p.id', 'p.code', 'p.onlineLevel', 'p.enteredByHand', 'p.needsReview', 'p.minAssurance', 'p.processingTimeOverride', 's.code as sectorCode', 's.name as sectorName',
          'v.id as versionId', 'v.version', 'v.content', 'd.number as decisionNumber', 'd.issuedOn', 'd.kind as decisionKind'])
        .where('p.code', '=', code).executeTakeFirst()
      if (!row) return undefined
      const refs = await agencyRefs(db, [row.id])
      const content = row.content as ProcedureContent
      const override = row.processingTimeOverride as ProcessingTime | null
      return { ...row, content: override ? { ...content, processingTime: override } : content, published: content.processingTime, agencies: refs.get(row.id)! }
    },

    async listSectorsWithCounts (db: Executor) {
      return db.selectFrom('sectors as s').leftJoin('procedures as p', 'p.sectorId', 's.id')
        .select(['s.code', 's.name', sql<number>`count(p.id)::int`.as('procedureCount')])
        .groupBy(['s.id', 's.code', 's.name']).orderBy('s.id').execute()
    },

    async listAgenciesWithCounts (db: Executor) {
      return db.selectFrom('agencies as a').leftJoin('agencies as parent', 'parent.id', 'a.parentId')
        .leftJoin('procedureAgencies as pa', 'pa.agencyId', 'a.id')
        .select(['a.code', 'a.name', 'a.shortName', 'a.kind', 'a.codeConfirmed', 'parent.code as parentCode',
          sql<number>`count(distinct pa.procedure_id)::int`.as('procedureCount')])
        .groupBy(['a.id', 'a.code', 'a.name', 'a.shortName', 'a.kind', 'a.codeConfirmed', 'parent.code'])
        .orderBy('a.code').execute()
    }
  }
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>
