import assert from 'node:assert/strict'
import { useTestApp } from './app.js'
import { loadCatalog } from './catalog.js'
import { AppError } from '../src/platform/http/errors.js'

export const DAY = 86_400_000
/** Two agencies of the Kon Tum catalog that answer feedback. */
export const DEPT = '000.00.11.H34'
export const OTHER = '000.00.15.H34'

/** A test app for the feedback tests: a clock the test moves forward (`clock.offsetMs`), and what they check with. */
export function feedbackTestApp () {
  const clock = { offsetMs: 0 }
  const t = useTestApp({ setup: ctx => loadCatalog(ctx.services), clock: () => new Date(Date.now() + clock.offsetMs) })
  const rejects = async (p: Promise<unknown>, code: string, field?: string) => {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof AppError, String(err))
      assert.equal(err.code, code, err.detail)
      if (field) assert.ok(err.fields?.some(f => f.field === field), JSON.stringify(err.fields))
      return true
    })
  }
  const actions = async (code: string) => (await t.db.kysely.selectFrom('auditLog').select('action').where('targetType', '=', 'feedback').where('targetId', '=', code).orderBy('id').execute()).map(r => r.action)
  const row = (code: string) => t.db.kysely.selectFrom('feedback').selectAll().where('code', '=', code).executeTakeFirstOrThrow()
  return { t, clock, rejects, actions, row }
}
