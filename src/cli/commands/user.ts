import os from 'node:os'
import { parseArgs } from 'node:util'
import { cliActor } from '../../modules/audit/audit.service.js'
import { ROLES, type OfficialRole } from '../../modules/accounts/officials.service.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

export const userCommand: CliCommand = {
  name: 'user',
  usage: 'user create --username U --name "Họ tên" --agency CODE --role ROLE [--role …] [--email E] [--phone P] [--password P] | user lock U',
  summary: `Create an official (roles: ${Object.keys(ROLES).join(', ')}) or lock one. The first system administrator comes from here.`,
  async run (services, args, out) {
    const actor = cliActor(os.userInfo().username)
    const [sub, ...rest] = args
    if (sub === 'lock' && rest[0]) { await services.officials.lock(actor, rest[0]); out(`${rest[0]}: locked`); return }
    if (sub !== 'create') throw new AppError('BAD_REQUEST', `usage: ${userCommand.usage}`)
    const { values } = parseArgs({
      args: rest,
      options: { username: { type: 'string' }, name: { type: 'string' }, agency: { type: 'string' }, role: { type: 'string', multiple: true }, email: { type: 'string' }, phone: { type: 'string' }, password: { type: 'string' } },
      strict: true
    })
    const created = await services.officials.create(actor, {
      username: values.username ?? '', fullName: values.name ?? '', agencyCode: values.agency ?? '',
      roles: (values.role ?? []) as OfficialRole[], email: values.email, phone: values.phone, password: values.password
    })
    out(`created ${values.username}${values.password ? '' : ` with password ${created.password} (hand it over once; it is not stored)`}`)
  }
}
