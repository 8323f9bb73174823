/**
 * The forms of Circular 03/2025/TT-VPCP a dossier can carry, each issued by one kind of event in its
 * timeline; both the citizen's page and the back office link them as `mau-{form}.pdf`.
 */
export type IssuedForm = '01' | '02' | '03' | '04' | '05'

export const ISSUED_FORMS: ReadonlyArray<{ form: IssuedForm, action: string, label: string }> = [
  { form: '01', action: 'receive', label: 'Giấy tiếp nhận và hẹn trả kết quả (mẫu 01)' },
  { form: '02', action: 'request-supplement', label: 'Phiếu yêu cầu bổ sung (mẫu 02)' },
  { form: '03', action: 'refuse', label: 'Phiếu từ chối tiếp nhận (mẫu 03)' },
  { form: '04', action: 'postpone', label: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)' },
  { form: '05', action: 'stop', label: 'Phiếu thông báo dừng giải quyết (mẫu 05)' }
]

export const isIssuedForm = (s: string): s is IssuedForm => ISSUED_FORMS.some(f => f.form === s)
