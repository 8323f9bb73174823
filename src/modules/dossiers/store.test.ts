import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { finishedDossier, FLOW_PROCEDURE as PROCEDURE, toApproval } from '../../../test/approval.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { newOfficial } from '../../../test/officials.js'
import { fillDraft } from './fill-draft.js'

// A clock the test moves forward (shared links expire).
let offsetMs = 0
const t = useTestApp({ setup: ctx => loadCatalog(ctx.services), clock: () => new Date(Date.now() + offsetMs) })
const enc = encodeURIComponent

test('the document store: what was accepted and issued is listed, offered first for a matching component, reused with its source, seen by officials and counted; shared by an expiring link; removed', async () => {
  const c = await newCitizen(t)
  const me = browserSession(t, c.cookie)
  const first = await finishedDossier(t, c.id)
  let store = await t.services.dossiers.storeDocuments(c.id)
  const result = store.find(d => d.kind === 'result')!
  assert.ok(result, 'the result is in the store')
  assert.equal(result.dossierCode, first)
  assert.equal(result.validUntil, null, 'no end stated when the leader gave none')
  const component = store.find(d => d.kind === 'component')!
  assert.ok(component, 'the accepted components are in the store')
  assert.equal(component.digitisation, 1)

  const page = await me.get('/ca-nhan/kho-du-lieu')
  assert.equal(page.statusCode, 200)
  assert.ok(page.body.includes(component.name))
  assert.ok(page.body.includes(first))
  assert.ok(page.body.includes('Không ghi thời hạn'))
  const download = await me.get(`/ca-nhan/kho-du-lieu/${result.entryId}/tai-ve`)
  assert.equal(download.statusCode, 200)
  assert.equal(download.headers['content-type'], 'application/pdf')
  // Another citizen reaches nothing of it.
  const other = browserSession(t, (await newCitizen(t)).cookie)
  assert.equal((await other.get(`/ca-nhan/kho-du-lieu/${result.entryId}/tai-ve`)).statusCode, 404)
  assert.doesNotMatch((await other.get('/ca-nhan/kho-du-lieu')).body, new RegExp(first))

  // A second dossier of the same procedure: the component is offered first, reused by the form, and marked.
  const slotKey = (await t.services.dossiers.draft(c.id, await t.services.dossiers.startDraft(c.id, PROCEDURE))).slots.find(s => s.name === component.name)!.key
  const id = await fillDraft(t.services.dossiers, c.id, PROCEDURE, () => samplePdf('moi'), { leaveEmpty: slotKey })
  const form = await me.get(`/nop-ho-so/${id}/thanh-phan`)
  assert.match(form.body, new RegExp(`<select class="select" id="dung-lai-${slotKey}" name="dung-lai-${slotKey}"><option value(="")?>Không dùng</option><optgroup label="Phù hợp với thành phần này"><option value="${component.entryId}">`))
  // A document not in the citizen's store is refused beside the component.
  const refused = await me.upload(`/nop-ho-so/${id}/thanh-phan`, [], { action: 'upload', [`dung-lai-${slotKey}`]: '999999' })
  assert.equal(refused.statusCode, 422)
  assert.match(refused.body, /Chọn một giấy tờ trong kho dữ liệu của bạn/)
  const reused = await me.upload(`/nop-ho-so/${id}/thanh-phan`, [], { action: 'upload', [`dung-lai-${slotKey}`]: String(component.entryId) })
  assert.ok([200, 303].includes(reused.statusCode), reused.body.slice(0, 300))
  let d = await t.services.dossiers.draft(c.id, id)
  const attached = d.files.find(f => f.component === slotKey)!
  assert.deepEqual(attached.reused, { digitisation: 2, dossierCode: first })
  const row = await t.db.kysely.selectFrom('dossierFiles').select(['digitisation', 'reusedFrom']).where('id', '=', attached.attachmentId).executeTakeFirstOrThrow()
  assert.deepEqual(row, { digitisation: 2, reusedFrom: component.entryId })

  // A result stands in for a component when the catalog administrators' table says so: offered and reused as a result (3).
  const other2 = (await t.services.dossiers.draft(c.id, id)).slots.find(s => s.key !== slotKey)!
  // (the catalog administrator's page: mistakes beside their fields; only catalog administrators)
  const cataloguer = browserSession(t, (await newOfficial(t, '000.00.00.H34', ['catalog_admin'])).cookie)
  assert.equal((await browserSession(t, (await newOfficial(t, '000.00.11.H34', ['specialist'])).cookie).get('/can-bo/ket-qua-thay-the')).statusCode, 403)
  let eq = await cataloguer.post('/can-bo/ket-qua-thay-the', { procedure: '9.999', phrase: 'x' })
  assert.equal(eq.statusCode, 422)
  assert.match(eq.body, /id="procedure-error"/)
  assert.match(eq.body, /id="phrase-error"/)
  eq = await cataloguer.post('/can-bo/ket-qua-thay-the', { procedure: PROCEDURE, phrase: other2.name.split(' ').slice(0, 4).join(' ') })
  assert.equal(eq.statusCode, 200)
  assert.match(eq.body, /Đã thêm: kết quả của thủ tục/)
  const offers = await t.services.dossiers.reuseOffers(c.id, d.slots)
  assert.ok(offers.get(other2.key)!.fitting.some(x => x.entryId === result.entryId), 'the result is offered for the component')
  await t.services.dossiers.reuseFile(c.id, { id }, other2.key, String(result.entryId), { draft: true })
  d = await t.services.dossiers.draft(c.id, id)
  assert.deepEqual(d.files.find(f => f.component === other2.key && f.reused)!.reused, { digitisation: 3, dossierCode: first })
  await t.services.dossiers.completeComponents(c.id, id)
  const { code: second } = await t.services.dossiers.submit(c.id, id)

  // Officials see where it came from; the national payload says it was reused; the 766 counter counts it.
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const staff = await desk.get(`/can-bo/ho-so/${enc(second)}`)
  assert.match(staff.body, new RegExp(`dùng lại giấy tờ của hồ sơ ${first.replace(/\./g, '\\.')} \\(kho dữ liệu\\)`))
  assert.match(staff.body, new RegExp(`dùng lại kết quả của hồ sơ ${first.replace(/\./g, '\\.')}`))
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(second)}/tiep-nhan`)).statusCode, 200)
  const leader = await newOfficial(t, '000.00.00.H34', ['agency_leader'])
  const o = (await t.services.officials.sessionOfficial(leader.cookie.split('=')[1]!))!
  const index = await t.services.statistics.index766(o, undefined)
  const reuseCounter = index.all.index.groups.find(g => g.group === 'digitisation')!.counters[2]!
  assert.ok(reuseCounter.part! >= 1 && reuseCounter.whole! >= 2, JSON.stringify(reuseCounter))

  // Shared by a link that opens without signing in, until it expires; a forged link opens nothing.
  const shared = await me.post(`/ca-nhan/kho-du-lieu/${result.entryId}/chia-se`, { days: '7' })
  assert.equal(shared.statusCode, 200)
  const link = /href="(http[^"]+\/kho-du-lieu\/chia-se\/([^"]+))"/.exec(shared.body)!
  const path = `/kho-du-lieu/chia-se/${link[2]}`
  const opened = await t.app.inject({ url: path })
  assert.equal(opened.statusCode, 200)
  assert.equal(opened.headers['content-type'], 'application/pdf')
  assert.equal((await t.app.inject({ url: path.replace(/.$/, ch => ch === 'A' ? 'B' : 'A') })).statusCode, 404)
  assert.equal((await me.post(`/ca-nhan/kho-du-lieu/${result.entryId}/chia-se`, { days: '90' })).statusCode, 422)
  offsetMs = 8 * 86_400_000
  try {
    assert.equal((await t.app.inject({ url: path })).statusCode, 404, 'expired')
  } finally { offsetMs = 0 }

  // Removed from the store: gone from the list and from its links; the dossier keeps the file.
  const removed = await me.post(`/ca-nhan/kho-du-lieu/${result.entryId}/xoa`)
  assert.ok([200, 303].includes(removed.statusCode))
  store = await t.services.dossiers.storeDocuments(c.id)
  assert.ok(!store.some(x => x.entryId === result.entryId))
  assert.equal((await t.app.inject({ url: path })).statusCode, 404)
  assert.ok((await t.services.dossiers.get(c.id, first)).files.some(f => f.component === 'result'))
  const audit = await t.db.kysely.selectFrom('auditLog').select('action').where('action', 'in', ['store.share', 'store.remove']).execute()
  assert.deepEqual(new Set(audit.map(a => a.action)), new Set(['store.share', 'store.remove']))
  assert.ok(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'store.equivalence.add').executeTakeFirst())
})

test('a result\'s validity: the leader gives it (a real day after today, else told beside the field), the store shows it, and once past it is marked and never reused', async () => {
  const c = await newCitizen(t)
  const me = browserSession(t, c.cookie)
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)
  const inDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
  const dmy = (iso: string) => iso.split('-').reverse().join('/')

  // Told beside the field, the typed text kept; nothing issued meanwhile.
  const a = await toApproval(t, c.id)
  for (const [typed, message] of [['31/02/2031', /Nhập ngày hết hiệu lực theo dạng ngày\/tháng\/năm/], [dmy(today), /Ngày hết hiệu lực phải sau hôm nay/]] as const) {
    const bad = await a.ld.upload(`${a.url}/phe-duyet`, [{ name: 'kq.pdf', data: samplePdf('kq') }], { taskId: a.taskId, 'fees-reason': 'Thu khi trả kết quả', 'valid-until': typed })
    assert.equal(bad.statusCode, 422)
    assert.match(bad.body, /id="valid-until-error"/)
    assert.match(bad.body, message)
    assert.ok(bad.body.includes(`value="${typed}"`), 'what was typed is kept')
  }
  assert.notEqual((await t.services.dossiers.get(c.id, a.code)).status, 9, 'not issued')

  // Issued valid through a day: the store says so.
  const until = inDays(10)
  const code = await finishedDossier(t, c.id, undefined, dmy(until))
  let doc = (await t.services.dossiers.storeDocuments(c.id)).find(d => d.kind === 'result' && d.dossierCode === code)!
  assert.equal(doc.validUntil, until)
  assert.equal(doc.expired, false)
  assert.ok((await me.get('/ca-nhan/kho-du-lieu')).body.includes(`Đến hết ngày ${dmy(until)}`))

  // Past it: marked on the page, not offered, and refused if sent anyway.
  offsetMs = 12 * 86_400_000
  try {
    doc = (await t.services.dossiers.storeDocuments(c.id)).find(d => d.entryId === doc.entryId)!
    assert.equal(doc.expired, true)
    assert.match((await me.get('/ca-nhan/kho-du-lieu')).body, new RegExp(`Hết hiệu lực từ ${dmy(until).replace(/\//g, '\\/')}`))
    const id = await t.services.dossiers.startDraft(c.id, PROCEDURE)
    const slots = (await t.services.dossiers.draft(c.id, id)).slots
    const offers = await t.services.dossiers.reuseOffers(c.id, slots)
    for (const [, o] of offers) assert.ok(![...o.fitting, ...o.others].some(x => x.entryId === doc.entryId), 'an expired document is not offered')
    await assert.rejects(t.services.dossiers.reuseFile(c.id, { id }, slots[0]!.key, String(doc.entryId), { draft: true }), (err: Error & { fields?: Array<{ message: string }> }) => /đã hết hiệu lực/.test(err.fields?.[0]?.message ?? ''))
  } finally { offsetMs = 0 }
})

test('the desk records how long a paper handed in is valid: told beside the field when it is not a day, on the history and in the audit log; the store shows it, and once past it the paper is not offered again', async () => {
  const c = await newCitizen(t)
  const me = browserSession(t, c.cookie)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  assert.equal((await desk.post(`${url}/tiep-nhan`)).statusCode, 200)
  let d = await t.services.dossiers.get(c.id, code)
  const [paper, other] = d.files.filter(f => f.component !== 'result' && !f.superseded)
  assert.ok(paper && other, 'two papers handed in')
  const page = await desk.get(url)
  assert.ok(page.body.includes(`name="valid-${paper.attachmentId}"`), 'the desk is offered the field')

  // Not a day: beside the field, what was typed kept; nothing recorded.
  const bad = await desk.post(`${url}/hieu-luc-giay-to`, { [`valid-${paper.attachmentId}`]: '31/02/2030', [`valid-${other.attachmentId}`]: '' })
  assert.equal(bad.statusCode, 422)
  assert.match(bad.body, new RegExp(`id="valid-${paper.attachmentId}-error"`))
  assert.ok(bad.body.includes('value="31/02/2030"'))
  assert.equal((await t.services.dossiers.get(c.id, code)).files.find(f => f.attachmentId === paper.attachmentId)!.validUntil, undefined)
  // An official of another agency reaches nothing.
  const stranger = browserSession(t, (await newOfficial(t, '000.00.15.H34', ['receptionist'])).cookie)
  assert.notEqual((await stranger.post(`${url}/hieu-luc-giay-to`, { [`valid-${paper.attachmentId}`]: '31/12/2030' })).statusCode, 200)

  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
  const dmy = (iso: string) => iso.split('-').reverse().join('/')
  const ok = await desk.post(`${url}/hieu-luc-giay-to`, { [`valid-${paper.attachmentId}`]: '31/12/2030', [`valid-${other.attachmentId}`]: dmy(yesterday) })
  assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
  assert.match(ok.body, /Đã ghi thời hạn hiệu lực của 2 giấy tờ/)
  assert.match(ok.body, /có hiệu lực đến hết ngày 31\/12\/2030/)
  d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.files.find(f => f.attachmentId === paper.attachmentId)!.validUntil, '2030-12-31')
  const event = d.events.find(e => e.action === 'record-validity')!
  assert.match(event.message ?? '', /có hiệu lực đến hết ngày 31\/12\/2030/)
  assert.ok(await t.db.kysely.selectFrom('auditLog').select('id').where('action', '=', 'dossier.record-validity').where('targetId', '=', d.id).executeTakeFirst(), 'audited')
  // The same again changes nothing.
  assert.match((await desk.post(`${url}/hieu-luc-giay-to`, { [`valid-${paper.attachmentId}`]: '31/12/2030', [`valid-${other.attachmentId}`]: dmy(yesterday) })).body, /Không có thay đổi nào/)

  // The citizen's store shows the validity; the expired paper is not offered for a new dossier.
  const store = await t.services.dossiers.storeDocuments(c.id)
  const valid = store.find(x => x.kind === 'component' && x.file.id === paper.id && x.dossierCode === code)
  const expired = store.find(x => x.kind === 'component' && x.file.id === other.id && x.dossierCode === code)
  assert.equal(valid?.validUntil, '2030-12-31')
  assert.equal(expired?.expired, true)
  assert.ok((await me.get('/ca-nhan/kho-du-lieu')).body.includes('Đến hết ngày 31/12/2030'))
  const id = await t.services.dossiers.startDraft(c.id, PROCEDURE)
  const offers = await t.services.dossiers.reuseOffers(c.id, (await t.services.dossiers.draft(c.id, id)).slots)
  const offered = [...offers.values()].flatMap(o => [...o.fitting, ...o.others]).map(x => x.entryId)
  assert.ok(offered.includes(valid!.entryId), 'the valid paper is offered')
  assert.ok(!offered.includes(expired!.entryId), 'the expired one is not')
})
