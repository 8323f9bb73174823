/**
 * Feedback and petitions (phản ánh, kiến nghị): what a citizen sends, the states it goes through and
 * the words for them, the limits, and how its text is made safe to publish.
 */
export type FeedbackCategory = 'procedure' | 'official' | 'late' | 'regulation' | 'proposal' | 'other'
export type FeedbackStatus = 'received' | 'processing' | 'waiting_citizen' | 'awaiting_approval' | 'published' | 'not_competent' | 'merged' | 'spam'

export const CATEGORIES: Record<FeedbackCategory, string> = {
  procedure: 'Thủ tục hành chính (đòi thêm giấy tờ, yêu cầu không đúng quy định)',
  late: 'Hồ sơ giải quyết chậm, trễ hẹn',
  official: 'Thái độ, hành vi của cán bộ, công chức',
  regulation: 'Quy định hành chính không phù hợp',
  proposal: 'Kiến nghị, đề xuất cải tiến',
  other: 'Nội dung khác'
}

export const STATUSES: Record<FeedbackStatus, string> = {
  received: 'Đã tiếp nhận',
  processing: 'Đang xử lý',
  waiting_citizen: 'Chờ người gửi bổ sung thông tin',
  awaiting_approval: 'Chờ lãnh đạo duyệt trả lời',
  published: 'Đã trả lời',
  not_competent: 'Không thuộc thẩm quyền',
  merged: 'Đã gộp với phản ánh cùng nội dung',
  spam: 'Không tiếp nhận (quảng cáo, tin rác)'
}

/** States in which the agency still owes an answer (the clock runs, except while waiting for the citizen). */
export const OPEN: FeedbackStatus[] = ['received', 'processing', 'waiting_citizen', 'awaiting_approval']
/** States the clock runs in: overdue is counted only here. */
export const RUNNING: FeedbackStatus[] = ['received', 'processing', 'awaiting_approval']

export const LIMITS = {
  title: 200,
  body: 5000,
  /** Shortest text worth routing to an agency. */
  bodyMin: 20,
  answer: 10_000,
  reason: 500,
  /** Files attached to one feedback. */
  files: 3,
  /** Feedback one account may send in a day. */
  perDay: 5,
  /** Codes for feedback without an account one network address may ask for in a day. */
  perAddress: 20,
  /** The same title and text from the same account within this many days is the same feedback. */
  duplicateDays: 30,
  /** Web addresses one feedback may carry: a citizen may point to a page; advertising carries many. */
  links: 2
}

const LINK = /(?:https?:\/\/|www\.)[^\s]+/giu
/** Words of advertising and gambling (folded, as `words` gives them), never a citizen's complaint. */
const ADVERTISING = ['khuyen mai', 'giam gia', 'uu dai', 'lien he ngay', 'dat hang', 'casino', 'ca cuoc', 'ca do', 'no hu', 'vay tien', 'vay nhanh', 'kiem tien', 'viagra', 'bitcoin', 'forex']

/** Web addresses in a text. */
export const linksIn = (text: string) => text.match(LINK)?.length ?? 0

/**
 * Signs that a text is advertising or noise rather than feedback, in words an official reads. Two or
 * more mark it "nghi là tin rác" in the queue (it is still received and its clock runs: only a leader
 * rejects it, with a reason); one alone means nothing. `folded` is the text's folded words.
 */
export function spamSignals (text: string, folded: string[]): string[] {
  const signals: string[] = []
  if (linksIn(text) > 0) signals.push('có đường dẫn trang web')
  const joined = ` ${folded.join(' ')} `
  if (ADVERTISING.some(w => joined.includes(` ${w} `))) signals.push('từ ngữ quảng cáo, cá cược, cho vay')
  if (/(\S)\1{7,}/u.test(text)) signals.push('một ký tự lặp lại nhiều lần')
  const letters = [...text].filter(c => /\p{L}/u.test(c))
  const visible = [...text].filter(c => /\S/u.test(c))
  if (letters.length >= 30 && letters.filter(c => c !== c.toLowerCase()).length / letters.length > 0.7) signals.push('viết hoa toàn bộ')
  if (visible.length >= 20 && letters.length / visible.length < 0.5) signals.push('ít chữ, nhiều ký hiệu hoặc số')
  if (folded.length >= 10) {
    const counts = new Map<string, number>()
    for (const w of folded) counts.set(w, (counts.get(w) ?? 0) + 1)
    if (Math.max(...counts.values()) / folded.length > 0.3) signals.push('một từ lặp lại nhiều lần')
  }
  return signals
}

/** Working days an agency has to answer unless the configuration says otherwise (the common local rule). */
export const DEFAULT_ANSWER_DAYS = 10

/**
 * Text fit for the public page: personal data the citizen may have typed is hidden — ID, phone and
 * account numbers (runs of 9 or more digits, spaces and dots allowed between), e-mail addresses and,
 * unless they agreed to show it, their own name.
 */
export function maskPersonal (text: string, names: string[] = []): string {
  let out = text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[đã ẩn]')
    .replace(/\+?\d(?:[ .-]?\d){8,}/g, '[đã ẩn]')
  for (const name of names.map(n => n.trim()).filter(n => n.split(/\s+/).length >= 2)) {
    out = out.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'), '[đã ẩn]')
  }
  return out
}
