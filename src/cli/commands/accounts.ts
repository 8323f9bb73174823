import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'
import { formatInstant as when } from '../../platform/vn-time.js'


export const accountsCommand: CliCommand = {
  name: 'accounts',
  usage: 'accounts privacy-requests',
  summary: "The administrators' queue of personal-data requests (correction, deletion), the most urgent first.",
  async run (services, args, out) {
    if (args[0] !== 'privacy-requests') throw new AppError('BAD_REQUEST', `usage: ${accountsCommand.usage}`)
    const open = await services.accounts.openPrivacyRequests()
    const now = Date.now()
    out(`${open.length} open request(s)`)
    for (const r of open) {
      const hoursLeft = Math.round((r.dueAt.getTime() - now) / 3600_000)
      out(`#${r.id}  ${r.kind === 'correction' ? 'sửa' : 'xóa'}  hạn ${when(r.dueAt)} (${hoursLeft >= 0 ? `còn ${hoursLeft} giờ` : `quá hạn ${-hoursLeft} giờ`})  ${r.fullName}: ${r.details}`)
    }
  }
}
