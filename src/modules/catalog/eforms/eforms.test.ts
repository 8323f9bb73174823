import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { DECISION_FILE } from '../../../../test/catalog.js'
import { pdfText } from '../../../../test/pdf.js'
import { parseDecision } from '../import/decision-parser.js'
import { allFields, checkAnswer, formDefinition, type Answers, type FieldType, type FormField } from './definition.js'
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
