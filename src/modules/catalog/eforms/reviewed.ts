import type { FieldType } from './definition.js'

/**
 * Declarations read by hand against the decision's printed forms (issue 23: the ten most used procedures of
 * Decision 213/QĐ-UBND and a few more): the labels a citizen should read where the generated ones are the
 * form's fragments ("số", "cấp ngày", "do"), and the types the generator could not tell. Each form is named
 * by the shape the generator gives it (its fields' ids and labels, `shapeOf`), so a procedure whose form is
 * the same (Phụ lục 19 serves five) shares the reading, and a correction applies only to the field it was
 * written for (`was`): if the generator changes, the test of these forms says which no longer apply.
 * A catalog administrator's own corrections (the form designer) come on top.
 */
export interface ReviewedForm {
  /** The procedures whose declaration this is (for people and the test). */
  procedures: string[]
  fields: Record<string, { was: string, label?: string, type?: FieldType }>
}

/** A field's id and the label the generator gives it. */
type Field = [id: string, was: string]

/** Owner and co-owner, as the special-use vehicle forms (Mẫu số 2, 3, 8 of Circular 22/2019) print them. */
const VEHICLE_OWNERS: ReviewedForm['fields'] = {
  f3: { was: 'Ngày cấp', label: 'Ngày cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD' },
  f4: { was: 'Nơi cấp', label: 'Nơi cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD' },
  f7: { was: 'Số CMND/ Giấy Chứng nhận ĐKKD', label: 'Số CMND/CCCD hoặc giấy chứng nhận ĐKKD của đồng chủ sở hữu' },
  f8: { was: 'Ngày cấp', label: 'Ngày cấp giấy tờ của đồng chủ sở hữu' },
  f9: { was: 'Nơi cấp', label: 'Nơi cấp giấy tờ của đồng chủ sở hữu' },
  f10: { was: 'Địa chỉ thường trú/ Văn phòng', label: 'Địa chỉ thường trú/văn phòng của đồng chủ sở hữu' }
}

/** The registration a special-use vehicle holds, asked when it is replaced or returned. */
const HELD_REGISTRATION = ([plate, was]: Field, by: string, on: string): ReviewedForm['fields'] => ({
  [plate]: { was, label: 'Biển số đang có' },
  [by]: { was: 'Do Sở Giao thông vận tải', label: 'Sở Giao thông vận tải đã cấp (tỉnh, thành phố)' },
  [on]: { was: 'cấp ngày', label: 'Ngày cấp giấy chứng nhận đăng ký' }
})

/** The identity paper and driving licence, as the licence forms print them (after "Số giấy chứng minh nhân dân…"). */
const LICENCE_HELD = (on: string, [at, atWas]: Field, [number, numberWas]: Field, [rank, rankWas]: Field, by: string, issued: string): ReviewedForm['fields'] => ({
  [on]: { was: 'cấp ngày', label: 'Ngày cấp giấy tờ tùy thân' },
  [at]: { was: atWas, label: 'Nơi cấp giấy tờ tùy thân' },
  [number]: { was: numberWas, label: 'Số giấy phép lái xe đang có' },
  [rank]: { was: rankWas, label: 'Hạng giấy phép lái xe đang có' },
  [by]: { was: 'Cơ quan cấp', label: 'Cơ quan cấp giấy phép lái xe' },
  [issued]: { was: 'cấp ngày', label: 'Ngày cấp giấy phép lái xe' }
})

/** The head of a transport company's application (its name and the letter's number, above the national motto). */
const LETTER_HEAD: ReviewedForm['fields'] = {
  f1: { was: 'TÊN ĐƠN VỊ KDVT', label: 'Tên đơn vị kinh doanh vận tải (đầu văn bản)' },
  f2: { was: 'Số', label: 'Số văn bản của đơn vị' }
}

export const REVIEWED: Record<string, ReviewedForm> = {
  // Phụ lục 19 (đổi, cấp lại giấy phép lái xe), as printed under 1.002820 and 1.002796.
  fb01970a1b56a90e: {
    procedures: ['1.002820.000.00.00.H34', '1.002796.000.00.00.H34'],
    fields: {
      ...LICENCE_HELD('f8', ['f9', 'Nơi cấp'], ['f13', 'số'], ['f12', 'Hiện đã có giấy phép lái xe hạng'], 'f14', 'f15'),
      f11: { was: 'năm', label: 'Năm học lái xe', type: 'year' },
      f16: { was: 'Đề nghị cho tôi được đổi, cấp lại giấy phép lái xe cơ giới đường bộ hạng', label: 'Hạng giấy phép lái xe đề nghị đổi, cấp lại' }
    }
  },
  // Phụ lục 19 as printed under 1.002809, 1.002804 and 1.002801 (with "Kính gửi").
  a4dfc178c447f51d: {
    procedures: ['1.002809.000.00.00.H34', '1.002804.000.00.00.H34', '1.002801.000.00.00.H34'],
    fields: {
      ...LICENCE_HELD('f9', ['f10', 'nơi cấp'], ['f13', 'Đã có giấy phép lái xe số'], ['f14', 'hạng'], 'f15', 'f16'),
      f12: { was: 'năm', label: 'Năm học lái xe', type: 'year' },
      f17: { was: 'Đề nghị cho tôi được đổi, cấp lại giấy phép lái xe cơ giới đường bộ hạng', label: 'Hạng giấy phép lái xe đề nghị đổi, cấp lại' }
    }
  },
  // Đơn đề nghị học, sát hạch để cấp giấy phép lái xe (1.002835).
  bc49f9f0c923b5e7: {
    procedures: ['1.002835.000.00.00.H34'],
    fields: {
      ...LICENCE_HELD('f9', ['f10', 'nơi cấp'], ['f11', 'Đã có giấy phép lái xe số'], ['f12', 'hạng'], 'f13', 'f14'),
      f15: { was: 'Đề nghị cho tôi được học, dự sát hạch để cấp giấy phép lái xe hạng', label: 'Hạng giấy phép lái xe đề nghị học, sát hạch' }
    }
  },
  // Tờ khai đăng ký xe máy chuyên dùng (lần đầu 1.002030; sang tên 2.000881).
  d29a693d3e9030e0: {
    procedures: ['1.002030.000.00.00.H34', '2.000881.000.00.00.H34'],
    fields: { ...VEHICLE_OWNERS, f21: { was: 'Đề nghị Sở Giao thông vận tải', label: 'Sở Giao thông vận tải được đề nghị (tỉnh, thành phố)' } }
  },
  // Tờ khai cấp lại giấy chứng nhận đăng ký, biển số xe máy chuyên dùng (2.000847).
  '7d3bd0c876e92f34': {
    procedures: ['2.000847.000.00.00.H34'],
    fields: { ...VEHICLE_OWNERS, ...HELD_REGISTRATION(['f20', 'Hiện đã có Giấy chứng nhận đăng ký, biển số là'], 'f21', 'f22'), f23: { was: 'Lý do xin đổi, cấp lại Giấy chứng nhận đăng ký, biển số', label: 'Lý do xin cấp lại giấy chứng nhận đăng ký, biển số' } }
  },
  // Tờ khai thu hồi giấy chứng nhận đăng ký, biển số xe máy chuyên dùng (1.001826).
  c19a0c582f940b76: {
    procedures: ['1.001826.000.00.00.H34'],
    fields: { ...VEHICLE_OWNERS, ...HELD_REGISTRATION(['f21', 'Hiện đã có Giấy chứng nhận đăng ký, biên số là'], 'f22', 'f23'), f24: { was: 'Lý do xin thu hồi Giấy chứng nhận đăng ký, biên số', label: 'Lý do xin thu hồi giấy chứng nhận đăng ký, biển số' },
      f25: { was: 'Đề nghị', label: 'Cơ quan được đề nghị thu hồi (Sở Giao thông vận tải tỉnh, thành phố)' } }
  },
  // Giấy đề nghị cấp phù hiệu xe ô tô kinh doanh vận tải (2.002288).
  '97afd306a01383e5': {
    procedures: ['2.002288.000.00.00.H34'],
    fields: {
      ...LETTER_HEAD,
      f5: { was: 'Kính gửi', label: 'Kính gửi Sở Giao thông vận tải (tỉnh, thành phố)' },
      f6: { was: 'Tên đơn vị KDVT', label: 'Tên đơn vị kinh doanh vận tải' },
      f10: { was: 'Số Giấy phép kinh doanh vận tải bằng xe ô tô: ngày', label: 'Ngày cấp giấy phép kinh doanh vận tải' },
      f11: { was: 'nơi cấp', label: 'Nơi cấp giấy phép kinh doanh vận tải' },
      f12: { was: 'Nội dung 12', label: 'Nội dung khác (nếu có)' }
    }
  },
  // Giấy đề nghị cấp giấy phép kinh doanh vận tải bằng xe ô tô (1.000703).
  f94b00ccef1a4703: {
    procedures: ['1.000703.000.00.00.H34'],
    fields: {
      ...LETTER_HEAD,
      f5: { was: 'Kính gửi: Sở GTVT', label: 'Kính gửi Sở Giao thông vận tải (tỉnh, thành phố)' },
      f10: { was: 'Giấy chứng nhận đăng ký kinh doanh (hoặc đăng ký doanh nghiệp) số', label: 'Số giấy chứng nhận đăng ký kinh doanh (đăng ký doanh nghiệp)' },
      f11: { was: 'Cơ quan cấp', label: 'Cơ quan cấp giấy chứng nhận đăng ký kinh doanh' },
      f12: { was: 'cấp ngày', label: 'Ngày cấp giấy chứng nhận đăng ký kinh doanh' },
      f15: { was: 'Nơi đỗ xe của đơn vị vận tải: Tổng số vị trí đỗ xe', label: 'Tổng số vị trí đỗ xe (ghi rõ địa điểm, diện tích từng vị trí)' },
      f16: { was: 'Đề nghị cấp phép kinh doanh các loại hình vận tải', label: 'Loại hình kinh doanh vận tải đề nghị cấp phép (thứ nhất)' },
      f17: { was: 'Đề nghị cấp phép kinh doanh các loại hình vận tải', label: 'Loại hình kinh doanh vận tải đề nghị cấp phép (thứ hai, nếu có)' }
    }
  },
  // Đơn đề nghị cấp lại giấy chứng nhận đăng ký phương tiện thủy nội địa (1.003930).
  fba4ab6c56eddbb4: {
    procedures: ['1.003930.000.00.00.H34'],
    fields: {
      f3: { was: 'đại diện cho các đồng sở hữu', label: 'Đại diện cho các đồng sở hữu (nếu có)' },
      f7: { was: 'Hiện đang là chủ sở hữu phương tiện', label: 'Tên phương tiện đang sở hữu' },
      f8: { was: 'Số đăng ký', label: 'Số đăng ký phương tiện' },
      f9: { was: 'Cơ quan cấp', label: 'Cơ quan cấp giấy chứng nhận đăng ký' },
      f10: { was: 'cấp ngày', label: 'Ngày cấp giấy chứng nhận đăng ký' }
    }
  }
}
