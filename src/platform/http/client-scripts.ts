import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ROOT } from '../paths.js'
import { AppError } from './errors.js'

/** The progressive-enhancement scripts under src/client/, served at /assets/js/<name>.js. */
export const CLIENT_SCRIPTS = ['suggest'] as const

/**
 * A client script: the bundle `npm run build` made (dist/client/), or — running from source (tests,
 * `npm run dev`) — the source bundled by esbuild on first use. Kept in memory with its ETag.
 */
async function load (name: string): Promise<string> {
  try {
    return await fs.readFile(path.join(ROOT, 'dist', 'client', `${name}.js`), 'utf8')
  } catch {
    const { build } = await import('esbuild')
    const out = await build({ entryPoints: [path.join(ROOT, 'src', 'client', `${name}.ts`)], bundle: true, write: false, format: 'esm', target: 'es2020', minify: true, platform: 'browser' })
    return out.outputFiles[0]!.text
  }
}

export async function registerClientScripts (app: FastifyInstance): Promise<void> {
  const cache = new Map<string, Promise<{ body: string, etag: string }>>()
  app.get('/assets/js/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file.replace(/\.js$/, '')
    if (!(CLIENT_SCRIPTS as readonly string[]).includes(name)) throw new AppError('NOT_FOUND', 'no such script')
    let script = cache.get(name)
    if (!script) {
      script = load(name).then(body => ({ body, etag: `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}"` }))
      cache.set(name, script)
      script.catch(() => cache.delete(name))
    }
    const { body, etag } = await script
    if (request.headers['if-none-match'] === etag) return reply.code(304).send()
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').header('etag', etag).send(body)
  })
}
