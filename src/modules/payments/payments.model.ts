import type { Config } from '../../config.js'
import type { Executor } from '../../platform/db/db.js'
import type { PaymentState } from '../../platform/db/database.js'
import type { Actor } from '../audit/audit.service.js'
import { signParams, vnpDate } from './vnpay.js'
import type { VnpaySettings } from './vnpay-provider.js'
import type { PayGovSettings } from './paygov-provider.js'

/** The sandbox's merchant code: it only ever talks to this portal. */
export const SANDBOX_TMN_CODE = 'MCSANDBOX'

/** The sandbox's signing secret: made at random for each database (migration 0036), never in the source. */
export async function sandboxSecretOf (db: Executor): Promise<string> {
  return (await db.selectFrom('paymentSandboxSecret').select('secret').executeTakeFirstOrThrow()).secret
}

/**
 * The gateway in use: VNPay as configured, or the built-in sandbox (demo profile, tests) signing with
 * `sandboxSecret`; none otherwise.
 */
export function gatewayOf (config: Config, sandboxSecret?: string): VnpaySettings | undefined {
  if (config.VNPAY_TMN_CODE && config.VNPAY_HASH_SECRET && config.VNPAY_PAYMENT_URL) {
    return { tmnCode: config.VNPAY_TMN_CODE, secret: config.VNPAY_HASH_SECRET, paymentUrl: config.VNPAY_PAYMENT_URL, apiUrl: config.VNPAY_API_URL, sandbox: false }
  }
  if ((config.PAYMENT_SANDBOX || config.DEMO) && sandboxSecret) {
    return { tmnCode: SANDBOX_TMN_CODE, secret: sandboxSecret, paymentUrl: `${config.PUBLIC_URL}/sandbox/vnpay/paymentv2/vpcpay.html`, apiUrl: `${config.PUBLIC_URL}${SANDBOX_API_PATH}`, sandbox: true }
  }
  return undefined
}

/**
 * The national payment platform in use: PayGov as configured, or (demo profile, tests) the stand-in
 * national portal's at `/sandbox/dvcqg/paygov`, whose messages carry the sandbox's secret; none otherwise.
 */
export function payGovOf (config: Config, sandboxSecret?: string): PayGovSettings | undefined {
  if (config.PAYGOV_INIT_URL && config.PAYGOV_QUERY_URL && config.PAYGOV_BILL_URL && config.PAYGOV_PARTNER_CODE && config.PAYGOV_SECRET) {
    return { initUrl: config.PAYGOV_INIT_URL, queryUrl: config.PAYGOV_QUERY_URL, billUrl: config.PAYGOV_BILL_URL, partner: config.PAYGOV_PARTNER_CODE, secret: config.PAYGOV_SECRET, token: config.PAYGOV_TOKEN, sandbox: false }
  }
  if ((config.DVCQG_STANDIN || config.DEMO) && sandboxSecret) {
    const base = `${config.PUBLIC_URL}${PAYGOV_SANDBOX_PREFIX}`
    return { initUrl: `${base}/init`, queryUrl: `${base}/query`, billUrl: `${base}/bill`, partner: SANDBOX_TMN_CODE, secret: sandboxSecret, token: config.DVCQG_TOKEN, sandbox: true }
  }
  return undefined
}

export const PAYMENT_STATE_LABELS: Record<PaymentState, string> = {
  pending: 'Đang chờ thanh toán', paid: 'Đã thanh toán', failed: 'Không thành công', expired: 'Hết hạn', cancelled: 'Đã hủy', refunded: 'Đã hoàn tiền'
}
export const METHOD_LABELS = { cash: 'Tiền mặt tại bộ phận một cửa', transfer: 'Chuyển khoản', vnpay: 'Trực tuyến qua VNPay', paygov: 'Trực tuyến qua Nền tảng thanh toán quốc gia (PayGov)' } as const

export const IPN_PATH = '/api/v1/payments/vnpay/ipn'
/** The dossier component under which transfer slips are kept. */
export const PAYMENT_COMPONENT = 'payment'
export const RECONCILE_JOB = 'payments.reconcile'
export const SANDBOX_IPN_JOB = 'payments.sandbox-ipn'
export const REFUND_JOB = 'payments.refund'
export const SANDBOX_API_PATH = '/sandbox/vnpay/merchant_webapi/api/transaction'
export const RETURN_PATH = '/thanh-toan/vnpay/ket-qua'
/** PayGov's confirm callback (server to server, JSON) and the page its payer comes back to. */
export const PAYGOV_CONFIRM_PATH = '/api/v1/payments/paygov/confirm'
export const PAYGOV_RETURN_PATH = '/thanh-toan/paygov/ket-qua'
/** Where the stand-in national portal answers PayGov's messages (demo, tests). */
export const PAYGOV_SANDBOX_PREFIX = '/sandbox/dvcqg/paygov'
export const PAYGOV_BILL_JOB = 'payments.paygov-bill'

/** A dossier as payments reads it: whose it is, where it stands, which agencies collect for it. */
export interface PayableDossier {
  id: string, code: string | null, status: number, agency: { code: string } | null, processingAgencyCode?: string | null
  /** What PayGov's receipt data names: the procedure and the applicant. */
  procedure?: { code: string, name: string }
  applicant?: { fullName?: string, idNumber?: string, address?: string }
}

/** The agencies that collect a dossier's fees, in that order: the processing agency, then the receiving one. */
export async function collectingAgencies (db: Executor, d: Pick<PayableDossier, 'agency' | 'processingAgencyCode'>) {
  const codes = [...new Set([d.processingAgencyCode ?? '', d.agency?.code ?? ''].filter(Boolean))]
  if (codes.length === 0) return []
  const rows = await db.selectFrom('agencies').select(['code', 'name', 'bankAccount', 'onlinePayment']).where('code', 'in', codes).execute()
  return codes.flatMap(c => rows.filter(r => r.code === c))
}

/** Who records a payment's event in a dossier's history: the gateway (the system) or an official. */
export type LedgerActor = Actor & { name: string }

/**
 * What payments needs of the dossiers module, which the composition root gives it (the dossiers
 * service satisfies it): a citizen's own dossier, and events and moves in a dossier's history written
 * in one transaction with payments' own rows. Payments never imports the dossiers module.
 */
export interface DossierLedger {
  get (accountId: string, code: string): Promise<PayableDossier>
  record (actor: LedgerActor, code: string, e: { action: string, message?: string | null, notify?: { subject: string, body: string } }, within: (trx: Executor) => Promise<void>): Promise<void>
  act (actor: LedgerActor, code: string, action: 'fees-paid', input: { message: string, within: (trx: Executor) => Promise<void> }): Promise<unknown>
  attachInTransaction (trx: Executor, dossierId: string, component: string, fileIds: string[]): Promise<void>
}


/** The sandbox's signed answer for a payment (the return URL's query and the IPN's). */
export function sandboxAnswer (secret: string, params: { txnRef: string, amount: string, info: string, approve: boolean, at: Date, transactionNo: string }): string {
  return signParams(secret, {
    vnp_Amount: params.amount, vnp_BankCode: 'NCB', vnp_BankTranNo: `VNP${params.transactionNo}`, vnp_CardType: 'ATM', vnp_OrderInfo: params.info,
    vnp_PayDate: vnpDate(params.at), vnp_ResponseCode: params.approve ? '00' : '24', vnp_TmnCode: SANDBOX_TMN_CODE, vnp_TransactionNo: params.transactionNo,
    vnp_TransactionStatus: params.approve ? '00' : '02', vnp_TxnRef: params.txnRef
  })
}
