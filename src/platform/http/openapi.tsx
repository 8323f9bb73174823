import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import { DataTable } from '../html/components/layout-parts.js'

interface OpenApiDoc { info: { title: string, version: string, description?: string }, paths: Record<string, Record<string, { summary?: string, parameters?: Array<{ name: string, in: string, required?: boolean, description?: string, schema?: { type?: string, enum?: string[] } }>, responses?: Record<string, { description?: string }> }>> }

/** Collects the schemas of routes registered after it into an OpenAPI 3 document. */
export async function registerOpenApi (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Một Cửa – API dữ liệu mở', version: '1', description: 'Danh mục thủ tục hành chính: thủ tục, lĩnh vực, cơ quan. Lỗi trả về theo application/problem+json (RFC 9457).' },
      servers: [{ url: '/' }]
    },
    hideUntagged: true
  })
}

function DocsPage ({ doc }: { doc: OpenApiDoc }) {
  return (
    <>
      <h1 class='heading-l'>{doc.info.title}</h1>
      <p class='lead'>{doc.info.description}</p>
      <p class='body'>Tài liệu OpenAPI 3: <a href='/api/openapi.json'>/api/openapi.json</a></p>
      {Object.entries(doc.paths).map(([path, methods]) => Object.entries(methods).map(([method, op]) => (
        <section class='section' key={`${method} ${path}`} aria-labelledby={`op-${method}-${path}`.replace(/[^a-z0-9-]/gi, '-')}>
          <h2 class='heading-m' id={`op-${method}-${path}`.replace(/[^a-z0-9-]/gi, '-')}><code>{method.toUpperCase()} {path}</code></h2>
          <p class='body'>{op.summary}</p>
          {op.parameters && op.parameters.length > 0 && (
            <DataTable caption='Tham số' captionHidden={false} rows={op.parameters} rowKey={p => `${p.in} ${p.name}`} columns={[
              { label: 'Tên', cell: p => <><code>{p.name}</code>{p.required ? ' (*)' : ''}</> },
              { label: 'Vị trí', cell: p => p.in },
              { label: 'Kiểu', cell: p => p.schema?.enum?.join(' | ') ?? p.schema?.type ?? '' },
              { label: 'Mô tả', cell: p => p.description ?? '' }
            ]} />
          )}
          <p class='body'>Trả về: {Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ''}`).join('; ')}</p>
        </section>
      )))}
    </>
  )
}

/** /api/openapi.json and a readable docs page at /api/docs (server-rendered, no scripts). */
export function registerOpenApiRoutes (app: FastifyInstance) {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply.page(<DocsPage doc={app.swagger() as unknown as OpenApiDoc} />, { title: 'Tài liệu API' }))
}
