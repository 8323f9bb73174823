import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Transaction } from 'kysely'
import type { Db, Executor } from '../../platform/db/db.js'
import type { Database } from '../../platform/db/database.js'
import { AppError } from '../../platform/http/errors.js'
import { SEED_DIR } from '../../platform/paths.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { applyProcedure, contentOf, sectorCode, type ApplyOutcome, type ProcedureInput } from './catalog.import.js'
import type { AgencyInput, CatalogRepository } from './catalog.repository.js'
import { ASSURANCE_LEVELS, type Assurance, type OnlineLevel, type ProcedureContent, type ProcedureDetail, type ProcedureFilters } from './catalog.types.js'
import { DecisionFormatError, parseDecision, type ImportWarning } from './import/decision-parser.js'
import { workingDaysOf, type DurationUnit } from './import/fields.js'

import { applyContentEdit, applyFormCorrection, applyNationalContent, type ContentEdit, type FormCorrectionInput } from './content-edit.js'
import { applyResultTemplate, type ResultTemplateInput } from './result-template.js'
import { createSearchService } from './search/search.service.js'
import { spelled } from './search/query.js'
import { words } from './search/normalize.js'
const DURATION_WORDS: Record<DurationUnit, string> = { working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày', same_day: 'trong ngày' }
import { Lru } from '../../platform/cache.js'

export interface ImportSummary {
  decision: { number: string, date: string }
  sectors: Array<{ name: string, count: number }>
  outcomes: Record<ApplyOutcome, number>
  warnings: ImportWarning[]
}

async function readSource (file: string): Promise<string> {
  try {
    return await fs.readFile(path.resolve(file), 'utf8')
  } catch {
    throw new AppError('NOT_FOUND', `cannot read ${file}`)
  }
}

/** How long a process trusts its in-memory catalog before asking the database for the revision. */
const REVISION_CHECK_MS = 2000

export function createCatalogService (deps: { db: Db, repo: CatalogRepository, audit: AuditService }) {
  const { db, repo, audit } = deps

  // The catalog is reference data read on every page: it is kept in memory, keyed by the catalog
  // revision that every write bumps, so a change by any process shows within REVISION_CHECK_MS.
  const details = new Lru<string, ProcedureDetail | null>(5000)
  const lists = new Lru<string, Awaited<ReturnType<CatalogRepository['listProcedures']>> & { corrected: string | undefined, closest: Array<{ code: string, name: string }> }>(1000)
  let sectorsCache: Awaited<ReturnType<CatalogRepository['listSectorsWithCounts']>> | undefined
  let agenciesCache: Awaited<ReturnType<CatalogRepository['listAgenciesWithCounts']>> | undefined
  let known = -1
  let checkedAt = 0

  function forget () {
    // Versions too: one no dossier was filed under may be rewritten in place by an administrator's edit.
    details.clear(); lists.clear(); versions.clear(); sectorsCache = undefined; agenciesCache = undefined
    search.forget()
    checkedAt = 0
  }

  async function revision (): Promise<number> {
    if (Date.now() - checkedAt < REVISION_CHECK_MS) return known
    const current = await repo.revision(db.reader())
    if (current !== known) { forget(); known = current }
    checkedAt = Date.now()
    return known
  }

  /** Runs a catalog write in a transaction that bumps the revision, and drops this process's copies. */
  async function write<T> (fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await db.transaction(async (trx) => {
        const result = await fn(trx)
        // Procedures new or changed get their search document in the same transaction.
        await search.reindex(trx)
        await repo.bumpRevision(trx)
        return result
      })
    } finally {
      forget()
    }
  }
  const search = createSearchService({ db, audit, write })

  async function sectorIds (trx: Executor, names: string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>()
    for (const name of names) ids.set(name, await repo.upsertSector(trx, sectorCode(name), name))
    return ids
  }

  const inUse = new Set<number>()
  const versions = new Lru<number, { procedureId: number, code: string, version: number, content: ProcedureContent }>(500)

  async function loadDetail (code: string): Promise<ProcedureDetail | null> {
    const row = await repo.findProcedureDetail(db.reader(), code)
    if (!row) return null
    const content: ProcedureContent = row.content
    return {
      ...content,
      code: row.code,
      sector: { code: row.sectorCode, name: row.sectorName },
      onlineLevel: row.onlineLevel,
      agencies: row.agencies,
      version: row.version,
      versionId: row.versionId,
      enteredByHand: row.enteredByHand,
      needsReview: row.needsReview,
      minAssurance: row.minAssurance,
      decision: { number: row.decisionNumber, date: row.issuedOn, kind: row.decisionKind },
      publishedProcessingTime: row.published
    }
  }

  return {
    /** Loads agencies (a tree) from a JSON file; parents must come before their children. */
    async loadAgencies (actor: Actor, file: string): Promise<number> {
      let data: { agencies?: AgencyInput[] }
      try { data = JSON.parse(await readSource(file)) as typeof data } catch (err) {
        if (err instanceof AppError) throw err
        throw new AppError('VALIDATION', `${file} is not valid JSON`)
      }
      const list = data.agencies ?? []
      const invalid = list.filter(a => !/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/.test(a.code) || !a.name || ![undefined, null, 'vnpay', 'paygov'].includes(a.onlinePayment))
      if (invalid.length > 0) throw new AppError('VALIDATION', 'invalid agencies', invalid.map(a => ({ field: a.code ?? '?', message: 'agency code must look like 000.00.03.H34, the name is required, onlinePayment is "vnpay", "paygov" or absent' })))
      await write(async (trx) => {
        const ids = new Map<string, number>()
        for (const a of list) {
          const parentId = a.parent ? ids.get(a.parent) ?? (await repo.listAgencyRows(trx)).find(r => r.code === a.parent)?.id : null
          if (a.parent && parentId === undefined) throw new AppError('VALIDATION', `agency ${a.code}: parent ${a.parent} is unknown`)
          ids.set(a.code, await repo.upsertAgency(trx, a, parentId ?? null))
        }
        await audit.record(trx, { actor, action: 'catalog.agencies.load', targetType: 'catalog', targetId: path.basename(file), details: { count: list.length } })
      })
      return list.length
    },

    /**
     * Imports a published decision (the converted text) in one transaction. Throws VALIDATION with
     * one field per line for a structural failure, and then nothing is changed.
     */
    async importDecision (actor: Actor, file: string): Promise<ImportSummary> {
      const source = await readSource(file)
      let parsed
      try {
        parsed = parseDecision(source)
      } catch (err) {
        if (err instanceof DecisionFormatError) {
          throw new AppError('VALIDATION', `${path.basename(file)} cannot be imported`, err.problems.map(p => ({ field: `line ${p.line}`, message: p.message })))
        }
        throw err
      }
      const warnings = [...parsed.warnings]
      const outcomes: Record<ApplyOutcome, number> = { created: 0, unchanged: 0, updated: 0, versioned: 0 }
      await write(async (trx) => {
        const decisionId = await repo.upsertDecision(trx, {
          number: parsed.decision.number, issuedOn: parsed.decision.date, title: parsed.decision.title, kind: 'decision',
          sourceSha256: crypto.createHash('sha256').update(source).digest('hex')
        })
        const ids = await sectorIds(trx, parsed.sectors.map(s => s.name))
        const agencies = await repo.listAgencyRows(trx)
        let position = 0
        for (const p of parsed.procedures) {
          const outcome = await applyProcedure(trx, repo, { decisionId, sectorIds: ids, agencies, enteredByHand: false, warn: w => warnings.push(w), line: p.lines.partTwo },
            { code: p.code, sector: p.sector, position: ++position, onlineLevel: p.onlineLevel, content: contentOf(p) })
          outcomes[outcome]++
        }
        await audit.record(trx, { actor, action: 'catalog.import', targetType: 'decision', targetId: parsed.decision.number, details: { file: path.basename(file), outcomes, warnings: warnings.length } })
      })
      return { decision: { number: parsed.decision.number, date: parsed.decision.date }, sectors: parsed.sectors, outcomes, warnings }
    },

    /** Procedures entered by hand (no published decision in the project), from a JSON file. */
    async importManual (actor: Actor, file: string): Promise<Record<ApplyOutcome, number>> {
      const data = JSON.parse(await readSource(file)) as { note: string, procedures: Array<Omit<ProcedureInput, 'position'>> }
      const outcomes: Record<ApplyOutcome, number> = { created: 0, unchanged: 0, updated: 0, versioned: 0 }
      await write(async (trx) => {
        const decisionId = await repo.upsertDecision(trx, { number: 'NHAP-TAY', issuedOn: null, title: data.note, kind: 'manual', sourceSha256: null })
        const ids = await sectorIds(trx, [...new Set(data.procedures.map(p => p.sector))])
        const agencies = await repo.listAgencyRows(trx)
        let position = 1000
        for (const p of data.procedures) {
          const outcome = await applyProcedure(trx, repo, { decisionId, sectorIds: ids, agencies, enteredByHand: true, warn: () => {} }, { ...p, position: ++position })
          outcomes[outcome]++
        }
        await audit.record(trx, { actor, action: 'catalog.import.manual', targetType: 'catalog', targetId: path.basename(file), details: { outcomes } })
      })
      return outcomes
    },

    /** Every procedure at least partial online, unless an administrator set its level (demo profile). */
    async openAllOnline (actor: Actor): Promise<number> {
      return write(async (trx) => {
        const n = await repo.openAllOnline(trx)
        await audit.record(trx, { actor, action: 'catalog.online.open-all', details: { changed: n } })
        return n
      })
    },

    /** Throws NOT_FOUND for an unknown code. */
    async setOnlineLevel (actor: Actor, code: string, level: OnlineLevel): Promise<void> {
      await write(async (trx) => {
        if (!(await repo.setOnlineLevel(trx, code, level, true))) throw new AppError('NOT_FOUND', `no procedure ${code}`)
        await audit.record(trx, { actor, action: 'catalog.online-level.set', targetType: 'procedure', targetId: code, details: { level } })
      })
    },

    /** The minimum identity assurance a procedure requires of the applicant. Throws NOT_FOUND. */
    async setMinAssurance (actor: Actor, code: string, level: Assurance): Promise<void> {
      if (!ASSURANCE_LEVELS.includes(level)) throw new AppError('VALIDATION', 'invalid assurance', [{ field: 'level', message: `phải là một trong: ${ASSURANCE_LEVELS.join(', ')}` }])
      await write(async (trx) => {
        if (!(await repo.setMinAssurance(trx, code, level))) throw new AppError('NOT_FOUND', `no procedure ${code}`)
        await audit.record(trx, { actor, action: 'catalog.min-assurance.set', targetType: 'procedure', targetId: code, details: { level } })
      })
    },

    /**
     * An administrator's processing time for a procedure (it overrides the decision's text and
     * clears the review flag). Throws VALIDATION for an impossible value, NOT_FOUND for an unknown code.
     */
    /**
     * Sets a procedure's processing time. Zero is refused (only "same day" has no count). A time that
     * differs from what the decision published needs a reason (at least 10 characters), kept in the
     * audit row with the values before and after. Throws VALIDATION naming the field.
     */
    async setProcessingTime (actor: Actor, code: string, value: number, unit: DurationUnit, reason?: string): Promise<void> {
      const limits: Record<DurationUnit, number> = { working_days: 365, working_hours: 2000, calendar_days: 730, same_day: 0 }
      if (unit === 'same_day' ? value !== 0 : !Number.isInteger(value) || value < 1 || value > limits[unit]) {
        throw new AppError('VALIDATION', 'invalid processing time', [{ field: 'value', message: `Thời hạn phải là số nguyên từ 1 đến ${limits[unit]} ${DURATION_WORDS[unit]}` }])
      }
      const current = await this.getProcedure(code)
      const published = current.publishedProcessingTime
      // Where the decision states no single duration (flagged for review), the administrator's is the first one.
      const differs = published.unit !== null && published.value !== null && (published.unit !== unit || (unit !== 'same_day' && published.value !== value))
      const why = (reason ?? '').trim().slice(0, 1000)
      if (differs && why.length < 10) {
        const said = published.value !== null && published.unit ? (published.unit === 'same_day' ? 'trong ngày' : `${published.value} ${DURATION_WORDS[published.unit]}`) : `“${published.text}”`
        throw new AppError('VALIDATION', 'processing time differs from the decision', [{ field: 'reason', message: `Quyết định công bố thời hạn ${said}. Ghi rõ căn cứ (ít nhất 10 ký tự) để đặt thời hạn khác.` }])
      }
      const text = `${published.text}\n(Quản trị danh mục xác định: ${unit === 'same_day' ? 'trong ngày' : `${value} ${DURATION_WORDS[unit]}`}${differs ? `; căn cứ: ${why}` : ''})`
      await write(async (trx) => {
        if (!(await repo.setProcessingTime(trx, code, { text, value, unit, needsReview: false }))) throw new AppError('NOT_FOUND', `no procedure ${code}`)
        await audit.record(trx, { actor, action: 'catalog.processing-time.set', targetType: 'procedure', targetId: code, details: { before: { value: current.processingTime.value, unit: current.processingTime.unit }, after: { value, unit }, published: { value: published.value, unit: published.unit }, ...(differs ? { reason: why } : {}) } })
      })
    },

    /** An administrator's edit of a procedure's components and fees, versioned like an import (content-edit.ts). Returns the version (0: nothing changed). */
    async editContent (actor: Actor, code: string, edit: ContentEdit): Promise<number> {
      return write(trx => applyContentEdit(trx, repo, audit, actor, code, edit))
    },

    /** An administrator's correction of a declaration generated from the decision's template, versioned (content-edit.ts). Returns the version (0: nothing changed). */
    async correctForm (actor: Actor, code: string, input: FormCorrectionInput): Promise<number> {
      return write(trx => applyFormCorrection(trx, repo, audit, actor, code, input))
    },

    /** A catalog administrator's result template (or its removal), versioned (result-template.ts). Returns the version (0: nothing changed). */
    async setResultTemplate (actor: Actor, code: string, input: ResultTemplateInput): Promise<number> {
      return write(trx => applyResultTemplate(trx, repo, audit, actor, code, input))
    },

    /** A change from the national procedure database, taken into the procedure as a new version (content-edit.ts). Returns the version (0: nothing changed). */
    async applyNational (actor: Actor, code: string, change: Parameters<typeof applyNationalContent>[5], note: string): Promise<number> {
      return write(trx => applyNationalContent(trx, repo, audit, actor, code, change, note))
    },

    /** Throws NOT_FOUND for an unknown code. */
    async confirmAgencyCode (actor: Actor, code: string): Promise<void> {
      await write(async (trx) => {
        if (!(await repo.confirmAgencyCode(trx, code))) throw new AppError('NOT_FOUND', `no agency ${code}`)
        await audit.record(trx, { actor, action: 'catalog.agency.confirm-code', targetType: 'agency', targetId: code })
      })
    },

    /** Called by the dossiers module in its transaction when a dossier is filed under a version. */
    async markVersionInUse (trx: Executor, versionId: number): Promise<void> {
      // A version once in use stays in use: each process writes the flag once per version.
      if (inUse.has(versionId)) return
      await repo.markVersionInUse(trx, versionId)
      inUse.add(versionId)
    },

    /**
     * A version as it was published (a dossier keeps the version in force when it was filed).
     * Versions in use never change, so they are kept in memory.
     */
    async getVersion (versionId: number): Promise<{ procedureId: number, code: string, version: number, content: ProcedureContent }> {
      let v = versions.get(versionId)
      if (!v) {
        const row = await repo.findVersion(db.reader(), versionId)
        if (!row) throw new AppError('NOT_FOUND', `no procedure version ${versionId}`)
        v = { procedureId: row.procedureId, code: row.code, version: row.version, content: row.content as ProcedureContent }
        versions.set(versionId, v)
      }
      return v
    },

    /** The catalog revision this process serves; a key for caching pages built from the catalog. */
    revision,

    listVersions: (code: string) => repo.listVersions(db.kysely, code),

    /** Procedures whose processing time an administrator must set. */
    needingReview: () => repo.listNeedingReview(db.kysely),

    isEmpty: async () => (await repo.countProcedures(db.kysely)) === 0,

    /** Search in the citizen's words: synonyms, the search log, the index (search/search.service.ts). */
    search,

    /** At start: procedures not yet indexed for search (a database from before search came) get their documents. */
    async prepareSearch (): Promise<number> {
      const stale = await db.kysely.selectFrom('procedures').select('id').where(eb => eb.or([eb('searchVersionId', 'is', null), eb('searchVersionId', '!=', eb.ref('currentVersionId'))])).limit(1).executeTakeFirst()
      return stale ? write(trx => search.reindex(trx)) : 0
    },

    /**
     * One page of procedures; with a query, ranked (search/query.ts) and with the corrected query when a
     * word was corrected ("Có phải bạn muốn tìm"). `prefixLast`: the last word is still being typed.
     */
    async listProcedures (filters: ProcedureFilters, options: { prefixLast?: boolean } = {}) {
      await revision()
      const key = JSON.stringify([filters, options.prefixLast ?? false])
      let result = lists.get(key)
      if (!result) {
        const analysis = filters.q ? await search.analyze(filters.q, options) : undefined
        const found = await repo.listProcedures(db.reader(), filters, analysis?.query ? { query: analysis.query, text: analysis.text } : undefined)
        const closest = analysis && found.total === 0 ? await search.closest(analysis.text) : []
        const corrected = analysis?.corrected ? spelled(analysis.corrected, found.items.map(i => i.name)) : undefined
        result = { ...found, corrected: corrected && words(corrected).join(' ') !== analysis?.text ? corrected : undefined, closest }
        lists.set(key, result)
      }
      return result
    },

    /** Throws NOT_FOUND for an unknown code. */
    async getProcedure (code: string): Promise<ProcedureDetail> {
      await revision()
      let detail = details.get(code)
      if (detail === undefined) {
        detail = await loadDetail(code)
        details.set(code, detail)
      }
      if (!detail) throw new AppError('NOT_FOUND', `no procedure with code ${code}`)
      return detail
    },

    async listSectors () {
      await revision()
      return (sectorsCache ??= await repo.listSectorsWithCounts(db.reader()))
    },

    async listAgencies () {
      await revision()
      return (agenciesCache ??= await repo.listAgenciesWithCounts(db.reader()))
    },

    /** The demo profile's catalog: agencies, the decision, and the two examples of the user guides. */
    /** Loads search synonyms from a JSON file (`{ synonyms: [{ phrase, means, note? }] }`); pairs already there are kept. */
    async loadSynonyms (actor: Actor, file: string): Promise<number> {
      let data: { synonyms?: Array<{ phrase: string, means: string, note?: string }> }
      try { data = JSON.parse(await readSource(file)) as typeof data } catch (err) {
        if (err instanceof AppError) throw err
        throw new AppError('VALIDATION', `${file} is not valid JSON`)
      }
      return search.seedSynonyms(actor, (data.synonyms ?? []).filter(s => typeof s.phrase === 'string' && typeof s.means === 'string'))
    },

    async loadDemoCatalog (actor: Actor): Promise<ImportSummary> {
      await this.loadAgencies(actor, path.join(SEED_DIR, 'kon-tum', 'agencies.json'))
      const summary = await this.importDecision(actor, path.join(SEED_DIR, 'kon-tum', 'catalog', '213-QD-UBND-2021-giao-thong-van-tai.txt'))
      await this.importManual(actor, path.join(SEED_DIR, 'kon-tum', 'catalog', 'entered-by-hand.json'))
      await this.openAllOnline(actor)
      await this.loadSynonyms(actor, path.join(SEED_DIR, 'search', 'synonyms.json'))
      return summary
    }
  }
}

export type CatalogService = ReturnType<typeof createCatalogService>
