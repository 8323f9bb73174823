import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession, serviceDraft } from '../../../test/dossiers.js'
import { newOfficial } from '../../../test/officials.js'
import { pdfText } from '../../../test/pdf.js'

// The back office's clock stands at Friday 20 November 2026, 18:30 in Vietnam: after office hours.
const FRIDAY_EVENING = new Date('2026-11-20T11:30:00Z')
const t = useTestApp({ clock: () => FRIDAY_EVENING, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'
const enc = encodeURIComponent

test('a dossier received after hours on a Friday: the due date counts from Monday morning, on the page, in form 01 and as the calendar computes it', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const url = `/can-bo/ho-so/${enc(code)}`
  const page = await desk.post(`${url}/tiep-nhan`)
  assert.equal(page.statusCode, 200)
  const d = await t.services.dossiers.get(c.id, code)
  assert.equal(d.receivedAt!.getTime(), FRIDAY_EVENING.getTime())
  const p = await t.services.catalog.getProcedure(PROCEDURE)
  const expected = await t.services.calendar.computeDue(FRIDAY_EVENING, { value: p.processingTime.value!, unit: p.processingTime.unit! }, {}, d.agency!.code)
  assert.equal(d.dueAt!.getTime(), expected.due.getTime())
  // A same-day procedure received on Friday evening is due on Monday 23 November at the end of the day.
  assert.equal(d.dueAt!.toISOString(), '2026-11-23T10:00:00.000Z')
  assert.match(page.body, /17:00 ngày 23\/11\/2026/)
  assert.match(page.body, /nhận lúc 18:30 ngày 20\/11\/2026 \(sau giờ làm việc\)[^<]*bỏ qua 21–22\/11 \(cuối tuần\)/)
  const slip = await pdfText((await desk.get(`${url}/mau-01.pdf`)).rawPayload)
  assert.ok(slip.includes('17:00 ngày 23/11/2026'))
  // The citizen's page says the same.
  assert.match((await browserSession(t, c.cookie).get(`/ca-nhan/ho-so/${enc(code)}`)).body, /17:00 ngày 23\/11\/2026/)
})

test('a supplement asked on Friday evening: the 15 working days count from Monday', async () => {
  const c = await newCitizen(t)
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, PROCEDURE))
  const desk = browserSession(t, (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie)
  const slot = (await t.services.dossiers.get(c.id, code)).slots[0]!
  assert.equal((await desk.post(`/can-bo/ho-so/${enc(code)}/yeu-cau-bo-sung`, { components: slot.key, [`note-${slot.key}`]: 'Bản chụp mờ' })).statusCode, 200)
  const s = (await t.services.dossiers.get(c.id, code)).supplements[0]!
  const expected = await t.services.calendar.computeDue(FRIDAY_EVENING, { value: 15, unit: 'working_days' }, {})
  assert.equal(s.dueAt!.getTime(), expected.due.getTime())
  assert.ok(s.dueAt!.getTime() > new Date('2026-12-10T00:00:00Z').getTime(), 'three working weeks from Monday 23 November')
})
