import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { test } from 'node:test'
import { confirmMessage, initMessage, queryMessage, readConfirm, readInitAnswer, verifyInit, verifyQuery } from './paygov.js'

/** PayGov 1.0.6's checksums against values computed by hand, and what a forged or altered message gets. */
const SECRET = 'bi-mat-cua-doi-tac'
const sha = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex')
const AT = new Date('2026-12-06T03:04:05Z') // 10:04:05 in Vietnam

test('INIT: the fields of the protocol in order, then the secret, joined by "|" and hashed with SHA-256 (not an HMAC); the receipt data carried', () => {
  const m = initMessage({
    partner: 'KONTUM', secret: SECRET, ref: 'dvc00001112612060001', amountVnd: 230000, info: 'Thanh toan phi ho so 000.00.11.H34-261206-0001', at: AT, ip: '127.0.0.1',
    receipt: { procedureCode: '1.004325.000.00.00.H34', procedureName: 'Cấp giấy chứng nhận', agencyCode: '000.00.11.H34', agencyName: 'Sở Giao thông vận tải', dossierCode: '000.00.11.H34-261206-0001', account: { number: '3761.0.1234567', bank: '01201001', name: 'Sở GTVT' }, payer: { name: 'Nguyễn Văn An', idNumber: '062090001234', address: 'Kon Tum' }, fees: [{ name: 'Lệ phí', amountVnd: 230000 }] }
  })
  assert.equal(m['MaXacThuc'], sha(`INIT|1.0.6|KONTUM|dvc00001112612060001|230000|PAY|1|1|vi-VN|VND|PAYMENT|Thanh toan phi ho so 000.00.11.H34-261206-0001|20261206100405|127.0.0.1|${SECRET}`))
  assert.equal((m['ThongTinBienLai'] as { MaHoSo: string }).MaHoSo, '000.00.11.H34-261206-0001')
  assert.equal(verifyInit(SECRET, m), true)
  assert.equal(verifyInit(SECRET, { ...m, SoTien: '1000' }), false, 'an altered amount')
  assert.equal(verifyInit('another secret', m), false)
})

test('the INIT answer gives the payment page, or says why not', () => {
  assert.deepEqual(readInitAnswer({ error_code: '0', message: JSON.stringify({ UrlThanhToan: 'https://thanhtoan.dichvucong.gov.vn/pay?x=1' }) }), { url: 'https://thanhtoan.dichvucong.gov.vn/pay?x=1' })
  assert.deepEqual(readInitAnswer({ error_code: '07', message: 'Sai mã xác thực' }), { error: 'PayGov từ chối (07): Sai mã xác thực' })
  assert.deepEqual(readInitAnswer({ error_code: '0', message: 'không phải JSON' }), { error: 'PayGov trả lời không có địa chỉ thanh toán' })
})

test('the confirm callback: read when its checksum holds; forged, altered or signed with another secret, refused', () => {
  const m = confirmMessage({ partner: 'KONTUM', secret: SECRET, ref: 'dvc1', amountVnd: 230000, success: true, txn: 'PG123', at: AT, info: 'Thanh toan' })
  assert.equal(m['MaXacThuc'], sha(`CONFIRM|00|KONTUM|dvc1|230000|VND|PG123|PAYMENT|20261206100405|Thanh toan|${SECRET}`))
  assert.deepEqual(readConfirm(SECRET, m), { ref: 'dvc1', amountVnd: 230000, success: true, providerTxn: 'PG123', bankCode: 'PAYMENT', responseCode: '00', settledAt: AT })
  assert.equal(readConfirm(SECRET, { ...m, SoTien: '1' }), undefined, 'the amount changed on the way')
  assert.equal(readConfirm(SECRET, { ...m, MaXacThuc: 'f'.repeat(64) }), undefined, 'forged')
  assert.equal(readConfirm('other', m), undefined)
  assert.equal(readConfirm(SECRET, confirmMessage({ partner: 'KONTUM', secret: SECRET, ref: 'dvc2', amountVnd: 10, success: false, txn: 'PG9', at: AT, info: 'x' }))!.success, false)
})

test('QUERY and GET_BILL share their fields and checksum', () => {
  const q = queryMessage('QUERY', { partner: 'KONTUM', secret: SECRET, ref: 'dvc1', at: AT })
  assert.equal(q['MaXacThuc'], sha(`QUERY|1.0.6|KONTUM|dvc1|20261206100405|${SECRET}`))
  const b = queryMessage('GET_BILL', { partner: 'KONTUM', secret: SECRET, ref: 'dvc1', at: AT })
  assert.equal(b['MaXacThuc'], sha(`GET_BILL|1.0.6|KONTUM|dvc1|20261206100405|${SECRET}`))
  assert.equal(verifyQuery(SECRET, b), true)
  assert.equal(verifyQuery(SECRET, { ...b, MaThamChieu: 'dvc2' }), false)
})
