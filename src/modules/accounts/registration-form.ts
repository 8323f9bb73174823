import { parseDay } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { checkCitizenId, checkMobile, checkPassword, checkTaxCode, normalizeMobile } from './identity.js'

export type AccountKind = 'individual' | 'organization' | 'foreigner'
export type RegistrationForm = Partial<Record<'fullName' | 'citizenId' | 'dateOfBirth' | 'passportNumber' | 'nationality' | 'taxCode' | 'representative' | 'phone' | 'email' | 'address' | 'password' | 'passwordConfirm' | 'consent', string>>

export const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/** A date of birth typed as dd/mm/yyyy (or yyyy-mm-dd, 15.08.1995…) → "yyyy-mm-dd" if it is a real day in the past, else null. */
export function parseDateOfBirth (text: string): string | null {
  const iso = parseDay(text)
  if (!iso || new Date(`${iso}T00:00:00Z`).getTime() > Date.now() || Number(iso.slice(0, 4)) < 1900) return null
  return iso
}

/** What a date-of-birth field says when it cannot be read. */
export const DATE_OF_BIRTH_FORM = 'Ngày sinh phải là một ngày có thật, dạng ngày/tháng/năm, ví dụ 04/03/1999 (hoặc 1999-03-04)'

/** Checks a registration form; throws VALIDATION listing every field to correct, in Vietnamese. */
export function validateRegistration (kind: AccountKind, f: RegistrationForm) {
  const errors: FieldError[] = []
  const need = (field: keyof RegistrationForm, message: string) => { if (!f[field]?.trim()) errors.push({ field, message }) }
  const v = (field: keyof RegistrationForm) => f[field]?.trim() ?? ''
  need('fullName', kind === 'organization' ? 'Nhập tên tổ chức' : 'Nhập họ và tên')
  let dateOfBirth: string | null = null
  if (kind !== 'organization') {
    if (!v('dateOfBirth')) errors.push({ field: 'dateOfBirth', message: 'Nhập ngày sinh' })
    else if (!(dateOfBirth = parseDateOfBirth(v('dateOfBirth')))) errors.push({ field: 'dateOfBirth', message: DATE_OF_BIRTH_FORM })
  }
  if (kind === 'individual') {
    const problem = v('citizenId') ? checkCitizenId(v('citizenId'), dateOfBirth ?? undefined) : 'Nhập số định danh cá nhân (số căn cước)'
    if (problem) errors.push({ field: 'citizenId', message: problem })
  }
  if (kind === 'foreigner') {
    if (!/^[A-Z0-9]{6,12}$/i.test(v('passportNumber'))) errors.push({ field: 'passportNumber', message: 'Số hộ chiếu gồm 6 đến 12 chữ cái hoặc chữ số' })
    need('nationality', 'Nhập quốc tịch')
  }
  if (kind === 'organization') {
    const problem = v('taxCode') ? checkTaxCode(v('taxCode')) : 'Nhập mã số thuế'
    if (problem) errors.push({ field: 'taxCode', message: problem })
    need('representative', 'Nhập họ và tên người đại diện')
  }
  const phoneProblem = v('phone') ? checkMobile(v('phone')) : 'Nhập số điện thoại di động'
  if (phoneProblem) errors.push({ field: 'phone', message: phoneProblem })
  if (v('email') && !EMAIL.test(v('email'))) errors.push({ field: 'email', message: 'Địa chỉ thư điện tử không đúng, ví dụ ten@example.vn' })
  if (kind === 'organization' && !v('email')) errors.push({ field: 'email', message: 'Nhập thư điện tử của tổ chức' })
  need('address', 'Nhập địa chỉ')
  const personal = [v('citizenId'), v('phone'), v('taxCode'), v('email').split('@')[0] ?? ''].filter(Boolean)
  const passwordProblem = f.password ? checkPassword(f.password, personal) : 'Nhập mật khẩu'
  if (passwordProblem) errors.push({ field: 'password', message: passwordProblem })
  else if (f.password !== f.passwordConfirm) errors.push({ field: 'passwordConfirm', message: 'Mật khẩu nhập lại không khớp' })
  if (f.consent !== 'yes') errors.push({ field: 'consent', message: 'Cần đồng ý với thông báo xử lý dữ liệu cá nhân để đăng ký' })
  if (errors.length > 0) throw new AppError('VALIDATION', 'registration is invalid', errors)
  return {
    fullName: v('fullName').replace(/\s+/g, ' '),
    citizenId: kind === 'individual' ? v('citizenId').replace(/\s/g, '') : null,
    passportNumber: kind === 'foreigner' ? v('passportNumber').toUpperCase() : null,
    nationality: kind === 'foreigner' ? v('nationality') : null,
    taxCode: kind === 'organization' ? v('taxCode').replace(/\s/g, '').replace(/^(\d{10})(\d{3})$/, '$1-$2') : null,
    representative: kind === 'organization' ? v('representative') : null,
    dateOfBirth,
    phone: normalizeMobile(v('phone')),
    email: v('email') ? v('email').toLowerCase() : null,
    address: v('address')
  }
}

/** A sign-in form (citizen or official) needs both fields; said next to each, with the code's own error. */
export function requireCredentials (username: string, password: string): void {
  const errors: FieldError[] = []
  if (username.trim() === '') errors.push({ field: 'username', message: 'Nhập tên đăng nhập' })
  if (password === '') errors.push({ field: 'password', message: 'Nhập mật khẩu' })
  if (errors.length > 0) throw new AppError('VALIDATION', 'credentials missing', errors)
}
