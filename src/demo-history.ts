import crypto from 'node:crypto'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Db } from './platform/db/db.js'
import { demoScan as scan } from './demo.js'
import { toLocal } from './platform/vn-time.js'
import { buildServices } from './services.js'
import { systemActor } from './modules/audit/audit.service.js'
import type { OfficialRole, SignedInOfficial } from './modules/accounts/officials.service.js'
import { fillDraft } from './modules/dossiers/fill-draft.js'
import { caseGroups, componentSlots } from './modules/dossiers/model.js'
import { sandboxAnswer, sandboxSecretOf } from './modules/payments/payments.model.js'
import { feesVary } from './modules/payments/assessment.js'

/**
 * A year of the demo province's history, played through the services on a simulated clock (issue 19):
 * citizens submit online, the desk enters walk-in and postal dossiers, officials receive, ask for
 * supplements, hand on, apologise and reschedule, approve or refuse, the desk returns results, fees are
 * paid in cash or through the VNPay sandbox's signed notification, applicants withdraw and rate. Every
 * row is written by the real flow at the simulated instant; nothing is inserted by hand, so every page,
 * chart and export of the statistics shows figures the ledger can prove.
 *
 * Each dossier's life is a script that waits for instants (`until`); a scheduler moves the one clock to
 * the earliest instant anybody waits for and lets that script run to its next wait, one at a time, so
 * the clock never goes back. Scripts still waiting at the end stay unfinished (in progress, some overdue).
 */

export interface HistoryOptions {
  /** Dossiers arriving over the period, about evenly per working day. */
  dossiers: number
  /** The period's end (the history stops before it); by default now. */
  end?: Date
  /** Months of history before the end. */
  months?: number
  /** The seed of the pseudo-random choices (the same seed, the same history). */
  seed?: number
  log?: Logger
  onProgress?: (done: number, total: number) => void
}

export interface HistoryTally { arrived: number, submittedOnline: number, enteredAtCounter: number, failed: number, failures: string[] }

/** The audit action that says a history was played on this database (once per database). */
export const HISTORY_STARTED = 'demo.history.start'
export const HISTORY_DONE = 'demo.history.done'

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Y', 'A']
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thanh', 'Ngọc', 'Đức', 'Thu']
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Tuấn', 'Vy', 'Blơng', 'Thuận', 'Hờ']
const PLACES = ['phường Quyết Thắng, thành phố Kon Tum', 'xã Đăk Cấm, thành phố Kon Tum', 'thị trấn Đăk Hà, huyện Đăk Hà', 'thị trấn Plei Kần, huyện Ngọc Hồi', 'xã Sa Bình, huyện Sa Thầy', 'thị trấn Đăk Tô, huyện Đăk Tô']
const COMMENTS: Record<number, string[]> = {
  5: ['Cán bộ hướng dẫn tận tình, trả kết quả sớm.', 'Nộp trực tuyến rất thuận tiện.', 'Nhanh gọn, không phải đi lại.'],
  4: ['Đúng hẹn, thủ tục rõ ràng.', 'Hài lòng, mong rút ngắn thời gian hơn.'],
  3: ['Phải bổ sung giấy tờ nhiều lần.'],
  2: ['Trả kết quả trễ hẹn.'],
  1: ['Chậm, không được báo trước.']
}

/** A small deterministic generator (mulberry32), so a seed gives the same history. */
function random (seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p
  }
}

/** The waits of the scripts, earliest first (a binary heap). */
class Waits {
  private items: Array<{ t: number, n: number, go: () => void }> = []
  private n = 0
  get size () { return this.items.length }
  push (t: number, go: () => void) {
    const x = { t, n: this.n++, go }
    const a = this.items
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.less(a[p]!, a[i]!)) break
      ;[a[p], a[i]] = [a[i]!, a[p]!]
      i = p
    }
  }

  pop () {
    const a = this.items
    const top = a[0]!
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i]!, a[m]!]
        i = m
      }
    }
    return top
  }

  private less (x: { t: number, n: number }, y: { t: number, n: number }) { return x.t < y.t || (x.t === y.t && x.n < y.n) }
}

/** Whether a history was started on this database already (played once per database). */
export async function historyStarted (db: Db): Promise<boolean> {
  return (await db.kysely.selectFrom('auditLog').select('id').where('action', '=', HISTORY_STARTED).limit(1).executeTakeFirst()) !== undefined
}

/**
 * Plays the history on `db` (the demo's catalog, site and accounts loaded), with services of its own
 * on the simulated clock. Resolves with what happened; a script that fails is counted, logged and
 * dropped (its dossier stays where it was), the others go on.
 */
export async function playHistory (config: Config, db: Db, options: HistoryOptions): Promise<HistoryTally> {
  const end = options.end ?? new Date()
  const months = options.months ?? 12
  const rnd = random(options.seed ?? 766)
  const startDay = toLocal(new Date(end.getTime() - months * 30.5 * 86_400_000)).date
  let now = new Date(`${startDay}T07:30:00+07:00`).getTime()
  const clock = () => new Date(now)
  const s = await buildServices(config, { db, ...(options.log ? { log: options.log } : {}), clock })
  const tally: HistoryTally = { arrived: 0, submittedOnline: 0, enteredAtCounter: 0, failed: 0, failures: [] }
  await db.transaction(trx => s.audit.record(trx, { actor: systemActor, action: HISTORY_STARTED, targetType: 'site', targetId: 'demo', details: { dossiers: options.dossiers, months, end: end.toISOString() } }))

  // The procedures played: offered online, with a processing agency, fees fixed (or none), the demo's first.
  const rows = await db.kysely.selectFrom('procedures as p')
    .innerJoin('procedureAgencies as pa', 'pa.procedureId', 'p.id').innerJoin('agencies as a', 'a.id', 'pa.agencyId')
    .select(['p.code', 'p.onlineLevel', 'pa.role', 'a.code as agency']).where('p.currentVersionId', 'is not', null).where('p.onlineLevel', '<>', 'none').orderBy('p.position').execute()
  const procedures: Array<{ code: string, receiving: string[], processing: string, fees: number }> = []
  for (const code of [...new Set(rows.map(r => r.code))]) {
    const receiving = rows.filter(r => r.code === code && r.role === 'receiving').map(r => r.agency)
    const processing = rows.find(r => r.code === code && r.role === 'processing')?.agency
    if (receiving.length === 0 || !processing) continue
    const p = await s.catalog.getProcedure(code)
    if (p.processingTime.value === null || p.processingTime.unit === null) continue
    const fees = (await s.catalog.getVersion(p.versionId)).content.fees
    if (feesVary(fees)) continue
    procedures.push({ code, receiving, processing, fees: fees.reduce((n, f) => n + (f.amountVnd ?? 0), 0) })
  }
  procedures.sort((a, b) => Number(b.code === '1.004325.000.00.00.H34') - Number(a.code === '1.004325.000.00.00.H34'))
  const played = procedures.slice(0, 14)
  if (played.length === 0) throw new Error('demo history: no procedure to play (load the demo catalog first)')

  // The officials of each agency involved (created as an administrator would), and the citizens.
  const staff = new Map<string, SignedInOfficial>()
  const person = () => `${rnd.pick(FAMILY)} ${rnd.pick(MIDDLE)} ${rnd.pick(GIVEN)}`
  let made = 0
  async function official (agency: string, role: OfficialRole): Promise<SignedInOfficial> {
    const key = `${agency}|${role}`
    const known = staff.get(key)
    if (known) return known
    const username = `ls.${role.replace('_', '-')}.${++made}`
    const { id } = await s.officials.create(systemActor, { username, fullName: person(), agencyCode: agency, roles: [role], email: `${username}@demo.dichvucong.vn`, password: crypto.randomBytes(18).toString('base64url') })
    const o = (await s.officials.get(id))!
    staff.set(key, o)
    return o
  }
  const citizens: Array<{ id: string, fullName: string }> = []
  for (let i = 0; i < 24; i++) {
    const fullName = person()
    const year = rnd.int(1960, 2002)
    const citizenId = `062${year >= 2000 ? 2 : 0}${String(year % 100).padStart(2, '0')}${String(700000 + i).padStart(6, '0')}`
    const id = await s.accounts.createConfirmed(systemActor, 'individual', {
      fullName, citizenId, dateOfBirth: `0${rnd.int(1, 9)}/0${rnd.int(1, 9)}/${year}`, phone: `0913${String(700000 + i).padStart(6, '0')}`,
      email: `lich-su-${i + 1}@demo.dichvucong.vn`, address: `Tổ ${rnd.int(1, 9)}, ${rnd.pick(PLACES)}`, password: crypto.randomBytes(18).toString('base64url')
    })
    citizens.push({ id, fullName })
  }
  const sandboxSecret = await sandboxSecretOf(db.kysely)

  // The scheduler: one script runs at a time, at the earliest instant any of them waits for.
  const waits = new Waits()
  let turnDone: (() => void) | undefined
  const until = (t: Date | number) => new Promise<void>(resolve => { waits.push(Math.max(typeof t === 'number' ? t : t.getTime(), now), resolve); turnDone?.() })
  const endAt = end.getTime()

  const working = async (from: Date, hours: number, agency: string) => (await s.calendar.computeDue(from, { value: Math.max(1, Math.round(hours)), unit: 'working_hours' }, {}, agency)).due
  const taskOf = async (o: SignedInOfficial, code: string) => String((await s.workflow.open(o, code)).task!.id)

  /** One dossier's life, from its arrival. */
  async function life (arrival: number) {
    await until(arrival)
    const p = rnd.pick(played)
    const receiving = rnd.pick(p.receiving)
    const channel = rnd.chance(0.58) ? 'online' : rnd.chance(0.85) ? 'counter' : 'postal'
    const fate = rnd.next()
    const desk = await official(receiving, 'receptionist')
    const [specialist, head, leader] = [await official(p.processing, 'specialist'), await official(p.processing, 'department_head'), await official(p.processing, 'agency_leader')]
    const citizen = channel === 'online' ? rnd.pick(citizens) : undefined
    let code: string
    tally.arrived++
    if (citizen) {
      const draft = await fillDraft(s.dossiers, citizen.id, p.code, (_id, key) => scan(`Thanh phan ${key}`))
      await s.dossiers.saveAgency(citizen.id, draft, receiving).catch(() => undefined)
      code = (await s.dossiers.submit(citizen.id, draft)).code
      tally.submittedOnline++
      // The desk looks at it within the working day, or the next.
      await until(await working(clock(), rnd.int(1, 10), receiving))
      if (fate < 0.03) {
        await s.workflow.refuse(desk, code, 'Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại Ủy ban nhân dân cấp huyện.')
        return
      }
      await s.workflow.receive(desk, code)
    } else {
      const version = await s.catalog.getVersion((await s.catalog.getProcedure(p.code)).versionId)
      const groups = caseGroups(version.content)
      const caseGroup = groups.length >= 2 ? groups[0] : undefined
      const slots = componentSlots(version.content, caseGroup ?? null, false)
      const applicant = person()
      const year = rnd.int(1955, 2004)
      const r = await s.workflow.enterAtCounter(desk, {
        procedureCode: p.code, agencyCode: receiving, channel: channel as 'counter' | 'postal', kind: 'individual',
        caseGroup,
        form: { 'a-fullName': applicant, 'a-dateOfBirth': `1${rnd.int(0, 9)}/0${rnd.int(1, 9)}/${year}`, 'a-idNumber': `062${year >= 2000 ? 2 : 0}${String(year % 100).padStart(2, '0')}${String(rnd.int(100000, 999999))}`, 'a-phone': `0905${String(rnd.int(100000, 999999))}`, 'a-address': `Thôn ${rnd.int(1, 12)}, ${rnd.pick(PLACES)}`, result: 'office' },
        files: {}, paper: slots.map(x => x.key)
      })
      code = r.code
      tally.enteredAtCounter++
    }
    const received = clock()
    let due = (await s.workflow.open(specialist, code)).d.dueAt!
    // How it ends: most early, some on the due day, some late (a few of them with an apology first), a few withdrawn or refused after review.
    const outcome = fate < 0.04 ? 'refused' : fate < 0.06 && citizen ? 'withdrawn' : fate < 0.78 ? 'early' : fate < 0.93 ? 'on-time' : 'late'
    const minutes = async () => Math.max(60, (await s.calendar.remaining(received, due, p.processing)).minutes)
    const span = await minutes()
    // The specialist appraises; now and then asks for a supplement first.
    await until(await working(received, span / 60 * 0.25, p.processing))
    if (rnd.chance(0.12)) {
      const slots = (await s.workflow.open(specialist, code)).d.slots
      const slot = slots[0]!
      await s.workflow.requestSupplement(specialist, code, { taskId: await taskOf(specialist, code), components: [slot.key], [`note-${slot.key}`]: 'Bản chụp không rõ nét, đề nghị nộp lại bản rõ hơn' })
      await until(await working(clock(), rnd.int(6, 30), receiving))
      if (citizen) {
        await s.dossiers.addFiles(citizen.id, { code }, slot.key, [{ name: `${slot.key}-bo-sung.pdf`, data: await scan(`Bo sung ${slot.key}`) }])
        await s.dossiers.answerSupplement(citizen.id, code, 'Đã nộp lại bản chụp rõ nét')
      } else {
        await s.workflow.recordSupplement(desk, code, { [`giay-${slot.key}`]: 'yes', note: 'Chủ hồ sơ nộp bổ sung bản giấy tại quầy' }, [])
      }
      due = (await s.workflow.open(specialist, code)).d.dueAt!
    }
    if (outcome === 'withdrawn' && citizen) {
      await until(await working(clock(), rnd.int(2, 12), p.processing))
      await s.dossiers.withdraw(citizen.id, code, 'Không còn nhu cầu giải quyết')
      return
    }
    const left = Math.max(60, (await s.calendar.remaining(clock(), due, p.processing)).minutes)
    // When the decision is signed: well before the due day, on it, or after it.
    const decideAt = outcome === 'on-time'
      ? new Date(Math.max(clock().getTime() + 3_600_000, due.getTime() - rnd.int(30, 180) * 60_000))
      : outcome === 'late' ? await working(due, rnd.int(4, 40), p.processing)
        : await working(clock(), left / 60 * (0.2 + 0.5 * rnd.next()), p.processing)
    const at = (share: number) => clock().getTime() + (decideAt.getTime() - clock().getTime()) * share
    await until(at(0.5))
    await s.workflow.forward(specialist, code, { taskId: await taskOf(specialist, code), assignee: head.id, comment: 'Hồ sơ đủ điều kiện, đề nghị trình ký' })
    await until(at(0.7))
    // Late and known to be late a working day ahead: the head apologises and sets a new date (form 04).
    if (outcome === 'late' && rnd.chance(0.5) && (await s.calendar.remaining(clock(), due, p.processing)).minutes > 480) {
      const newDay = toLocal(await working(due, 24, p.processing)).date.split('-').reverse().join('/')
      await s.workflow.postpone(head, code, { taskId: await taskOf(head, code), reason: 'Phải xác minh thêm thông tin với cơ quan đăng kiểm', date: newDay }).catch(() => undefined)
    }
    // Fees: asked by the head, paid online through the gateway or in cash at the desk.
    if (p.fees > 0 && outcome !== 'refused') {
      await s.workflow.requestFees(head, code, { taskId: await taskOf(head, code), amount: String(p.fees), note: 'Phí, lệ phí theo quy định' })
      await until(Math.min(at(0.75), (await working(clock(), rnd.int(1, 4), receiving)).getTime()))
      if (citizen && rnd.chance(0.7)) await payOnline(citizen.id, code, p.fees)
      else await s.workflow.recordCash(desk, code)
      await until(at(0.8))
    }
    await s.workflow.forward(head, code, { taskId: await taskOf(head, code), assignee: leader.id, comment: 'Kính trình lãnh đạo phê duyệt' })
    await until(decideAt)
    if (outcome === 'refused') {
      // Refused after review: the leader signs the refusal, which the desk returns as the result.
      await s.workflow.refuseAfterReview(leader, code, { taskId: await taskOf(leader, code), reason: 'Hồ sơ không đủ điều kiện theo quy định sau khi thẩm định; cơ quan từ chối giải quyết.' })
      await until(await working(clock(), rnd.int(4, 16), receiving))
      await s.workflow.returnResult(desk, code, { taskId: await taskOf(desk, code), method: citizen ? 'online' : 'counter' })
      return
    }
    await s.workflow.approve(leader, code, { taskId: await taskOf(leader, code), comment: 'Đồng ý' }, [{ name: 'ket-qua.pdf', data: await scan(`Ket qua ${code}`) }])
    await until(await working(clock(), rnd.int(1, 16), receiving))
    await s.workflow.returnResult(desk, code, { taskId: await taskOf(desk, code), method: citizen ? 'online' : 'counter' })
    if (citizen && rnd.chance(0.6)) {
      await until(clock().getTime() + rnd.int(1, 72) * 3_600_000)
      const lateOne = outcome === 'late'
      const rating = lateOne ? rnd.pick([1, 2, 3, 4]) : rnd.pick([5, 5, 5, 5, 4, 4, 4, 3])
      await s.dossiers.rate(citizen.id, code, rating, rnd.chance(0.4) ? rnd.pick(COMMENTS[rating]!) : undefined)
    }
  }

  /** The citizen pays online: the payment is started as the portal does, and the gateway (the sandbox) reports it with its signed notification. */
  async function payOnline (accountId: string, code: string, amount: number) {
    const url = new URL(await s.payments.startOnline(accountId, code, '127.0.0.1', ''))
    const txnRef = url.searchParams.get('vnp_TxnRef')!
    const answer = sandboxAnswer(sandboxSecret, { txnRef, amount: String(amount * 100), info: url.searchParams.get('vnp_OrderInfo') ?? '', approve: true, at: clock(), transactionNo: String(14_000_000 + tally.arrived) })
    const r = await s.payments.ipn(Object.fromEntries(new URLSearchParams(answer)))
    if (r.RspCode !== '00') throw new Error(`sandbox IPN answered ${r.RspCode} ${r.Message}`)
  }

  // Arrivals: spread over the working days of the period, in office hours.
  const days: string[] = []
  for (let d = new Date(`${startDay}T00:00:00+07:00`); d.getTime() < endAt; d = new Date(d.getTime() + 86_400_000)) {
    const day = toLocal(d).date
    if ((await s.calendar.remaining(new Date(`${day}T07:00:00+07:00`), new Date(`${day}T17:30:00+07:00`))).minutes > 0) days.push(day)
  }
  // Twice a working day the heads are told of steps about to run out, as the periodic job does, on the history's clock.
  const escalations = async () => {
    for (const day of days) {
      for (const hhmm of ['08:00', '14:00']) {
        await until(new Date(`${day}T${hhmm}:00+07:00`))
        await s.workflow.escalateDueSteps()
      }
    }
  }
  // Each script runs when the scheduler resumes it; those still waiting at the end are simply left.
  void escalations().catch(err => options.log?.warn({ err }, 'demo history: escalation failed')).finally(() => turnDone?.())
  for (let i = 0; i < options.dossiers; i++) {
    const day = days[Math.min(days.length - 1, Math.floor(i * days.length / options.dossiers))]!
    const minute = rnd.chance(0.5) ? rnd.int(7 * 60 + 30, 11 * 60 + 20) : rnd.int(13 * 60 + 30, 16 * 60 + 50)
    const arrival = new Date(`${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}+07:00`).getTime()
    if (arrival >= endAt) continue
    void life(arrival).catch(err => {
      tally.failed++
      const fields = (err as { fields?: Array<{ field: string, message: string }> }).fields
      if (tally.failures.length < 10) tally.failures.push(`${String((err as Error).message ?? err)}${fields ? `: ${fields.map(f => `${f.field} ${f.message}`).join('; ')}` : ''}`)
      options.log?.warn({ err }, 'demo history: a dossier\'s script failed')
    }).finally(() => turnDone?.())
  }
  let done = 0
  while (waits.size > 0) {
    const next = waits.pop()
    if (next.t >= endAt) continue
    now = Math.max(now, next.t)
    await new Promise<void>(resolve => { turnDone = resolve; next.go() })
    turnDone = undefined
    if (++done % 500 === 0) options.onProgress?.(tally.arrived, options.dossiers)
  }
  await db.transaction(trx => s.audit.record(trx, { actor: systemActor, action: HISTORY_DONE, targetType: 'site', targetId: 'demo', details: { ...tally } }))
  return tally
}
