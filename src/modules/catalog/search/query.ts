import { ABBREVIATIONS, meaningful, words } from './normalize.js'

/** An everyday phrase and the catalog's wording it means, folded. */
export interface Synonym { phrase: string, means: string }

/**
 * One meaningful part of a query and the ways the catalog may say it (each a phrase of words);
 * `prefix`: matched as the start of a word (the last word while typing, or an unknown word);
 * `weight`: how much finding it tells (the rarity of its words, times the words typed).
 */
export interface Part { typed: string[], alternatives: string[][], corrected?: string[][] | undefined, prefix?: boolean, weights: number[] }

export interface Analysis {
  parts: Part[]
  /**
   * The query as corrected, when a word was unknown and near ones were sought instead ("Có phải bạn muốn
   * tìm"): per part, its words as typed, or the candidates (the results show which one was meant).
   */
  corrected: string[][][] | undefined
  /** The folded query (for the search log and similarity). */
  text: string
}

/** What the analysis asks of the index: how many procedures hold each word, how many there are, and the nearest known words. */
export interface Lexicon {
  documents (list: string[]): Promise<Map<string, number>>
  total (): Promise<number>
  /** Up to `limit` known words within `maxDistance` edits, nearest first. */
  nearest (word: string, maxDistance: number, limit?: number): Promise<string[]>
}

/** The edits a word may need to be found: one for short words, two from five letters. */
const allowance = (w: string) => w.length <= 2 ? 0 : w.length <= 4 ? 1 : 2

/** Spans of the words where a synonym's phrase (or an abbreviation) stands; spans may overlap. */
function phrasesIn (list: string[], synonyms: readonly Synonym[]): Array<{ start: number, length: number, means: string[][] }> {
  const found = new Map<string, { start: number, length: number, means: string[][] }>()
  for (const s of synonyms) {
    const p = s.phrase.split(' ')
    for (let i = 0; i + p.length <= list.length; i++) {
      if (!p.every((w, k) => list[i + k] === w)) continue
      const key = `${i}:${p.length}`
      const entry = found.get(key) ?? { start: i, length: p.length, means: [] }
      entry.means.push(s.means.split(' '))
      found.set(key, entry)
    }
  }
  for (const [i, w] of list.entries()) {
    const full = ABBREVIATIONS[w]
    if (full && !found.has(`${i}:1`)) found.set(`${i}:1`, { start: i, length: 1, means: [full.split(' ')] })
  }
  // A phrase inside a longer one at the same place adds nothing.
  const all = [...found.values()].sort((a, b) => a.start - b.start || b.length - a.length)
  return all.filter(x => !all.some(y => y !== x && y.start <= x.start && y.start + y.length >= x.start + x.length && y.length > x.length && sameMeaning(x, y)))
}
const sameMeaning = (x: { means: string[][] }, y: { means: string[][] }) => x.means.every(m => y.means.some(n => n.join(' ') === m.join(' ')))

/**
 * A query as the search reads it: normalised words; synonyms and abbreviations found first (they may
 * hold filler words: "làm hộ chiếu"), then the stop phrases set aside among the words left; each word
 * the index does not hold corrected to the nearest one it does (two letters swapped, one or two wrong,
 * missing or extra), or split in two words it does ("bangron" → "bang ron"); each part weighed by how
 * rare its words are.
 */
export async function analyze (q: string, synonyms: readonly Synonym[], lexicon: Lexicon, options: { prefixLast?: boolean } = {}): Promise<Analysis> {
  const all = words(q).slice(0, 12)
  const spans = phrasesIn(all, synonyms)
  const covered = new Set(spans.flatMap(s => Array.from({ length: s.length }, (_, k) => s.start + k)))
  const rest = meaningful(all.filter((_, i) => !covered.has(i)), spans.length > 0)
  const keep = new Set<number>()
  // The words left after the stop phrases, in their places.
  for (let i = 0, r = 0; i < all.length && r < rest.length; i++) if (!covered.has(i) && all[i] === rest[r]) { keep.add(i); r++ }
  const placed: Array<{ at: number, part: Omit<Part, 'weights'> }> = [
    ...spans.map(s => { const typed = all.slice(s.start, s.start + s.length); return { at: s.start, part: { typed, alternatives: [typed, ...s.means] } } }),
    ...[...keep].map(i => ({ at: i, part: { typed: [all[i]!], alternatives: [[all[i]!]] } }))
  ].sort((a, b) => a.at - b.at)
  const parts = placed.map(p => p.part)

  // Words the index does not hold: corrected, split, or taken as a prefix.
  const singles = parts.filter(p => p.alternatives.length === 1).map(p => p.typed[0]!)
  const counts = await lexicon.documents([...new Set(singles)])
  let corrected = false
  for (const [index, p] of parts.entries()) {
    if (p.alternatives.length !== 1) continue
    const w = p.typed[0]!
    if (/^\d+$/.test(w)) continue
    if (counts.has(w)) {
      // Known, but to a few procedures' small print ("chiu" of "chịu trách nhiệm"), while a word one edit
      // away is in more of them ("chieu" of "hộ chiếu"): both are sought.
      if (counts.get(w)! <= 5) {
        const sounds = await lexicon.documents(soundAlike(w))
        const near = allowance(w) > 0 ? await lexicon.nearest(w, 1) : []
        for (const x of new Set([...sounds.keys(), ...near])) p.alternatives.push([x])
        // The results say which was meant: a correction only when they hold the other word.
        if (p.alternatives.length > 1) { p.corrected = p.alternatives; corrected = true }
      }
      continue
    }
    if (options.prefixLast && index === parts.length - 1) { p.prefix = true; continue }
    const near = await nearest(w, lexicon)
    if (near.length > 0) { p.alternatives = near; p.corrected = near; corrected = true; continue }
    // Unknown and nothing near: still asked for as the start of a word ("gia" of "giay"), never required.
    p.prefix = true
  }
  // Weights, one per way of saying a part: the rarity (idf) of its rarest word, times the words typed for it.
  const n = Math.max(1, await lexicon.total())
  const df = await lexicon.documents([...new Set(parts.flatMap(p => p.alternatives.flat()))])
  const idf = (w: string) => Math.log(1 + n / Math.max(1, df.get(w) ?? n))
  const weighed: Part[] = parts.map(p => ({ ...p, weights: p.alternatives.map(a => p.typed.length * Math.max(...a.map(idf)) || 0.1) }))
  return { parts: weighed, corrected: corrected ? weighed.map(p => p.corrected ?? [p.typed]) : undefined, text: all.join(' ') }
}

/**
 * The known words nearest to an unknown one, each a way of saying it: two letters swapped first, then
 * the fewest edits (up to three words; the other words of the query decide among them); else two known
 * words run together.
 */
async function nearest (w: string, lexicon: Lexicon): Promise<string[][]> {
  const swaps = [...new Set([...soundAlike(w), ...Array.from({ length: w.length - 1 }, (_, i) => w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2))])].filter(s => s !== w)
  const splits: Array<[string, string]> = w.length < 4 ? [] : Array.from({ length: w.length - 3 }, (_, i) => [w.slice(0, i + 2), w.slice(i + 2)])
  const known = await lexicon.documents([...swaps, ...splits.flat()])
  const swap = swaps.filter(s => known.has(s)).sort((a, b) => known.get(b)! - known.get(a)!)[0]
  if (swap) return [[swap]]
  const near = allowance(w) > 0 ? await lexicon.nearest(w, allowance(w)) : []
  if (near.length > 0) return near.map(x => [x])
  const split = splits.find(([a, b]) => known.has(a) && known.has(b))
  return split ? [[...split]] : []
}

/**
 * The spellings a word is confused with in Vietnamese (regional pronunciation): s/x, ch/tr, d/gi/r,
 * l/n at the start, a final i/y. "lai se" → "lai xe", "trung tam" ← "chung tam".
 */
export function soundAlike (w: string): string[] {
  const out = new Set<string>()
  const starts: Array<[string, string[]]> = [['gi', ['d', 'r']], ['ch', ['tr']], ['tr', ['ch']], ['s', ['x']], ['x', ['s']], ['d', ['gi', 'r']], ['r', ['d', 'gi']], ['l', ['n']], ['n', ['l']]]
  const start = starts.find(([a]) => w.startsWith(a))
  if (start) for (const b of start[1]) out.add(b + w.slice(start[0].length))
  if (w.endsWith('i')) out.add(`${w.slice(0, -1)}y`)
  if (w.endsWith('y')) out.add(`${w.slice(0, -1)}i`)
  out.delete(w)
  return [...out]
}

/** A phrase of words as tsquery text (`a <-> b`), each word optionally restricted to weights (`:A`) or a prefix (`:*`). */
function phrase (ws: string[], opts: { weights?: string, prefix?: boolean } = {}): string {
  const term = (w: string, last: boolean) => {
    const star = opts.prefix && last ? '*' : ''
    return star || opts.weights ? `${w}:${star}${opts.weights ?? ''}` : w
  }
  return ws.length === 1 ? term(ws[0]!, true) : `(${ws.map((w, i) => term(w, i === ws.length - 1)).join(' <-> ')})`
}
const altQuery = (p: Part, a: string[], weights?: string) => phrase(a, { ...(weights ? { weights } : {}), ...(p.prefix ? { prefix: true } : {}) })
const partQuery = (p: Part, weights?: string) => `(${p.alternatives.map(a => altQuery(p, a, weights)).join(' | ')})`

/** What the ranked search runs (configuration `simple`, words already normalised). */
export interface RankedQuery {
  /** A procedure sharing a meaningful part is a match. */
  any: string
  /** Each part, as each of its ways of saying it: found in the name (A), in the result (B), anywhere; and its weight. */
  parts: Array<Array<{ name: string, result: string, anywhere: string, weight: number }>>
  /** Neighbouring parts side by side in the name, and their weight. */
  pairs: Array<{ name: string, weight: number }>
}

export function rankedQuery (a: Analysis): RankedQuery | undefined {
  if (a.parts.length === 0) return undefined
  return {
    any: a.parts.map(p => partQuery(p)).join(' | '),
    parts: a.parts.map(p => p.alternatives.map((alt, k) => ({ name: altQuery(p, alt, 'A'), result: altQuery(p, alt, 'B'), anywhere: altQuery(p, alt), weight: p.weights[k]! }))),
    pairs: a.parts.slice(1).map((p, i) => ({ name: `${partQuery(a.parts[i]!, 'A')} <-> ${partQuery(p, 'A')}`, weight: (Math.min(...a.parts[i]!.weights) + Math.min(...p.weights)) / 2 }))
  }
}

/**
 * The corrected query as people write it: for each part, the candidate the best results' names (or titles) hold
 * (else the first); each word spelled as those names spell it next to the same neighbour ("lai xe" →
 * "lái xe", "cap lai" → "cấp lại"), else as they spell it anywhere.
 */
export function spelled (corrected: string[][][], names: string[]): string {
  const top = new Set(names.slice(0, 3).flatMap(n => words(n)))
  const chosen = corrected.flatMap(candidates => candidates.find(c => c.every(w => top.has(w))) ?? candidates[0]!)
  const single = new Map<string, string>()
  const pairs = new Map<string, [string, string]>()
  for (const name of names) {
    const tokens = name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    const folded = tokens.map(t => words(t).join(' '))
    tokens.forEach((t, i) => {
      if (!single.has(folded[i]!)) single.set(folded[i]!, t)
      if (i > 0 && !pairs.has(`${folded[i - 1]} ${folded[i]}`)) pairs.set(`${folded[i - 1]} ${folded[i]}`, [tokens[i - 1]!, t])
    })
  }
  return chosen.map((w, i) => pairs.get(`${chosen[i - 1]} ${w}`)?.[1] ?? pairs.get(`${w} ${chosen[i + 1]}`)?.[0] ?? single.get(w) ?? w).join(' ')
}
