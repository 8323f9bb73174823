import assert from 'node:assert/strict'
import { test } from 'node:test'
import { vndInWords } from './vnd-words.js'

test('amounts in Vietnamese words, as receipts write them', () => {
  const cases: Array<[number, string]> = [
    [0, 'Không đồng'],
    [5, 'Năm đồng'],
    [15, 'Mười lăm đồng'],
    [21, 'Hai mươi mốt đồng'],
    [24, 'Hai mươi tư đồng'],
    [105, 'Một trăm linh năm đồng'],
    [1000, 'Một nghìn đồng'],
    [50_000, 'Năm mươi nghìn đồng'],
    [180_000, 'Một trăm tám mươi nghìn đồng'],
    [230_000, 'Hai trăm ba mươi nghìn đồng'],
    [1_005_000, 'Một triệu không trăm linh năm nghìn đồng'],
    [2_500_000, 'Hai triệu năm trăm nghìn đồng'],
    [10_015_000, 'Mười triệu không trăm mười lăm nghìn đồng'],
    [1_000_000_000, 'Một tỷ đồng'],
    [1_200_300_041, 'Một tỷ hai trăm triệu ba trăm nghìn không trăm bốn mươi mốt đồng']
  ]
  for (const [n, words] of cases) assert.equal(vndInWords(n), words, String(n))
  assert.throws(() => vndInWords(-1))
  assert.throws(() => vndInWords(1.5))
})
