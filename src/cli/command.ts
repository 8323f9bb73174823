import type { Services } from '../services.js'

export interface CliCommand {
  name: string
  usage: string
  summary: string
  /** Whether the command needs a migrated database (all but `migrate` itself). */
  needsSchema?: boolean
  run(services: Services, args: string[], out: (line: string) => void): Promise<void>
}
