/**
 * Time from starting `node dist/server.js` (demo profile) to the first 200 from /readyz: on an empty
 * data directory (database creation, migrations, catalog import) and on the existing one.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../src/platform/paths.js'
import { freePort } from '../test/net.js'


async function timeToReady (dataDir: string): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js')], {
    cwd: ROOT, stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '', DEMO: 'true', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
  })
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return performance.now() - started
      } catch { /* not listening yet */ }
      if (performance.now() - started > 120_000) throw new Error('server not ready after 120 s')
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise(resolve => child.once('exit', resolve))
  }
}

export async function measureStartup (): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-startup-'))
  try {
    const empty = await timeToReady(dataDir)
    const existing = await timeToReady(dataDir)
    return [
      `demo start, empty data directory (create database, migrate, import catalog): ${(empty / 1000).toFixed(2)} s (target < 15 s)`,
      `demo start, existing data directory: ${(existing / 1000).toFixed(2)} s (target < 3 s)`
    ]
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
