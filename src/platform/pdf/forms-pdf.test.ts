import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { pdfText } from '../../../test/pdf.js'
import { officialFormPdf } from './forms-pdf.js'

test('a register\'s table breaks across pages without leaving them half empty: each full page ends near its bottom margin, the header row repeated', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => [String(i + 1), `000.01.11.H34-261207-${String(i + 1).padStart(4, '0')}`, 'Cấp Giấy chứng nhận lưu hành, tem lưu hành cho xe chở hàng bốn bánh có gắn động cơ', 'Nguyễn Văn Thử', '70 Lê Hồng Phong, Phường Kon Tum, Tỉnh Quảng Ngãi\n0912345678', '07/12/2026 09:00', '09/12/2026 17:00', '', '', 'Đang xử lý; Trực tuyến'])
  const pdf = await officialFormPdf({
    number: 'Mẫu số 07', title: 'Sổ theo dõi hồ sơ', issuer: { parent: 'Ủy ban nhân dân tỉnh Kon Tum', agency: 'Sở Giao thông vận tải' }, province: 'Tỉnh Kon Tum', date: new Date('2026-12-07T03:00:00Z'),
    body: ['Cơ quan tiếp nhận: Sở Giao thông vận tải', 'Hồ sơ tiếp nhận từ ngày 01/12/2026 đến ngày 07/12/2026: 40 hồ sơ.'], signatures: [], landscape: true,
    table: { columns: [{ title: 'STT', share: 0.75 }, { title: 'Mã hồ sơ', share: 2.7 }, { title: 'Tên thủ tục hành chính', share: 2.9 }, { title: 'Tổ chức, cá nhân', share: 1.8 }, { title: 'Địa chỉ, số điện thoại', share: 1.8 }, { title: 'Ngày tiếp nhận', share: 1.2 }, { title: 'Ngày hẹn trả', share: 1.2 }, { title: 'Ngày có kết quả', share: 1.2 }, { title: 'Ngày trả kết quả', share: 1.2 }, { title: 'Ghi chú', share: 1.3 }], rows }
  })
  await pdfText(pdf) // no text over other text
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise
  const numbers: number[][] = []
  for (let i = 1; i <= doc.numPages; i++) {
    const items = (await (await doc.getPage(i)).getTextContent()).items.filter(x => 'str' in x && x.str.trim() !== '') as Array<{ str: string, transform: number[] }>
    assert.ok(items.some(x => x.str === 'STT'), `the header row on page ${i}`)
    // The row numbers in the first column (x below 100 pt), and how far above the bottom the page's lowest text is.
    numbers.push(items.filter(x => x.transform[4]! < 100 && /^\d+$/.test(x.str)).map(x => Number(x.str)))
    const lowest = Math.min(...items.map(x => x.transform[5]!))
    if (i < doc.numPages) assert.ok(lowest < 130, `page ${i} ends ${Math.round(lowest)} pt above the bottom edge: half empty`)
  }
  assert.deepEqual(numbers.flat(), rows.map((_, i) => i + 1), 'every row once, in order')
  assert.ok(numbers[0]!.length >= 5, `the first page holds ${numbers[0]!.length} rows under the heading`)
  await doc.destroy()
})
