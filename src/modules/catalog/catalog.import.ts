import crypto from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../../platform/db/database.js'
import type { AgencyRow, CatalogRepository } from './catalog.repository.js'
import type { OnlineLevel, ProcedureContent } from './catalog.types.js'
import type { ImportWarning, ParsedProcedure } from './import/decision-parser.js'
import { fold } from './import/text.js'

/** One procedure to write, from a parsed decision or from a file of procedures entered by hand. */
export interface ProcedureInput {
  code: string
  sector: string
  position: number
  onlineLevel: OnlineLevel
  content: ProcedureContent
  /** Agency codes when known (entered by hand); otherwise matched from the content's text. */
  processingAgencies?: string[]
  receivingAgencies?: string[]
}

export type ApplyOutcome = 'created' | 'unchanged' | 'updated' | 'versioned'

export function sectorCode (name: string): string {
  return fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}

export function contentOf (p: ParsedProcedure): ProcedureContent {
  return {
    name: p.name, levels: p.levels, steps: p.steps, methods: p.methods, components: p.components,
    componentsText: p.componentsText, numberOfSets: p.numberOfSets, processingTime: p.processingTime,
    applicantTypes: p.applicantTypes, applicantText: p.applicantText, agencyText: p.agencyText, place: p.place,
    result: p.result, feesText: p.feesText, fees: p.fees, forms: p.forms, requirements: p.requirements, legalBasis: p.legalBasis,
    ...(p.templates && p.templates.length > 0 ? { templates: p.templates } : {})
  }
}

export function hashOf (content: ProcedureContent): string {
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex')
}

/**
 * Agencies named in a text, by their aliases. An alias inside a longer alias that also matched
 * ("sở giao thông vận tải" in "… thuộc sở giao thông vận tải") does not count twice.
 */
export function agenciesNamedIn (text: string, agencies: AgencyRow[], kinds?: string[]): AgencyRow[] {
  const f = fold(text)
  const hits = agencies
    .filter(a => !kinds || kinds.includes(a.kind))
    .map(a => ({ a, alias: a.aliases.filter(al => f.includes(al)).sort((x, y) => y.length - x.length)[0] }))
    .filter((h): h is { a: AgencyRow, alias: string } => h.alias !== undefined)
  return hits.filter(h => !hits.some(o => o !== h && o.alias.length > h.alias.length && o.alias.includes(h.alias))).map(h => h.a)
}

/**
 * Writes one procedure under a decision. Same content: nothing changes. Different content: the
 * current version is rewritten while it belongs to the same decision and no dossier uses it;
 * otherwise a new version is added and becomes current, and dossiers keep theirs.
 */
export async function applyProcedure (
  trx: Transaction<Database>, repo: CatalogRepository,
  ctx: { decisionId: number, sectorIds: Map<string, number>, agencies: AgencyRow[], enteredByHand: boolean, warn: (w: ImportWarning) => void, line?: number },
  input: ProcedureInput
): Promise<ApplyOutcome> {
  const sectorId = ctx.sectorIds.get(input.sector)!
  const hash = hashOf(input.content)
  // A leading space lets a search match at the start of any word with one LIKE pattern.
  const searchName = ` ${fold(input.content.name)}`
  const searchText = ` ${fold([input.content.name, input.code, input.sector, input.content.agencyText, input.content.result].join(' '))}`
  const needsReview = input.content.processingTime.needsReview
  const existing = await repo.findProcedureForImport(trx, input.code)
  let outcome: ApplyOutcome
  let procedureId: number
  if (!existing) {
    procedureId = await repo.insertProcedure(trx, { code: input.code, sectorId, onlineLevel: input.onlineLevel, needsReview, enteredByHand: ctx.enteredByHand, position: input.position, searchName, searchText })
    await repo.insertVersion(trx, { procedureId, version: 1, decisionId: ctx.decisionId, contentHash: hash, name: input.content.name, content: input.content })
    outcome = 'created'
  } else {
    procedureId = existing.id
    // Unchanged, or the very content an administrator's edits started from: their edits stand.
    if (existing.contentHash === hash || existing.editedFromHash === hash) return 'unchanged'
    if (existing.versionId !== null && existing.decisionId === ctx.decisionId && !existing.inUse) {
      await repo.updateVersionInPlace(trx, existing.versionId, { contentHash: hash, name: input.content.name, content: input.content })
      outcome = 'updated'
    } else {
      await repo.insertVersion(trx, { procedureId, version: (existing.version ?? 0) + 1, decisionId: ctx.decisionId, contentHash: hash, name: input.content.name, content: input.content })
      outcome = 'versioned'
    }
    // An administrator's processing time stands until they change it.
    // A decision that changes the procedure supersedes an administrator's edits of its components and fees.
    await repo.updateProcedure(trx, procedureId, { sectorId, needsReview: needsReview && existing.processingTimeOverride === null, position: input.position, searchName, searchText, editedFromHash: null, ...(existing.onlineLevelSet ? {} : { onlineLevel: input.onlineLevel }) })
  }

  const byCode = (codes: string[]) => codes.map(code => {
    const a = ctx.agencies.find(x => x.code === code)
    if (!a) throw new Error(`agency ${code} is not in the catalog`)
    return a
  })
  const processing = input.processingAgencies ? byCode(input.processingAgencies) : agenciesNamedIn(input.content.agencyText, ctx.agencies)
  if (processing.length === 0) ctx.warn({ line: ctx.line ?? 0, procedure: input.code, message: `no known agency in "${input.content.agencyText.slice(0, 80)}"; add it or an alias to the agencies file` })
  const namedAtPlace = agenciesNamedIn(input.content.place, ctx.agencies, ['unit'])
  const receiving = input.receivingAgencies ? byCode(input.receivingAgencies) : namedAtPlace.length > 0 ? namedAtPlace : processing
  await repo.replaceProcedureAgencies(trx, procedureId, [
    ...processing.map(a => ({ agencyId: a.id, role: 'processing' as const })),
    ...receiving.map(a => ({ agencyId: a.id, role: 'receiving' as const }))
  ])
  return outcome
}
