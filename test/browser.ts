import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { testEnv } from './env.js'

/** The flags the developers' guide prescribes for Debian's Chromium on these machines. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic']

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation { id: string, impact: string | null, help: string, nodes: Array<{ target: unknown }> }

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns its violations. Text contrast that axe
 * cannot decide ("needs review": white text on a background it could not read) counts as a violation too:
 * an invisible button is what such a result hid.
 */
export async function axe (page: Page): Promise<AxeViolation[]> {
  // evaluate() runs through the DevTools protocol, so the page's CSP (no inline scripts) does not block axe.
  await page.evaluate(axeSource)
  const result = await page.evaluate(() => (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[], incomplete: AxeViolation[] }> } })
    .axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations', 'incomplete'] }))
  const undecidedContrast = result.incomplete.filter(v => v.id === 'color-contrast').map(v => ({ ...v, id: 'color-contrast (needs review)', impact: 'serious' }))
  return [...result.violations, ...undecidedContrast].map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) }))
}

/**
 * The visible controls (links, buttons) whose text contrast with the colour behind them is under 4.5:1
 * (3:1 for large text), computed from the page's styles: the check axe leaves to a person.
 */
export async function lowContrastControls (page: Page): Promise<string[]> {
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  return page.evaluate(CONTRAST_SCRIPT) as Promise<string[]>
}

const CONTRAST_SCRIPT = `(() => {
  const rgb = c => (/rgba?\\(([^)]+)\\)/.exec(c)?.[1] ?? '0,0,0,0').split(',').map(x => Number.parseFloat(x))
  const lum = ([r, g, b]) => [r, g, b].map(v => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 }).reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0)
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor)
      if ((c[3] ?? 1) > 0.5) return c
    }
    return [255, 255, 255, 1]
  }
  const bad = []
  for (const el of Array.from(document.querySelectorAll('a, button, input[type=submit], summary'))) {
    const box = el.getBoundingClientRect()
    const style = getComputedStyle(el)
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || !(el.textContent ?? '').trim() || el.closest('.visually-hidden, .skip-link')) continue
    const fg = lum(rgb(style.color))
    const bg = lum(behind(el))
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)
    const size = Number.parseFloat(style.fontSize)
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
    if (ratio < (large ? 3 : 4.5)) bad.push(el.tagName.toLowerCase() + ' "' + (el.textContent ?? '').trim().slice(0, 40) + '" ' + ratio.toFixed(2) + ':1')
  }
  return bad
})()`

/**
 * Fails when axe finds a serious or critical violation, naming each one, when a visible control's text
 * contrast is too low, or when two elements share an id (axe 4 no longer checks it; a label's `for` then
 * points at the wrong field).
 */
export async function assertAccessible (page: Page): Promise<void> {
  const bad = (await axe(page)).filter(v => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(bad.map(v => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map(n => n.target))}`), [],
    `axe-core found violations on ${page.url()}`)
  assert.deepEqual(await lowContrastControls(page), [], `controls whose text contrast is under 4.5:1 on ${page.url()}`)
  const twice = await page.evaluate(() => {
    const seen = new Map<string, number>()
    for (const el of Array.from(document.querySelectorAll('[id]'))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1)
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id)
  })
  assert.deepEqual(twice, [], `ids used twice on ${page.url()}`)
}

/** Opens a URL, checks the response and the page's accessibility. */
/**
 * On a phone-width page nothing runs off the side: the page does not scroll sideways and every table
 * cell lies inside the viewport, at least 6 characters wide (no procedure name squeezed to a word a line).
 */
export async function assertReadsOnPhone (page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0
  const problems = await page.evaluate((w) => {
    const found: string[] = []
    if (document.documentElement.scrollWidth > w + 1) found.push(`page is ${document.documentElement.scrollWidth}px wide`)
    for (const td of Array.from(document.querySelectorAll('main td'))) {
      const r = td.getBoundingClientRect()
      if (r.width === 0) continue
      if (r.right > w + 1) found.push(`cell "${(td.textContent ?? '').slice(0, 30)}" ends at ${Math.round(r.right)}px`)
      if (r.width < 3 * parseFloat(getComputedStyle(td).fontSize)) found.push(`cell "${(td.textContent ?? '').slice(0, 30)}" is ${Math.round(r.width)}px wide`)
    }
    return found
  }, width)
  if (problems.length > 0) throw new Error(`not readable at ${width}px:\n${problems.join('\n')}`)
}

export async function visit (page: Page, url: string, options: { status?: number, accessible?: boolean } = {}) {
  const response = await page.goto(url, { waitUntil: 'load' })
  assert.equal(response?.status(), options.status ?? 200, `status of ${url}`)
  if (options.accessible !== false) await assertAccessible(page)
  return response
}

/** Launches headless Chromium for the test file; each test takes a fresh context (cookies, viewport). */
export function useBrowser (): { browser: Browser } {
  const ctx = {} as { browser: Browser }
  before(async () => {
    if (!fs.existsSync(testEnv.chromium)) throw new Error(`Chromium not found at ${testEnv.chromium}: run npm test (it installs it) or apt-get install chromium`)
    ctx.browser = await chromium.launch({ executablePath: testEnv.chromium, headless: true, args: CHROMIUM_ARGS })
  })
  after(async () => { await ctx.browser?.close() })
  return ctx
}

/** Presses a button of the page, waits for the page it leads to, and checks that page's accessibility. */
export async function press (page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('button', { name }).click()
  await page.waitForLoadState()
  await assertAccessible(page)
}

/** Follows a link of the page, waits for the page it leads to, and checks that page's accessibility. */
export async function follow (page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('link', { name }).first().click()
  await page.waitForLoadState()
  await assertAccessible(page)
}

/** A browser context signed in with a session cookie (`name=value`) for the app at `url`. */
export async function signedInContext (browser: Browser, url: string, cookie: string, options: { javaScript?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options.javaScript === false ? { javaScriptEnabled: false } : {})
  const [name, value] = cookie.split('=') as [string, string]
  await context.addCookies([{ name, value, url }])
  return context
}
