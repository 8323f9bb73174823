import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { serviceDraft } from '../../../test/dossiers.js'
import { dossierAwaitingFees, FEES_PROCEDURE } from '../../../test/payments.js'
import { createWorker } from '../../platform/jobs/worker.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })
const smsTo = async (phone: string) => {
  await createWorker(t.services.jobs, { concurrency: 2, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
  return (await t.db.kysely.selectFrom('messages').select(['channel', 'body']).where('recipient', '=', phone).orderBy('id').execute()).filter(m => m.channel === 'sms').map(m => m.body)
}

test('an applicant told by SMS reads what to do in it: the amount of the fees, the deadline of a supplement', async () => {
  const fees = await dossierAwaitingFees(t, '230000', { email: '' })
  const all = await smsTo(fees.c.phone)
  const feeSms = all.find(b => /Số tiền/.test(b)) ?? all.join(' | ')
  assert.match(feeSms ?? '', /Số tiền phải nộp: 230\.000 đồng/, feeSms)

  const c = await newCitizen(t, { email: '' })
  const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, FEES_PROCEDURE))
  const slot = (await t.services.dossiers.get(c.id, code)).slots.find(s => s.required)!
  await t.services.dossiers.requestSupplement({ type: 'official', id: 'o1', name: 'Cán bộ' }, code, { items: [{ component: slot.key, note: 'Ảnh mờ' }], dueAt: new Date('2026-12-24T03:00:00Z') })
  const supplementSms = (await smsTo(c.phone)).find(b => b.includes('cần bổ sung'))
  assert.match(supplementSms ?? '', /Hạn bổ sung: 10:00 ngày 24\/12\/2026/, supplementSms)
})

test('"bring the originals when receiving the result" is said only when the result is received at the office', async () => {
  const { submissionLabel } = await import('./dossier-form.js')
  assert.equal(submissionLabel({ submission: 'office', result: 'office' }), 'Nộp bản gốc trực tiếp tại cơ quan khi nhận kết quả')
  for (const result of ['post', 'online'] as const) assert.doesNotMatch(submissionLabel({ submission: 'office', result }), /khi nhận kết quả/)
})
