import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../../../platform/paths.js'
import { DecisionFormatError, parseDecision } from './decision-parser.js'
import { parseFees, parseProcessingTime } from './fields.js'
import { fold, nameSimilarity } from './text.js'

/** A small decision in the shape of the converted PDF, with the page-break cases the real one has. */
function decision (partOneRows: string, partTwo: string): string {
  return `**QUYẾT ĐỊNH**

*(Ban hành kèm theo Quyết định số 99 /QĐ-UBND ngày 5 tháng 3 năm 2024 của Chủ tịch Ủy ban nhân dân tỉnh)*

**Phần I:  
DANH MỤC THỦ TỤC HÀNH CHÍNH**

| STT | Mã Thủ tục hành chính | Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | Phí, lệ phí (nếu có) | Căn cứ pháp lý |
|---|---|---|---|---|---|---|
${partOneRows}

**PHẦN II**  
**NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH**

${partTwo}
`
}

const ROWS = `| <b>I</b> | <b>Lĩnh vực Đường bộ</b> | | | | | |
| 1 | 1.000001.00<br>0.00.00.H34 | Cấp giấy phép thử nghiệm | 05 ngày làm việc | Trung tâm Phục vụ hành chính công tỉnh | Không | Luật A |
| 2 | 1.000002.000<br>.00.00.H34 | Cấp lại giấy phép thử | Không quá 03 ngày làm việc | Trung tâm Phục vụ hành chính | Lệ phí: 50.000 |

|   |   |   |   |   |   |   |
|---|---|---|---|---|---|---|
|   |   | nghiệm khi bị mất | | công tỉnh | đồng/giấy | Luật B |`

const PROC_ONE = `**01. Thủ tục: Cấp giấy phép thử nghiệm**

|   |   |
|---|---|
| <b>Trình tự thực hiện:</b> | <p><b>Bước 1:</b> Nộp hồ sơ.</p> <p><b>Bước 2:</b> Nhận kết quả.</p> |
| <b>Cách thức thực hiện:</b> | Trực tiếp hoặc qua bưu chính hoặc trực tuyến mức độ 4 |
| <b>Thành phần, số lượng hồ sơ:</b> | <p>a) Thành phần hồ sơ bao gồm:</p> <ul><li>- Đơn đề nghị (theo mẫu);</li><li>- Bản sao có chứng thực giấy đăng ký kinh doanh;</li></ul> |

|   |   |
|---|---|
|   | <ul><li>- Giấy tờ khác (nếu có).</li></ul> <p>b) Số lượng hồ sơ: 01 (một) bộ.</p> |
| <b>Thời hạn giải quyết:</b> | 05 ngày làm việc kể từ ngày nhận đủ hồ sơ |
| <b>Đối tượng thực hiện:</b> | Tổ chức, cá nhân |
| <b>Cơ quan thực hiện:</b> | Sở Giao thông vận tải |
| <b>Kết quả:</b> | Giấy phép |
| <b>Phí, Phí, Lệ phí:</b> | Không |
| <b>Tên mẫu đơn, tờ</b> | Đơn đề nghị cấp giấy phép thử nghiệm |

|   |   |
|---|---|
| <b>khai:</b> | (Phụ lục 1) |
| <b>Yêu cầu, điều kiện:</b> | Không |
| <b>Căn cứ pháp lý:</b> | <ul><li>- Luật A;</li><li>- Thông tư B.</li></ul> |

**PHỤ LỤC 1**

| Mẫu | bảng của biểu mẫu |
`

const PROC_TWO = `### 02. Thủ tục: *Cấp lại giấy phép thử nghiệm khi bị mất*

|  |   |
|--|---|
| <p><b>Trình tự thực hiện</b></p> | Nộp và nhận |
| <p><b>Cách thức thực hiện</b></p> | Trực tiếp |
| <p><b>Thành phần, số lượng hồ sơ</b></p> | <p>Đối với tổ chức:</p><p>- Đơn đề nghị cấp lại;</p><p>Đối với cá nhân:</p><p>- Tờ khai cấp lại;</p><p>- Bản chính giấy phép cũ (nếu có)</p> |
| <b>Thời hạn giải quyết</b> | Không quá 03 ngày làm vi |

|   |
|---|
| ệc kể từ ngày nhận hồ sơ; điều kiện tiếp |
|---|

|  |   |
|--|---|
| <b>Cơ quan thực hiện</b> | Sở Giao thông vận tải |
| <b>Đối tượng thực hiện</b> | Cá nhân |
| <b>Mẫu đơn, mẫu tờ khai</b> | Không |
| <b>Phí, lệ phí</b> | <ul><li>- Lệ phí cấp lại: 50.000 đồng/giấy</li></ul> |
| <b>Kết quả</b> | Giấy phép |
| <b>Yêu cầu, điều kiện</b> | Không |
| <b>Căn cứ pháp lý</b> | Luật B |
`

const SECTOR = '**I. LĨNH VỰC ĐƯỜNG BỘ: 02 THỦ TỤC**\n\n'

test('Part I rows: codes split by <br>, continuation rows merged cell by cell', () => {
  const d = parseDecision(decision(ROWS, SECTOR + PROC_ONE + PROC_TWO))
  assert.deepEqual(d.decision, { number: '99/QĐ-UBND', date: '2024-03-05', title: '' })
  assert.deepEqual(d.sectors, [{ name: 'Đường bộ', count: 2 }])
  assert.deepEqual(d.procedures.map(p => p.code), ['1.000001.000.00.00.H34', '1.000002.000.00.00.H34'])
  assert.equal(d.procedures[1]!.name, 'Cấp lại giấy phép thử nghiệm khi bị mất')
  assert.equal(d.procedures[1]!.place, 'Trung tâm Phục vụ hành chính công tỉnh')
})

test('Part II: both label styles, a label split across pages, continuation rows and one-cell tables', () => {
  const [one, two] = parseDecision(decision(ROWS, SECTOR + PROC_ONE + PROC_TWO)).procedures
  assert.deepEqual(one!.steps, ['Bước 1: Nộp hồ sơ.', 'Bước 2: Nhận kết quả.'])
  assert.equal(one!.onlineLevel, 'full')
  assert.deepEqual(one!.components.map(c => [c.name, c.copyType, c.required]), [
    ['Đơn đề nghị (theo mẫu)', null, true],
    ['Bản sao có chứng thực giấy đăng ký kinh doanh', 'certified_copy', true],
    ['Giấy tờ khác (nếu có)', null, false]
  ])
  assert.equal(one!.components[0]!.formTemplate, 'Đơn đề nghị cấp giấy phép thử nghiệm (Phụ lục 1)')
  assert.equal(one!.numberOfSets, '01 bộ')
  assert.deepEqual(one!.forms, ['Đơn đề nghị cấp giấy phép thử nghiệm (Phụ lục 1)'], '"Tên mẫu đơn, tờ" + "khai:" is one label')
  assert.deepEqual(one!.fees, [], '"Phí, Phí, Lệ phí:" read as the fees label; "Không" is no fee')
  assert.deepEqual(one!.legalBasis, ['Luật A;', 'Thông tư B.'])
  assert.deepEqual(one!.applicantTypes, ['individual', 'organization'])
  assert.doesNotMatch(one!.legalBasis.join(' '), /biểu mẫu/, 'the form after the table is not read into it')

  assert.deepEqual(two!.components.map(c => [c.group, c.name, c.copyType, c.required]), [
    ['Đối với tổ chức', 'Đơn đề nghị cấp lại', null, true],
    ['Đối với cá nhân', 'Tờ khai cấp lại', null, true],
    ['Đối với cá nhân', 'Bản chính giấy phép cũ (nếu có)', 'original', false]
  ])
  assert.equal(two!.processingTime.value, 3, 'a duration broken mid-word over a page still reads')
  assert.equal(two!.processingTime.unit, 'working_days')
  assert.deepEqual(two!.fees, [{ text: 'Lệ phí cấp lại: 50.000 đồng/giấy', amountVnd: 50000 }])
  assert.equal(two!.methods.inPerson, true)
  assert.equal(two!.onlineLevel, 'none')
})

test('structural failures are fatal and name lines', () => {
  assert.throws(() => parseDecision('# nothing here'), (err: unknown) => err instanceof DecisionFormatError && /Part I/.test(err.message))
  const missingOne = decision(ROWS, SECTOR + PROC_ONE)
  assert.throws(() => parseDecision(missingOne), (err: unknown) => {
    assert.ok(err instanceof DecisionFormatError)
    assert.match(err.message, /line \d+: sector "Đường bộ": Part I lists 2 procedures, Part II describes 1/)
    return true
  })
  const badCode = decision(ROWS.replace('1.000001.00<br>0.00.00.H34', '—'), SECTOR + PROC_ONE + PROC_TWO)
  assert.throws(() => parseDecision(badCode), /line 11: procedure 1 of "Đường bộ" has no valid code/)
  const noTable = decision('', SECTOR + PROC_ONE)
  assert.throws(() => parseDecision(noTable), /no Part I table/)
})

test('a name that differs between Part I and Part II is reported, not fatal', () => {
  const d = parseDecision(decision(ROWS, SECTOR + PROC_ONE.replace('Cấp giấy phép thử nghiệm**', 'Đăng ký tàu biển quốc tế**') + PROC_TWO))
  assert.equal(d.procedures.length, 2)
  assert.ok(d.warnings.some(w => /Part I name .* differ/.test(w.message) && w.procedure === '1.000001.000.00.00.H34'))
})

test('processing times: single durations, same day, cases flagged for review', () => {
  const cases: Array<[string, number | null, string | null, boolean]> = [
    ['Không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.', 5, 'working_days', false],
    ['Không quá 15 (mười lăm) ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ (Chậm nhất 03 ngày làm việc…)', 15, 'working_days', false],
    ['08 ngày làm việc kể từ ngày nhận hồ sơ hợp lệ (05 ngày kiểm tra thực tế)', 8, 'working_days', false],
    ['Trong thời hạn tối đa 07 ngày kể từ ngày nhận đủ hồ sơ', 7, 'calendar_days', false],
    ['04 giờ làm việc', 4, 'working_hours', false],
    ['Ngay sau khi tiếp nhận hồ sơ kiểm định.', 0, 'same_day', false],
    ['Trong ngày làm việc, sau khi kiểm tra đạt yêu cầu.', 0, 'same_day', false],
    ['- Áp dụng đến hết ngày 30 tháng 6 năm 2021: 07 ngày<br>- Áp dụng từ ngày 01 tháng 7 năm 2021: 03 ngày làm việc', null, null, true],
    ['Theo quy định', null, null, true]
  ]
  for (const [text, value, unit, review] of cases) {
    const t = parseProcessingTime(text)
    assert.deepEqual([t.value, t.unit, t.needsReview], [value, unit, review], text)
  }
})

test('fees: amounts in VND in their usual spellings', () => {
  assert.deepEqual(parseFees('<ul><li>- Giá dịch vụ kiểm định. Mức giá: 180.000 đồng/xe</li><li>- Lệ phí: 50.000 đồng/01 Giấy chứng nhận.</li></ul>').fees.map(f => f.amountVnd), [180000, 50000])
  assert.deepEqual(parseFees('Lệ phí, mức phí: 70.000đ/lần').fees.map(f => f.amountVnd), [70000])
  assert.deepEqual(parseFees('Không.').fees, [])
  assert.deepEqual(parseFees('Phí kiểm định. Mức thu: có phụ lục kèm theo').fees.map(f => f.amountVnd), [null])
})

test('search folding ignores case, diacritics, đ and Unicode form', () => {
  assert.equal(fold('Giấy phép Liên vận'), 'giay phep lien van')
  assert.equal(fold('ĐƯỜNG THỦY'), 'duong thuy')
  assert.equal(fold('hoà'), fold('hòa'))
  assert.equal(fold('hòa'.normalize('NFD')), fold('hòa'.normalize('NFC')))
  assert.ok(nameSimilarity('Cấp Giấy phép xe tập lái', 'Cấp giấy phép xe tập lái') === 1)
})

test('the real decision: all 72 procedures match the expected values read from the document', async () => {
  const fs = await import('node:fs')
  const { DECISION_FILE } = await import('../../../../test/catalog.js')
  const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'modules', 'catalog', 'import', 'expected-213.json'), 'utf8')) as {
    procedures: Array<{ sector: string, order: number, code: string, name: string, workingDays: number | null, feesVnd: number[], components: number }>
  }
  const { workingDaysOf } = await import('./fields.js')
  const parsed = parseDecision(fs.readFileSync(DECISION_FILE, 'utf8'))
  assert.deepEqual(parsed.decision, { number: '213/QĐ-UBND', date: '2021-04-22', title: 'Về việc công bố Danh mục thủ tục hành chính chuẩn hóa ngành Giao thông vận tải áp dụng trên địa bàn tỉnh Kon Tum' })
  assert.deepEqual(parsed.sectors, [{ name: 'Đăng kiểm', count: 6 }, { name: 'Đường bộ', count: 55 }, { name: 'Đường thủy nội địa', count: 11 }])
  assert.equal(parsed.procedures.length, expected.procedures.length)
  const mismatches: string[] = []
  expected.procedures.forEach((e, i) => {
    const p = parsed.procedures[i]!
    const got = {
      code: p.code, name: p.name, sector: p.sector, workingDays: workingDaysOf(p.processingTime),
      feesVnd: p.fees.map(f => f.amountVnd).filter((a): a is number => a !== null), components: p.components.length
    }
    for (const key of Object.keys(got) as Array<keyof typeof got>) {
      if (JSON.stringify(got[key]) !== JSON.stringify(e[key])) mismatches.push(`${e.sector} ${e.order} ${e.code} ${key}: expected ${JSON.stringify(e[key])}, got ${JSON.stringify(got[key])}`)
    }
  })
  assert.deepEqual(mismatches, [])
})
