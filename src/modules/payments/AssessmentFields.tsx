import { errorOf, type FieldError } from '../../platform/http/errors.js'
import { Radios, TextInput } from '../../platform/html/components/form.js'
import { formatVnd } from '../../platform/html/components/layout-parts.js'
import type { Fee as FeeLine } from '../catalog/catalog.types.js'
import { FEE_MODES, feesVary } from './assessment.js'


/**
 * The fees part of a reception form: the procedure's amounts, an amount for this case with how it was
 * computed, or the applicant's exemption. Nothing when the procedure has no fees.
 */
export function AssessmentFields ({ fees, values, errors }: { fees: FeeLine[], values: Record<string, unknown>, errors: FieldError[] }) {
  if (fees.length === 0) return null
  const vary = feesVary(fees)
  const total = fees.reduce((n, f) => n + (f.amountVnd ?? 0), 0)
  const value = (k: string) => typeof values[k] === 'string' ? values[k] as string : undefined
  const options = [
    ...(vary ? [] : [{ value: 'standard', label: `${FEE_MODES.standard}: ${formatVnd(total)}` }]),
    { value: 'case', label: FEE_MODES.case, hint: vary ? 'Mức thu của thủ tục tùy trường hợp (theo xe, theo trang…): nhập số tiền và cách tính bên dưới.' : 'Khi số tiền khác mức của thủ tục: nhập số tiền và cách tính bên dưới.' },
    { value: 'exempt', label: FEE_MODES.exempt, hint: 'Ghi căn cứ miễn bên dưới; hồ sơ không phải nộp phí.' }
  ]
  return (
    <fieldset class='fieldset'>
      <legend class='heading-s'>Phí, lệ phí phải nộp</legend>
      <Radios name='fees-mode' legend='Cách thu phí, lệ phí' value={value('fees-mode') ?? (vary ? undefined : 'standard')} error={errorOf(errors, 'fees-mode')} options={options} />
      <TextInput name='payable' label='Số tiền phải nộp của hồ sơ này (đồng)' value={value('payable')} error={errorOf(errors, 'payable')} hint='Chỉ khi chọn “số tiền tính theo hồ sơ này”.' />
      <TextInput name='payable-note' label='Cách tính' value={value('payable-note')} error={errorOf(errors, 'payable-note')} hint='Ví dụ: 2 xe × 150.000 đồng.' />
      <TextInput name='exempt-reason' label='Căn cứ miễn phí, lệ phí' value={value('exempt-reason')} error={errorOf(errors, 'exempt-reason')} hint='Chỉ khi chủ hồ sơ được miễn: đối tượng và văn bản quy định.' />
    </fieldset>
  )
}
