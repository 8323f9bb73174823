import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'
import { samplePdf } from '../../../test/files.js'
import { freePort } from '../../../test/net.js'
import { newOfficial } from '../../../test/officials.js'

/**
 * Dossiers submitted on the national portal (the stand-in, over HTTP), pulled in: taken into the
 * reception queue with the national code, files and the applicant's account; pulling again finds them;
 * what cannot be taken in waits in the inbox with its reason.
 */
const port = await freePort()
const t = useTestApp({ config: { DVCQG_URL: `http://127.0.0.1:${port}/sandbox/dvcqg`, DVCQG_STANDIN: 'true', DVCQG_TOKEN: 'the-province-token', PUBLIC_URL: `http://127.0.0.1:${port}` }, listen: () => port, setup: ctx => loadCatalog(ctx.services) })
const PROCEDURE = '1.004325.000.00.00.H34'

async function submitOnNational (code: string, overrides: Record<string, unknown> = {}, file = samplePdf('ban chup')) {
  const { slots, p } = await t.services.dossiers.nationalSlots(PROCEDURE)
  const body = {
    MaHoSoQG: code, MaTTHC: PROCEDURE, MaDonVi: p.agencies.receiving[0]!.code, NgayNop: '20261201093000',
    ChuHoSo: { LoaiDoiTuong: '1', HoTen: 'Y Thuận Niê', SoDinhDanh: '062088123456', NgaySinh: '19880512', SoDienThoai: '0905111222', Email: 'ythuan@example.vn', DiaChi: 'Thôn 2, xã Ngọc Bay, Kon Tum' },
    TepDinhKem: slots.filter(s => s.required).map(s => ({ MaThanhPhan: s.key, TenThanhPhan: s.name, TenTep: `${s.key}.pdf`, NoiDung: file.toString('base64') })),
    ...overrides
  }
  const r = await fetch(`${t.url}/sandbox/dvcqg/api/nop-ho-so`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  assert.equal(r.status, 200)
}

test('a dossier submitted on the national portal is pulled into the reception queue once, with its national code, files and the applicant\'s account', async () => {
  const citizen = { id: await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', { fullName: 'Y Thuận Niê', citizenId: '062088123456', dateOfBirth: '12/05/1988', phone: '0905111222', email: 'ythuan@example.vn', address: 'Kon Tum', password: 'Mật khẩu thử 2024' }) }
  await submitOnNational('G22.99-261201-0001')
  const r = await t.services.national.pull()
  assert.deepEqual(r, { taken: 1, known: 0, setAside: 0 })
  const d = await t.db.kysely.selectFrom('dossiers').selectAll().where('nationalCode', '=', 'G22.99-261201-0001').executeTakeFirstOrThrow()
  assert.equal(d.status, 1, 'waiting for reception')
  assert.equal(d.channel, 'online')
  assert.equal(d.accountId, citizen.id, 'linked by ID number')
  assert.equal(d.submittedAt?.toISOString(), new Date('2026-12-01T09:30:00+07:00').toISOString(), 'submitted when it was on the national portal')
  const files = await t.db.kysely.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId').select(['f.state', 'f.mediaType']).where('df.dossierId', '=', d.id).execute()
  assert.ok(files.length > 0 && files.every(f => f.state === 'clean' && f.mediaType === 'application/pdf'))
  // Pulling again (the cursor reset, as after a restore) finds it: still one dossier.
  await t.db.kysely.deleteFrom('nationalCursors').execute()
  assert.deepEqual(await t.services.national.pull(), { taken: 0, known: 1, setAside: 0 })
  assert.equal((await t.db.kysely.selectFrom('dossiers').select('id').where('nationalCode', '=', 'G22.99-261201-0001').execute()).length, 1)
  // Two pulls at once take it in once.
  await submitOnNational('G22.99-261201-0002')
  const both = await Promise.all([t.services.national.pull(), t.services.national.pull()])
  assert.equal(both[0].taken + both[1].taken, 1)
  assert.equal((await t.db.kysely.selectFrom('dossiers').select('id').where('nationalCode', '=', 'G22.99-261201-0002').execute()).length, 1)
  const page = await t.services.dossiers.lookup(d.code!, undefined, '127.0.0.1')
  assert.equal(page?.status, 1)
})

test('what cannot be taken in waits in the inbox with its reason, once; an official marks it handled (audited)', async () => {
  await submitOnNational('G22.99-261201-0101', { MaTTHC: '9.999999.000.00.00.H34' })
  await submitOnNational('G22.99-261201-0102', { NgayNop: '01/12/2026' })
  await submitOnNational('G22.99-261201-0103', {}, Buffer.from('not a document at all'))
  await submitOnNational('G22.99-261201-0104', { ChuHoSo: { LoaiDoiTuong: '1', HoTen: '', SoDinhDanh: '123', SoDienThoai: '', DiaChi: '' } })
  const r = await t.services.national.pull()
  assert.equal(r.setAside, 4)
  const inbox = await t.services.national.inbox()
  const reason = (code: string) => inbox.find(x => x.nationalCode === code)?.reason ?? ''
  assert.match(reason('G22.99-261201-0101'), /Thủ tục 9\.999999\.000\.00\.00\.H34 không có trong danh mục/)
  assert.match(reason('G22.99-261201-0102'), /Ngày nộp không hợp lệ/)
  assert.match(reason('G22.99-261201-0103'), /Tệp “c\d+\.pdf”: /)
  assert.match(reason('G22.99-261201-0104'), /Thông tin chủ hồ sơ: /)
  assert.equal((await t.db.kysely.selectFrom('dossiers').select('id').where('nationalCode', 'like', 'G22.99-261201-01%').execute()).length, 0, 'no dossier from any of them')
  await t.db.kysely.deleteFrom('nationalCursors').execute()
  assert.equal((await t.services.national.pull()).setAside, 0, 'listed again, set aside once')
  const official = (await newOfficial(t, '000.00.00.H34', ['system_admin'])).id
  await t.services.national.dismiss({ type: 'official', id: official }, 'G22.99-261201-0101')
  assert.equal((await t.services.national.inbox()).some(x => x.nationalCode === 'G22.99-261201-0101'), false)
  assert.equal((await t.db.kysely.selectFrom('auditLog').select('action').where('action', '=', 'national.inbox.dismiss').execute()).length, 1)
})
