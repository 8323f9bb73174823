import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../src/platform/paths.js'
import { allowedDirections, importsOf, sourceFiles, unitOf, violations } from './architecture.js'

/**
 * The house rules of docs/architecture.md, read from the document itself so the two never drift:
 * which module may use which, that only the entry points know the composition root, and that no
 * hand-written source file grows past 400 lines.
 */
const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8')
const allowed = allowedDirections(doc)
const files = sourceFiles(ROOT)

test('the table of directions in docs/architecture.md names every module', () => {
  const modules = fs.readdirSync(path.join(ROOT, 'src', 'modules'))
  assert.deepEqual(modules.filter(m => !allowed.has(m)), [], 'a module the table does not list')
  assert.ok(allowed.get('workflow')!.has('dossiers'), 'the back office uses dossiers')
  assert.ok(!allowed.get('dossiers')!.has('workflow'), 'dossiers never uses the back office')
})

test('modules import each other only in the directions docs/architecture.md allows, and never the composition root', () => {
  assert.ok(files.length > 100, `${files.length} source files`)
  assert.deepEqual(violations(ROOT, files, allowed), [])
})

test('the direction rule catches a forbidden import (dossiers → workflow) and a reach for the composition root', () => {
  const file = path.join(ROOT, 'src', 'modules', 'dossiers', 'use-cases', 'forbidden.ts')
  const text = "import type { WorkflowService } from '../../workflow/workflow.service.js'\nimport type { Services } from '../../../services.js'\nexport type X = [WorkflowService, Services]\n"
  assert.deepEqual(importsOf(text), ['../../workflow/workflow.service.js', '../../../services.js'])
  const found = violations(ROOT, [{ file, text }], allowed)
  assert.deepEqual(found, [
    'src/modules/dossiers/use-cases/forbidden.ts → workflow (dossiers may use: ' + [...allowed.get('dossiers')!].sort().join(', ') + ')',
    'src/modules/dossiers/use-cases/forbidden.ts → src/services.ts (only the entry points use the composition root)'
  ])
  assert.equal(unitOf(ROOT, path.join(ROOT, 'src', 'platform', 'db', 'db.ts')), 'platform')
})

test('no hand-written source file is over 400 lines', () => {
  const long = files.filter(f => !f.generated).map(f => ({ file: path.relative(ROOT, f.file), lines: f.text.split('\n').length }))
    .filter(f => f.lines > 400)
  assert.deepEqual(long, [])
})

test('every table on a page is a DataTable, which reads on a phone (stacked rows under 40em)', () => {
  const raw = files.filter(f => /\.tsx$/.test(f.file) && !f.file.endsWith(path.join('components', 'layout-parts.tsx')) && /<table\b/.test(f.text))
  assert.deepEqual(raw.map(f => path.relative(ROOT, f.file)), [], 'a hand-made <table>: use DataTable from platform/html/components/layout-parts.tsx')
})
