import { destination, pino } from 'pino'
import { runMain } from './main.js'
import { migrationStatus } from './platform/db/migrate.js'
import { loggerOptions } from './platform/log.js'
import { buildServices } from './services.js'
import type { CliCommand } from './cli/command.js'
import { accountsCommand } from './cli/commands/accounts.js'
import { userCommand } from './cli/commands/user.js'
import { calendarCommand } from './cli/commands/calendar.js'
import { catalogCommand } from './cli/commands/catalog.js'
import { jobsCommand } from './cli/commands/jobs.js'
import { migrateCommand } from './cli/commands/migrate.js'
import { notifyCommand } from './cli/commands/notify.js'
import { siteCommand } from './cli/commands/site.js'
import { paymentsCommand } from './cli/commands/payments.js'
import { backupCommand, restoreCommand } from './cli/commands/backup.js'

/** The admin CLI: `npm run cli -- <command> …`. Commands call services, never SQL. */
const COMMANDS: CliCommand[] = [migrateCommand, siteCommand, catalogCommand, calendarCommand, userCommand, accountsCommand, notifyCommand, jobsCommand, paymentsCommand, backupCommand, restoreCommand]

function help (): string {
  return ['usage: npm run cli -- <command> [arguments]', '', ...COMMANDS.map(c => `  ${c.usage.padEnd(48)} ${c.summary}`)].join('\n')
}

runMain('cli', async (config) => {
  const [name, ...args] = process.argv.slice(2)
  const command = COMMANDS.find(c => c.name === name)
  if (!command) {
    process.stdout.write(help() + '\n')
    if (name && name !== 'help' && name !== '--help') throw new Error(`unknown command "${name}"`)
    return
  }
  // Logs go to stderr so that command output on stdout stays clean.
  const log = pino({ ...loggerOptions({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }) }, destination(2))
  const services = await buildServices(config, { log })
  try {
    if (command.needsSchema !== false) {
      const status = await migrationStatus(services.db)
      if (status.pending.length > 0) throw new Error(`migrations pending (${status.pending.join(', ')}): run "npm run cli -- migrate" first`)
    }
    await command.run(services, args, (line) => process.stdout.write(line + '\n'))
  } finally {
    await services.close()
  }
})
