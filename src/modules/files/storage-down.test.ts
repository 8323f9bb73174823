import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { newCitizen } from '../../../test/citizens.js'
import { browserSession } from '../../../test/dossiers.js'
import { samplePdf } from '../../../test/files.js'
import { freePort } from '../../../test/net.js'

// The object storage does not answer (nothing listens at its address: as when it is down, or the disk
// under the local directory is full): an upload is answered 503 with the message beside its field, and
// nothing of it is kept. (The fault battery found these answered 500.)
const deadPort = await freePort()
const t = useTestApp({
  config: { S3_ENDPOINT: `http://127.0.0.1:${deadPort}`, S3_BUCKET: 'ho-so', S3_ACCESS_KEY_ID: 'KEY', S3_SECRET_ACCESS_KEY: 'SECRET' },
  setup: ctx => loadCatalog(ctx.services)
})

test('storage away: the upload is answered 503 beside its field, in Vietnamese, and nothing of it is usable', async () => {
  const c = await newCitizen(t)
  const b = browserSession(t, c.cookie)
  const start = await b.post('/thu-tuc/1.004325.000.00.00.H34/nop-ho-so')
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const before = await t.db.kysely.selectFrom('files').select(t.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const res = await b.attach(`/nop-ho-so/${id}/thanh-phan`, 'c0', [{ name: 'to-khai.pdf', data: samplePdf('to khai') }])
  assert.equal(res.statusCode, 503)
  assert.match(res.body, /Chưa lưu được tệp vì kho lưu trữ tệp đang tạm thời gặp sự cố/)
  assert.match(res.body, /href="#tp-c0"/, 'the error summary links to the component')
  // Its row could not go with its object (the storage is away): it stays 'uploading', unusable, for the cleanup to remove.
  const left = await t.db.kysely.selectFrom('files').select('state').execute()
  assert.equal(left.length, Number(before.n) + 1)
  assert.equal(left.at(-1)!.state, 'uploading')
  assert.doesNotMatch((await b.get(`/nop-ho-so/${id}/thanh-phan`)).body, /to-khai\.pdf/, 'not in the draft')
})
