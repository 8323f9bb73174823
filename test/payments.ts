import assert from 'node:assert/strict'
import type { TestApp } from './app.js'
import { newCitizen } from './citizens.js'
import { browserSession, serviceDraft, taskIdOf as taskIdIn } from './dossiers.js'
import { newOfficial } from './officials.js'

export const FEES_PROCEDURE = '1.004325.000.00.00.H34'
const taskIdOf = (body: string) => taskIdIn(body)!

/**
 * A dossier as the back office brings it to the fees: submitted, received at the desk, forwarded by
 * the specialist, and the department head asks for `amount` đồng (status 6). Returns the citizen, the
 * code, and the desk's session.
 */
export async function dossierAwaitingFees (t: Pick<TestApp, 'app' | 'services' | 'db'>, amount = '230000', citizen: Record<string, string> = {}) {
  const c = await newCitizen(t, citizen)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FEES_PROCEDURE))
  const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
  const deskCookie = (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie
  const desk = browserSession(t, deskCookie)
  assert.equal((await desk.post(`${url}/tiep-nhan`)).statusCode, 200)
  const sp = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie)
  assert.equal((await sp.post(`${url}/chuyen`, { taskId: taskIdOf((await sp.get(url)).body) })).statusCode, 200)
  const hd = browserSession(t, (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie)
  const asked = await hd.post(`${url}/yeu-cau-nop-phi`, { taskId: taskIdOf((await hd.get(url)).body), amount, note: 'Giá kiểm định và lệ phí cấp giấy' })
  assert.equal(asked.statusCode, 200, asked.body.slice(0, 300))
  assert.equal((await t.services.dossiers.get(c.id, code)).status, 6)
  return { c, code, desk, deskCookie, head: hd }
}
