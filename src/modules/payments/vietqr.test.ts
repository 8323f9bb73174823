import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc16, transferMessage, vietQr } from './vietqr.js'

test('CRC-16/CCITT-FALSE gives the catalogued check value', () => {
  // The check value of the CRC catalogue for "123456789".
  assert.equal(crc16('123456789'), '29B1')
})

test('a VietQR transfer payload: account, amount, message, CRC', () => {
  const qr = vietQr({ bin: '970415', account: '119000011', amountVnd: 230000, message: '000.01.11.H34-261122-0001' })
  assert.equal(qr, '00020101021238530010A0000007270123000697041501091190000110208QRIBFTTA530370454062300005802VN6229' + '0825000 01 11 H34 261122 0001' + '6304' + crc16(qr.slice(0, -4)))
  // Every field is ID + length + value.
  let i = 0
  const ids: string[] = []
  while (i < qr.length) { const id = qr.slice(i, i + 2); const len = Number(qr.slice(i + 2, i + 4)); ids.push(id); i += 4 + len }
  assert.deepEqual(ids, ['00', '01', '38', '53', '54', '58', '62', '63'])
  assert.equal(transferMessage('Nộp phí – hồ sơ Đăng ký'), 'Nop phi ho so Dang ky')
})
