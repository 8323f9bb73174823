/**
 * Validation of what identifies a person or an organization in Vietnam: the 12-digit citizen ID
 * (căn cước công dân), the tax code (mã số thuế), phone numbers, passwords. Each check returns the
 * Vietnamese message to show next to the field, or null when the value is valid.
 */
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../platform/http/errors.js'
import { SEED_DIR } from '../../platform/paths.js'

/** Birth-place codes of the citizen ID (Circular 07/2016/TT-BCA): the 63 provinces before the 2025 mergers. */
export const ID_PROVINCE_CODES: Record<string, string> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang', '010': 'Lào Cai',
  '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái', '017': 'Hòa Bình', '019': 'Thái Nguyên',
  '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang', '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh',
  '030': 'Hải Dương', '031': 'Hải Phòng', '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định',
  '037': 'Ninh Bình', '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định', '054': 'Phú Yên',
  '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum', '064': 'Gia Lai', '066': 'Đắk Lắk',
  '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước', '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu', '079': 'Hồ Chí Minh', '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh',
  '086': 'Vĩnh Long', '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau'
}

/**
 * A 12-digit citizen ID: digits 1–3 the birth-place province, digit 4 the century and sex
 * (0/1 for 1900–1999 male/female, 2/3 for 2000–2099, and so on every century), digits 5–6 the last
 * two digits of the year of birth. With a date of birth (YYYY-MM-DD) both must agree.
 */
export function checkCitizenId (value: string, dateOfBirth?: string): string | null {
  const id = value.replace(/\s/g, '')
  if (!/^\d{12}$/.test(id)) return 'Số định danh cá nhân (căn cước) gồm đúng 12 chữ số'
  if (!(id.slice(0, 3) in ID_PROVINCE_CODES)) return 'Ba chữ số đầu của số định danh không phải mã tỉnh, thành phố hợp lệ'
  const centuryDigit = Number(id[3])
  const century = 1900 + Math.floor(centuryDigit / 2) * 100
  if (century > 2300) return 'Chữ số thứ tư của số định danh (thế kỷ sinh, giới tính) không hợp lệ'
  if (dateOfBirth) {
    const year = Number(dateOfBirth.slice(0, 4))
    if (year < century || year >= century + 100) return 'Chữ số thứ tư của số định danh không khớp với thế kỷ của năm sinh'
    if (id.slice(4, 6) !== dateOfBirth.slice(2, 4)) return 'Chữ số thứ năm và thứ sáu của số định danh không khớp với năm sinh'
  }
  return null
}

/** The sex recorded by the citizen ID's fourth digit. */
export function sexOfCitizenId (id: string): 'male' | 'female' {
  return Number(id[3]) % 2 === 0 ? 'male' : 'female'
}

const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3]

/**
 * A tax code: 10 digits whose last is the check digit 10 − (Σ digit × weight mod 11) of the first nine
 * (weights 31, 29, 23, 19, 17, 13, 7, 5, 3), or 13 for a branch (the 10 of the parent, then 001–999,
 * written with or without a hyphen).
 */
export function checkTaxCode (value: string): string | null {
  const v = value.replace(/\s/g, '')
  const m = /^(\d{10})(?:-?(\d{3}))?$/.exec(v)
  if (!m) return 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc (ví dụ 0100109106-001)'
  const digits = m[1]!.split('').map(Number)
  const sum = TAX_WEIGHTS.reduce((n, w, i) => n + w * digits[i]!, 0)
  const check = 10 - (sum % 11)
  if (check === 10 || check !== digits[9]) return 'Mã số thuế không đúng (chữ số kiểm tra không khớp); hãy kiểm tra lại từng chữ số'
  if (m[2] === '000') return 'Ba chữ số cuối của mã số thuế đơn vị phụ thuộc phải từ 001 đến 999'
  return null
}

/** A Vietnamese mobile number in its national form (0xxxxxxxxx), from 0…, 84… or +84…; null if it is not one. */
export function normalizeMobile (value: string): string | null {
  const digits = value.replace(/[\s.()-]/g, '')
  const national = digits.replace(/^(\+84|84)(?=\d{9}$)/, '0')
  return /^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$/.test(national) ? national : null
}

export function checkMobile (value: string): string | null {
  return normalizeMobile(value) ? null : 'Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09'
}

let common: Set<string> | undefined
function commonPasswords (): Set<string> {
  return (common ??= new Set(fs.readFileSync(path.join(SEED_DIR, 'security', 'common-passwords-10k.txt'), 'utf8').split('\n').filter(Boolean)))
}

/** At least 8 characters, not one of the 10,000 most common passwords, and not the user's own identifiers. */
export function checkPassword (password: string, personal: string[] = []): string | null {
  if (password.length < 8) return 'Mật khẩu phải có ít nhất 8 ký tự'
  if (password.length > 128) return 'Mật khẩu không được dài quá 128 ký tự'
  if (commonPasswords().has(password.toLowerCase())) return 'Mật khẩu này quá phổ biến và dễ bị đoán; hãy chọn mật khẩu khác'
  const lower = password.toLowerCase()
  if (personal.some(p => p.length >= 6 && lower.includes(p.toLowerCase()))) return 'Mật khẩu không được chứa số định danh, số điện thoại hoặc thư điện tử của bạn'
  return null
}

/** A new password and its repetition: the policy (not the user's own identifiers), then the match. Throws VALIDATION naming the field. */
export function checkNewPassword (password: string, confirm: string, personal: string[] = []): void {
  const problem = checkPassword(password, personal)
  if (problem) throw new AppError('VALIDATION', 'weak password', [{ field: 'password', message: problem }])
  if (password !== confirm) throw new AppError('VALIDATION', 'passwords differ', [{ field: 'passwordConfirm', message: 'Mật khẩu nhập lại không khớp' }])
}
