import { sql } from 'kysely'
import type { Config } from '../../config.js'
import type { Db, Executor } from '../../platform/db/db.js'
import { isOnlinePayment } from '../../platform/db/database.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import { transferMessage, vietQr } from './vietqr.js'
import { createOnlinePayments, type BillStore } from './online.js'
import { issueReceiptFor, localNumbering, receiptPdf, type ReceiptNumbering } from './receipts.js'
import { collectingAgencies, PAYMENT_COMPONENT, REFUND_JOB, type DossierLedger } from './payments.model.js'

export * from './payments.model.js'
export type { BillStore } from './online.js'

/**
 * Fees of dossiers: the payment request an official makes (the dossier waits in status 6), cash
 * recorded at the counter, and online payment through VNPay or the national platform (PayGov), where
 * the provider's server-to-server notification (VNPay's IPN, PayGov's confirm) or the answer to a
 * transaction query is the only thing that marks a payment paid.
 */
export function createPaymentsService (deps: { db: Db, dossiers: DossierLedger, jobs: JobQueue, config: Config, numbering?: ReceiptNumbering, sandboxSecret?: string | undefined, bills?: BillStore, now?: () => Date }) {
  const { db, dossiers, config } = deps
  const clock = deps.now ?? (() => new Date())
  const numbering = deps.numbering ?? localNumbering
  const issueReceipt = (trx: Executor, paymentId: number) => issueReceiptFor(trx, numbering, paymentId)

  /** The open request of a dossier and its payments. */
  async function openRequest (ex: Executor, dossierId: string, lock = false) {
    const q = ex.selectFrom('paymentRequests').selectAll().where('dossierId', '=', dossierId).where('state', '=', 'open')
    return (lock ? q.forUpdate() : q).executeTakeFirst()
  }

  /** The payment's money is back with the payer: it is marked refunded and its receipt cancelled by a record. */
  async function refunded (trx: Executor, paymentId: number, reason: string, by: { id?: string | null, name: string }): Promise<void> {
    await trx.updateTable('payments').set({ state: 'refunded', decidedReason: reason, recordedBy: by.id ?? null, recordedByName: by.name }).where('id', '=', paymentId).execute()
    await trx.updateTable('receipts').set({ cancelledAt: clock(), cancelReason: `Hoàn tiền: ${reason}` }).where('paymentId', '=', paymentId).where('cancelledAt', 'is', null).execute()
  }

  const online = createOnlinePayments({ db, dossiers, jobs: deps.jobs, config, sandboxSecret: deps.sandboxSecret, bills: deps.bills, clock, issueReceipt, openRequest, refunded })
  const { refundVia } = online

  const service = {
    ...online.service,

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
        sql<number>`count(*) filter (where exists (select 1 from payments p where p.request_id = r.id and ${isOnlinePayment('p.method')} and p.state = 'paid' and not p.surplus))::int`.as('online')
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
     * Where to transfer the open fees of a dossier: the collecting agency's account (the processing
     * agency's, else the receiving agency's) and the VietQR payload with the amount and the dossier
     * code as the message. Undefined when no account is on record.
     */
    async transferInfo (d: { id: string, code: string | null, agency: { code: string } | null, processingAgencyCode?: string | null }) {
      const r = await openRequest(db.kysely, d.id)
      if (!r) return undefined
      const a = (await collectingAgencies(db.kysely, d)).find(x => x.bankAccount)
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

  }

  return service
}

export type PaymentsService = ReturnType<typeof createPaymentsService>
