/**
 * The wording of the reception forms of Circular 03/2025/TT-VPCP (forms 01–03), plain text with
 * named placeholders. Kept as data so that a change of circular is an edit of this text; numbering
 * follows the circular in force (under Circular 01/2018 the same forms had the same numbers 01–03).
 */
export const FORM_WORDING = {
  '01': {
    number: 'Mẫu số 01',
    title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    body: [
      'Mã hồ sơ: {code}',
      '{agency} tiếp nhận hồ sơ của: {applicant}',
      'Địa chỉ: {address}',
      'Số điện thoại: {phone}    Thư điện tử: {email}',
      'Nội dung yêu cầu giải quyết: {procedure}',
      'Thành phần hồ sơ nộp gồm:',
      '{components}',
      'Số lượng hồ sơ: 01 bộ.',
      'Thời gian giải quyết hồ sơ theo quy định: {duration}.',
      'Thời gian nhận hồ sơ: {receivedAt}.',
      'Thời gian trả kết quả giải quyết hồ sơ: {dueAt}.',
      'Đăng ký nhận kết quả tại: {delivery}.',
      'Cách tính: {explanation}'
    ]
  },
  '02': {
    number: 'Mẫu số 02',
    title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    body: [
      'Hồ sơ của: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Ngày {submittedAt}, {agency} đã nhận hồ sơ của ông (bà). Qua xem xét, hồ sơ của ông (bà) chưa đủ điều kiện để giải quyết. Đề nghị ông (bà) bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:',
      '{items}',
      '{message}',
      'Thời hạn bổ sung: đến {dueAt}. Quá thời hạn này hồ sơ sẽ dừng xử lý.',
      'Ông (bà) bổ sung hồ sơ trực tuyến tại trang Hồ sơ của tôi trên Cổng Dịch vụ công hoặc tại {agency}. Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông (bà) liên hệ số điện thoại {hotline} để được hướng dẫn.'
    ]
  },
  '03': {
    number: 'Mẫu số 03',
    title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
    body: [
      'Hồ sơ của: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Ngày {submittedAt}, {agency} đã nhận hồ sơ của ông (bà). Sau khi xem xét, {agency} từ chối tiếp nhận, giải quyết hồ sơ này với lý do như sau:',
      '{reason}',
      'Xin thông báo để ông (bà) biết và thực hiện.'
    ]
  }
} as const

export type ReceptionForm = keyof typeof FORM_WORDING
