import type { ProcedureContent } from '../catalog.types.js'
import { withAbbreviations, words } from './normalize.js'

/** A procedure's search document: four fields by weight, each its normalised words joined by spaces. */
export interface SearchDocument {
  /** A: the name. */
  name: string
  /** B: the result document the citizen receives. */
  result: string
  /** C: code, sector, agencies, forms. */
  keywords: string
  /** D: components and requirements. */
  body: string
}

const field = (...texts: Array<string | null | undefined>) => withAbbreviations(words(texts.filter(Boolean).join(' '))).join(' ')

export function searchDocument (p: { code: string, content: ProcedureContent, sectorName: string }): SearchDocument {
  const c = p.content
  return {
    name: field(c.name),
    result: field(c.result),
    keywords: field(p.code, p.sectorName, c.agencyText, ...c.forms),
    body: field(...c.components.map(x => x.name), c.requirements)
  }
}
