import crypto from 'node:crypto'
import svgCaptchaModule from 'svg-captcha'

// The module is a function (text, options) → SVG of that text; its type declarations omit it.
const svgCaptcha = svgCaptchaModule as unknown as (text: string, options: Record<string, unknown>) => string
import type { FastifyRequest } from 'fastify'
import type { Db } from '../../platform/db/db.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { createThrottle, throttleKey } from '../../platform/throttle.js'
import { formatInstant } from '../../platform/vn-time.js'
import { foldAnswer, newQuestion } from './captcha-questions.js'

const ALPHABET = 'ABCDEFHKMNPRSTUVWXYZ2345678'
const LIFETIME_MS = 10 * 60_000
/** Text questions one address may ask for in a row before waiting (15 minutes, then longer). */
export const QUESTIONS_PER_ADDRESS = 20
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface Captcha {
  id: string
  question: string | null
  /** Why the question asked for was not given (too many from this address). */
  notice?: string
}

/**
 * The verification code of the sign-in, registration and submission forms. The image is drawn as paths
 * (no text to read from the SVG); a question from a bank of kinds and phrasings (captcha-questions.ts) is
 * the alternative for people who cannot see it (WCAG 1.1.1), limited per address. The captcha slows down
 * scripts; it is not what stops password guessing — the lock-out is (docs/decisions/0009).
 */
export function createCaptchaService (deps: { db: Db, enabled: boolean }) {
  const { db } = deps
  const throttle = createThrottle(db)

  async function create (question = false, ip = 'unknown'): Promise<Captcha> {
    let answer: string
    let text: string | null = null
    let notice: string | undefined
    const limited = question ? await throttle.admit([{ key: throttleKey('captcha-question-ip', ip), max: QUESTIONS_PER_ADDRESS }]) : undefined
    if (limited) notice = `Địa chỉ mạng của bạn đã yêu cầu nhiều câu hỏi thay thế. Hãy thử lại sau ${formatInstant(limited)}, hoặc gọi đường dây nóng để được hỗ trợ.`
    if (question && !limited) {
      const q = newQuestion()
      answer = q.answers.join('|')
      text = q.text
    } else {
      answer = Array.from({ length: 5 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('')
    }
    const row = await db.kysely.insertInto('captchas').values({ answer, question: text, expiresAt: new Date(Date.now() + LIFETIME_MS) }).returning('id').executeTakeFirstOrThrow()
    // Expired codes are removed as new ones are made.
    await db.kysely.deleteFrom('captchas').where('expiresAt', '<', new Date(Date.now() - LIFETIME_MS)).execute()
    return { id: row.id, question: text, ...(notice ? { notice } : {}) }
  }

  return {
    enabled: deps.enabled,
    create,

    /**
     * A new code for a form: the text question when the page was asked for it (?cau-hoi=1) or the form
     * that comes back used one; the image otherwise.
     */
    async forRequest (request: FastifyRequest): Promise<Captcha> {
      const query = request.query as Record<string, unknown> | undefined
      const body = request.body as Record<string, unknown> | undefined
      const question = body?.['captchaSwap'] === 'question' || (body?.['captchaSwap'] !== 'image' && (query?.['cau-hoi'] === '1' || body?.['captchaMode'] === 'question'))
      return create(question, request.ip)
    },

    /**
     * The form came back only for another code ("Đổi mã khác", "Trả lời câu hỏi thay thế" are buttons of
     * the form): its page is shown again with everything typed kept, nothing checked, nothing counted.
     */
    swapRequested (request: FastifyRequest): boolean {
      const swap = (request.body as Record<string, unknown> | undefined)?.['captchaSwap']
      return swap === 'new' || swap === 'question' || swap === 'image'
    },

    /**
     * Checks the code and the form's own rules together, so a wrong code never hides the form's other
     * mistakes: one VALIDATION error listing all of them (the form's first, the code's last).
     */
    async verifyWith (id: string | undefined, answer: string | undefined, check: () => unknown): Promise<void> {
      const errors: FieldError[] = []
      const collect = async (work: () => unknown) => {
        try { await work() } catch (err) {
          if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) errors.push(...err.fields)
          else throw err
        }
      }
      await collect(check)
      await collect(() => this.verify(id, answer))
      if (errors.length > 0) throw new AppError('VALIDATION', 'form invalid', errors)
    },

    /** An accepted answer of a code (for tests of the captcha and of the forms that use it). */
    async answer (id: string): Promise<string | undefined> {
      return (await db.kysely.selectFrom('captchas').select('answer').where('id', '=', id).executeTakeFirst())?.answer.split('|')[0]
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
        .returning(['answer', 'question']).executeTakeFirst()
      if (!row) throw fail('Mã xác thực đã hết hạn, hãy nhập mã mới')
      const right = row.question ? row.answer.split('|').includes(foldAnswer(answer ?? '')) : (answer ?? '').trim().toUpperCase() === row.answer
      if (!right) throw fail(row.question ? 'Câu trả lời chưa đúng, hãy trả lời câu hỏi mới' : 'Mã xác thực không đúng, hãy nhập mã mới')
    }
  }
}

export type CaptchaService = ReturnType<typeof createCaptchaService>
