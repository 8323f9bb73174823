import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { useTestApp } from './app.js'
import { loadCatalog } from './catalog.js'
import { CHAOS_PROCEDURE } from './chaos.js'
import { localObjects } from './chaos-edges.js'
import { checkInvariants } from './chaos-invariants.js'
import { newCitizen } from './citizens.js'
import { serviceDraft } from './dossiers.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

// The fault battery's verdict comes from this checker: it must see each kind of damage, not only pass.
test('the invariant checker finds a lost file, a changed byte, a doubled submit, a code skipped, an orphan object; clean data passes', async () => {
  const c = await newCitizen(t)
  const acknowledged: Array<{ id: string, code: string, hash: string }> = []
  let component = ''
  for (let i = 0; i < 3; i++) {
    const id = await serviceDraft(t.services, c.id, CHAOS_PROCEDURE)
    const { code } = await t.services.dossiers.submit(c.id, id)
    const file = await t.db.kysely.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId').select(['df.component', 'f.sha256'])
      .where('df.dossierId', '=', id).orderBy('df.id').executeTakeFirstOrThrow()
    component = file.component
    acknowledged.push({ id, code, hash: file.sha256! })
  }
  const root = path.join(t.config.DATA_DIR, 'files')
  const check = () => checkInvariants(t.db, localObjects(root), acknowledged, component)
  assert.deepEqual(await check(), { problems: [], lost: 0, duplicated: 0, uploadsRepeated: 0 })

  // A stored file's bytes changed, then gone: lost, naming the dossier.
  const key = (await t.db.kysely.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId').select('f.storageKey')
    .where('df.dossierId', '=', acknowledged[0]!.id).where('df.component', '=', component).executeTakeFirstOrThrow()).storageKey
  const file = path.join(root, key)
  const bytes = fs.readFileSync(file)
  fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, -1), Buffer.from([bytes.at(-1)! ^ 1])]))
  let r = await check()
  assert.ok(r.lost >= 1 && r.problems.some(p => p.includes(acknowledged[0]!.code) && p.includes('differs from its hash')), r.problems.join('; '))
  fs.rmSync(file)
  r = await check()
  assert.ok(r.problems.some(p => p.includes('is missing')), r.problems.join('; '))
  fs.writeFileSync(file, bytes)
  assert.deepEqual((await check()).problems, [], 'clean again once restored')

  // A code acknowledged but taken by nothing (the dossier's code changed under it): lost; the day's numbers skip one.
  const last = acknowledged[2]!
  await t.db.kysely.updateTable('dossiers').set({ code: last.code.replace(/-(\d+)$/, (_, n: string) => `-${String(Number(n) + 5).padStart(n.length, '0')}`) }).where('id', '=', last.id).execute()
  r = await check()
  assert.ok(r.lost >= 1 && r.problems.some(p => p.startsWith(`${last.code}: 0 dossiers`)), r.problems.join('; '))
  assert.ok(r.problems.some(p => /numbers skipped/.test(p)), r.problems.join('; '))
  await t.db.kysely.updateTable('dossiers').set({ code: last.code }).where('id', '=', last.id).execute()

  // An object no file row names.
  fs.writeFileSync(path.join(root, 'orphan.bin'), 'x')
  r = await check()
  assert.ok(r.problems.some(p => /stored objects no file row names/.test(p)), r.problems.join('; '))
  fs.rmSync(path.join(root, 'orphan.bin'))
  assert.deepEqual((await check()).problems, [])

  // A submit recorded twice (the audit log is append-only: this one stays): doubled.
  await t.db.kysely.insertInto('auditLog').values({ actorType: 'citizen', actorId: c.id, action: 'dossier.submit', targetType: 'dossier', targetId: acknowledged[1]!.id }).execute()
  r = await check()
  assert.equal(r.duplicated, 1, r.problems.join('; '))
})
