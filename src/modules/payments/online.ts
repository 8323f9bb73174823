import type { Config } from '../../config.js'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { Actor } from '../audit/audit.service.js'
import { IPN_ANSWERS, orderInfo, vnpDate } from './vnpay.js'
import { vnpayProvider } from './vnpay-provider.js'
import { payGovProvider } from './paygov-provider.js'
import { ONLINE_PAYMENT_METHODS } from '../../platform/db/database.js'
import { type OnlineMethod, type OnlineProvider, type Reported } from './provider.js'
import { collectingAgencies, gatewayOf, payGovOf, PAYGOV_BILL_JOB, PAYMENT_COMPONENT, RETURN_PATH, RECONCILE_JOB, REFUND_JOB, SANDBOX_IPN_JOB, type DossierLedger, type PayableDossier } from './payments.model.js'

/** Where a provider's e-receipt (PayGov's GET_BILL) is kept: the files module, given by the composition root. */
export interface BillStore { store (name: string, pdf: Buffer): Promise<string> }

type OpenRequest = { id: number, amountVnd: number, note: string | null }

/**
 * Online payment through the providers the portal has (VNPay, the national platform PayGov): what the
 * citizen may choose, the order sent to the provider, and its settlement — by the provider's
 * server-to-server notification (VNPay's IPN, PayGov's confirm) or the answer to a transaction query,
 * once, whoever reports first; the provider's refunds and e-receipts, by jobs.
 */
export function createOnlinePayments (deps: {
  db: Db, dossiers: DossierLedger, jobs: JobQueue, config: Config, sandboxSecret: string | undefined, bills: BillStore | undefined, clock: () => Date
  issueReceipt: (trx: Executor, paymentId: number) => Promise<void>
  openRequest: (ex: Executor, dossierId: string, lock?: boolean) => Promise<OpenRequest | undefined>
  refunded: (trx: Executor, paymentId: number, reason: string, by: { id?: string | null, name: string }) => Promise<void>
}) {
  const { db, dossiers, config, clock, issueReceipt, openRequest, refunded } = deps
  const gateway = gatewayOf(config, deps.sandboxSecret)
  const vnpay = gateway ? vnpayProvider(gateway) : undefined
  const payGovSettings = payGovOf(config, deps.sandboxSecret)
  const paygov = payGovSettings ? payGovProvider(payGovSettings) : undefined
  /** The online providers the portal has, by the method their payments record. */
  const providers = new Map<OnlineMethod, OnlineProvider>([vnpay, paygov].flatMap(p => p ? [[p.method, p] as const] : []))
  const providerOf = (method: string) => providers.get(method as OnlineMethod)
  // The sandbox's IPN is sent by a job (any worker process), retried with back-off until answered.
  if (vnpay?.sandbox) {
    deps.jobs.register<{ url: string }>(SANDBOX_IPN_JOB, async (job) => {
      const res = await fetch(job.payload.url)
      const body = await res.json().catch(() => undefined) as { RspCode?: string } | undefined
      if (!body?.RspCode) throw new Error(`IPN not answered (${res.status})`)
    })
  }

  /**
   * How a payment's money goes back: through the gateway it was paid by (when its API is configured),
   * else by hand — and by hand once the gateway has refused to refund it.
   */
  const refundVia = (method: string, refusedBefore = false): 'gateway' | 'manual' => providerOf(method)?.refund && !refusedBefore ? 'gateway' : 'manual'

  // A refund asked of the gateway: retried with back-off while it does not answer; accepted, the
  // payment is refunded; refused (or never answered), the official is told and refunds another way.
  if ([...providers.values()].some(p => p.refund)) {
    deps.jobs.register<{ refundId: number }>(REFUND_JOB, async (job) => {
      const r = await db.kysely.selectFrom('paymentRefunds as f').innerJoin('payments as p', 'p.id', 'f.paymentId').innerJoin('paymentRequests as q', 'q.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'q.dossierId')
        .select(['f.id', 'f.state', 'f.amountVnd', 'f.reason', 'f.requestedByName', 'p.id as paymentId', 'p.method', 'p.amountVnd as paidVnd', 'p.txnRef', 'p.providerTxn', 'p.settledAt', 'd.code'])
        .where('f.id', '=', job.payload.refundId).executeTakeFirst()
      const provider = providerOf(r?.method ?? '')
      if (!r || r.state !== 'requested' || !provider?.refund) return
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
  }
  if ([...providers.values()].some(p => p.hasApi)) {
    deps.jobs.registerPeriodic(RECONCILE_JOB, 5 * 60_000, async (_job, { log }) => {
      const r = await service.reconcile()
      if (r.checked > 0) log.info(r, 'reconciled online payments left pending')
    })
  }
  // The provider's own e-receipt of a paid order, fetched after the payment settles (retried with
  // back-off while the provider cannot give it) and attached to the dossier; once.
  const billing = [...providers.values()].filter(p => p.bill)
  if (billing.length > 0 && deps.bills) {
    const bills = deps.bills
    deps.jobs.register<{ paymentId: number }>(PAYGOV_BILL_JOB, async (job) => {
      const p = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as q', 'q.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'q.dossierId')
        .select(['p.id', 'p.method', 'p.txnRef', 'p.billFileId', 'p.state', 'q.dossierId', 'd.code']).where('p.id', '=', job.payload.paymentId).executeTakeFirst()
      const provider = providerOf(p?.method ?? '')
      if (!p || p.billFileId || !provider?.bill || (p.state !== 'paid' && p.state !== 'refunded')) return
      const fileId = await bills.store(`Bien-lai-${provider.name}-${p.txnRef}.pdf`, await provider.bill(p.txnRef!, clock()))
      const system: Actor & { name: string } = { type: 'system', id: null, name: `Cổng thanh toán ${provider.name}` }
      await dossiers.record(system, p.code!, { action: 'receipt-attached', message: `Đã nhận biên lai điện tử của ${provider.name} cho giao dịch ${p.txnRef}.` }, async (trx) => {
        const set = await trx.updateTable('payments').set({ billFileId: fileId }).where('id', '=', p.id).where('billFileId', 'is', null).executeTakeFirst()
        if (Number(set.numUpdatedRows) !== 1) throw new NotApplied()
        await dossiers.attachInTransaction(trx, p.dossierId, PAYMENT_COMPONENT, [fileId])
      }).catch(err => { if (!(err instanceof NotApplied)) throw err })
    })
  }


  const service = {
    /** Whether the built-in VNPay sandbox is in use (its routes exist only then). */
    sandbox: vnpay?.sandbox ?? false,
    /** The sandbox's signing secret, when the sandbox is in use. */
    sandboxSecret: vnpay?.sandbox ? gateway!.secret : undefined,
    /** The stand-in PayGov's partner code and secret, when the portal pays through it (the stand-in national portal checks its messages with them). */
    payGovSandbox: payGovSettings?.sandbox ? { partner: payGovSettings.partner, secret: payGovSettings.secret } : undefined,

    /**
     * What the citizen may pick to pay a dossier online: the choices of the providers its collecting
     * agency takes (the processing agency's setting, else the receiving agency's; unset, every one the
     * portal has). Empty when online payment is not offered.
     */
    async choicesFor (d: Pick<PayableDossier, 'agency' | 'processingAgencyCode'>): Promise<Array<{ code: string, label: string, method: OnlineMethod }>> {
      if (providers.size === 0) return []
      const chosen = (await collectingAgencies(db.kysely, d)).find(a => a.onlinePayment)?.onlinePayment
      const offered = chosen && providers.has(chosen) ? [providers.get(chosen)!] : [...providers.values()]
      return offered.flatMap(p => p.choices.map(c => ({ ...c, method: p.method })))
    },

    /**
     * Online payments still pending after their time at the gateway (plus a margin for a late IPN):
     * asks the gateway what happened (QueryDR) and settles each as the IPN would have; an order the
     * gateway never saw completed expires.
     */
    async reconcile (now = clock()): Promise<{ checked: number, paid: number, failed: number, expired: number }> {
      const counts = { checked: 0, paid: 0, failed: 0, expired: 0 }
      const asking = [...providers.values()].filter(p => p.hasApi).map(p => p.method)
      if (asking.length === 0) return counts
      const before = new Date(now.getTime() - (config.PAYMENT_PENDING_MINUTES + 5) * 60_000)
      const due = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
        .select(['p.id', 'p.method', 'p.amountVnd', 'p.txnRef', 'p.createdAt', 'd.code']).where('p.method', 'in', asking).where('p.state', '=', 'pending')
        .where('p.createdAt', '<', before).orderBy('p.id').limit(100).execute()
      for (const p of due) {
        counts.checked++
        const provider = providerOf(p.method)!
        const known = await provider.query({ txnRef: p.txnRef!, createdAt: p.createdAt, amountVnd: p.amountVnd }, now)
        if (known.kind === 'settled') {
          if (known.reported.amountVnd !== p.amountVnd) throw new Error(`transaction query for ${p.txnRef}: amount ${known.reported.amountVnd} differs`)
          await applyOutcome(provider, { id: p.id, amountVnd: p.amountVnd, code: p.code }, known.reported)
          if (known.reported.success) counts.paid++; else counts.failed++
        } else if (known.kind === 'unknown') {
          // The gateway never completed this order: its time is over.
          await db.kysely.updateTable('payments').set({ state: 'expired', settledAt: now }).where('id', '=', p.id).where('state', '=', 'pending').execute()
          counts.expired++
        }
      }
      return counts
    },

    /**
     * The citizen starts an online payment of their dossier's open request: any attempt still pending
     * is cancelled, a new one is recorded, and the gateway URL comes back.
     */
    async startOnline (accountId: string, code: string, ip: string, choice = ''): Promise<string> {
      if (providers.size === 0) throw new AppError('CONFLICT', 'Cổng chưa cấu hình thanh toán trực tuyến; hãy nộp tại bộ phận một cửa.')
      const d = await dossiers.get(accountId, code)
      const picked = (await service.choicesFor(d)).find(c => c.code === choice)
      if (!picked) throw new AppError('VALIDATION', 'no such choice', [{ field: 'bank', message: 'Chọn một cách thanh toán trong danh sách' }])
      const provider = providers.get(picked.method)!
      if (d.status !== 6) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
      const now = clock()
      const payment = await db.transaction(async (trx) => {
        const r = await openRequest(trx, d.id, true)
        if (!r) throw new AppError('CONFLICT', 'Hồ sơ không có khoản phí đang chờ nộp.')
        await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', r.id).where('method', 'in', [...ONLINE_PAYMENT_METHODS]).where('state', '=', 'pending').execute()
        const p = await trx.insertInto('payments').values({ requestId: r.id, method: provider.method, state: 'pending', amountVnd: r.amountVnd, createdAt: now }).returning(['id', 'amountVnd']).executeTakeFirstOrThrow()
        // Unique per day as VNPay requires (and per attempt, as PayGov's MaThamChieu must be): the date and the payment's number.
        const txnRef = `MC${vnpDate(now).slice(2, 8)}${String(p.id).padStart(8, '0')}`
        await trx.updateTable('payments').set({ txnRef }).where('id', '=', p.id).execute()
        return { ...p, txnRef, note: r.note }
      })
      const receipt = await receiptData(d, payment.amountVnd, payment.note)
      try {
        return await provider.checkout({
          txnRef: payment.txnRef, amountVnd: payment.amountVnd, info: `Thanh toan phi ho so ${code}`, returnUrl: `${config.PUBLIC_URL}${RETURN_PATH}`, ip, choice,
          createdAt: now, expiresAt: new Date(now.getTime() + config.PAYMENT_PENDING_MINUTES * 60_000), receipt
        })
      } catch (err) {
        // The provider did not take the order (refused, or did not answer): the attempt is void, the citizen may try again.
        await db.kysely.updateTable('payments').set({ state: 'failed', settledAt: clock(), decidedReason: `${provider.name} chưa nhận yêu cầu thanh toán` }).where('id', '=', payment.id).where('state', '=', 'pending').execute()
        throw new AppError('UPSTREAM_UNAVAILABLE', `${provider.name} did not take order ${payment.txnRef}: ${err instanceof Error ? err.message : String(err)}`)
      }
    },

    /** PayGov's confirm callback: checked and settled as VNPay's IPN is, answered in PayGov's terms (the message echoed, with MaLoi and MoTaLoi). */
    async payGovConfirm (body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const answer = paygov ? await settle(paygov, body).catch(() => IPN_ANSWERS.unknown) : IPN_ANSWERS.notFound
      await db.kysely.insertInto('paymentNotifications').values({ provider: 'paygov', query: JSON.stringify(body), answer: answer.RspCode }).execute()
      const { MaXacThuc: _checksum, ...echo } = body
      return { ...echo, MaLoi: answer.RspCode, MoTaLoi: answer.Message }
    },

    /**
     * The gateway's notification, the source of truth: checksum, merchant, order, amount, then the
     * outcome, once. Every notification is stored with the answer given.
     */
    async ipn (query: Record<string, string | undefined>): Promise<{ RspCode: string, Message: string }> {
      const answer = vnpay ? await settle(vnpay, query).catch(() => IPN_ANSWERS.unknown) : IPN_ANSWERS.notFound
      await db.kysely.insertInto('paymentNotifications').values({ provider: 'vnpay', query: JSON.stringify(query), answer: answer.RspCode }).execute()
      return answer
    },

    /** What the return page shows: never a decision, only what the IPN recorded (or that it is awaited). */
    async returnView (query: Record<string, string | undefined>, method: OnlineMethod = 'vnpay') {
      const provider = providers.get(method)
      const said = provider?.read(query)
      if (!provider || !said || typeof said === 'string') return { valid: false as const }
      const p = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
        .select(['p.state', 'p.amountVnd', 'd.code']).where('p.txnRef', '=', said.txnRef).executeTakeFirst()
      if (!p) return { valid: false as const }
      const code = said.responseCode ?? ''
      return { valid: true as const, state: p.state, amountVnd: p.amountVnd, dossierCode: p.code!, gatewaySays: provider.describe(code), gatewayOk: code === '00' }
    }
  }

  /** The receipt data of an order: the procedure, the collecting agency and its account, the applicant, the fees. */
  async function receiptData (d: PayableDossier, amountVnd: number, note: string | null) {
    const agencies = await collectingAgencies(db.kysely, d)
    const a = agencies[0]
    const account = agencies.find(x => x.bankAccount)?.bankAccount
    return {
      procedureCode: d.procedure?.code ?? '', procedureName: d.procedure?.name ?? '', agencyCode: a?.code ?? '', agencyName: a?.name ?? '', dossierCode: d.code ?? '',
      account: { number: account?.number ?? '', bank: account?.bin ?? '', name: account?.name ?? '' },
      payer: { name: d.applicant?.fullName ?? '', idNumber: d.applicant?.idNumber ?? '', address: d.applicant?.address ?? '' },
      fees: [{ name: note ?? `Phí, lệ phí hồ sơ ${d.code ?? ''}`, amountVnd }]
    }
  }

  async function settle (provider: OnlineProvider, q: Record<string, unknown>): Promise<{ RspCode: string, Message: string }> {
    const said = provider.read(q)
    if (said === 'bad-signature') return IPN_ANSWERS.badChecksum
    if (said === 'other-merchant') return IPN_ANSWERS.notFound
    const found = await db.kysely.selectFrom('payments as p').innerJoin('paymentRequests as r', 'r.id', 'p.requestId').innerJoin('dossiers as d', 'd.id', 'r.dossierId')
      .select(['p.id', 'p.amountVnd', 'd.code']).where('p.txnRef', '=', said.txnRef).where('p.method', '=', provider.method).executeTakeFirst()
    if (!found) return IPN_ANSWERS.notFound
    if (said.amountVnd !== found.amountVnd) return IPN_ANSWERS.invalidAmount
    return applyOutcome(provider, found, said)
  }

  /**
   * Settles a pending online payment once, whoever reports it (the IPN, or the reconciliation job's
   * transaction query); answers in the IPN's terms.
   */
  async function applyOutcome (provider: OnlineProvider, found: { id: number, amountVnd: number, code: string | null }, said: Reported): Promise<{ RspCode: string, Message: string }> {
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
      if (provider.bill && deps.bills) await deps.jobs.enqueue(trx, PAYGOV_BILL_JOB, { paymentId: p.id }, { maxAttempts: 10 })
      if (pays) {
        await trx.updateTable('paymentRequests').set({ state: 'paid', paidAt: clock() }).where('id', '=', r.id).execute()
        await trx.updateTable('payments').set({ state: 'cancelled', settledAt: clock() }).where('requestId', '=', r.id).where('state', '=', 'pending').execute()
      }
      return pays
    }
    const system: Actor & { name: string } = { type: 'system', id: null, name: `Cổng thanh toán ${provider.name}` }
    if (success) {
      // Paying moves the dossier back to processing (6 → 4) in the same transaction. When the dossier
      // is not waiting for fees (paid meanwhile, another way or by a twin notification) the state
      // machine refuses, and the payment is settled on its own below.
      try {
        await dossiers.act(system, found.code!, 'fees-paid', {
          message: `Đã thanh toán ${found.amountVnd.toLocaleString('vi-VN')} đồng trực tuyến qua ${provider.name} (mã giao dịch ${fields.providerTxn ?? '—'}).`,
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

  return { service, refundVia }
}

/** Rolls back the dossier's move when the payment turned out not to pay it. */
class NotApplied extends Error {}
