/**
 * VietQR (NAPAS), the EMVCo merchant-presented QR every Vietnamese banking app scans: a transfer to an
 * account (service QRIBFTTA) with the amount and the message filled in. Each field is ID, length
 * (two digits) and value; the last is the CRC-16/CCITT-FALSE of everything before it, "6304" included.
 */
const field = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) over the UTF-8 bytes, as 4 upper-case hex digits. */
export function crc16 (text: string): string {
  let crc = 0xffff
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8
    for (let i = 0; i < 8; i++) crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc.toString(16).toUpperCase().padStart(4, '0')
}

/** The message of a transfer: ASCII letters, digits and spaces (banks drop the rest), at most 25 characters. */
export function transferMessage (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9 ]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 25)
}

export function vietQr (p: { bin: string, account: string, amountVnd: number, message: string }): string {
  const merchant = field('00', 'A000000727') + field('01', field('00', p.bin) + field('01', p.account)) + field('02', 'QRIBFTTA')
  const body = field('00', '01') + field('01', '12') + field('38', merchant) + field('53', '704') + field('54', String(Math.round(p.amountVnd))) +
    field('58', 'VN') + field('62', field('08', transferMessage(p.message))) + '6304'
  return body + crc16(body)
}
