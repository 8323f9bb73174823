import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (where package.json is), whether running from src/ through tsx or from the dist/ bundle. */
function findRoot (): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}

export const ROOT = findRoot()
export const MIGRATIONS_DIR = path.join(ROOT, 'migrations')
export const PUBLIC_DIR = path.join(ROOT, 'public')
export const SEED_DIR = path.join(ROOT, 'seed')
