import fs from 'node:fs/promises'
import type { Config } from '../../config.js'
import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { parseOfficeHours, WorkCalendar, type CalendarException, type DayInfo } from './calendar.js'
import type { CalendarRepository } from './calendar.repository.js'
import { computeDue, remaining, type DueResult, type Duration, type DuePolicy } from './due.js'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** Exceptions and office hours change a few times a year; a process reloads them this often. */
const RELOAD_MS = 10_000

export function createCalendarService (deps: { db: Db, repo: CalendarRepository, audit: AuditService, config: Pick<Config, 'OFFICE_HOURS' | 'SAME_DAY_CUTOFF'> }) {
  const { db, repo, audit } = deps
  const defaultHours = parseOfficeHours(deps.config.OFFICE_HOURS)
  const [ch, cm] = deps.config.SAME_DAY_CUTOFF.split(':').map(Number)
  const sameDayCutoff = ch! * 60 + cm!
  let loaded: { at: number, byAgency: Map<string, WorkCalendar>, standard: WorkCalendar } | undefined

  async function calendars () {
    if (loaded && Date.now() - loaded.at < RELOAD_MS) return loaded
    const [exceptions, hours] = await Promise.all([repo.listExceptions(db.reader()), repo.officeHoursOf(db.reader())])
    const byAgency = new Map<string, WorkCalendar>()
    for (const [code, text] of hours) byAgency.set(code, new WorkCalendar({ hours: parseOfficeHours(text), exceptions }))
    loaded = { at: Date.now(), byAgency, standard: new WorkCalendar({ hours: defaultHours, exceptions }) }
    return loaded
  }

  function validate (e: CalendarException): void {
    const fields = []
    if (!DATE.test(e.date) || Number.isNaN(Date.parse(e.date))) fields.push({ field: 'date', message: 'Ngày phải có dạng YYYY-MM-DD' })
    if (e.kind !== 'off' && e.kind !== 'work') fields.push({ field: 'kind', message: 'Loại phải là "off" (ngày nghỉ) hoặc "work" (ngày làm việc)' })
    if (!e.note || e.note.trim().length < 3) fields.push({ field: 'note', message: 'Cần ghi chú căn cứ (văn bản thông báo)' })
    if (fields.length > 0) throw new AppError('VALIDATION', `invalid calendar exception ${e.date}`, fields)
  }

  return {
    /** The calendar of an agency (its own office hours if set), or the standard one. */
    async calendar (agencyCode?: string): Promise<WorkCalendar> {
      const c = await calendars()
      return (agencyCode && c.byAgency.get(agencyCode)) || c.standard
    },

    async computeDue (received: Date, duration: Duration, policy: DuePolicy = {}, agencyCode?: string): Promise<DueResult> {
      return computeDue(await this.calendar(agencyCode), received, duration, { sameDayCutoff, ...policy })
    },

    async remaining (now: Date, due: Date, agencyCode?: string) {
      return remaining(await this.calendar(agencyCode), now, due)
    },

    async daysOff (year: number): Promise<{ off: DayInfo[], workingWeekends: DayInfo[] }> {
      const cal = await this.calendar()
      return { off: cal.daysOff(year), workingWeekends: cal.weekendWorkingDays(year) }
    },

    listExceptions: () => repo.listExceptions(db.kysely),

    /** Throws VALIDATION naming the bad field. */
    async setException (actor: Actor, e: CalendarException): Promise<void> {
      validate(e)
      // An entry that changes nothing (a Saturday marked as a day off) is refused, saying why.
      const usual = new WorkCalendar({ hours: defaultHours }).day(e.date)
      if (usual.working === (e.kind === 'work')) {
        const shown = e.date.split('-').reverse().join('/')
        const why = usual.kind === 'weekend' ? 'ngày cuối tuần' : usual.kind === 'working' ? 'ngày làm việc bình thường' : usual.name ?? 'ngày nghỉ lễ'
        throw new AppError('VALIDATION', 'calendar exception changes nothing', [{
          field: 'kind', message: `Ngày ${shown} vốn đã là ${usual.working ? 'ngày làm việc' : 'ngày nghỉ'} (${why}); không cần ghi ngày này.`
        }])
      }
      await db.transaction(async (trx) => {
        await repo.upsertException(trx, e)
        await audit.record(trx, { actor, action: 'calendar.exception.set', targetType: 'calendar', targetId: e.date, details: { ...e } })
      })
      loaded = undefined
    },

    /** Throws NOT_FOUND when the day has no exception. */
    async removeException (actor: Actor, date: string): Promise<void> {
      await db.transaction(async (trx) => {
        if (!(await repo.deleteException(trx, date))) throw new AppError('NOT_FOUND', `no calendar exception on ${date}`)
        await audit.record(trx, { actor, action: 'calendar.exception.remove', targetType: 'calendar', targetId: date })
      })
      loaded = undefined
    },

    /** Imports a file of exceptions ({ exceptions: [{ date, kind, note }] }) in one transaction. */
    async importExceptions (actor: Actor, file: string): Promise<number> {
      let data: { exceptions?: CalendarException[] }
      try { data = JSON.parse(await fs.readFile(file, 'utf8')) as typeof data } catch { throw new AppError('VALIDATION', `${file} is not a readable JSON file`) }
      const list = data.exceptions ?? []
      list.forEach(validate)
      await db.transaction(async (trx) => {
        for (const e of list) await repo.upsertException(trx, e)
        await audit.record(trx, { actor, action: 'calendar.exception.import', targetType: 'calendar', targetId: file, details: { count: list.length } })
      })
      loaded = undefined
      return list.length
    },

    /** An agency's own office hours ("07:30-11:30,13:30-17:00"), or null for the standard ones. */
    /** The office hours of agencies that set none (configuration OFFICE_HOURS). */
    defaultOfficeHours: deps.config.OFFICE_HOURS,

    /** The office hours each agency set (agencies absent keep the default). */
    async officeHours (): Promise<Map<string, string>> {
      return repo.officeHoursOf(db.kysely)
    },

    async setOfficeHours (actor: Actor, agencyCode: string, hours: string | null): Promise<void> {
      if (hours !== null) {
        try { parseOfficeHours(hours) } catch (err) { throw new AppError('VALIDATION', (err as Error).message, [{ field: 'hours', message: 'Giờ làm việc phải có dạng 07:30-11:30,13:30-17:00' }]) }
      }
      await db.transaction(async (trx) => {
        if (!(await repo.setOfficeHours(trx, agencyCode, hours))) throw new AppError('NOT_FOUND', `no agency ${agencyCode}`)
        await audit.record(trx, { actor, action: 'calendar.office-hours.set', targetType: 'agency', targetId: agencyCode, details: { hours } })
      })
      loaded = undefined
    }
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>
