import { sql } from 'kysely'
import type { Config } from '../../config.js'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { Actor } from '../audit/audit.service.js'
import { transferMessage, vietQr } from './vietqr.js'
import { issueReceiptFor, localNumbering, receiptPdf, type ReceiptNumbering } from './receipts.js'
import { IPN_ANSWERS, orderInfo, RESPONSE_MESSAGES, vnpDate } from './vnpay.js'
import { vnpayProvider } from './vnpay-provider.js'
import type { Reported } from './provider.js'
import { gatewayOf, PAYMENT_COMPONENT, RETURN_PATH, RECONCILE_JOB, REFUND_JOB, SANDBOX_IPN_JOB, type DossierLedger } from './payments.model.js'

export * from './payments.model.js'

/**
 * Fees of dossiers: the payment request an official makes (the dossier waits in status 6), cash
 * recorded at the counter, and online payment through VNPay, where the gateway's server-to-server
 * notification (IPN) is the only thing that marks a payment paid.
 */
export function createPaymentsService (deps: { db: Db, dossiers: DossierLedger, jobs: JobQueue, config: Config, numbering?: ReceiptNumbering, sandboxSecret?: string | undefined, now?: () => Date }) {
  const { db, dossiers, config } = deps
  const clock = deps.now ?? (() => new Date())
  const numbering = deps.numbering ?? localNumbering
  const gateway = gatewayOf(config, deps.sandboxSecret)
  const provider = gateway ? vnpayProvider(gateway) : undefined
  // The sandbox's IPN is sent by a job (any worker process), retried with back-off until answered.
  if (provider?.sandbox) {
    deps.jobs.register<{ url: string }>(SANDBOX_IPN_JOB, async (job) => {
      const res = await fetch(job.payload.url)
      const body = await res.json().catch(() => undefined) as { RspCode?: string } | undefined
      if (!body?.RspCode) throw new Error(`IPN not answered (${res.status})`)
    })
  }

  const issueReceipt = (trx: Executor, paymentId: number) => issueReceiptFor(trx, numbering, paymentId)

  /** The open request of a dossier and its payments. */
  async function openRequest (ex: Executor, dossierId: string, lock = false) {
    const q = ex.selectFrom('paymentRequests').selectAll().where('dossierId', '=', dossierId).where('state', '=', 'open')
    return (lock ? q.forUpdate() : q).executeTakeFirst()
  }

  /**
   * How a payment's money goes back: through the gateway it was paid by (when its API is configured),
   * else by hand — and by hand once the gateway has refused to refund it.
   */
  const refundVia = (method: string, refusedBefore = false): 'gateway' | 'manual' => method === provider?.method && provider.hasApi && !refusedBefore ? 'gateway' : 'manual'

  /** The payment's money is back with the payer: it is marked refunded and its receipt cancelled by a record. */
  async function refunded (trx: Executor, paymentId: number, reason: string, by: { id?: string | null, name: string }): Promise<void> {
    await trx.updateTable('payments').set({ state: 'refunded', decidedReason: reason, recordedBy: by.id ?? null, recordedByName: by.name }).where('id', '=', paymentId).execute()
    await trx.updateTable('receipts').set({ cancelledAt: clock(), cancelReason: `Hoàn tiền: ${reason}` }).where('paymentId', '=', paymentId).where('cancelledAt', 'is', null).execute()
  }

  // A refund asked of the gateway: retried with back-off while it does not answer; accepted, the
  // payment is refunded; refused (or never answered), the official is told and refunds another way.
  if (provider?.hasApi) {
    deps.jobs.register<{ refundId: number }>(REFUND_JOB, async (job) => {
      const r = await db.kysely.selectFrom('paymentRefunds as f').innerJoin('payments as p', 'p.id', 'f.paymentId').innerJoin('paymentRequests as q', 'q.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'q.dossierId')
        .select(['f.id', 'f.state', 'f.amountVnd', 'f.reason', 'f.requestedByName', 'p.id as paymentId', 'p.amountVnd as paidVnd', 'p.txnRef', 'p.providerTxn', 'p.settledAt', 'd.code'])
        .where('f.id', '=', job.payload.refundId).executeTakeFirst()
      if (!r || r.state !== 'requested') return
      const system: Actor & { name: string } = { type: 'system', id: null, name: `Cổng thanh toán ${provider.name}` }
      let answer: { accepted: boolean, code: string, message: string }
      try {
        answer = await provider.refund({ txnRef: r.txnRef!, amountVnd: r.amountVnd, full: r.amountVnd === r.paidVnd, providerTxn: r.providerTxn, paidAt: r.settledAt ?? new Date(), by: orderInfo(r.requestedByName), requestId: `R${r.id}A${job.attempt}`, now: new Date() })
      } catch (err) {
        if (job.attempt < job.maxAttempts) throw err
        answer = { accepted: false, code: '', message: 'Không nhận được trả lời của cổng thanh toán' }
      }
      const amount = `${r.amountVnd.toLocaleString('vi-VN')} đồng`
      await dossiers.record(system, r.code!, answer.accepted
        ? { action: 'refund', message: `${provider.name} đã nhận yêu cầu hoàn ${amount} về tài khoản đã thanh toán: ${r.reason}`, notify: { subject: `Hồ sơ ${r.code}: đã hoàn tiền phí, lệ phí`, body: `Khoản ${amount} bạn thanh toán trực tuyến cho hồ sơ ${r.code} đã được hoàn về tài khoản, thẻ đã dùng để thanh toán (ngân hàng có thể cần vài ngày làm việc).\n${r.reason}` } }
        : { action: 'refund-refused', message: `${provider.name} không hoàn được ${amount}: ${answer.message}${answer.code ? ` (mã ${answer.code})` : ''}. Cán bộ cần hoàn bằng cách khác.` },
      async (trx) => {
        const now = await trx.updateTable('paymentRefunds').set({ state: answer.accepted ? 'done' : 'refused', responseCode: answer.code || null, responseMessage: answer.message, settledAt: clock() })
          .where('id', '=', r.id).where('state', '=', 'requested').executeTakeFirst()
        if (Number(now.numUpdatedRows) !== 1) throw new NotApplied()
        if (answer.accepted) await refunded(trx, r.paymentId, r.reason, system)
      }).catch(err => { if (!(err instanceof NotApplied)) throw err })
    })
    deps.jobs.registerPeriodic(RECONCILE_JOB, 5 * 60_000, async (_job, { log }) => {
      const r = await service.reconcile()
      if (r.checked > 0) log.info(r, 'reconciled online payments left pending')
    })
  }

  const service = {
    /** Whether the built-in sandbox gateway is in use (its routes exist only then). */
    sandbox: provider?.sandbox ?? false,
    /** The sandbox's signing secret, when the sandbox is in use. */
    sandboxSecret: provider?.sandbox ? gateway!.secret : undefined,
    /** What the citizen may pick before going to the gateway; empty when online payment is not offered. */
    choices: provider?.choices ?? [],

    /**
     * Online payments still pending after their time at the gateway (plus a margin for a late IPN):
     * asks the gateway what happened (QueryDR) and settles each as the IPN would have; an order the
     * gateway never saw completed expires.
     */
    async reconcile (now = clock()): Promise<{ checked: number, paid: number, failed: number, expired: number }> {
      const counts = { checked: 0, paid: 0, failed: 0, expired: 0 }
      if (!provider?.hasApi) return counts
      const before = new Date(now.getTime() - (config.PAYMENT_PENDING_MINUTES + 5) * 60_000)
      const due = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
        .select(['p.id', 'p.amountVnd', 'p.txnRef', 'p.createdAt', 'd.code']).where('p.method', '=', provider.method).where('p.state', '=', 'pending')
        .where('p.createdAt', '<', before).orderBy('p.id').limit(100).execute()
      for (const p of due) {
        counts.checked++
        const known = await provider.query({ txnRef: p.txnRef!, createdAt: p.createdAt, amountVnd: p.amountVnd }, now)
        if (known.kind === 'settled') {
          if (known.reported.amountVnd !== p.amountVnd) throw new Error(`transaction query for ${p.txnRef}: amount ${known.reported.amountVnd} differs`)
          await applyOutcome({ id: p.id, amountVnd: p.amountVnd, code: p.code }, known.reported)
          if (known.reported.success) counts.paid++; else counts.failed++
        } else if (known.kind === 'unknown') {
          // The gateway never completed this order: its time is over.
          await db.kysely.updateTable('payments').set({ state: 'expired', settledAt: now }).where('id', '=', p.id).where('state', '=', 'pending').execute()
          counts.expired++
        }
      }
      return counts
    },

    /** Requests and payments of a dossier with their receipts, newest last (the dossier pages show them). */
    async ofDossier (dossierId: string) {
      const requests = await db.kysely.selectFrom('paymentRequests').selectAll().where('dossierId', '=', dossierId).orderBy('id').execute()
      const payments = requests.length === 0 ? [] : await db.kysely.selectFrom('payments as p').leftJoin('receipts as c', 'c.paymentId', 'p.id').selectAll('p')
        .select(['c.id as receiptId', 'c.series as receiptSeries', 'c.number as receiptNumber']).where('p.requestId', 'in', requests.map(r => r.id)).orderBy('p.id').execute()
      const refunds = payments.length === 0 ? [] : await db.kysely.selectFrom('paymentRefunds').selectAll().where('paymentId', 'in', payments.map(p => p.id)).orderBy('id').execute()
      return requests.map(r => ({
        ...r,
        payments: payments.filter(p => p.requestId === r.id).map(p => {
          const mine = refunds.filter(f => f.paymentId === p.id)
          return { ...p, refunds: mine, refundVia: p.state === 'paid' ? refundVia(p.method, mine.some(f => f.via === 'gateway' && f.state === 'refused')) : undefined }
        })
      }))
    },

    /** In the official's transaction (the dossier moving to status 6): the amount to pay, with a note. */
    async request (trx: Executor, dossierId: string, amountVnd: number, note: string | null, by: { id: string, name: string }): Promise<void> {
      await trx.insertInto('paymentRequests').values({ dossierId, amountVnd, note, requestedBy: by.id, requestedByName: by.name, requestedAt: clock() }).execute()
    },

    /** In the official's transaction: the applicant is exempt from the fees; recorded with the reason, nothing to pay; once. */
    async exempt (trx: Executor, dossierId: string, amountVnd: number, reason: string, by: { id: string, name: string }): Promise<void> {
      const already = await trx.selectFrom('paymentRequests').select('id').where('dossierId', '=', dossierId).where('state', '=', 'exempt').executeTakeFirst()
      if (already) throw new AppError('CONFLICT', 'Chủ hồ sơ đã được ghi nhận miễn phí, lệ phí.')
      await trx.insertInto('paymentRequests').values({ dossierId, amountVnd, note: reason, state: 'exempt', requestedBy: by.id, requestedByName: by.name, requestedAt: clock() }).execute()
    },

    /**
     * In the official's transaction: money returned to the payer (a surplus, or fees of a dossier that
     * will not be decided), with the reason. Paid online, it is asked of the gateway by a job and
     * settled when the gateway accepts; paid otherwise, the official has returned it by hand. The
     * receipt is cancelled by a record, never deleted. `via` is the payment's `refundRoute`.
     */
    async refund (trx: Executor, dossierId: string, paymentId: number, via: 'gateway' | 'manual', reason: string, by: { id: string, name: string }): Promise<number> {
      const p = await trx.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').select(['p.id', 'p.state', 'p.amountVnd'])
        .where('p.id', '=', paymentId).where('r.dossierId', '=', dossierId).forUpdate().executeTakeFirst()
      if (!p || p.state !== 'paid') throw new AppError('CONFLICT', 'Khoản này không ở trạng thái đã thanh toán.')
      const asked = await trx.selectFrom('paymentRefunds').select('id').where('paymentId', '=', p.id).where('state', '=', 'requested').executeTakeFirst()
      if (asked) throw new AppError('CONFLICT', 'Khoản này đang được hoàn qua cổng thanh toán.')
      const r = await trx.insertInto('paymentRefunds').values({ paymentId: p.id, amountVnd: p.amountVnd, reason, via, state: via === 'gateway' ? 'requested' : 'done', requestedBy: by.id, requestedByName: by.name, ...(via === 'manual' ? { settledAt: clock() } : {}) })
        .returning('id').executeTakeFirstOrThrow()
      if (via === 'gateway') await deps.jobs.enqueue(trx, REFUND_JOB, { refundId: r.id }, { maxAttempts: 8 })
      else await refunded(trx, p.id, reason, by)
      return p.amountVnd
    },

    /** How a payment of the dossier would be refunded, and whether it is a surplus; undefined when there is no such payment. */
    async refundRoute (dossierId: string, paymentId: number): Promise<{ via: 'gateway' | 'manual', surplus: boolean } | undefined> {
      const p = Number.isSafeInteger(paymentId)
        ? await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').select(['p.method', 'p.surplus', 'p.id']).where('p.id', '=', paymentId).where('r.dossierId', '=', dossierId).executeTakeFirst()
        : undefined
      if (!p) return undefined
      const refused = await db.kysely.selectFrom('paymentRefunds').select('id').where('paymentId', '=', p.id).where('via', '=', 'gateway').where('state', '=', 'refused').executeTakeFirst()
      return { via: refundVia(p.method, Boolean(refused)), surplus: p.surplus }
    },

    /**
     * Totals of money collected in a period (settlement time), by method and collecting agency, and the
     * share of paid fee requests paid online: what the statistics read.
     */
    async totals (from: Date, to: Date) {
      const byMethod = await db.kysely.selectFrom('payments as p').innerJoin('receipts as c', 'c.paymentId', 'p.id')
        .select(['p.method', 'c.agencyCode', sql<number>`count(*)::int`.as('count'), sql<number>`sum(p.amount_vnd)::bigint`.as('amountVnd')])
        .where('p.state', 'in', ['paid', 'refunded']).where('p.settledAt', '>=', from).where('p.settledAt', '<', to)
        .groupBy(['p.method', 'c.agencyCode']).orderBy('c.agencyCode').orderBy('p.method').execute()
      const share = await db.kysely.selectFrom('paymentRequests as r').select([
        sql<number>`count(*)::int`.as('paid'),
        sql<number>`count(*) filter (where exists (select 1 from payments p where p.request_id = r.id and p.method = 'vnpay' and p.state = 'paid' and not p.surplus))::int`.as('online')
      ]).where('r.state', '=', 'paid').where('r.paidAt', '>=', from).where('r.paidAt', '<', to).executeTakeFirstOrThrow()
      return { byMethod: byMethod.map(r => ({ ...r, amountVnd: Number(r.amountVnd) })), paidRequests: share.paid, paidOnline: share.online, onlineShare: share.paid === 0 ? 0 : share.online / share.paid }
    },

    /** In the official's transaction (6 → 4): cash taken at the counter pays the open request. */
    async recordCash (trx: Executor, dossierId: string, by: { id: string, name: string }): Promise<number> {
      const r = await openRequest(trx, dossierId)
      if (!r) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
      await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', r.id).where('state', '=', 'pending').execute()
      const p = await trx.insertInto('payments').values({ requestId: r.id, method: 'cash', state: 'paid', amountVnd: r.amountVnd, recordedBy: by.id, recordedByName: by.name, settledAt: clock() }).returning('id').executeTakeFirstOrThrow()
      await trx.updateTable('paymentRequests').set({ state: 'paid', paidAt: clock() }).where('id', '=', r.id).execute()
      await issueReceipt(trx, p.id)
      return r.amountVnd
    },

    /**
     * The citizen starts an online payment of their dossier's open request: any attempt still pending
     * is cancelled, a new one is recorded, and the gateway URL comes back.
     */
    async startOnline (accountId: string, code: string, ip: string, choice = ''): Promise<string> {
      if (!provider) throw new AppError('CONFLICT', 'Cổng chưa cấu hình thanh toán trực tuyến; hãy nộp tại bộ phận một cửa.')
      if (!provider.choices.some(c => c.code === choice)) throw new AppError('VALIDATION', 'no such choice', [{ field: 'bank', message: 'Chọn một cách thanh toán trong danh sách' }])
      const d = await dossiers.get(accountId, code)
      if (d.status !== 6) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
      const now = clock()
      const payment = await db.transaction(async (trx) => {
        const r = await openRequest(trx, d.id, true)
        if (!r) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
        await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', r.id).where('method', '=', provider.method).where('state', '=', 'pending').execute()
        const p = await trx.insertInto('payments').values({ requestId: r.id, method: provider.method, state: 'pending', amountVnd: r.amountVnd, createdAt: now }).returning(['id', 'amountVnd']).executeTakeFirstOrThrow()
        // Unique per day as VNPay requires: the date and the payment's number.
        const txnRef = `MC${vnpDate(now).slice(2, 8)}${String(p.id).padStart(8, '0')}`
        await trx.updateTable('payments').set({ txnRef }).where('id', '=', p.id).execute()
        return { ...p, txnRef }
      })
      return provider.checkoutUrl({
        txnRef: payment.txnRef, amountVnd: payment.amountVnd, info: `Thanh toan phi ho so ${code}`, returnUrl: `${config.PUBLIC_URL}${RETURN_PATH}`, ip, choice,
        createdAt: now, expiresAt: new Date(now.getTime() + config.PAYMENT_PENDING_MINUTES * 60_000)
      })
    },

    /**
     * The gateway's notification, the source of truth: checksum, merchant, order, amount, then the
     * outcome, once. Every notification is stored with the answer given.
     */
    async ipn (query: Record<string, string | undefined>): Promise<{ RspCode: string, Message: string }> {
      const answer = await settle(query).catch(() => IPN_ANSWERS.unknown)
      await db.kysely.insertInto('paymentNotifications').values({ provider: provider?.method ?? 'vnpay', query: JSON.stringify(query), answer: answer.RspCode }).execute()
      return answer
    },

    /**
     * Where to transfer the open fees of a dossier: the collecting agency's account (the processing
     * agency's, else the receiving agency's) and the VietQR payload with the amount and the dossier
     * code as the message. Undefined when no account is on record.
     */
    async transferInfo (d: { id: string, code: string | null, agency: { code: string } | null, processingAgencyCode?: string | null }) {
      const r = await openRequest(db.kysely, d.id)
      if (!r) return undefined
      const agencies = await db.kysely.selectFrom('agencies').select(['code', 'name', 'bankAccount']).where('code', 'in', [d.processingAgencyCode ?? '', d.agency?.code ?? ''].filter(Boolean)).execute()
      const a = agencies.find(x => x.code === d.processingAgencyCode && x.bankAccount) ?? agencies.find(x => x.bankAccount)
      if (!a?.bankAccount) return undefined
      return { agency: a.name, account: a.bankAccount, amountVnd: r.amountVnd, message: transferMessage(d.code ?? ''), qr: vietQr({ bin: a.bankAccount.bin, account: a.bankAccount.number, amountVnd: r.amountVnd, message: d.code ?? '' }) }
    },

    /** The citizen's transfer slip (already stored): a pending transfer an official confirms or rejects; a newer slip replaces it. */
    async addSlip (dossierId: string, fileId: string): Promise<void> {
      await db.transaction(async (trx) => {
        const r = await openRequest(trx, dossierId)
        if (!r) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
        await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock(), decidedReason: 'Đã gửi chứng từ khác' }).where('requestId', '=', r.id).where('method', '=', 'transfer').where('state', '=', 'pending').execute()
        await trx.insertInto('payments').values({ requestId: r.id, method: 'transfer', state: 'pending', amountVnd: r.amountVnd, slipFileId: fileId }).execute()
        // Kept with the dossier, so both sides read it through their file routes.
        await dossiers.attachInTransaction(trx, dossierId, PAYMENT_COMPONENT, [fileId])
      })
    },

    /**
     * An official's decision on a transfer slip, in their transaction: confirmed, it pays the request
     * (true); rejected, the payment fails with the reason (false).
     */
    async decideTransfer (trx: Executor, dossierId: string, paymentId: number, confirm: boolean, reason: string | null, by: { id: string, name: string }): Promise<boolean> {
      const p = await trx.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').select(['p.id', 'p.state', 'p.requestId', 'r.state as requestState'])
        .where('p.id', '=', paymentId).where('r.dossierId', '=', dossierId).where('p.method', '=', 'transfer').forUpdate().executeTakeFirst()
      if (!p || p.state !== 'pending') throw new AppError('CONFLICT', 'Chứng từ này đã được xử lý.')
      if (!confirm) {
        await trx.updateTable('payments').set({ state: 'failed', decidedReason: reason, recordedBy: by.id, recordedByName: by.name, settledAt: clock() }).where('id', '=', p.id).execute()
        return false
      }
      if (p.requestState !== 'open') throw new AppError('CONFLICT', 'Khoản phí này đã được nộp.')
      await trx.updateTable('payments').set({ state: 'paid', recordedBy: by.id, recordedByName: by.name, settledAt: clock() }).where('id', '=', p.id).execute()
      await trx.updateTable('paymentRequests').set({ state: 'paid', paidAt: clock() }).where('id', '=', p.requestId).execute()
      await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', p.requestId).where('state', '=', 'pending').execute()
      await issueReceipt(trx, p.id)
      return true
    },

    /** A receipt of a dossier the reader may see (the caller checked the dossier), with what its PDF prints. */
    async receipt (dossierId: string, receiptId: number) {
      if (!Number.isSafeInteger(receiptId) || receiptId <= 0) throw new AppError('NOT_FOUND', 'no such receipt')
      const r = await db.kysely.selectFrom('receipts as c').innerJoin('payments as p', 'p.id', 'c.paymentId').innerJoin('paymentRequests as q', 'q.id', 'p.requestId')
        .innerJoin('agencies as a', 'a.code', 'c.agencyCode').selectAll('c').select(['p.method', 'p.recordedByName', 'a.name as agencyName'])
        .where('c.id', '=', receiptId).where('q.dossierId', '=', dossierId).executeTakeFirst()
      if (!r) throw new AppError('NOT_FOUND', 'no such receipt')
      return r
    },

    async receiptPdf (dossierId: string, receiptId: number, province: string): Promise<Buffer> {
      return receiptPdf(await service.receipt(dossierId, receiptId), province)
    },

    /** What the return page shows: never a decision, only what the IPN recorded (or that it is awaited). */
    async returnView (query: Record<string, string | undefined>) {
      const said = provider?.read(query)
      if (!said || typeof said === 'string') return { valid: false as const }
      const p = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
        .select(['p.state', 'p.amountVnd', 'd.code']).where('p.txnRef', '=', said.txnRef).executeTakeFirst()
      if (!p) return { valid: false as const }
      const code = said.responseCode ?? ''
      return { valid: true as const, state: p.state, amountVnd: p.amountVnd, dossierCode: p.code!, gatewaySays: RESPONSE_MESSAGES[code] ?? `Mã phản hồi ${code}`, gatewayOk: code === '00' }
    }
  }

  async function settle (q: Record<string, string | undefined>): Promise<{ RspCode: string, Message: string }> {
    const said = provider?.read(q) ?? 'bad-signature'
    if (said === 'bad-signature') return IPN_ANSWERS.badChecksum
    if (said === 'other-merchant') return IPN_ANSWERS.notFound
    const found = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
      .select(['p.id', 'p.amountVnd', 'd.code']).where('p.txnRef', '=', said.txnRef).where('p.method', '=', provider!.method).executeTakeFirst()
    if (!found) return IPN_ANSWERS.notFound
    if (said.amountVnd !== found.amountVnd) return IPN_ANSWERS.invalidAmount
    return applyOutcome(found, said)
  }

  /**
   * Settles a pending online payment once, whoever reports it (the IPN, or the reconciliation job's
   * transaction query); answers in the IPN's terms.
   */
  async function applyOutcome (found: { id: number, amountVnd: number, code: string | null }, said: Reported): Promise<{ RspCode: string, Message: string }> {
    const { success } = said
    const fields = { providerTxn: said.providerTxn, bankCode: said.bankCode, responseCode: said.responseCode, settledAt: said.settledAt }
    let answer: { RspCode: string, Message: string } = IPN_ANSWERS.ok
    // The dossier is locked first (as every change of a dossier does), then the payment: two
    // processes receiving the same notification serialize here, and the second answers 02.
    const work = async (trx: Executor): Promise<boolean> => {
      const p = await trx.selectFrom('payments').selectAll().where('id', '=', found.id).forUpdate().executeTakeFirstOrThrow()
      if (p.state === 'paid' || p.state === 'failed' || p.state === 'refunded' || (p.state !== 'pending' && !success)) { answer = IPN_ANSWERS.alreadyConfirmed; return false }
      if (!success) {
        await trx.updateTable('payments').set({ state: 'failed', ...fields }).where('id', '=', p.id).execute()
        return false
      }
      // Money taken. It pays the request if that is still open; otherwise (paid another way, or this
      // attempt was cancelled after another paid) it is recorded and flagged for refund, never lost.
      const r = await trx.selectFrom('paymentRequests').selectAll().where('id', '=', p.requestId).forUpdate().executeTakeFirstOrThrow()
      const pays = r.state === 'open'
      await trx.updateTable('payments').set({ state: 'paid', surplus: !pays, ...fields }).where('id', '=', p.id).execute()
      await issueReceipt(trx, p.id)
      if (pays) {
        await trx.updateTable('paymentRequests').set({ state: 'paid', paidAt: clock() }).where('id', '=', r.id).execute()
        await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', r.id).where('state', '=', 'pending').execute()
      }
      return pays
    }
    const system: Actor & { name: string } = { type: 'system', id: null, name: `Cổng thanh toán ${provider!.name}` }
    if (success) {
      // Paying moves the dossier back to processing (6 → 4) in the same transaction. When the dossier
      // is not waiting for fees (paid meanwhile, another way or by a twin notification) the state
      // machine refuses, and the payment is settled on its own below.
      try {
        await dossiers.act(system, found.code!, 'fees-paid', {
          message: `Đã thanh toán ${found.amountVnd.toLocaleString('vi-VN')} đồng trực tuyến qua ${provider!.name} (mã giao dịch ${fields.providerTxn ?? '—'}).`,
          within: async (trx) => { if (!(await work(trx))) throw new NotApplied() }
        })
        return answer
      } catch (err) {
        if (err instanceof NotApplied) return answer
        if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err
        answer = IPN_ANSWERS.ok
      }
    }
    await db.transaction(async trx => { await work(trx) })
    return answer
  }

  return service
}

/** Rolls back the dossier's move when the payment turned out not to pay it. */
class NotApplied extends Error {}

export type PaymentsService = ReturnType<typeof createPaymentsService>
