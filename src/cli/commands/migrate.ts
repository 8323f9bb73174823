import { migrate, migrationStatus } from '../../platform/db/migrate.js'
import type { CliCommand } from '../command.js'

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate [--status]',
  summary: 'Apply pending database migrations (or list them with --status).',
  needsSchema: false,
  async run (services, args, out) {
    if (args.includes('--status')) {
      const s = await migrationStatus(services.db)
      out(`applied: ${s.applied.length}${s.applied.length ? ` (${s.applied.join(', ')})` : ''}`)
      out(`pending: ${s.pending.length}${s.pending.length ? ` (${s.pending.join(', ')})` : ''}`)
      return
    }
    const applied = await migrate(services.db)
    out(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date')
  }
}
