import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { DECISION_FILE } from '../../../../test/catalog.js'
import { pdfText } from '../../../../test/pdf.js'
import { parseDecision } from '../import/decision-parser.js'
import { allFields, checkAnswer, formDefinition, generatedDefinition, shapeOf, type Answers, type FieldType, type FormField } from './definition.js'
import { REVIEWED } from './reviewed.js'
import { declarationPdf } from './pdf.js'

const decision = parseDecision(fs.readFileSync(DECISION_FILE, 'utf8'))
const templates = decision.procedures.flatMap(p => (p.templates ?? []).map(t => ({ procedure: p.name, t })))

/** A valid answer of each type, distinct per field (so that each can be found in the PDF's text). */
function sample (f: FormField, i: number): string {
  const samples: Record<FieldType, string> = {
    text: `Trả lời ${i}`, date: `${(i % 27) + 1}/0${(i % 9) + 1}/2020`, idNumber: `0620905${String(10000 + i).slice(-5)}`, plate: `82C-${String(100 + (i % 900)).padStart(3, '0')}.${String(i % 100).padStart(2, '0')}`,
    address: `${i} Lê Hồng Phong, Kon Tum`, phone: `09155${String(10000 + i).slice(-5)}`, email: `nguoi${i}@example.vn`, year: String(1990 + (i % 30)), number: String(1000 + i), check: 'yes'
  }
  return samples[f.type]
}

test('the declaration that returns a registration is read by hand: its fields, their labels and types, and the officials\' part left to them', () => {
  const t = templates.find(x => /THU HỒI GIẤY CHỨNG NHẬN ĐĂNG KÝ, BIỂN SỐ XE MÁY CHUYÊN DÙNG/.test(x.t.markdown))!.t
  const d = formDefinition(t)
  const label = (l: string) => d.fields.find(f => f.label === l)
  assert.equal(label('Tên chủ sở hữu')?.type, 'text')
  assert.equal(label('Số CMND/ Giấy Chứng nhận ĐKKD')?.type, 'idNumber')
  assert.equal(label('Ngày cấp')?.type, 'date')
  assert.equal(label('Địa chỉ thường trú/ Văn phòng')?.type, 'address')
  assert.equal(label('Năm sản xuất')?.type, 'year')
  assert.equal(label('Công suất')?.type, 'number')
  assert.equal(label('Số khung')?.type, 'text')
  assert.equal(label('Nơi ký (địa danh)')?.type, 'text')
  assert.equal(label('Ngày ký')?.type, 'date')
  // "Số biển số … Ngày cấp …" under "Phần ghi của Sở Giao thông vận tải" is the officials' to write.
  assert.ok(d.officialsFrom !== null)
  assert.ok(!d.fields.some(f => f.label === 'Số đăng ký quản lý'))
  // Checks per type, in Vietnamese, naming the field.
  assert.equal(checkAnswer(label('Ngày cấp')!, '31/02/2020'), 'Ngày cấp: nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/08/1990')
  assert.equal(checkAnswer(label('Ngày cấp')!, '29/02/2020'), '')
  assert.match(checkAnswer(label('Năm sản xuất')!, '3020'), /không sau năm nay/)
  assert.match(checkAnswer(label('Số CMND/ Giấy Chứng nhận ĐKKD')!, '12345'), /12 chữ số/)
})

test('every template of the decision has a definition that is filled and printed: the PDF\'s text holds every answer', async () => {
  assert.ok(templates.length >= 70, `${templates.length} templates`)
  let fields = 0
  for (const { t } of templates) {
    const d = formDefinition(t)
    const answers: Answers = {}
    d.fields.forEach((f, i) => { answers[f.id] = sample(f, i) })
    for (const b of d.blocks) if (b.kind === 'rows') answers[b.id] = [0, 1].map(r => Object.fromEntries(b.columns.map((c, k) => [c.id, c.type === 'check' ? 'yes' : `H${r}C${k}`])))
    for (const f of allFields(d)) assert.equal(checkAnswer(f, typeof answers[f.id] === 'string' ? answers[f.id] as string : ''), '', `${t.title}: ${f.label}`)
    const text = (await pdfText(await declarationPdf(d, answers, 'Khai trực tuyến'))).replace(/\s+/g, ' ')
    for (const f of d.fields) {
      const v = answers[f.id] as string
      if (f.type === 'check') continue
      assert.ok(text.includes(v), `${t.title}: the answer "${v}" of "${f.label}" is in the PDF`)
    }
    for (const b of d.blocks) if (b.kind === 'rows') assert.ok(text.includes('H1C1'), `${t.title}: the rows are printed`)
    fields += allFields(d).length
  }
  assert.ok(fields > 1000, `${fields} fields`)
})

/**
 * The declarations of the ten most used procedures (driving licences: new, renewed, exchanged ×4; special-use
 * vehicles: registered, transferred, replaced, returned) and three more, read by hand against the printed
 * forms: every field the citizen fills, in order, with its label and type ("|type"; none: words).
 */
const READ_BY_HAND: Record<string, string[]> = {
  '1.000703.000.00.00.H34': ['Tên đơn vị kinh doanh vận tải (đầu văn bản)', 'Số văn bản của đơn vị', 'Nơi ký (địa danh)', 'Ngày ký|date', 'Kính gửi Sở Giao thông vận tải (tỉnh, thành phố)', 'Tên đơn vị kinh doanh vận tải', 'Tên giao dịch quốc tế (nếu có)', 'Địa chỉ trụ sở|address', 'Số điện thoại (Fax)|phone', 'Số giấy chứng nhận đăng ký kinh doanh (đăng ký doanh nghiệp)', 'Cơ quan cấp giấy chứng nhận đăng ký kinh doanh', 'Ngày cấp giấy chứng nhận đăng ký kinh doanh|date', 'Mã số thuế', 'Người đại diện theo pháp luật', 'Tổng số vị trí đỗ xe (ghi rõ địa điểm, diện tích từng vị trí)', 'Loại hình kinh doanh vận tải đề nghị cấp phép (thứ nhất)', 'Loại hình kinh doanh vận tải đề nghị cấp phép (thứ hai, nếu có)', 'Đơn vị đạt hạng', 'Màu sơn đặc trưng của xe buýt'],
  '2.002288.000.00.00.H34': ['Tên đơn vị kinh doanh vận tải (đầu văn bản)', 'Số văn bản của đơn vị', 'Nơi ký (địa danh)', 'Ngày ký|date', 'Kính gửi Sở Giao thông vận tải (tỉnh, thành phố)', 'Tên đơn vị kinh doanh vận tải', 'Địa chỉ|address', 'Số điện thoại (Fax)|phone', 'Số Giấy phép kinh doanh vận tải bằng xe ô tô', 'Ngày cấp giấy phép kinh doanh vận tải|date', 'Nơi cấp giấy phép kinh doanh vận tải', 'Nội dung khác (nếu có)', 'Số lượng phù hiệu, biển hiệu nộp lại|number', 'Đề nghị được cấp'],
  '1.002835.000.00.00.H34': ['Kính gửi', 'Họ và tên', 'Quốc tịch', 'Sinh ngày|date', 'Giới tính (Nam, Nữ)', 'Nơi đăng ký hộ khẩu thường trú|address', 'Nơi cư trú|address', 'Số giấy chứng minh nhân dân hoặc thẻ căn cước công dân (hoặc hộ chiếu)|idNumber', 'Ngày cấp giấy tờ tùy thân|date', 'Nơi cấp giấy tờ tùy thân', 'Số giấy phép lái xe đang có', 'Hạng giấy phép lái xe đang có', 'Cơ quan cấp giấy phép lái xe', 'Ngày cấp giấy phép lái xe|date', 'Hạng giấy phép lái xe đề nghị học, sát hạch', 'Các tài liệu khác có liên quan gồm', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '1.002820.000.00.00.H34': ['Họ và tên', 'Quốc tịch', 'Sinh ngày|date', 'Giới tính (Nam, Nữ)', 'Nơi đăng ký hộ khẩu thường trú|address', 'Nơi cư trú|address', 'Số giấy chứng minh nhân dân hoặc thẻ căn cước công dân (hoặc hộ chiếu)|idNumber', 'Ngày cấp giấy tờ tùy thân|date', 'Nơi cấp giấy tờ tùy thân', 'Đã học lái xe tại', 'Năm học lái xe|year', 'Hạng giấy phép lái xe đang có', 'Số giấy phép lái xe đang có', 'Cơ quan cấp giấy phép lái xe', 'Ngày cấp giấy phép lái xe|date', 'Hạng giấy phép lái xe đề nghị đổi, cấp lại', 'Lý do', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '1.002809.000.00.00.H34': ['Kính gửi', 'Họ và tên', 'Quốc tịch', 'Sinh ngày|date', 'Giới tính (Nam, Nữ)', 'Nơi đăng ký hộ khẩu thường trú|address', 'Nơi cư trú|address', 'Số giấy chứng minh nhân dân hoặc thẻ căn cước công dân (hoặc hộ chiếu)|idNumber', 'Ngày cấp giấy tờ tùy thân|date', 'Nơi cấp giấy tờ tùy thân', 'Đã học lái xe tại', 'Năm học lái xe|year', 'Số giấy phép lái xe đang có', 'Hạng giấy phép lái xe đang có', 'Cơ quan cấp giấy phép lái xe', 'Ngày cấp giấy phép lái xe|date', 'Hạng giấy phép lái xe đề nghị đổi, cấp lại', 'Lý do', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '2.000847.000.00.00.H34': ['Tên chủ sở hữu', 'Số CMND/ Giấy Chứng nhận ĐKKD|idNumber', 'Ngày cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD|date', 'Nơi cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD', 'Địa chỉ thường trú/ Văn phòng|address', 'Họ và tên đồng chủ sở hữu (nếu có)', 'Số CMND/CCCD hoặc giấy chứng nhận ĐKKD của đồng chủ sở hữu|idNumber', 'Ngày cấp giấy tờ của đồng chủ sở hữu|date', 'Nơi cấp giấy tờ của đồng chủ sở hữu', 'Địa chỉ thường trú/văn phòng của đồng chủ sở hữu|address', 'Loại xe máy chuyên dùng', 'Nhãn hiệu (mác, kiểu)', 'Công suất|number', 'Màu sơn', 'Năm sản xuất|year', 'Nước sản xuất', 'Số khung', 'Số động cơ', 'Trọng lượng|number', 'Biển số đang có|plate', 'Sở Giao thông vận tải đã cấp (tỉnh, thành phố)', 'Ngày cấp giấy chứng nhận đăng ký|date', 'Lý do xin cấp lại giấy chứng nhận đăng ký, biển số', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '2.000881.000.00.00.H34': ['Tên chủ sở hữu', 'Số CMND/ Giấy Chứng nhận ĐKKD|idNumber', 'Ngày cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD|date', 'Nơi cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD', 'Địa chỉ thường trú/ Văn phòng|address', 'Họ và tên đồng chủ sở hữu (nếu có)', 'Số CMND/CCCD hoặc giấy chứng nhận ĐKKD của đồng chủ sở hữu|idNumber', 'Ngày cấp giấy tờ của đồng chủ sở hữu|date', 'Nơi cấp giấy tờ của đồng chủ sở hữu', 'Địa chỉ thường trú/văn phòng của đồng chủ sở hữu|address', 'Loại xe máy chuyên dùng', 'Nhãn hiệu (mác, kiểu)', 'Công suất|number', 'Màu sơn', 'Năm sản xuất|year', 'Nước sản xuất', 'Số khung', 'Số động cơ', 'Trọng lượng|number', 'Kích thước bao (dài x rộng x cao (mm))', 'Sở Giao thông vận tải được đề nghị (tỉnh, thành phố)', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '1.001826.000.00.00.H34': ['Tên chủ sở hữu', 'Số CMND/ Giấy Chứng nhận ĐKKD|idNumber', 'Ngày cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD|date', 'Nơi cấp CMND/CCCD hoặc giấy chứng nhận ĐKKD', 'Địa chỉ thường trú/ Văn phòng|address', 'Họ và tên đồng chủ sở hữu (nếu có)', 'Số CMND/CCCD hoặc giấy chứng nhận ĐKKD của đồng chủ sở hữu|idNumber', 'Ngày cấp giấy tờ của đồng chủ sở hữu|date', 'Nơi cấp giấy tờ của đồng chủ sở hữu', 'Địa chỉ thường trú/văn phòng của đồng chủ sở hữu|address', 'Loại xe máy chuyên dùng', 'Nhãn hiệu (mác, kiểu)', 'Công suất|number', 'Màu sơn', 'Năm sản xuất|year', 'Nước sản xuất', 'Số khung', 'Số động cơ', 'Trọng lượng|number', 'Kích thước bao (dài x rộng x cao (mm))', 'Biển số đang có|plate', 'Sở Giao thông vận tải đã cấp (tỉnh, thành phố)', 'Ngày cấp giấy chứng nhận đăng ký|date', 'Lý do xin thu hồi giấy chứng nhận đăng ký, biển số', 'Cơ quan được đề nghị thu hồi (Sở Giao thông vận tải tỉnh, thành phố)', 'Nơi ký (địa danh)', 'Ngày ký|date'],
  '1.003930.000.00.00.H34': ['Kính gửi', 'Tổ chức, cá nhân đăng ký', 'Đại diện cho các đồng sở hữu (nếu có)', 'Trụ sở chính', 'Điện thoại|phone', 'Email|email', 'Tên phương tiện đang sở hữu', 'Số đăng ký phương tiện', 'Cơ quan cấp giấy chứng nhận đăng ký', 'Ngày cấp giấy chứng nhận đăng ký|date', 'Công dụng', 'Vật liệu vỏ', 'Năm và nơi đóng', 'Chiều dài thiết kế|number', 'Chiều dài lớn nhất|number', 'Chiều rộng thiết kế|number', 'Chiều rộng lớn nhất|number', 'Chiều cao mạn|number', 'Chiều chìm|number', 'Mạn khô|number', 'Trọng tải toàn phần|number', 'Số người được phép chở|number', 'Sức kéo, đẩy|number', 'Máy chính (số lượng, kiểu, nước sản xuất, công suất)', 'Máy phụ (nếu có)', 'Nơi ký (địa danh)', 'Ngày ký|date']
}

test('the declarations of the most used procedures, read by hand: every field, its label and its type', () => {
  for (const [code, expected] of Object.entries(READ_BY_HAND)) {
    const p = decision.procedures.find(x => x.code === code)!
    const t = p.templates!.find(x => REVIEWED[shapeOf(generatedDefinition(x))])
    assert.ok(t, `${code} has a reviewed declaration`)
    assert.deepEqual(formDefinition(t).fields.map(f => `${f.label}${f.type === 'text' ? '' : `|${f.type}`}`), expected, code)
  }
  // Every procedure a reviewed form names has it, and every correction still meets the field it was
  // written for (a changed generator shows here).
  let procedures = 0
  for (const [shape, r] of Object.entries(REVIEWED)) {
    for (const code of r.procedures) {
      const p = decision.procedures.find(x => x.code === code)!
      const t = p.templates!.find(x => shapeOf(generatedDefinition(x)) === shape)
      assert.ok(t, `${code}: its declaration has the reviewed shape ${shape}`)
      const generated = new Map(allFields(generatedDefinition(t)).map(f => [f.id, f.label]))
      for (const [id, c] of Object.entries(r.fields)) assert.equal(generated.get(id), c.was, `${code} ${id}`)
      procedures++
    }
  }
  assert.ok(procedures >= 10, `${procedures} procedures read by hand`)
})
