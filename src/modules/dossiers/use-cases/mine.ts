import { sql } from 'kysely'
import { AppError } from '../../../platform/http/errors.js'
import type { DossierStatus } from '../status.js'
import { INTERNAL_COMPONENT, OFFICE_ONLY_ACTIONS, forCitizen } from '../model.js'
import type { DossierContext } from '../context.js'

/** The citizen's own dossiers and notices. */
export function mineUseCases (ctx: DossierContext) {
  const { db, files, ownDossier, view } = ctx
  return {
    /** A submitted dossier of the account, with everything its page shows. */
    async get (accountId: string, code: string) {
      const d = await ownDossier(db.kysely, accountId, { code })
      if (d.status === 0) throw new AppError('NOT_FOUND', 'no such dossier')
      const v = await view(db.kysely, d)
      return { ...v, files: v.files.filter(f => f.component !== INTERNAL_COMPONENT), events: v.events.filter(e => !OFFICE_ONLY_ACTIONS.has(e.action)).map(forCitizen) }
    },

    /** The account's submitted dossiers, newest first, optionally of one status. */
    async list (accountId: string, filter: { status?: DossierStatus | undefined, page: number, pageSize: number }) {
      let q = db.kysely.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .where('d.accountId', '=', accountId).where('d.status', '>', 0)
      if (filter.status) q = q.where('d.status', '=', filter.status)
      const [items, total] = await Promise.all([
        q.select(['d.id', 'd.code', 'd.status', 'd.submittedAt', 'd.dueAt', 'v.name as procedureName'])
          .orderBy('d.submittedAt', 'desc').orderBy('d.id').limit(filter.pageSize).offset((filter.page - 1) * filter.pageSize).execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst()
      ])
      return { items: items.map(i => ({ ...i, status: i.status as DossierStatus })), total: total?.n ?? 0 }
    },

    async notices (accountId: string, limit = 20) {
      return db.kysely.selectFrom('accountNotices as n').leftJoin('dossiers as d', 'd.id', 'n.dossierId')
        .select(['n.id', 'n.text', 'n.createdAt', 'n.readAt', 'n.href', 'd.code']).where('n.accountId', '=', accountId)
        .orderBy('n.id', 'desc').limit(limit).execute()
    },

    async unreadNotices (accountId: string): Promise<number> {
      const r = await db.kysely.selectFrom('accountNotices').select(sql<number>`count(*)::int`.as('n')).where('accountId', '=', accountId).where('readAt', 'is', null).executeTakeFirst()
      return r?.n ?? 0
    },

    async markNoticesRead (accountId: string): Promise<void> {
      await db.kysely.updateTable('accountNotices').set({ readAt: sql`now()` }).where('accountId', '=', accountId).where('readAt', 'is', null).execute()
    }
  }
}
