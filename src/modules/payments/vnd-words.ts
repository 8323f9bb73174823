/**
 * An amount of đồng in Vietnamese words, as receipts write it ("Hai trăm ba mươi nghìn đồng"): groups
 * of three digits with nghìn, triệu, tỷ; "linh" for a zero tens digit, "mười" for ten, "mốt" for a
 * final 1 after twenty, "lăm" for a final 5 after ten, "tư" for a final 4 after twenty.
 */
const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín']

function threeDigits (n: number, full: boolean): string {
  const h = Math.floor(n / 100)
  const t = Math.floor((n % 100) / 10)
  const u = n % 10
  const words: string[] = []
  if (full || h > 0) words.push(DIGITS[h]!, 'trăm')
  if (t === 0) {
    if (u > 0 && (full || h > 0)) words.push('linh', DIGITS[u]!)
    else if (u > 0) words.push(DIGITS[u]!)
  } else if (t === 1) {
    words.push('mười')
    if (u === 5) words.push('lăm')
    else if (u > 0) words.push(DIGITS[u]!)
  } else {
    words.push(DIGITS[t]!, 'mươi')
    if (u === 1) words.push('mốt')
    else if (u === 4) words.push('tư')
    else if (u === 5) words.push('lăm')
    else if (u > 0) words.push(DIGITS[u]!)
  }
  return words.join(' ')
}

export function vndInWords (amount: number): string {
  if (!Number.isInteger(amount) || amount < 0 || amount >= 1e15) throw new RangeError(`amount out of range: ${amount}`)
  if (amount === 0) return 'Không đồng'
  const units = ['', 'nghìn', 'triệu', 'tỷ', 'nghìn tỷ']
  const groups: number[] = []
  for (let n = amount; n > 0; n = Math.floor(n / 1000)) groups.push(n % 1000)
  const parts: string[] = []
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!
    if (g === 0) continue
    const text = threeDigits(g, i < groups.length - 1)
    parts.push(units[i] ? `${text} ${units[i]}` : text)
  }
  const text = parts.join(' ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} đồng`
}
