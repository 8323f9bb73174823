/**
 * An online payment provider (a bank gateway): VNPay now; the national payment platform (PayGov)
 * is the next to implement this. The payments service speaks only to this interface: it records
 * orders, settles them from what the provider reports, and keeps every state change to itself.
 */
export interface OnlineProvider {
  /** The payment method recorded on payments made through it. */
  readonly method: 'vnpay'
  /** The name shown to people ("VNPay"). */
  readonly name: string
  /** Whether this is the built-in sandbox (demo profile, tests). */
  readonly sandbox: boolean
  /** Whether it answers transaction queries and refunds (its server API is configured). */
  readonly hasApi: boolean
  /** What the citizen may pick before going to the provider (a bank, a kind of card); '' leaves the choice to the provider's page. */
  readonly choices: ReadonlyArray<{ code: string, label: string }>
  /** The URL the citizen's browser is sent to, to pay the order. */
  checkoutUrl (order: Order): string
  /** A notification (server-to-server, or the browser's return) verified and read; why not, when it cannot be trusted. */
  read (query: Record<string, string | undefined>): Reported | 'bad-signature' | 'other-merchant'
  /** What the provider knows of an order: settled (paid or failed), still open, or never completed there. */
  query (order: { txnRef: string, createdAt: Date, amountVnd: number }, now: Date): Promise<{ kind: 'settled', reported: Reported } | { kind: 'open' } | { kind: 'unknown' }>
  /**
   * Asks the provider to return money of a paid order. Accepted or refused (for good: the official
   * refunds another way); a failure to get an answer throws, so the caller retries.
   */
  refund (r: { txnRef: string, amountVnd: number, full: boolean, providerTxn: string | null, paidAt: Date, by: string, requestId: string, now: Date }): Promise<{ accepted: boolean, code: string, message: string }>
}

export interface Order { txnRef: string, amountVnd: number, info: string, returnUrl: string, ip: string, createdAt: Date, expiresAt: Date, choice?: string | undefined }

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
