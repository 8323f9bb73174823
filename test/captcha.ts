import { CATEGORIES, MONTH_NAMES, WEEKDAYS } from '../src/modules/accounts/captcha-questions.js'

/**
 * Answers the text alternative of the verification code as a person reads it: from the meaning of the
 * question and the everyday words it uses (which of the listed words is a fruit, which month follows
 * another, which word of a saying). Tests use it where a screen-reader user would answer the question.
 */
export function answerQuestion (text: string): string {
  const quoted = /“([^”]+)”/.exec(text)?.[1]
  if (/câu/.test(text)) {
    const words = quoted!.split(' ')
    const position = /từ (đầu tiên|thứ hai|thứ ba|cuối cùng)/.exec(text)![1]!
    return { 'đầu tiên': words[0], 'thứ hai': words[1], 'thứ ba': words[2], 'cuối cùng': words[words.length - 1] }[position]!
  }
  if (/Hôm nay|trong tuần/.test(text)) {
    const day = /(Chủ nhật|thứ (Hai|Ba|Tư|Năm|Sáu|Bảy))/.exec(text)!
    const d = day[1] === 'Chủ nhật' ? 6 : WEEKDAYS.indexOf(day[2]!)
    const shift = /hai ngày|ngày kia/.test(text) ? 2 : /hôm qua|liền trước/.test(text) ? -1 : 1
    const answer = (d + shift + 7) % 7
    return answer === 6 ? 'Chủ nhật' : `thứ ${answer + 2}`
  }
  if (/tháng/i.test(text)) {
    const names = MONTH_NAMES.map(n => n === 'Giêng' ? 'Một' : n === 'Chạp' ? 'Mười Hai' : n)
    const m = names.indexOf(/tháng (Mười Một|Mười Hai|Mười|Một|Hai|Ba|Tư|Năm|Sáu|Bảy|Tám|Chín)/.exec(text)![1]!)
    return String(/sau|Hết/.test(text) ? (m % 12) + 1 : ((m + 10) % 12) + 1)
  }
  const category = CATEGORIES.find(c => c.name.some(n => text.includes(n)))!
  const listed = (quoted ?? text.slice(text.lastIndexOf(':') + 1)).replace(/[?.]$/, '').split(',').map(w => w.trim())
  return listed.find(w => category.words.includes(w))!
}

