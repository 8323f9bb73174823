import { ONLINE_PAYMENT_METHODS } from '../../platform/db/database.js'

/**
 * An online payment provider: VNPay (a bank gateway) or the national payment platform (PayGov). The
 * payments service speaks only to this interface: it records orders, settles them from what the
 * provider reports, and keeps every state change to itself.
 */
export interface OnlineProvider {
  /** The payment method recorded on payments made through it. */
  readonly method: OnlineMethod
  /** The name shown to people ("VNPay"). */
  readonly name: string
  /** Whether this is the built-in sandbox (demo profile, tests). */
  readonly sandbox: boolean
  /** Whether it answers transaction queries (its server API is configured). */
  readonly hasApi: boolean
  /** What the citizen may pick before going to the provider (a bank, a kind of card); codes are unique across providers. */
  readonly choices: ReadonlyArray<{ code: string, label: string }>
  /** The URL the citizen's browser is sent to, to pay the order (PayGov makes it on its side: INIT). */
  checkout (order: Order): Promise<string>
  /** A notification (server-to-server, or the browser's return) verified and read; why not, when it cannot be trusted. */
  read (query: Record<string, unknown>): Reported | 'bad-signature' | 'other-merchant'
  /** What a response code means, for the citizen's return page. */
  describe (code: string): string
  /** What the provider knows of an order: settled (paid or failed), still open, or never completed there. */
  query (order: { txnRef: string, createdAt: Date, amountVnd: number }, now: Date): Promise<{ kind: 'settled', reported: Reported } | { kind: 'open' } | { kind: 'unknown' }>
  /**
   * Asks the provider to return money of a paid order, when it takes refunds (VNPay with its API;
   * PayGov's protocol has no refund message). Accepted or refused (for good: the official refunds
   * another way); a failure to get an answer throws, so the caller retries.
   */
  refund?: (r: { txnRef: string, amountVnd: number, full: boolean, providerTxn: string | null, paidAt: Date, by: string, requestId: string, now: Date }) => Promise<{ accepted: boolean, code: string, message: string }>
  /** The provider's own e-receipt of a paid order (PayGov's GET_BILL), when it issues one; a failure to get it throws. */
  bill?: (txnRef: string, now: Date) => Promise<Buffer>
}

export type OnlineMethod = typeof ONLINE_PAYMENT_METHODS[number]

/** What an order carries; `receipt` is the receipt data PayGov's INIT requires. */
export interface Order {
  txnRef: string, amountVnd: number, info: string, returnUrl: string, ip: string, createdAt: Date, expiresAt: Date, choice?: string | undefined
  receipt: OrderReceipt
}

/** Who pays what to whom, as the national platform's e-receipt prints it. */
export interface OrderReceipt {
  procedureCode: string, procedureName: string, agencyCode: string, agencyName: string, dossierCode: string,
  account: { number: string, bank: string, name: string }, payer: { name: string, idNumber: string, address: string },
  fees: Array<{ name: string, amountVnd: number }>
}

/** What the provider reports of an order. */
export interface Reported {
  txnRef: string
  /** In đồng. */
  amountVnd: number
  success: boolean
  providerTxn: string | null
  bankCode: string | null
  responseCode: string | null
  settledAt: Date
}
