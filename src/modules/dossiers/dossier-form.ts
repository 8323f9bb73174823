import fs from 'node:fs'
import path from 'node:path'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { SEED_DIR } from '../../platform/paths.js'
import { checkCitizenId, checkMobile, checkTaxCode, normalizeMobile } from '../accounts/identity.js'
import { DATE_OF_BIRTH_FORM, EMAIL, parseDateOfBirth } from '../accounts/registration-form.js'

/** A person or organization in a dossier: the applicant (chủ hồ sơ) or the submitter (người nộp). */
export interface Person {
  kind: 'individual' | 'organization' | 'foreigner'
  fullName: string
  /** yyyy-mm-dd, people only. */
  dateOfBirth: string | null
  /** Citizen ID number, passport number (foreigners) or tax code (organizations). */
  idNumber: string
  /** Place of issue of the identity paper, where the person gives one. */
  idIssuedBy: string | null
  nationality: string | null
  representative: string | null
  phone: string
  email: string | null
  address: string
}

export interface Address {
  province: { code: string, name: string }
  commune: string
  /** The old district (before 2025), optional. */
  district: string | null
  street: string
}

export interface Delivery {
  /** How the originals reach the agency: handed in at the office, or collected at home by post. */
  submission: 'office' | 'pickup'
  pickupAddress: Address | null
  /** How the result reaches the applicant. */
  result: 'office' | 'post' | 'online'
  resultAddress: Address | null
}

export const SUBMISSION_LABELS: Record<Delivery['submission'], string> = {
  office: 'Nộp bản gốc trực tiếp tại cơ quan khi nhận kết quả',
  pickup: 'Nhân viên bưu chính đến nhận hồ sơ gốc tại nhà'
}

/** How the originals come in, as said for this dossier: "when receiving the result" only if it is received at the office. */
export function submissionLabel (d: Pick<Delivery, 'submission' | 'result'>): string {
  return d.submission === 'office' && d.result !== 'office' ? 'Nộp bản gốc trực tiếp tại cơ quan (khi cơ quan yêu cầu)' : SUBMISSION_LABELS[d.submission]
}
export const RESULT_LABELS: Record<Delivery['result'], string> = {
  office: 'Nhận kết quả trực tiếp tại cơ quan',
  post: 'Nhận kết quả qua dịch vụ bưu chính',
  online: 'Nhận kết quả trực tuyến (bản điện tử trên Cổng)'
}

export interface Province { code: string, name: string }
let provinces: { current: Province[], before2025: Province[] } | undefined
/** The 34 provinces since 2025 and the 63 before, from seed/geo/provinces.json. */
export function provinceList (): { current: Province[], before2025: Province[] } {
  return (provinces ??= JSON.parse(fs.readFileSync(path.join(SEED_DIR, 'geo', 'provinces.json'), 'utf8')) as { current: Province[], before2025: Province[] })
}

type Form = Record<string, string | undefined>
const text = (f: Form, k: string, max = 300) => (f[k] ?? '').trim().replace(/\s+/g, ' ').slice(0, max)

/**
 * Reads one person's fields from a form where they are prefixed (`s-` for the submitter, `a-` for the
 * applicant); adds an error per field, named with the prefix so the summary links to it.
 */
export function readPerson (f: Form, prefix: string, kind: Person['kind'], errors: FieldError[]): Person {
  const k = (name: string) => `${prefix}${name}`
  const need = (name: string, message: string) => { if (!text(f, k(name))) errors.push({ field: k(name), message }) }
  const org = kind === 'organization'
  need('fullName', org ? 'Nhập tên tổ chức' : 'Nhập họ và tên')
  let dateOfBirth: string | null = null
  if (!org) {
    if (!text(f, k('dateOfBirth'))) errors.push({ field: k('dateOfBirth'), message: 'Nhập ngày sinh' })
    else if (!(dateOfBirth = parseDateOfBirth(text(f, k('dateOfBirth'))))) errors.push({ field: k('dateOfBirth'), message: DATE_OF_BIRTH_FORM })
  }
  const id = text(f, k('idNumber'), 40).replace(/\s/g, '')
  const idProblem = !id
    ? (org ? 'Nhập mã số thuế' : kind === 'foreigner' ? 'Nhập số hộ chiếu' : 'Nhập số định danh cá nhân (số căn cước)')
    : org ? checkTaxCode(id) : kind === 'foreigner' ? (/^[A-Z0-9]{6,12}$/i.test(id) ? null : 'Số hộ chiếu gồm 6 đến 12 chữ cái hoặc chữ số') : checkCitizenId(id, dateOfBirth ?? undefined)
  if (idProblem) errors.push({ field: k('idNumber'), message: idProblem })
  if (org) need('representative', 'Nhập họ và tên người đại diện theo pháp luật')
  if (kind === 'foreigner') need('nationality', 'Nhập quốc tịch')
  const phone = text(f, k('phone'), 20)
  const phoneProblem = phone ? checkMobile(phone) : 'Nhập số điện thoại di động'
  if (phoneProblem) errors.push({ field: k('phone'), message: phoneProblem })
  const email = text(f, k('email'), 200)
  if (email && !EMAIL.test(email)) errors.push({ field: k('email'), message: 'Địa chỉ thư điện tử không đúng, ví dụ ten@example.vn' })
  need('address', 'Nhập địa chỉ')
  return {
    kind,
    fullName: text(f, k('fullName'), 200),
    dateOfBirth,
    idNumber: org ? id.replace(/^(\d{10})(\d{3})$/, '$1-$2') : id.toUpperCase(),
    idIssuedBy: text(f, k('idIssuedBy'), 200) || null,
    nationality: kind === 'foreigner' ? text(f, k('nationality'), 100) : null,
    representative: org ? text(f, k('representative'), 200) : null,
    phone: normalizeMobile(phone) ?? phone,
    email: email || null,
    address: text(f, k('address'), 500)
  }
}

/** The fields of a person, prefixed, to fill a form again. */
export function personFields (p: Partial<Person> | undefined, prefix: string): Form {
  if (!p) return {}
  const dob = p.dateOfBirth ? p.dateOfBirth.split('-').reverse().join('/') : ''
  return {
    [`${prefix}kind`]: p.kind,
    [`${prefix}fullName`]: p.fullName ?? '',
    [`${prefix}dateOfBirth`]: dob,
    [`${prefix}idNumber`]: p.idNumber ?? '',
    [`${prefix}idIssuedBy`]: p.idIssuedBy ?? '',
    [`${prefix}nationality`]: p.nationality ?? '',
    [`${prefix}representative`]: p.representative ?? '',
    [`${prefix}phone`]: p.phone ?? '',
    [`${prefix}email`]: p.email ?? '',
    [`${prefix}address`]: p.address ?? ''
  }
}

const KINDS = new Set(['individual', 'organization', 'foreigner'])

/** Step 1: the submitter, and the applicant when filing for someone else. Throws VALIDATION. */
export function readParties (f: Form, accountKind: Person['kind']): { submitter: Person, applicant: Person, onBehalf: boolean } {
  const errors: FieldError[] = []
  const onBehalf = f['onBehalf'] === 'yes'
  if (f['onBehalf'] !== 'yes' && f['onBehalf'] !== 'no') errors.push({ field: 'onBehalf', message: 'Chọn bạn nộp hồ sơ cho chính mình hay nộp thay người khác' })
  const submitter = readPerson(f, 's-', accountKind, errors)
  let applicant = submitter
  if (onBehalf) {
    const kind = f['a-kind'] ?? ''
    if (!KINDS.has(kind)) errors.push({ field: 'a-kind', message: 'Chọn chủ hồ sơ là cá nhân, tổ chức hay người nước ngoài' })
    applicant = readPerson(f, 'a-', KINDS.has(kind) ? kind as Person['kind'] : 'individual', errors)
  }
  if (errors.length > 0) throw new AppError('VALIDATION', 'parties are invalid', errors)
  return { submitter, applicant, onBehalf }
}

function readAddress (f: Form, prefix: string, errors: FieldError[]): Address {
  const k = (name: string) => `${prefix}${name}`
  const list = provinceList()
  const code = text(f, k('province'), 10)
  const province = list.current.find(p => p.code === code)
  if (!province) errors.push({ field: k('province'), message: 'Chọn tỉnh, thành phố' })
  if (!text(f, k('commune'))) errors.push({ field: k('commune'), message: 'Nhập xã, phường, đặc khu' })
  if (!text(f, k('street'))) errors.push({ field: k('street'), message: 'Nhập số nhà, đường, thôn, tổ dân phố' })
  return {
    province: province ? { code: province.code, name: province.name } : { code: '', name: '' },
    commune: text(f, k('commune'), 200),
    district: text(f, k('district'), 200) || null,
    street: text(f, k('street'), 300)
  }
}

export function addressFields (a: Address | null | undefined, prefix: string): Form {
  if (!a) return {}
  return { [`${prefix}province`]: a.province.code, [`${prefix}commune`]: a.commune, [`${prefix}district`]: a.district ?? '', [`${prefix}street`]: a.street }
}

export function formatAddress (a: Address): string {
  return [a.street, a.commune, a.district, a.province.name].filter(Boolean).join(', ')
}

/**
 * Step 4: how the originals come in and the result goes out, with the addresses that needs.
 * `allowed` says which ways the procedure offers (post only when it accepts the postal method).
 */
export function readDelivery (f: Form, allowed: { pickup: boolean, post: boolean, online: boolean }): Delivery {
  const errors: FieldError[] = []
  const submission = f['submission']
  const result = f['result']
  if (submission !== 'office' && !(submission === 'pickup' && allowed.pickup)) errors.push({ field: 'submission', message: 'Chọn cách nộp bản gốc hồ sơ' })
  if (!(result === 'office' || (result === 'post' && allowed.post) || (result === 'online' && allowed.online))) errors.push({ field: 'result', message: 'Chọn cách nhận kết quả' })
  const pickupAddress = submission === 'pickup' ? readAddress(f, 'p-', errors) : null
  const resultAddress = result === 'post' ? readAddress(f, 'r-', errors) : null
  if (errors.length > 0) throw new AppError('VALIDATION', 'delivery is invalid', errors)
  return { submission: submission as Delivery['submission'], pickupAddress, result: result as Delivery['result'], resultAddress }
}

/** "062090001234" → "0620******34": identifiers on pages a stranger might see. */
export function maskId (value: string): string {
  return value.length <= 6 ? '*'.repeat(value.length) : value.slice(0, 4) + '*'.repeat(value.length - 6) + value.slice(-2)
}
