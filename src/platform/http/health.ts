import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/db.js'
import { migrationStatus } from '../db/migrate.js'

/** /healthz: the process answers. /readyz: the database answers and every migration is applied. */
export function registerHealth (app: FastifyInstance, db: Db) {
  let migrated = false
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    try {
      await db.ping()
      if (!migrated) {
        const status = await migrationStatus(db)
        if (status.pending.length > 0) return reply.code(503).send({ status: 'migrations pending', pending: status.pending })
        migrated = true
      }
      return { status: 'ready', engine: db.engine }
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed')
      return reply.code(503).send({ status: 'database unavailable' })
    }
  })
}
