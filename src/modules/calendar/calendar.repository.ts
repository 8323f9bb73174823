import type { Executor } from '../../platform/db/db.js'
import type { CalendarException } from './calendar.js'

export function createCalendarRepository () {
  return {
    async listExceptions (db: Executor): Promise<CalendarException[]> {
      const rows = await db.selectFrom('calendarExceptions').select(['day', 'kind', 'note']).orderBy('day').execute()
      return rows.map(r => ({ date: r.day, kind: r.kind, note: r.note }))
    },

    async upsertException (db: Executor, e: CalendarException): Promise<void> {
      await db.insertInto('calendarExceptions').values({ day: e.date, kind: e.kind, note: e.note })
        .onConflict(oc => oc.column('day').doUpdateSet({ kind: e.kind, note: e.note })).execute()
    },

    async deleteException (db: Executor, date: string): Promise<boolean> {
      const r = await db.deleteFrom('calendarExceptions').where('day', '=', date).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    },

    async officeHoursOf (db: Executor): Promise<Map<string, string>> {
      const rows = await db.selectFrom('agencies').select(['code', 'officeHours']).where('officeHours', 'is not', null).execute()
      return new Map(rows.map(r => [r.code, r.officeHours!]))
    },

    async setOfficeHours (db: Executor, agencyCode: string, hours: string | null): Promise<boolean> {
      const r = await db.updateTable('agencies').set({ officeHours: hours }).where('code', '=', agencyCode).executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    }
  }
}

export type CalendarRepository = ReturnType<typeof createCalendarRepository>
