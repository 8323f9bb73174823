import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../src/platform/paths.js'

const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i

function sources (dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter(f => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f)).map(f => path.join(ROOT, dir, f))
}

/**
 * What a page shows of an error (error-handlers.tsx): the code's Vietnamese message, the fields'
 * messages, or a conflict's detail. So every conflict's detail and every field message written in the
 * source must be Vietnamese: no English reaches a page.
 */
test('every message an error shows people is Vietnamese', () => {
  const english: string[] = []
  let checked = 0
  for (const file of sources('src')) {
    const text = fs.readFileSync(file, 'utf8')
    const found = [
      ...[...text.matchAll(/new AppError\('CONFLICT', '([^']*)'/g)].map(m => `CONFLICT '${m[1]}'`),
      ...[...text.matchAll(/\{ field: '[^']*', message: '([^']*)' \}/g)].map(m => `field message '${m[1]}'`)
    ]
    checked += found.length
    for (const f of found) if (!VIETNAMESE.test(f)) english.push(`${path.relative(ROOT, file)}: ${f}`)
  }
  assert.ok(checked > 100, `${checked} messages checked`)
  assert.deepEqual(english, [])
})
