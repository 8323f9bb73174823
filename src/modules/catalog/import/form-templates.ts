/**
 * Form templates (mẫu đơn, tờ khai) as the decision prints them after each procedure: Markdown-like
 * text with bold and italic runs, lists and pipe tables. Split into one template per heading, and
 * rendered to HTML for a printable page and a Word-openable download.
 */
export interface FormTemplate { title: string, markdown: string }

const TEMPLATE_START = /^\s*\*{0,2}\s*(PHỤ LỤC|MẪU|Mẫu số|MẪU SỐ)\b/u

/** The lines after a procedure's attribute table, cut into templates at each "PHỤ LỤC" / "MẪU" heading. */
export function splitTemplates (lines: string[]): FormTemplate[] {
  const out: Array<{ lines: string[] }> = []
  for (const line of lines) {
    if (TEMPLATE_START.test(line) && !(out.length > 0 && out[out.length - 1]!.lines.every(l => TEMPLATE_START.test(l) || l.trim() === ''))) out.push({ lines: [] })
    if (out.length === 0) { if (line.trim() === '') continue; out.push({ lines: [] }) }
    out[out.length - 1]!.lines.push(line)
  }
  return out.map(t => {
    const text = t.lines.join('\n').trim()
    const titles = t.lines.map(l => plain(l).replace(/^PHỤ LỤC\s+[IVXLC\d]+[.:]?\s*/u, '').trim()).filter(l => l.length > 3)
    const title = titles.find(l => /MẪU|Mẫu|BIỂU|Biểu/.test(l)) ?? titles[0] ?? 'Mẫu đơn, tờ khai'
    return { title: title.slice(0, 200), markdown: text }
  }).filter(t => t.markdown.length > 40)
}

/** A line without Markdown marks. */
export function plain (line: string): string {
  return line.replace(/<[^>]+>/g, ' ').replace(/[*_`#]+/g, ' ').replace(/\s+/g, ' ').trim()
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Bold and italic runs, <sup>, <br>; everything else escaped. */
function inline (text: string): string {
  let s = escape(text.trim())
  s = s.replace(/&lt;sup&gt;(.*?)&lt;\/sup&gt;/g, '<sup>$1</sup>').replace(/&lt;br\s*\/?&gt;/g, '<br>')
  s = s.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/\*(.+?)\*/g, '<em>$1</em>')
  return s.replace(/\*\*/g, '')
}

/** Markdown-like template text to HTML: paragraphs, "- " lists, pipe tables (separator rows skipped). */
export function templateHtml (markdown: string): string {
  const out: string[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = []
      while (i < lines.length && /^\s*\|/.test(lines[i]!)) {
        const cells = lines[i]!.trim().replace(/^\||\|$/g, '').split('|')
        if (!cells.every(c => /^\s*:?-{1,}:?\s*$/.test(c))) rows.push(cells)
        i++
      }
      i--
      out.push(`<table>${rows.map((r, n) => `<tr>${r.map(c => n === 0 ? `<th>${inline(c)}</th>` : `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`)
      continue
    }
    if (/^\s*[-+]\s+/.test(line)) {
      const items: string[] = []
      while (i < lines.length && /^\s*[-+]\s+/.test(lines[i]!)) { items.push(lines[i]!.replace(/^\s*[-+]\s+/, '')); i++ }
      i--
      out.push(`<ul>${items.map(x => `<li>${inline(x)}</li>`).join('')}</ul>`)
      continue
    }
    // Headings printed as runs of bold text side by side ("**(CƠ SỞ)****CỘNG HÒA…**") become separate lines.
    out.push(`<p>${inline(line.replace(/\*\*\*\*/g, '**<br>**'))}</p>`.replace(/&lt;br&gt;/g, '<br>'))
  }
  return out.join('\n')
}

/** The annex a form name or a template's first lines cite ("Phụ lục 7a", "PHỤ LỤC I"), folded, if any. */
function annexOf (text: string, fold: (s: string) => string): string | undefined {
  return /\bphu luc\s*(?:so\s*)?([0-9]+[a-z]?|[ivxlc]+)\b/.exec(fold(text))?.[1]
}

/**
 * The template a component's form name points to ("Văn bản đề nghị nghiệm thu … (phụ lục VII …)" →
 * "MẪU VĂN BẢN ĐỀ NGHỊ NGHIỆM THU …"): the one whose annex the name cites ("Phụ lục 7a"), else the one
 * whose title and bold headings share most words of the name, if at least half.
 */
export function templateFor (formName: string | null, templates: FormTemplate[] | undefined, fold: (s: string) => string): number | undefined {
  if (!formName || !templates?.length) return undefined
  const annex = annexOf(formName, fold)
  const annexes = templates.map(t => annexOf(t.markdown.split('\n').filter(l => l.trim()).slice(0, 3).join(' '), fold))
  if (annex) {
    const cited = annexes.flatMap((a, i) => a === annex ? [i] : [])
    if (cited.length === 1) return cited[0]
  }
  const words = (s: string) => new Set(fold(s.replace(/\(.*?\)/g, ' ')).split(/[^a-z0-9]+/).filter(w => w.length > 1 && w !== 'mau'))
  const want = words(formName)
  if (want.size === 0) return undefined
  let best: number | undefined
  let bestScore = 0
  templates.forEach((t, i) => {
    // A template printed under another annex than the one the name cites is another form, however alike.
    if (annex && annexes[i] && annexes[i] !== annex) return
    // The heading of a form is its bold lines near the top ("**GIẤY ĐỀ NGHỊ CẤP …**"), whatever the title caught.
    const headings = t.markdown.split('\n').slice(0, 25).filter(l => /\*\*/.test(l)).map(plain).join(' ')
    const have = words(`${t.title} ${headings}`)
    const score = [...want].filter(w => have.has(w)).length / want.size
    if (score > bestScore) { best = i; bestScore = score }
  })
  return bestScore >= 0.5 ? best : undefined
}

/** A template as a document Word opens (HTML with Office namespaces), for citizens to fill in. */
export function templateDoc (t: FormTemplate): string {
  return '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">' +
    `<head><meta charset="utf-8"><title>${t.title.replace(/[<>&"]/g, '')}</title>` +
    '<style>body{font-family:"Times New Roman",serif;font-size:13pt}table{border-collapse:collapse}td,th{border:1px solid #000;padding:2pt 4pt;vertical-align:top}</style></head>' +
    `<body>${templateHtml(t.markdown)}</body></html>`
}
