/**
 * The officials' part of the fault battery: a submitted dossier taken through the default process over
 * HTTP as the officials' browsers do it (reception at the desk, the specialist forwards to the head, the
 * head asks for the fees, the citizen pays at the VNPay gateway, the head forwards to the leader, the
 * leader approves with the result, the desk returns it). Each step is read from the page the official
 * sees (its form and task), posted, and sent again when the answer is lost; an answer of 303 is an
 * acknowledged transition. A step whose form is gone after a lost answer was done by the first post.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../src/platform/db/schema.js'
import { multipart, samplePdf } from './files.js'
import type { vnpayGateway } from './vnpay-gateway.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export type Send = (url: string, init: RequestInit) => Promise<Response>
export interface Browser { cookie: string, token: string }
export interface Official extends Browser { id: string }
export interface Office { desk: Official, specialist: Official, head: Official, leader: Official }
export interface Acknowledged { code: string, action: string }
export interface Paid { code: string, txnRef: string, amountVnd: number }

export const FEES_VND = 230_000
/** What each step leaves in the dossier's ledger (event action; audit action `dossier.<action>`), and how many times at most. */
export const OFFICE_ACTIONS: Record<string, number> = { 'request-supplement': 1, supplement: 1, receive: 1, 'start-processing': 1, forward: 1, 'request-fees': 1, 'fees-paid': 1, finish: 1, 'return-result': 1 }

/** The CSRF cookie and token a signed-in browser holds, from a page with a form. */
export async function signedInBrowser (base: string, cookie: string, page: string): Promise<Browser> {
  const res = await fetch(`${base}${page}`, { headers: { cookie } })
  const csrf = /mc_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1]
  if (!csrf || !token) throw new Error(`${page}: no form token (${res.status})`)
  return { cookie: `${cookie}; mc_csrf=${csrf}`, token }
}

export function officeWork (deps: { send: Send, office: Office, gateway: Awaited<ReturnType<typeof vnpayGateway>>, problems: string[], supplementComponent: string }) {
  const { send, office, gateway, problems, supplementComponent: component } = deps
  const acknowledged: Acknowledged[] = []
  const paid: Paid[] = []
  const form = (b: Browser, fields: Record<string, string>) => ({ method: 'POST', headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: b.token, ...fields }).toString() })
  const text = async (url: string, b: Browser) => { const r = await send(url, { headers: { cookie: b.cookie } }); return { status: r.status, body: await r.text() } }

  /** One step: waits (up to three minutes) for its form on the official's page, posts it; true when done. */
  async function step (code: string, who: Official, route: string, action: string, fields: (taskId: string) => Record<string, string>, upload?: Buffer): Promise<boolean> {
    const url = `/can-bo/ho-so/${encodeURIComponent(code)}`
    const formOf = (body: string) => body.includes(`action="${url}/${route}"`) ? /name="taskId" value="(\d+)"/.exec(body)?.[1] ?? '' : undefined
    const started = Date.now()
    let taskId: string | undefined
    for (;;) {
      const page = await text(url, who)
      taskId = formOf(page.body)
      if (taskId !== undefined) break
      if (Date.now() - started > 180_000) { problems.push(`${code}: no form for ${route} in three minutes (${page.status})`); return false }
      await sleep(500)
    }
    let res: Response
    if (upload) {
      const body = multipart([{ name: 'ket-qua.pdf', data: upload, type: 'application/pdf', field: 'result' }], fields(taskId))
      res = await send(`${url}/${route}`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.token, ...body.headers }, body: body.payload })
    } else res = await send(`${url}/${route}`, form(who, fields(taskId)))
    const answer = await res.text()
    if (res.status === 303) { acknowledged.push({ code, action }); return true }
    // Answered otherwise: done by a post whose answer was lost (its form is gone), or refused.
    if (formOf((await text(url, who)).body) === undefined) return true
    problems.push(`${code}: ${route} answered ${res.status}: ${answer.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 200)}`)
    return false
  }

  /** The citizen pays the fees at the gateway; the payment counts once the gateway approved it. */
  async function pay (code: string, citizen: Browser): Promise<boolean> {
    const started = await send(`/ca-nhan/ho-so/${encodeURIComponent(code)}/thanh-toan`, form(citizen, { bank: 'VNBANK' }))
    await started.arrayBuffer()
    const to = started.headers.get('location') ?? ''
    if (started.status !== 303 || !to.startsWith(gateway.paymentUrl)) { problems.push(`${code}: payment start answered ${started.status} ${to}`); return false }
    const query = new URL(to).search
    // The gateway's page and its approval; a gateway that is down is tried again, as a citizen would.
    const back = await reach(`${gateway.paymentUrl.replace('/paymentv2/vpcpay.html', '/approve')}${query}`, { method: 'POST' })
    const txnRef = new URLSearchParams(query).get('vnp_TxnRef')!
    paid.push({ code, txnRef, amountVnd: FEES_VND })
    const returned = new URL(back.headers.get('location') ?? '')
    const page = await send(`${returned.pathname}${returned.search}`, { headers: { cookie: citizen.cookie } })
    await page.arrayBuffer()
    if (page.status !== 200) problems.push(`${code}: the return page answered ${page.status}`)
    // Processing goes on once the portal has the gateway's word (its IPN): the citizen's page no longer offers to pay.
    const mine = `/ca-nhan/ho-so/${encodeURIComponent(code)}`
    for (const waitedFrom = Date.now(); (await text(mine, citizen)).body.includes(`action="${mine}/thanh-toan"`);) {
      if (Date.now() - waitedFrom > 180_000) { problems.push(`${code}: payment ${txnRef} not settled three minutes after the gateway approved it`); return false }
      await sleep(500)
    }
    return true
  }

  /** The citizen sends what the desk asked for (a file of the component and a note), in one form. */
  async function supplement (code: string, citizen: Browser): Promise<boolean> {
    const mine = `/ca-nhan/ho-so/${encodeURIComponent(code)}`
    const body = multipart([{ name: 'bo-sung.pdf', data: samplePdf(`bo sung ${code}`, 8_000), type: 'application/pdf', field: `tp-${component}` }], { note: 'Đã nộp lại bản chụp rõ' })
    const res = await send(`${mine}/bo-sung`, { method: 'POST', headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.token, ...body.headers }, body: body.payload })
    const answer = await res.text()
    if (res.status === 303) { acknowledged.push({ code, action: 'supplement' }); return true }
    if (!(await text(mine, citizen)).body.includes(`action="${mine}/bo-sung"`)) return true
    problems.push(`${code}: the supplement answered ${res.status}: ${answer.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 200)}`)
    return false
  }

  /** The dossier through the whole process (first a supplement asked and sent, if `supplementFirst`); false at the first step that could not be done. */
  async function process (code: string, citizen: Browser, supplementFirst: boolean): Promise<boolean> {
    const { desk, specialist, head, leader } = office
    if (supplementFirst && !(await step(code, desk, 'yeu-cau-bo-sung', 'request-supplement', () => ({ components: component, [`note-${component}`]: 'Bản chụp chưa rõ, đề nghị nộp lại' })) && await supplement(code, citizen))) return false
    return await step(code, desk, 'tiep-nhan', 'receive', () => ({})) &&
      await step(code, specialist, 'chuyen', 'start-processing', taskId => ({ taskId, assignee: head.id, comment: 'Hồ sơ đủ điều kiện' })) &&
      await step(code, head, 'yeu-cau-nop-phi', 'request-fees', taskId => ({ taskId, amount: String(FEES_VND), note: 'Lệ phí cấp giấy' })) &&
      await pay(code, citizen) &&
      await step(code, head, 'chuyen', 'forward', taskId => ({ taskId, assignee: leader.id, comment: 'Đề nghị trình ký' })) &&
      await step(code, leader, 'phe-duyet', 'finish', taskId => ({ taskId, comment: 'Đồng ý' }), samplePdf(`ket qua ${code}`, 5_000)) &&
      await step(code, desk, 'tra-ket-qua', 'return-result', taskId => ({ taskId, method: 'counter' }))
  }
  return { process, acknowledged, paid }
}

/** A request to the gateway, sent again while it is away (connection refused), for up to two minutes. */
async function reach (url: string, init: RequestInit): Promise<Response> {
  const started = Date.now()
  for (;;) {
    try {
      const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) })
      if (res.status < 500) return res
    } catch { /* away */ }
    if (Date.now() - started > 120_000) throw new Error(`${url}: the gateway did not answer for two minutes`)
    await sleep(300)
  }
}

/**
 * From the database: every acknowledged transition in the ledger, once, with its audit row; no step
 * twice; every payment the gateway approved paid once, for its dossier, at its amount; the money the
 * gateway took equals the money the portal recorded as paid online.
 */
export async function checkOffice (k: Kysely<DB>, work: { acknowledged: Acknowledged[], paid: Paid[], codes: string[] }, ledger: Map<string, { amount: number, transactionNo: string }>) {
  const problems: string[] = []
  let lost = 0
  let duplicated = 0
  for (const code of work.codes) {
    const d = await k.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow()
    const events = await k.selectFrom('dossierEvents').select('action').where('dossierId', '=', d.id).execute()
    const audits = await k.selectFrom('auditLog').select('action').where('targetId', '=', d.id).execute()
    for (const [action, most] of Object.entries(OFFICE_ACTIONS)) {
      const n = events.filter(e => e.action === action).length
      const a = audits.filter(e => e.action === `dossier.${action}`).length
      const acked = work.acknowledged.filter(x => x.code === code && x.action === action).length
      if (n < acked) { lost++; problems.push(`${code}: ${acked} ${action} acknowledged, ${n} in the ledger`) }
      if (n > most) { duplicated++; problems.push(`${code}: ${n} ${action} events (at most ${most})`) }
      if (a !== n) problems.push(`${code}: ${n} ${action} events but ${a} audit rows`)
    }
  }
  const online = await k.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
    .select(['p.txnRef', 'p.state', 'p.amountVnd', 'p.providerTxn', 'd.code']).where('p.method', '=', 'vnpay').execute()
  for (const p of work.paid) {
    const rows = online.filter(o => o.txnRef === p.txnRef)
    const tx = ledger.get(p.txnRef)
    if (!tx) { problems.push(`${p.code}: the gateway has no payment ${p.txnRef}`); continue }
    if (rows.length !== 1 || rows[0]!.state !== 'paid') { lost++; problems.push(`${p.code}: payment ${p.txnRef} approved by the gateway is ${rows.map(r => r.state).join(', ') || 'missing'}`); continue }
    const r = rows[0]!
    if (r.code !== p.code || r.amountVnd !== tx.amount || r.providerTxn !== tx.transactionNo) problems.push(`${p.code}: payment ${p.txnRef} recorded for ${r.code}, ${r.amountVnd} đồng, transaction ${r.providerTxn} (the gateway: ${tx.amount}, ${tx.transactionNo})`)
  }
  const paidHere = online.filter(o => o.state === 'paid')
  for (const o of paidHere) if (!ledger.has(o.txnRef ?? '')) problems.push(`${o.code}: payment ${o.txnRef} paid here but never approved by the gateway`)
  const byDossier = new Map<string, number>()
  for (const o of paidHere) byDossier.set(o.code!, (byDossier.get(o.code!) ?? 0) + 1)
  for (const [code, n] of byDossier) if (n > 1) { duplicated++; problems.push(`${code}: paid online ${n} times`) }
  const taken = [...ledger.values()].reduce((s, t) => s + t.amount, 0)
  const recorded = paidHere.reduce((s, o) => s + o.amountVnd, 0)
  if (taken !== recorded) problems.push(`the gateway took ${taken} đồng; the portal recorded ${recorded} đồng paid online`)
  return { problems, lost, duplicated, taken, recorded }
}
