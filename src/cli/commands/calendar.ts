import os from 'node:os'
import { cliActor } from '../../modules/audit/audit.service.js'
import { fromLocal } from '../../platform/vn-time.js'
import { dmy } from '../../platform/vn-time.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

const USAGE = 'calendar days-off <year> | calendar set <YYYY-MM-DD> <off|work> <note…> | calendar remove <YYYY-MM-DD> | calendar import <file.json> | calendar hours <agency code> <HH:MM-HH:MM,…|default> | calendar due "<YYYY-MM-DD HH:MM>" <value> <working_days|working_hours|calendar_days|same_day> [agency code]'
const UNITS = ['working_days', 'working_hours', 'calendar_days', 'same_day'] as const

export const calendarCommand: CliCommand = {
  name: 'calendar',
  usage: 'calendar days-off|set|remove|import|hours|due …',
  summary: "The working-day calendar: a year's days off, announced exceptions, office hours, a due date with its explanation.",
  async run (services, args, out) {
    const actor = cliActor(os.userInfo().username)
    const [sub, a, b, ...rest] = args
    if (sub === 'days-off' && a && /^\d{4}$/.test(a)) {
      const { off, workingWeekends } = await services.calendar.daysOff(Number(a))
      for (const d of off) out(`${dmy(d.date)}  ${d.kind === 'off' ? 'nghỉ theo thông báo' : d.kind === 'compensation' ? 'nghỉ bù' : 'ngày lễ'}  ${d.name ?? ''}`)
      for (const d of workingWeekends) out(`${dmy(d.date)}  làm việc (cuối tuần)  ${d.name ?? ''}`)
      return
    }
    if (sub === 'set' && a && (b === 'off' || b === 'work')) {
      await services.calendar.setException(actor, { date: a, kind: b, note: rest.join(' ') })
      out(`${a}: ${b}`)
      return
    }
    if (sub === 'remove' && a) { await services.calendar.removeException(actor, a); out(`${a}: removed`); return }
    if (sub === 'import' && a) { out(`imported ${await services.calendar.importExceptions(actor, a)} exception(s)`); return }
    if (sub === 'hours' && a && b) {
      await services.calendar.setOfficeHours(actor, a, b === 'default' ? null : b)
      out(`${a}: office hours ${b}`)
      return
    }
    const unit = rest[0]
    const m = a ? /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(a) : null
    if (sub === 'due' && m && b && unit && (UNITS as readonly string[]).includes(unit)) {
      const received = fromLocal(m[1]!, Number(m[2]) * 60 + Number(m[3]))
      const result = await services.calendar.computeDue(received, { value: Number(b), unit: unit as typeof UNITS[number] }, {}, rest[1])
      out(result.explanation)
      return
    }
    throw new AppError('BAD_REQUEST', `usage: ${USAGE}`)
  }
}
