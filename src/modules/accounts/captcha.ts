import crypto from 'node:crypto'
import svgCaptchaModule from 'svg-captcha'

// The module is a function (text, options) → SVG of that text; its type declarations omit it.
const svgCaptcha = svgCaptchaModule as unknown as (text: string, options: Record<string, unknown>) => string
import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'

const ALPHABET = 'ABCDEFHKMNPRSTUVWXYZ2345678'
const LIFETIME_MS = 10 * 60_000
const WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface Captcha { id: string, question: string | null }

/**
 * The verification code of the sign-in and registration forms. The image is drawn as paths (no text
 * to read from the SVG); a text question is the alternative for people who cannot see it (WCAG 1.1.1).
 */
export function createCaptchaService (deps: { db: Db, enabled: boolean }) {
  const { db } = deps
  return {
    enabled: deps.enabled,

    async create (question = false): Promise<Captcha> {
      let answer: string
      let text: string | null = null
      if (question) {
        const a = crypto.randomInt(1, 10)
        const b = crypto.randomInt(1, 10)
        answer = String(a + b)
        text = `${WORDS[a]!.charAt(0).toUpperCase()}${WORDS[a]!.slice(1)} cộng ${WORDS[b]} bằng bao nhiêu? Nhập kết quả bằng chữ số.`
      } else {
        answer = Array.from({ length: 5 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('')
      }
      const row = await db.kysely.insertInto('captchas').values({ answer, question: text, expiresAt: new Date(Date.now() + LIFETIME_MS) }).returning('id').executeTakeFirstOrThrow()
      // Expired codes are removed as new ones are made.
      await db.kysely.deleteFrom('captchas').where('expiresAt', '<', new Date(Date.now() - LIFETIME_MS)).execute()
      return { id: row.id, question: text }
    },

    /** The expected answer of a code (for tests of the captcha and of the forms that use it). */
    async answer (id: string): Promise<string | undefined> {
      return (await db.kysely.selectFrom('captchas').select('answer').where('id', '=', id).executeTakeFirst())?.answer
    },

    /** The image of an unused code, drawn anew (other noise) each time; undefined when there is none. */
    async svg (id: string): Promise<string | undefined> {
      if (!UUID.test(id)) return undefined
      const row = await db.kysely.selectFrom('captchas').select(['answer', 'question']).where('id', '=', id)
        .where('usedAt', 'is', null).where('expiresAt', '>', new Date()).executeTakeFirst()
      if (!row || row.question) return undefined
      const svg = svgCaptcha(row.answer, { width: 180, height: 60, fontSize: 56, noise: 3, color: false, background: '#ffffff' })
      // Dark strokes on white: readable for people with low vision too.
      return svg.replace(/(<path[^>]*?)(fill|stroke)="#[0-9a-f]{3,6}"/gi, '$1$2="#0b0c0c"')
    },

    /** Checks and spends a code (each code is good for one try). Throws VALIDATION on the field "captcha". */
    async verify (id: string | undefined, answer: string | undefined): Promise<void> {
      if (!deps.enabled) return
      const fail = (message: string) => new AppError('VALIDATION', 'captcha', [{ field: 'captcha', message }])
      if (!id || !UUID.test(id)) throw fail('Mã xác thực đã hết hạn, hãy nhập mã mới')
      const row = await db.kysely.updateTable('captchas').set({ usedAt: new Date() })
        .where('id', '=', id).where('usedAt', 'is', null).where('expiresAt', '>', new Date())
        .returning(['answer']).executeTakeFirst()
      if (!row) throw fail('Mã xác thực đã hết hạn, hãy nhập mã mới')
      if ((answer ?? '').trim().toUpperCase() !== row.answer) throw fail('Mã xác thực không đúng, hãy nhập mã mới')
    }
  }
}

export type CaptchaService = ReturnType<typeof createCaptchaService>
