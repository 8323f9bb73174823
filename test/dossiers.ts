import assert from 'node:assert/strict'
import type { TestApp } from './app.js'
import { multipart, samplePdf } from './files.js'
import { fillDraft } from '../src/modules/dossiers/fill-draft.js'

/**
 * A signed-in browser over app.inject: keeps the session cookie it is given and every cookie the site
 * sets (CSRF, notices), sends the CSRF token with every form (first field of an upload, as the upload
 * form does). An official's browser follows the 303 after a form as a browser does (post/redirect/get):
 * the answer is the page it lands on, with `redirectedFrom` telling the 303 and its address.
 */
export function browserSession (t: Pick<TestApp, 'app'>, sessionCookie: string, options: { follow?: boolean } = {}) {
  const follow = options.follow ?? sessionCookie.startsWith('mc_staff')
  const jar = new Map<string, string>()
  let token = ''
  const cookies = () => [sessionCookie, ...[...jar].map(([k, v]) => `${k}=${v}`)].filter(Boolean).join('; ')
  const capture = (res: { cookies: Array<{ name: string, value: string, maxAge?: number, expires?: Date }>, body: string }) => {
    for (const c of res.cookies) {
      if (`${c.name}=${c.value}` === sessionCookie) continue
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name)
      else jar.set(c.name, c.value)
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (m) token = m[1]!
  }
  type Answer = Awaited<ReturnType<typeof t.app.inject>> & { redirectedFrom?: { statusCode: number, location: string } }
  const landed = async (res: Answer): Promise<Answer> => {
    const location = res.headers.location
    if (!follow || res.statusCode !== 303 || typeof location !== 'string' || !location.startsWith('/')) return res
    const next: Answer = await self.get(location)
    next.redirectedFrom = { statusCode: res.statusCode, location }
    return next
  }
  const self = {
    async get (url: string): Promise<Answer> {
      const res = await t.app.inject({ url, headers: { cookie: cookies() } })
      capture(res)
      return res
    },
    /** Posts a form; a field given as an array repeats (ticked checkboxes). */
    async post (url: string, form: Record<string, string | string[]> = {}): Promise<Answer> {
      if (!token) await self.get(sessionCookie.startsWith('mc_staff') ? '/can-bo' : '/ca-nhan')
      const body = new URLSearchParams({ _csrf: token })
      for (const [k, v] of Object.entries(form)) for (const one of ([] as string[]).concat(v)) body.append(k, one)
      const res = await t.app.inject({ method: 'POST', url, headers: { cookie: cookies(), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() })
      capture(res)
      return landed(res)
    },
    async upload (url: string, files: Array<{ name: string, data: Buffer, type?: string, field?: string }>, fields: Record<string, string> = {}): Promise<Answer> {
      if (!token) await self.get(sessionCookie.startsWith('mc_staff') ? '/can-bo' : '/ca-nhan')
      const body = multipart(files, { _csrf: token, ...fields })
      const res = await t.app.inject({ method: 'POST', url, headers: { cookie: cookies(), ...body.headers }, payload: body.payload })
      capture(res)
      return landed(res)
    },
    /** Chooses files for one component of an upload form (field `tp-<component>`) and presses a button. */
    async attach (url: string, component: string, files: Array<{ name: string, data: Buffer, type?: string }>, action = 'upload', fields: Record<string, string> = {}) {
      return self.upload(url, files.map(f => ({ ...f, field: `tp-${component}` })), { action, ...fields })
    }
  }
  return self
}

export type BrowserSession = ReturnType<typeof browserSession>

/** Walks a draft through steps 1–4 (own behalf, first receiving agency, a PDF per required component, office). */
export async function readyDraft (t: Pick<TestApp, 'app' | 'services'>, b: BrowserSession, procedureCode: string, options: { files?: (key: string) => Array<{ name: string, data: Buffer }> } = {}): Promise<string> {
  const start = await b.post(`/thu-tuc/${encodeURIComponent(procedureCode)}/nop-ho-so`)
  assert.equal(start.statusCode, 303, start.body.slice(0, 500))
  const id = /\/nop-ho-so\/([0-9a-f-]{36})\//.exec(start.headers.location as string)![1]!
  const parties = await b.get(`/nop-ho-so/${id}/nguoi-nop`)
  const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(parties.body)?.[1] ?? ''
  const form: Record<string, string> = { onBehalf: 'no' }
  for (const k of ['fullName', 'dateOfBirth', 'idNumber', 'idIssuedBy', 'phone', 'email', 'address']) form[`s-${k}`] = field(`s-${k}`)
  assert.equal((await b.post(`/nop-ho-so/${id}/nguoi-nop`, form)).statusCode, 303)
  const draft = await t.services.dossiers.draft((await t.services.dossiers.ownerOf(id))!, id)
  if (draft.procedure.receiving.length > 1) assert.equal((await b.post(`/nop-ho-so/${id}/co-quan`, { agency: draft.procedure.receiving[0]!.code })).statusCode, 303)
  if (draft.caseGroups.length >= 2) assert.equal((await b.post(`/nop-ho-so/${id}/thanh-phan/truong-hop`, { caseGroup: draft.caseGroups[0]! })).statusCode, 303)
  const slots = (await t.services.dossiers.draft((await t.services.dossiers.ownerOf(id))!, id)).slots
  // One form: every required component's files chosen, then "Lưu và tiếp tục".
  const chosen = slots.filter(s => s.required).flatMap(s => (options.files?.(s.key) ?? [{ name: `${s.key}.pdf`, data: samplePdf(s.name) }]).map(f => ({ ...f, field: `tp-${s.key}` })))
  const res = await b.upload(`/nop-ho-so/${id}/thanh-phan`, chosen, { action: 'continue' })
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000))
  assert.equal((await b.post(`/nop-ho-so/${id}/nhan-ket-qua`, { submission: 'office', result: 'office' })).statusCode, 303)
  return id
}

/** Presses "Nộp hồ sơ" on a ready draft as a person would (reading the verification code); returns the response. */
export async function pressSubmit (t: Pick<TestApp, 'app' | 'services'>, b: BrowserSession, id: string) {
  const review = await b.get(`/nop-ho-so/${id}/kiem-tra`)
  const captchaId = /name="captchaId" value="([^"]+)"/.exec(review.body)?.[1]
  const form: Record<string, string> = { declaration: 'yes' }
  if (captchaId) { form['captchaId'] = captchaId; form['captcha'] = (await t.services.captcha.answer(captchaId))!.toLowerCase() }
  return b.post(`/nop-ho-so/${id}/nop`, form)
}

/** A draft ready to submit, made through the service (fast; for tests that are about what comes after). */
export async function serviceDraft (services: TestApp['services'], accountId: string, procedureCode: string, options: { leaveEmpty?: string } = {}): Promise<string> {
  return fillDraft(services.dossiers, accountId, procedureCode, (id, key) => samplePdf(`${id}-${key}`), options)
}

/** The open step's id in a dossier page's action forms (the `taskId` hidden field). */
export const taskIdOf = (body: string) => /name="taskId" value="(\d+)"/.exec(body)?.[1]
