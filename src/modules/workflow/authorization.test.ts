import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import type { OfficialRole } from '../accounts/officials.service.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

/**
 * Role × action: each back-office route tried by every kind of actor. "ok" means the route let the
 * actor in (the page, or a message about the form: 200 or 422); "no" means it refused (403, or 404
 * for a dossier outside the actor's agencies: its existence is not disclosed); "in" means sign in first.
 */
test('every back-office route checks the actor: role × action', async () => {
  const c = await newCitizen(t)
  const fresh = (await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))).code
  const received = (await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))).code
  const dept = '000.00.11.H34'
  const who: Record<string, { agency: string, roles: OfficialRole[] }> = {
    desk: { agency: '000.01.01.H34', roles: ['receptionist'] },
    specialist: { agency: dept, roles: ['specialist'] },
    head: { agency: dept, roles: ['department_head'] },
    leader: { agency: dept, roles: ['agency_leader'] },
    catalogAdmin: { agency: '000.00.00.H34', roles: ['catalog_admin'] },
    systemAdmin: { agency: '000.00.00.H34', roles: ['system_admin'] },
    // Administrators of one unit: they administer their unit, never what every agency depends on.
    unitAdmin: { agency: '000.01.11.H34', roles: ['system_admin'] },
    unitCatalogAdmin: { agency: '000.00.15.H34', roles: ['catalog_admin'] },
    stranger: { agency: '000.00.15.H34', roles: ['specialist', 'receptionist', 'department_head'] }
  }
  const sessions: Record<string, ReturnType<typeof browserSession>> = { citizen: browserSession(t, c.cookie), anonymous: browserSession(t, '') }
  for (const [name, w] of Object.entries(who)) sessions[name] = browserSession(t, (await newOfficial(t, w.agency, w.roles)).cookie)
  await sessions['desk']!.post(`/can-bo/ho-so/${enc(received)}/tiep-nhan`)
  const taskId = /name="taskId" value="(\d+)"/.exec((await sessions['specialist']!.get(`/can-bo/ho-so/${enc(received)}`)).body)![1]!
  const fileId = (await t.services.dossiers.get(c.id, received)).files[0]!.id

  type Expect = 'ok' | 'no' | 'in'
  type Session = ReturnType<typeof browserSession>
  type Route = { name: string, run: (s: Session) => Promise<{ statusCode: number }>, expect: Record<string, Expect> }
  const none: Record<string, Expect> = Object.fromEntries(Object.keys(who).map(name => [name, 'no']))
  const routes: Route[] = [
    { name: 'view a dossier', run: s => s.get(`/can-bo/ho-so/${enc(received)}`), expect: { desk: 'ok', specialist: 'ok', head: 'ok', leader: 'ok', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'read a dossier file', run: s => s.get(`/can-bo/ho-so/${enc(received)}/tep/${fileId}`), expect: { desk: 'ok', specialist: 'ok', head: 'ok', leader: 'ok', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'control sheet (form 06)', run: s => s.get(`/can-bo/ho-so/${enc(received)}/mau-06.pdf`), expect: { desk: 'ok', specialist: 'ok', head: 'ok', leader: 'ok', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'refuse at reception (no reason)', run: s => s.post(`/can-bo/ho-so/${enc(fresh)}/tu-choi`, { reason: '' }), expect: { desk: 'ok', specialist: 'no', head: 'no', leader: 'no', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'postpone (no reason)', run: s => s.post(`/can-bo/ho-so/${enc(received)}/hen-lai`, { taskId, reason: '' }), expect: { desk: 'no', specialist: 'ok', head: 'no', leader: 'no', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'stop (no reason)', run: s => s.post(`/can-bo/ho-so/${enc(received)}/dung`, { taskId, 'stop-reason': '' }), expect: { desk: 'no', specialist: 'ok', head: 'no', leader: 'no', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'ask an opinion (empty)', run: s => s.post(`/can-bo/ho-so/${enc(received)}/xin-y-kien`, { taskId }), expect: { desk: 'no', specialist: 'ok', head: 'no', leader: 'no', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    // The stranger is a receptionist too, but their desk receives none of these procedures.
    { name: 'counter intake', run: s => s.get('/can-bo/tiep-nhan-truc-tiep'), expect: { desk: 'ok', specialist: 'no', head: 'no', leader: 'no', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'no' } },
    { name: 'register (form 07)', run: s => s.get('/can-bo/so-theo-doi'), expect: { desk: 'ok', specialist: 'ok', head: 'ok', leader: 'ok', catalogAdmin: 'no', systemAdmin: 'no', unitAdmin: 'no', unitCatalogAdmin: 'no', stranger: 'ok' } },
    { name: 'search', run: s => s.get('/can-bo/ho-so?ma=x'), expect: { desk: 'ok', specialist: 'ok', head: 'ok', leader: 'ok', catalogAdmin: 'ok', systemAdmin: 'ok', unitAdmin: 'ok', unitCatalogAdmin: 'ok', stranger: 'ok' } },
    // Settings. A procedure's settings belong to the catalog administrators of the agencies that receive or
    // process it; the calendar and the forms' wording apply to every agency: province-wide administrators only.
    ...[
      ['procedure settings', (s: Session) => s.get(`/can-bo/thu-tuc/${enc(PROCEDURE)}`)],
      ['processing time (invalid)', (s: Session) => s.post(`/can-bo/thu-tuc/${enc(PROCEDURE)}/thoi-han`, { unit: 'x' })],
      ['reception limits (invalid)', (s: Session) => s.post(`/can-bo/thu-tuc/${enc(PROCEDURE)}/gioi-han`, { 'reception-days': 'x' })],
      ['process (invalid)', (s: Session) => s.post(`/can-bo/thu-tuc/${enc(PROCEDURE)}/quy-trinh`, { 'step-0-role': 'x' })]
    ].map(([name, run]) => ({ name: name as string, run: run as Route['run'], expect: { ...none, catalogAdmin: 'ok' as const } })),
    { name: 'procedures to set', run: s => s.get('/can-bo/thu-tuc'), expect: { ...none, catalogAdmin: 'ok', unitCatalogAdmin: 'ok' } },
    ...[
      ['working calendar', (s: Session) => s.get('/can-bo/lich')],
      ['a day off (invalid)', (s: Session) => s.post('/can-bo/lich', { date: '31/02/2026', kind: 'off', note: '' })],
      ['forms\' wording', (s: Session) => s.get('/can-bo/mau-van-ban')],
      ['form 03 wording', (s: Session) => s.get('/can-bo/mau-van-ban/03')],
      ['form 03 wording saved (invalid)', (s: Session) => s.post('/can-bo/mau-van-ban/03', { body: '{khong-co}' })]
    ].map(([name, run]) => ({ name: name as string, run: run as Route['run'], expect: { ...none, systemAdmin: 'ok' as const } })),
    { name: 'officials of their agencies', run: s => s.get('/can-bo/quan-tri/can-bo'), expect: { ...none, systemAdmin: 'ok', unitAdmin: 'ok' } },
    { name: 'audit log', run: s => s.get('/can-bo/nhat-ky'), expect: { ...none, systemAdmin: 'ok', unitAdmin: 'ok' } }
  ]
  const failures: string[] = []
  for (const r of routes) {
    for (const [name, s] of Object.entries(sessions)) {
      const outsider = name === 'citizen' || name === 'anonymous'
      const expected: Expect = outsider ? 'in' : r.expect[name]!
      const { statusCode } = await r.run(s)
      const got: Expect = statusCode === 200 || statusCode === 422 ? 'ok' : statusCode === 403 || statusCode === 404 ? 'no' : statusCode === 401 || statusCode === 302 || statusCode === 303 ? 'in' : 'ok'
      // Without a staff session a form post is stopped by its CSRF check or sent to sign in: either refuses.
      const fine = got === expected || (outsider && got === 'no')
      if (!fine || statusCode >= 500) failures.push(`${r.name} by ${name}: expected ${expected}, got ${statusCode}`)
    }
  }
  assert.deepEqual(failures, [])
  // Nothing was changed by any of it.
  assert.equal((await t.services.dossiers.get(c.id, fresh)).status, 1)
  assert.equal((await t.services.dossiers.get(c.id, received)).status, 2)
  assert.equal((await t.services.workflow.wording.get('03')).custom, false, 'form 03 keeps its shipped wording')
})
