import assert from 'node:assert/strict'
import type { TestApp } from './app.js'
import { browserSession, serviceDraft, taskIdOf } from './dossiers.js'
import { samplePdf } from './files.js'
import { newOfficial } from './officials.js'

/** The procedure the back-office flows below take a dossier through (the default process, fees of 230.000 đồng). */
export const FLOW_PROCEDURE = '1.004325.000.00.00.H34'

/**
 * A dossier of the citizen submitted, received at the desk and forwarded by the specialist and the head
 * to the leader: the leader's session, the dossier's back-office address and the open step.
 */
export async function toApproval (t: Pick<TestApp, 'app' | 'services' | 'db'>, citizenId: string) {
  const { code } = await t.services.dossiers.submit(citizenId, await serviceDraft(t.services, citizenId, FLOW_PROCEDURE))
  const dept = '000.00.11.H34'
  const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  assert.equal((await desk.post(`${url}/tiep-nhan`)).statusCode, 200)
  const sp = browserSession(t, (await newOfficial(t, dept, ['specialist'])).cookie)
  const head = await newOfficial(t, dept, ['department_head'])
  const leader = await newOfficial(t, dept, ['agency_leader'], 'Phạm Văn Lãnh')
  assert.equal((await sp.post(`${url}/chuyen`, { taskId: taskIdOf((await sp.get(url)).body)!, assignee: head.id })).statusCode, 200)
  const hd = browserSession(t, head.cookie)
  assert.equal((await hd.post(`${url}/chuyen`, { taskId: taskIdOf((await hd.get(url)).body)!, assignee: leader.id })).statusCode, 200)
  const ld = browserSession(t, leader.cookie)
  const d = await t.services.dossiers.get(citizenId, code)
  return { code, url, ld, leaderCookie: leader.cookie, taskId: taskIdOf((await ld.get(url)).body)!, agency: d.agency! }
}

/** toApproval, then the leader approves with a result file: the dossier's code. */
export async function finishedDossier (t: Pick<TestApp, 'app' | 'services' | 'db'>, citizenId: string, result = { name: 'giay-chung-nhan-luu-hanh.pdf', data: samplePdf('ket qua') }, validUntil = ''): Promise<string> {
  const a = await toApproval(t, citizenId)
  const ok = await a.ld.upload(`${a.url}/phe-duyet`, [result], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả', 'valid-until': validUntil })
  assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
  return a.code
}
