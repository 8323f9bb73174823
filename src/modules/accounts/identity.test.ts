import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkCitizenId, checkMobile, checkPassword, checkTaxCode, normalizeMobile, sexOfCitizenId } from './identity.js'
import { parseDateOfBirth } from './registration-form.js'

test('citizen ID: 12 digits, a province code, and century and year digits that match the date of birth', () => {
  assert.equal(checkCitizenId('062099001234', '1999-03-04'), null, 'Kon Tum, male, born 1999')
  assert.equal(checkCitizenId('001305012345', '2005-12-31'), null, 'Hà Nội, female, born 2005')
  assert.equal(checkCitizenId('079 198 001 234', '1998-01-01'), null, 'spaces are ignored')
  assert.equal(sexOfCitizenId('001305012345'), 'female')
  assert.equal(sexOfCitizenId('062099001234'), 'male')
  assert.match(checkCitizenId('06209900123')!, /đúng 12 chữ số/)
  assert.match(checkCitizenId('06209900123a')!, /đúng 12 chữ số/)
  assert.match(checkCitizenId('003099001234')!, /mã tỉnh/, '003 is no province code')
  assert.match(checkCitizenId('097099001234')!, /mã tỉnh/)
  assert.match(checkCitizenId('062299001234', '1999-03-04')!, /thế kỷ/, 'digit 2 means born 2000–2099')
  assert.match(checkCitizenId('062098001234', '1999-03-04')!, /năm sinh/, '98 is not 1999')
  assert.equal(checkCitizenId('062005001234'), null, 'without a date of birth only the form is checked')
})

test('tax code: the check digit of the tax authority, and branch suffixes', () => {
  assert.equal(checkTaxCode('0100109106'), null, 'a real company tax code')
  assert.equal(checkTaxCode('0100109106-001'), null)
  assert.equal(checkTaxCode('0100109106001'), null, '13 digits without the hyphen')
  assert.match(checkTaxCode('0100109107')!, /chữ số kiểm tra/)
  assert.match(checkTaxCode('0100109106-000')!, /001 đến 999/)
  assert.match(checkTaxCode('01001091')!, /10 chữ số/)
  // 6000000000: 6×31 = 186, 186 mod 11 = 10, 10 − 10 = 0 → valid with check digit 0.
  assert.equal(checkTaxCode('6000000000'), null)
  // 6100000004: 6×31 + 1×29 = 215, 215 mod 11 = 6, 10 − 6 = 4.
  assert.equal(checkTaxCode('6100000004'), null)
  // 5000000000: 5×31 = 155, 155 mod 11 = 1, 10 − 1 = 9 → the last digit must be 9.
  assert.equal(checkTaxCode('5000000009'), null)
  // A remainder of 0 would need a check digit of 10: such codes are never issued.
  assert.match(checkTaxCode('0000000000')!, /chữ số kiểm tra/)
})

test('mobile numbers in their usual spellings', () => {
  assert.equal(normalizeMobile('0912345678'), '0912345678')
  assert.equal(normalizeMobile('+84 912 345 678'), '0912345678')
  assert.equal(normalizeMobile('84912345678'), '0912345678')
  assert.equal(normalizeMobile('0386.123.456'), '0386123456')
  assert.equal(normalizeMobile('02603797799'), null, 'a landline is not a mobile')
  assert.equal(normalizeMobile('091234567'), null)
  assert.equal(normalizeMobile('0112345678'), null)
  assert.match(checkMobile('123')!, /03, 05, 07, 08 hoặc 09/)
})

test('password policy: length, the 10,000 most common passwords, personal data', () => {
  assert.match(checkPassword('abc123')!, /ít nhất 8 ký tự/)
  assert.match(checkPassword('password')!, /quá phổ biến/)
  assert.match(checkPassword('12345678')!, /quá phổ biến/)
  assert.match(checkPassword('iloveyou')!, /quá phổ biến/)
  assert.match(checkPassword('Qwertyuiop')!, /quá phổ biến/, 'case does not make a common password safe')
  assert.equal(checkPassword('Đi học Kon Tum 2024!'), null)
  assert.match(checkPassword('x062099001234x', ['062099001234'])!, /số định danh/)
})

test('a date of birth is read as people type it: dd/mm/yyyy, with dots or hyphens, or yyyy-mm-dd', () => {
  for (const typed of ['15/08/1995', '15/8/1995', '15.08.1995', '15-08-1995', '1995-08-15', ' 15/08/1995 ']) assert.equal(parseDateOfBirth(typed), '1995-08-15', typed)
  for (const typed of ['31/02/1995', '1995-02-31', '15/08/95', '08/15/1995', '01/01/1899', '01/01/2999', 'hôm qua']) assert.equal(parseDateOfBirth(typed), null, typed)
})
