/**
 * The wording of the forms of Circular 03/2025/TT-VPCP (forms 01–07) and of the refusal letter, plain text with
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
      'Đăng ký nhận kết quả tại: {delivery}.'
    ]
  },
  '02': {
    number: 'Mẫu số 02',
    title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    body: [
      'Hồ sơ của: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Ngày {submittedDay}, {agency} đã nhận hồ sơ của ông (bà). Qua xem xét, hồ sơ của ông (bà) chưa đủ điều kiện để giải quyết. Đề nghị ông (bà) bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:',
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
      'Ngày {submittedDay}, {agency} đã nhận hồ sơ của ông (bà). Sau khi xem xét, {agency} từ chối tiếp nhận, giải quyết hồ sơ này với lý do như sau:',
      '{reason}',
      'Xin thông báo để ông (bà) biết và thực hiện.'
    ]
  },
  '04': {
    number: 'Mẫu số 04',
    title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
    body: [
      'Ngày {receivedDay}, {agency} tiếp nhận giải quyết hồ sơ của ông (bà) {applicant}.',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: {originalDueAt}.',
      '{delay} Lý do:',
      '{reason}',
      'Sự chậm trễ này đã gây phiền hà cho ông (bà). {agency} xin lỗi ông (bà) và sẽ trả kết quả giải quyết hồ sơ cho ông (bà) vào {dueAt}.',
      'Mong nhận được sự thông cảm của ông (bà).'
    ]
  },
  '05': {
    number: 'Mẫu số 05',
    title: 'Phiếu thông báo dừng giải quyết hồ sơ',
    body: [
      'Hồ sơ của: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Ngày {receivedDay}, {agency} đã tiếp nhận giải quyết hồ sơ của ông (bà). {agency} thông báo dừng giải quyết hồ sơ này với lý do như sau:',
      '{reason}',
      'Xin thông báo để ông (bà) biết. Hồ sơ và các giấy tờ đã nộp được trả lại theo yêu cầu của ông (bà).'
    ]
  },
  '06': {
    number: 'Mẫu số 06',
    title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
    body: [
      'Kèm theo hồ sơ của: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Thời điểm tiếp nhận: {receivedAt}. Thời hạn trả kết quả: {dueAt}.'
    ]
  },
  '07': {
    number: 'Mẫu số 07',
    title: 'Sổ theo dõi hồ sơ',
    body: [
      '{agencyRole}: {agency}',
      'Hồ sơ tiếp nhận từ ngày {from} đến ngày {to}: {count} hồ sơ.'
    ]
  },
  /** Not a numbered form: the written answer that is the result of a dossier refused after review. */
  refusal: {
    number: '',
    title: 'Văn bản trả lời từ chối giải quyết hồ sơ',
    body: [
      'Kính gửi: {applicant}',
      'Mã hồ sơ: {code}. Nội dung yêu cầu giải quyết: {procedure}',
      'Ngày {receivedDay}, {agency} đã tiếp nhận hồ sơ của ông (bà). Sau khi thẩm định, {agency} không giải quyết yêu cầu của ông (bà) với lý do như sau:',
      '{reason}',
      'Nếu không đồng ý, ông (bà) có quyền khiếu nại theo quy định của pháp luật về khiếu nại.'
    ]
  }
} as const

export type FormKey = keyof typeof FORM_WORDING
