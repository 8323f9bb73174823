import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { pino } from 'pino'
import S3rver from 's3rver'
import { useTestApp } from '../../../test/app.js'
import { sampleJpeg, samplePdf, samplePng, sampleExe } from '../../../test/files.js'
import { EICAR, fakeClamd } from '../../../test/clamd.js'
import { freePort } from '../../../test/net.js'
import { newCitizen } from '../../../test/citizens.js'
import { AppError } from '../../platform/http/errors.js'
import { createWorker } from '../../platform/jobs/worker.js'
import { clamdScan } from './clamav.js'
import { sniff } from './sniff.js'
import { s3Storage, signV4 } from './storage.js'
import { createFilesService } from './files.service.js'
import { createJobQueue } from '../../platform/jobs/queue.js'

let clamd: Awaited<ReturnType<typeof fakeClamd>>
before(async () => { clamd = await fakeClamd() })
after(async () => { await clamd.close() })

const t = useTestApp({ config: () => ({ CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(clamd.port) }) })

const zip = (names: string[]) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), ...names.map(n => Buffer.from(n)), Buffer.alloc(40)])
const ole = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(64), Buffer.from(stream, 'utf16le')])

test('types are read from the content: PDF, JPEG, PNG, DOC(X), XLS(X); anything else is not accepted', () => {
  assert.equal(sniff(samplePdf())?.ext, 'pdf')
  assert.equal(sniff(sampleJpeg())?.ext, 'jpg')
  assert.equal(sniff(samplePng())?.ext, 'png')
  assert.equal(sniff(zip(['[Content_Types].xml', 'word/document.xml']))?.ext, 'docx')
  assert.equal(sniff(zip(['[Content_Types].xml', 'xl/workbook.xml']))?.ext, 'xlsx')
  assert.equal(sniff(zip(['photo.jpg'])), undefined, 'a plain ZIP is not a document')
  assert.equal(sniff(ole('WordDocument'))?.ext, 'doc')
  assert.equal(sniff(ole('Workbook'))?.ext, 'xls')
  assert.equal(sniff(sampleExe()), undefined)
  assert.equal(sniff(Buffer.from('%PDF-1.4 but never ends')), undefined, 'a truncated PDF has no %%EOF')
  assert.equal(sniff(Buffer.from('<html><script>alert(1)</script></html>')), undefined)
})

test('an upload checked as the parser\'s chunks, never joined, gets the type the whole file gets, wherever the chunks break', () => {
  const split = (data: Buffer, sizes: number[]) => { const out: Buffer[] = []; let at = 0; for (const n of sizes) { out.push(data.subarray(at, at + n)); at += n } if (at < data.length) out.push(data.subarray(at)); return out }
  const pdf = samplePdf('chunks', 200_000)
  const cases: Array<[string, Buffer]> = [['pdf', pdf], ['jpg', sampleJpeg()], ['docx', zip(['[Content_Types].xml', 'word/document.xml'])], ['xls', ole('Workbook')], ['exe', sampleExe()]]
  for (const [label, data] of cases) {
    const whole = sniff(data)?.ext
    for (const sizes of [[1], [3, 5], [700], [65_536], [data.length - 3], [data.length - 5, 1], [data.length - 4]]) {
      assert.equal(sniff(split(data, sizes))?.ext, whole, `${label} split at ${sizes.join(', ')}`)
    }
  }
  // "%%EOF" straddling the last two chunks, and a truncated PDF in chunks.
  assert.equal(sniff(split(pdf, [pdf.length - 3]))?.ext, 'pdf')
  assert.equal(sniff(split(Buffer.from('%PDF-1.4 but never ends'), [4, 4])), undefined)
})

test('with ClamAV configured every upload is scanned; a detected file is refused and nothing of it is kept', async () => {
  const c = await newCitizen(t)
  const clean = await t.services.files.store(c.id, { name: 'sach.pdf', data: samplePdf() })
  assert.equal(clean.state, 'clean')
  const infected = Buffer.concat([samplePdf().subarray(0, 20), EICAR, samplePdf().subarray(20)])
  await assert.rejects(t.services.files.store(c.id, { name: 'nhiem.pdf', data: infected }),
    (err: unknown) => err instanceof AppError && /chứa mã độc/.test(err.fields![0]!.message))
  const names = (await t.db.kysely.selectFrom('files').select('name').where('ownerAccountId', '=', c.id).execute()).map(r => r.name)
  assert.deepEqual(names, ['sach.pdf'], 'neither row nor object of the infected file remains')
  assert.equal(fs.readdirSync(path.join(t.config.DATA_DIR, 'files'), { recursive: true }).filter(f => /[0-9a-f-]{36}$/.test(String(f))).length, 1)
  // The protocol itself, against the same server.
  assert.deepEqual(await clamdScan({ host: '127.0.0.1', port: clamd.port }, EICAR), { clean: false, signature: 'Eicar-Test-Signature' })
})

test('when the scanner is down a file waits in quarantine, cannot be read, and a job scans it later', async () => {
  const c = await newCitizen(t)
  clamd.state.down = true
  let f
  try {
    f = await t.services.files.store(c.id, { name: 'cho.pdf', data: samplePdf('cho') })
  } finally { clamd.state.down = false }
  assert.equal(f.state, 'quarantine')
  await assert.rejects(t.services.files.read(f.id), (err: unknown) => err instanceof AppError && err.code === 'NOT_FOUND')
  const drain = () => createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
  // Its job waits SCAN_JOB_DELAY_MS (moved to now here, as time passing would).
  await drain()
  assert.equal((await t.db.kysely.selectFrom('files').select('state').where('id', '=', f.id).executeTakeFirstOrThrow()).state, 'quarantine', 'not before its time')
  await t.db.kysely.updateTable('jobs').set({ runAt: new Date() }).where('dedupeKey', '=', `scan:${f.id}`).execute()
  await drain()
  assert.equal((await t.services.files.read(f.id)).file.state, 'clean')
})

test('a file is quarantined with its scan job in one transaction: one a dead process left unscanned is scanned later (the fault battery found such files blocking their dossiers)', async () => {
  const c = await newCitizen(t)
  const f = await t.services.files.store(c.id, { name: 'quet.pdf', data: samplePdf('quet') })
  assert.equal(f.state, 'clean', 'scanned at upload')
  const job = await t.db.kysely.selectFrom('jobs').select(['state', 'runAt']).where('dedupeKey', '=', `scan:${f.id}`).executeTakeFirstOrThrow()
  assert.equal(job.state, 'pending')
  assert.ok(job.runAt.getTime() > Date.now(), 'due later: the scan at upload normally settles the file first')
  // What a process killed between the quarantine and the scan leaves: the job scans it when due.
  await t.db.kysely.updateTable('files').set({ state: 'quarantine' }).where('id', '=', f.id).execute()
  await t.db.kysely.updateTable('jobs').set({ runAt: new Date() }).where('dedupeKey', '=', `scan:${f.id}`).execute()
  const scans = clamd.state.scans
  await createWorker(t.services.jobs, { concurrency: 1, pollMs: 0, log: pino({ level: 'silent' }) }).drain()
  assert.equal(clamd.state.scans, scans + 1)
  assert.equal((await t.services.files.read(f.id)).file.state, 'clean')
})

test('a row a dead process left "uploading" and its object are removed by the cleanup job; a recent upload stays', async () => {
  const c = await newCitizen(t)
  const kept = await t.services.files.store(c.id, { name: 'giu.pdf', data: samplePdf('giu') })
  // What a process that died between the row and the end of the upload leaves behind.
  const key = '2026/01/00000000-0000-4000-8000-000000000001'
  const root = path.join(t.config.DATA_DIR, 'files')
  fs.mkdirSync(path.join(root, '2026/01'), { recursive: true })
  fs.writeFileSync(path.join(root, key), 'half a file')
  await t.db.kysely.insertInto('files').values({ ownerAccountId: c.id, storageKey: key, name: 'do-dang.pdf', mediaType: 'application/pdf', size: 11, sha256: null, state: 'uploading', createdAt: new Date(Date.now() - 2 * 3600_000) }).execute()
  // And an upload never attached to any dossier, two days old.
  const orphan = await t.services.files.store(c.id, { name: 'bo-quen.pdf', data: samplePdf('bo quen') })
  await t.db.kysely.updateTable('files').set({ createdAt: new Date(Date.now() - 48 * 3600_000) }).where('id', '=', orphan.id).execute()
  const removed = await t.services.files.cleanup()
  assert.ok(removed >= 2)
  assert.equal(fs.existsSync(path.join(root, key)), false, 'the half-written object is gone')
  const names = (await t.db.kysely.selectFrom('files').select('name').where('ownerAccountId', '=', c.id).execute()).map(r => r.name)
  assert.ok(!names.includes('do-dang.pdf'))
  assert.ok(!names.includes('bo-quen.pdf'))
  assert.ok(names.includes('giu.pdf'))
})

test('Signature Version 4 matches the example in the AWS S3 documentation (GET Object)', () => {
  // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
  const authorization = signV4({
    method: 'GET', path: '/test.txt', query: '', region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    headers: {
      host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'x-amz-date': '20130524T000000Z'
    }
  })
  assert.equal(authorization, 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')
})

test('S3-compatible storage (a local S3-protocol server): put, get, delete with signed requests; a wrong key is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-s3-'))
  const port = await freePort()
  const server = new S3rver({ port, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: 'ho-so', configs: [] }] })
  await server.run()
  try {
    const storage = s3Storage({ endpoint: `http://127.0.0.1:${port}`, bucket: 'ho-so', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' })
    const data = samplePdf('s3')
    await storage.put('2026/11/abc', data, 'application/pdf')
    assert.deepEqual(await storage.get('2026/11/abc'), data)
    assert.equal(await storage.get('2026/11/none'), undefined)
    await storage.delete('2026/11/abc')
    assert.equal(await storage.get('2026/11/abc'), undefined)
    await storage.delete('2026/11/abc')
    const wrong = s3Storage({ endpoint: `http://127.0.0.1:${port}`, bucket: 'ho-so', accessKeyId: 'NOBODY', secretAccessKey: 'S3RVER', region: 'us-east-1' })
    await assert.rejects(wrong.put('x/y', data, 'application/pdf'), /S3 PUT answered 403/)
    // The files service on S3: what a citizen uploads is stored there, read back whole, and removed when unused.
    const files = createFilesService({ db: t.db, storage, jobs: createJobQueue(t.db), maxFileBytes: 1024 * 1024 })
    const c = await newCitizen(t)
    const stored = await files.store(c.id, { name: 'tren-s3.png', data: samplePng() })
    assert.deepEqual((await files.read(stored.id)).data, samplePng())
    const key = (await t.db.kysely.selectFrom('files').select('storageKey').where('id', '=', stored.id).executeTakeFirstOrThrow()).storageKey
    assert.ok((await storage.get(key)) !== undefined, 'the object is in the bucket')
    await files.deleteIfUnused(stored.id)
    assert.equal(await storage.get(key), undefined)
  } finally {
    await server.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
