/**
 * The text alternative to the image code (WCAG 1.1.1): a question a person answers from the meaning of
 * everyday Vietnamese, drawn from several kinds and many phrasings, with no arithmetic to read off. A
 * script written for one phrasing meets another; what a determined script still solves is bounded by the
 * per-address limit on questions and, for passwords, by the lock-out (docs/decisions/0009).
 * Each question comes with every answer accepted, folded (no diacritics, lower case).
 */
import crypto from 'node:crypto'

const pick = <T>(items: readonly T[]): T => items[crypto.randomInt(items.length)]!
const shuffle = <T>(items: T[]): T[] => {
  const a = [...items]
  for (let i = a.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

/** Words that belong to one category only (no "cam", "hồng": both a fruit and a colour). */
export const CATEGORIES: Array<{ name: readonly string[], words: readonly string[] }> = [
  { name: ['một con vật', 'tên một loài vật', 'một con vật nuôi hoặc thú rừng'], words: ['mèo', 'chó', 'trâu', 'gà', 'vịt', 'lợn', 'ngựa', 'voi', 'hổ', 'khỉ'] },
  { name: ['một loại quả', 'tên một loại trái cây', 'một thứ quả ăn được'], words: ['chuối', 'xoài', 'dứa', 'ổi', 'nhãn', 'bưởi', 'mít', 'táo', 'dưa hấu', 'chôm chôm'] },
  { name: ['một màu', 'tên một màu sắc', 'một màu sắc'], words: ['đỏ', 'vàng', 'trắng', 'đen', 'tím', 'nâu', 'xám'] },
  { name: ['một đồ dùng trong nhà', 'một vật dụng gia đình', 'một đồ vật trong nhà'], words: ['bàn', 'ghế', 'giường', 'tủ', 'chổi', 'nồi', 'bát', 'đũa', 'quạt', 'gối'] },
  { name: ['một phương tiện đi lại', 'một loại xe hoặc tàu', 'một phương tiện giao thông'], words: ['xe đạp', 'xe máy', 'ô tô', 'tàu hỏa', 'máy bay', 'xe buýt', 'ca nô'] },
  { name: ['một bộ phận cơ thể người', 'một bộ phận trên cơ thể', 'một phần của cơ thể người'], words: ['tay', 'chân', 'mắt', 'mũi', 'tai', 'miệng', 'tóc', 'vai'] }
]

const NUMBER_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín', 'mười', 'mười một', 'mười hai']
export const MONTH_NAMES = ['', 'Giêng', 'Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy', 'Tám', 'Chín', 'Mười', 'Mười Một', 'Chạp']
/** Monday is "thứ Hai" (2) … Saturday "thứ Bảy" (7), then Sunday "Chủ nhật". */
export const WEEKDAYS = ['Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy', 'Chủ nhật']

const SAYINGS = [
  'Uống nước nhớ nguồn', 'Có công mài sắt có ngày nên kim', 'Ăn quả nhớ kẻ trồng cây', 'Một cây làm chẳng nên non',
  'Lá lành đùm lá rách', 'Tốt gỗ hơn tốt nước sơn', 'Học thầy không tày học bạn', 'Đi một ngày đàng học một sàng khôn',
  'Nước chảy đá mòn', 'Thương người như thể thương thân', 'Muốn sang thì bắc cầu kiều', 'Gần mực thì đen gần đèn thì rạng',
  'Chị ngã em nâng', 'Không thầy đố mày làm nên', 'Cây ngay không sợ chết đứng', 'Tấc đất tấc vàng'
]

/** Lower case, no diacritics (đ → d), punctuation and extra spaces removed. */
export function foldAnswer (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ').replace(/\s+/g, ' ').trim()
}

const numberAnswers = (n: number, prefix: string) => [String(n), NUMBER_WORDS[n]!, `${prefix} ${n}`, `${prefix} ${NUMBER_WORDS[n]}`]

function categoryQuestion (): { text: string, answers: string[] } {
  const [target, ...others] = shuffle(CATEGORIES)
  const word = pick(target!.words)
  const list = shuffle([word, ...others.slice(0, 4).map(c => pick(c.words))])
  const what = pick(target!.name)
  const shown = list.join(', ')
  const text = pick([
    `Trong các từ sau: ${shown}, từ nào chỉ ${what}? Gõ lại từ đó.`,
    `Gõ từ chỉ ${what} trong danh sách: ${shown}.`,
    `Danh sách “${shown}” có một từ là ${what}. Đó là từ nào?`,
    `Từ nào dưới đây là ${what}: ${shown}?`
  ])
  return { text, answers: [word] }
}

function monthQuestion (): { text: string, answers: string[] } {
  const m = crypto.randomInt(1, 13)
  const after = crypto.randomInt(2) === 0
  const answer = after ? (m % 12) + 1 : ((m + 10) % 12) + 1
  const name = `tháng ${MONTH_NAMES[m] === 'Giêng' ? 'Một' : MONTH_NAMES[m] === 'Chạp' ? 'Mười Hai' : MONTH_NAMES[m]}`
  const text = pick(after
    ? [`Tháng liền sau ${name} là tháng mấy? Nhập bằng chữ số.`, `Hết ${name} thì đến tháng nào? Nhập số của tháng.`, `Tháng ngay sau ${name} là tháng thứ mấy trong năm?`]
    : [`Tháng liền trước ${name} là tháng mấy? Nhập bằng chữ số.`, `Tháng ngay trước ${name} là tháng thứ mấy trong năm?`, `Trước ${name} một tháng là tháng nào? Nhập số của tháng.`])
  return { text, answers: [...numberAnswers(answer, 'thang'), ...(answer === 1 ? ['gieng', 'thang gieng'] : []), ...(answer === 12 ? ['chap', 'thang chap'] : []), ...(answer === 4 ? ['tu', 'thang tu'] : [])] }
}

function weekdayQuestion (): { text: string, answers: string[] } {
  const d = crypto.randomInt(7)
  const shift = pick([1, 2, -1])
  const answer = (d + shift + 7) % 7
  const day = (i: number) => i === 6 ? 'Chủ nhật' : `thứ ${WEEKDAYS[i]}`
  const text = shift === 1
    ? pick([`Hôm nay là ${day(d)} thì ngày mai là thứ mấy?`, `Nếu hôm nay là ${day(d)}, ngày mai là ngày nào trong tuần?`])
    : shift === 2
      ? pick([`Hôm nay là ${day(d)} thì ngày kia (sau hai ngày) là thứ mấy?`, `Sau ${day(d)} hai ngày là ngày nào trong tuần?`])
      : pick([`Hôm nay là ${day(d)} thì hôm qua là thứ mấy?`, `Ngày liền trước ${day(d)} là ngày nào trong tuần?`])
  const answers = answer === 6 ? ['chu nhat', 'cn'] : [...numberAnswers(answer + 2, 'thu'), ...(answer === 2 ? ['tu', 'thu tu'] : [])]
  return { text, answers }
}

function sayingQuestion (): { text: string, answers: string[] } {
  const saying = pick(SAYINGS)
  const words = saying.split(' ')
  const positions: Array<[string, number]> = [['đầu tiên', 0], ['thứ hai', 1], ['thứ ba', 2], ['cuối cùng', words.length - 1]]
  const [label, index] = pick(positions)
  const text = pick([
    `Gõ từ ${label} trong câu: “${saying}”.`,
    `Trong câu “${saying}”, từ ${label} là từ nào?`,
    `Hãy gõ lại từ ${label} của câu tục ngữ “${saying}”.`
  ])
  return { text, answers: [words[index]!] }
}

/** A random question and the folded answers it accepts. */
export function newQuestion (): { text: string, answers: string[] } {
  const q = pick([categoryQuestion, categoryQuestion, monthQuestion, weekdayQuestion, sayingQuestion])()
  return { text: q.text, answers: [...new Set(q.answers.map(foldAnswer))] }
}
