import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import { renderToString } from 'preact-render-to-string'
import type { SiteService } from '../../modules/site/site.service.js'
import { PageCtx, type PageContext } from './context.js'
import { Layout } from './Layout.js'

export interface PageOptions {
  title: string
  status?: number
  hasErrors?: boolean
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the layout and sends it as HTML. */
    page(body: VNode, options: PageOptions): Promise<FastifyReply>
  }
}

/** The one place TSX becomes HTML. preact-render-to-string escapes every string child and attribute. */
export function renderDocument (ctx: PageContext, body: VNode, options: PageOptions): string {
  return '<!doctype html>' + renderToString(
    <PageCtx.Provider value={ctx}>
      <Layout title={options.title} hasErrors={options.hasErrors ?? false}>{body}</Layout>
    </PageCtx.Provider>
  )
}

export async function pageContext (request: FastifyRequest, site: SiteService, demo: boolean): Promise<PageContext> {
  const profile = await site.profile()
  let token: string | undefined
  return {
    site: profile,
    path: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
    demo,
    get csrfToken () { return (token ??= request.csrfToken()) }
  }
}

export function registerRendering (app: FastifyInstance, deps: { site: SiteService, demo: boolean }) {
  app.decorateReply('page', async function (this: FastifyReply, body: VNode, options: PageOptions) {
    const ctx = await pageContext(this.request, deps.site, deps.demo)
    const html = renderDocument(ctx, body, options)
    return this.code(options.status ?? 200).type('text/html; charset=utf-8').send(html)
  })
}
