import { backup, restore, verifyBackup } from '../../platform/db/backup.js'
import type { CliCommand } from '../command.js'

const storageOf = (services: Parameters<CliCommand['run']>[0]) => ({
  get: (key: string) => services.storage.get(key),
  put: (key: string, data: Buffer, mediaType: string) => services.storage.put(key, data, mediaType)
})

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup <dir> | backup --verify <dir>',
  summary: 'Back up the database and the uploaded files into a new directory (or check one).',
  async run (services, args, out) {
    const verify = args[0] === '--verify'
    const dir = verify ? args[1] : args[0]
    if (!dir) throw new Error('usage: backup <dir>')
    if (verify) {
      const m = await verifyBackup(dir)
      out(`backup of ${m.createdAt} (${m.engine}, schema ${m.migrations[m.migrations.length - 1]}): ${Object.keys(m.tables).length} tables, ${m.files.length} files, all match the manifest`)
      return
    }
    const m = await backup(services.db, storageOf(services), dir, out)
    out(`backed up ${Object.values(m.tables).reduce((n, t) => n + t.rows, 0)} rows in ${Object.keys(m.tables).length} tables and ${m.files.length} files into ${dir}`)
  }
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: 'restore <dir>',
  summary: 'Restore a backup into an empty database and file storage (then apply newer migrations).',
  needsSchema: false,
  async run (services, args, out) {
    const dir = args[0]
    if (!dir) throw new Error('usage: restore <dir>')
    const m = await restore(services.db, storageOf(services), dir, out)
    out(`restored the backup of ${m.createdAt}: ${Object.values(m.tables).reduce((n, t) => n + t.rows, 0)} rows, ${m.files.length} files`)
  }
}
