import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import { renderToString } from 'preact-render-to-string'
import { PageCtx, type PageContext, type SiteProfile, type SiteProfileSource } from './context.js'
import { currentNav, Layout, Notice } from './Layout.js'
import { Lru } from '../cache.js'
import { hasNotice } from '../http/notice.js'

export interface PageOptions {
  title: string
  status?: number
  hasErrors?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Renders a page inside the layout and sends it on `reply` (what `reply.page` does). */
    sendPage(reply: FastifyReply, body: VNode, options: PageOptions): Promise<FastifyReply>
  }
  interface FastifyReply {
    /** Renders a page inside the layout and sends it as HTML. */
    page(body: VNode, options: PageOptions): Promise<FastifyReply>
    /**
     * Serves a page that is the same for every visitor from memory, or builds and renders it.
     * `key` must change when the data behind the page changes (e.g. the catalog revision).
     */
    sharedPage(key: string, build: () => Promise<{ body: VNode, options: PageOptions }>): Promise<FastifyReply>
  }
}

/** The one place TSX becomes HTML. preact-render-to-string escapes every string child and attribute. */
export function renderDocument (ctx: PageContext, body: VNode, options: PageOptions): string {
  const shell = ctx.account || ctx.official ? undefined : shellFor(ctx)
  if (!shell) return renderWhole(ctx, body, options)
  return shell[0] + escapeText(`${options.hasErrors ? 'Lỗi: ' : ''}${options.title}`) + shell[1] +
    renderToString(<PageCtx.Provider value={ctx}><Notice text={ctx.notice} />{body}</PageCtx.Provider>) + shell[2]
}

/** The layout and the page rendered together (a signed-in visitor's header is their own). */
export function renderWhole (ctx: PageContext, body: VNode, options: PageOptions): string {
  return '<!doctype html>' + renderToString(
    <PageCtx.Provider value={ctx}>
      <Layout title={options.title} hasErrors={options.hasErrors ?? false}>{body}</Layout>
    </PageCtx.Provider>
  )
}

/**
 * An anonymous visitor's layout depends only on the site profile and the navigation item the page is
 * under, so it is rendered once for each and kept as the text around the title and the page's own part
 * (the profile is a new object when it changes, which drops the old shells).
 */
type Shell = [beforeTitle: string, beforeBody: string, after: string]
const shells = new WeakMap<SiteProfile, Map<number, Shell | null>>()
const TITLE_MARK = '\u0001title\u0001'
const BODY_MARK = '\u0001body\u0001'

function shellFor (ctx: PageContext): Shell | undefined {
  const nav = currentNav(ctx.path)
  let byNav = shells.get(ctx.site)
  if (!byNav) shells.set(ctx.site, byNav = new Map())
  let shell = byNav.get(nav)
  if (shell === undefined) {
    // The context without its notice; not spread, which would read (and so issue) the CSRF token.
    const html = renderWhole(Object.create(ctx, { notice: { value: undefined } }) as PageContext, <>{BODY_MARK}</>, { title: TITLE_MARK })
    const [a, rest, ...more] = html.split(TITLE_MARK)
    const [b, c, ...after] = (rest ?? '').split(BODY_MARK)
    // A profile holding a mark itself (it cannot be typed, but still) is rendered whole every time.
    shell = a !== undefined && b !== undefined && c !== undefined && more.length === 0 && after.length === 0 ? [a, b, c] : null
    byNav.set(nav, shell)
  }
  return shell ?? undefined
}

/** Text escaped as preact-render-to-string escapes it. */
function escapeText (text: string): string {
  return text.replace(/["&<]/g, ch => ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&quot;')
}

/**
 * Renders a page for a request. `shared` is true when nothing in it belongs to this visitor (no
 * form asked for a CSRF token), so the HTML may be served to anyone asking for the same URL.
 */
export async function renderPage (request: FastifyRequest, site: SiteProfileSource, demo: boolean, body: VNode, options: PageOptions, notice?: string): Promise<{ html: string, shared: boolean }> {
  const profile = await site.profile()
  let token: string | undefined
  const ctx: PageContext = {
    site: profile,
    path: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
    demo,
    account: request.account,
    official: (request as FastifyRequest & { official?: { fullName: string } }).official,
    notice,
    get csrfToken () { return (token ??= request.csrfToken()) }
  }
  const html = renderDocument(ctx, body, options)
  return { html, shared: token === undefined }
}

/** Shared pages are kept a short while so that a change to the site profile shows within seconds. */
const SHARED_TTL_MS = 10_000

export function registerRendering (app: FastifyInstance, deps: { site: SiteProfileSource, demo: boolean }) {
  const shared = new Lru<string, { html: string, at: number }>(2000)

  const sendPage = async (reply: FastifyReply, body: VNode, options: PageOptions) => {
    // A reply no route took (frameworkError) lacks the app's decorations, and has no notice to show.
    const notice = typeof reply.takeNotice === 'function' ? reply.takeNotice() : undefined
    const { html } = await renderPage(reply.request, deps.site, deps.demo, body, options, notice)
    return reply.code(options.status ?? 200).type('text/html; charset=utf-8').send(html)
  }
  app.decorate('sendPage', sendPage)
  app.decorateReply('page', function (this: FastifyReply, body: VNode, options: PageOptions) { return sendPage(this, body, options) })

  app.decorateReply('sharedPage', async function (this: FastifyReply, key: string, build: () => Promise<{ body: VNode, options: PageOptions }>) {
    // A signed-in visitor's header is their own: their pages are rendered for them, never shared.
    const anonymous = !this.request.account && !(this.request as FastifyRequest & { official?: unknown }).official && !hasNotice(this.request)
    const hit = anonymous ? shared.get(key) : undefined
    if (hit && Date.now() - hit.at < SHARED_TTL_MS) return this.type('text/html; charset=utf-8').send(hit.html)
    const { body, options } = await build()
    const page = await renderPage(this.request, deps.site, deps.demo, body, options, this.takeNotice())
    const status = options.status ?? 200
    // A page holding a CSRF token belongs to one visitor and is never shared.
    if (anonymous && page.shared && status === 200) shared.set(key, { html: page.html, at: Date.now() })
    return this.code(status).type('text/html; charset=utf-8').send(page.html)
  })
}
