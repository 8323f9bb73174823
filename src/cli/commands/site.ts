import os from 'node:os'
import { cliActor } from '../../modules/audit/audit.service.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

export const siteCommand: CliCommand = {
  name: 'site',
  usage: 'site show | site set <profile.json | seed name, e.g. kon-tum>',
  summary: "Show or set the portal's identity (names, hotline, address) shown on every page.",
  async run (services, args, out) {
    const [sub, file] = args
    if (sub === 'show') {
      const configured = await services.site.isConfigured()
      out(JSON.stringify(await services.site.profile(), null, 2))
      if (!configured) out('(not configured: these are placeholders)')
      return
    }
    if (sub === 'set' && file) {
      const profile = await services.site.loadProfileFile(cliActor(os.userInfo().username), file)
      out(`site profile set: ${profile.portalName} – ${profile.provinceName}`)
      return
    }
    throw new AppError('BAD_REQUEST', `usage: ${siteCommand.usage}`)
  }
}
