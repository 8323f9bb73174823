import { fold } from '../import/text.js'

/**
 * The one normalisation of search text, at index and query time alike: Unicode NFC, diacritics folded
 * (đ → d), lower case, every punctuation mark, hyphen and slash a word break, numbers kept.
 * "Băng-rôn, Giấy phép/GPLX" → ["bang", "ron", "giay", "phep", "gplx"].
 */
export function words (text: string): string[] {
  return fold(text.normalize('NFC')).replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(w => w.length > 0)
}

/**
 * Abbreviations people write and their full wording, folded. Expanded both ways: an indexed text that
 * holds the full wording also holds the abbreviation, and a query's abbreviation also looks for the
 * full wording.
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  gplx: 'giay phep lai xe',
  blx: 'bang lai xe',
  dkkd: 'dang ky kinh doanh',
  gcn: 'giay chung nhan',
  cccd: 'can cuoc cong dan',
  cmnd: 'chung minh nhan dan',
  ubnd: 'uy ban nhan dan',
  tthc: 'thu tuc hanh chinh',
  gtvt: 'giao thong van tai',
  dtnd: 'duong thuy noi dia',
  ptnd: 'phuong tien thuy noi dia',
  xmcd: 'xe may chuyen dung',
  kdvt: 'kinh doanh van tai',
  vhttdl: 'van hoa the thao va du lich',
  vn: 'viet nam',
  oto: 'o to',
  bsx: 'bien so xe',
  dvc: 'dich vu cong'
}

/**
 * Words and phrases that carry no meaning in a query ("thủ tục làm giấy phép lái xe ở đâu"): ignored
 * for matching, never required. Longer phrases first.
 */
export const STOP_PHRASES: readonly string[] = [
  'nhu the nao', 'the nao', 'o dau', 'bao nhieu', 'bao lau', 'can gi', 'can nhung gi', 'thu tuc', 'ho so', 'lam sao', 'de lam', 'muon', 'cach', 'lam', 'xin', 'toi',
  'minh', 'em', 'phai', 'gi', 'nao', 'cua', 'va', 'de', 'la', 'khong', 'duoc', 'nhung', 'huong dan', 'quy trinh', 'online', 'truc tuyen', 'nop', 've', 'voi', 'o tai'
  // Not here, though they are filler words: "co", "cho", "o", "tai", "thi", "can" — folded, they are also
  // "cơ (giới)", "chở", "ô (tô)", "(vận) tải", "thi (sát hạch)", "căn (cước)".
].sort((a, b) => b.split(' ').length - a.split(' ').length)

/**
 * The query's words with the stop phrases taken out — all of them kept when nothing else is left, unless
 * `elsewhere` (the query's meaning is already held by a synonym or an abbreviation: "làm GPLX ở đâu").
 */
export function meaningful (list: string[], elsewhere = false): string[] {
  const kept = [...list]
  const gone = new Array<boolean>(list.length).fill(false)
  for (const phrase of STOP_PHRASES) {
    const p = phrase.split(' ')
    for (let i = 0; i + p.length <= kept.length; i++) {
      if (p.every((w, k) => kept[i + k] === w && !gone[i + k])) for (let k = 0; k < p.length; k++) gone[i + k] = true
    }
  }
  const left = kept.filter((_, i) => !gone[i])
  return left.length > 0 || elsewhere ? left : list
}

/** An indexed text's words with the abbreviations of the wording it holds added ("giay phep lai xe" → + "gplx"). */
export function withAbbreviations (list: string[]): string[] {
  const text = ` ${list.join(' ')} `
  const extra = Object.entries(ABBREVIATIONS).filter(([, full]) => text.includes(` ${full} `)).map(([abbr]) => abbr)
  return extra.length === 0 ? list : [...list, ...extra]
}
