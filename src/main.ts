import { ConfigError, loadConfig, type Config } from './config.js'
import { MigrationError } from './platform/db/migrate.js'
import { AppError } from './platform/http/errors.js'

/**
 * Runs a process entry point: loads the configuration, and turns the failures a person can fix
 * (configuration, migrations, invalid input) into a clear message and exit code 1.
 */
export function runMain (name: string, main: (config: Config) => Promise<void>, options: { serving?: boolean } = {}): void {
  let config: Config
  try {
    config = loadConfig(undefined, options)
  } catch (err) {
    fail(name, err)
    return
  }
  main(config).catch((err: unknown) => fail(name, err))
}

function fail (name: string, err: unknown): void {
  if (err instanceof ConfigError || err instanceof MigrationError) {
    process.stderr.write(`${name}: ${err.message}\n`)
  } else if (err instanceof AppError) {
    const fields = err.fields?.map(f => `\n  ${f.field}: ${f.message}`).join('') ?? ''
    process.stderr.write(`${name}: ${err.detail ?? err.code}${fields}\n`)
  } else {
    process.stderr.write(`${name}: unexpected error\n${(err as Error)?.stack ?? String(err)}\n`)
  }
  process.exitCode = 1
  // Give pending log writes a moment, then make sure nothing keeps the process alive.
  setTimeout(() => process.exit(1), 200).unref()
}
