/** What the fault battery (test/chaos.ts) is asked to do, what it reports, and the report as the table the issue asks for. */

export interface BatteryOptions {
  engine: 'pglite' | 'postgres'
  /** Dossiers to submit (each: an upload, then "Nộp hồ sơ"). */
  submissions: number
  /** Citizens working at once. */
  clients: number
  /** A citizen's pause between two dossiers, on average (default 150 ms). */
  thinkMs?: number
  /** SIGKILLs of the app process. */
  appKills: number
  /** SIGTERMs of the app process (a graceful stop, then a start). */
  appStops: number
  /** Crash restarts of PostgreSQL (postgres only). */
  databaseCrashes: number
  /** Times every PostgreSQL connection is taken while the app restarts (postgres only). */
  poolExhaustions: number
  /** Times the mail server and the SMS gateway go away for a few seconds. */
  messagingOutages: number
  /** Every n-th acknowledged submission goes through the officials' whole process, with the fees paid at the VNPay gateway (0: none). */
  officeEvery: number
  /** Times the payment gateway goes away, or turns slow, for a few seconds. */
  gatewayOutages: number
  /** Times the virus scanner (clamd) goes away for a few seconds. */
  scannerOutages: number
  /** Where files are kept: DATA_DIR/files (default), or S3-compatible storage at the edge. */
  storage?: 'local' | 's3'
  /** Times the S3 storage goes away for a few seconds (storage 's3'). */
  storageOutages: number
  /** Times the files' disk is full for a few seconds (storage 'local'; its tmpfs needs root). */
  diskFull: number
  /** App processes (several: behind HAProxy, with a worker process of their own; PostgreSQL only). */
  appProcesses?: number
  /** The load lasts at least this long (a sustained run); the bare route, memory and queue lag are sampled meanwhile. */
  durationMs?: number
  log?: (line: string) => void
}

export interface BatteryReport {
  engine: BatteryOptions['engine']
  faults: Record<string, number>
  requests: number
  retried: number
  acknowledged: number
  lost: number
  duplicated: number
  /** Uploads stored twice because the answer to the first was lost and the browser sent it again. */
  uploadsRepeated: number
  /** Messages queued, and how many reached the mail server or SMS gateway more than once (the same Message-ID / Idempotency-Key). */
  messages: number
  messagesRepeated: number
  /** Requests the server had received when told to stop (SIGTERM), and how many of them it did not answer. */
  inFlightAtStop: number
  cutByStop: number
  /** Times the app process exited on its own and the supervisor started it again. */
  supervisorRestarts: number
  /** The longest time from a fault to the app answering /readyz again. */
  recoveredWithinSeconds: number
  /** Transitions the officials' browsers were answered as done (303), on how many dossiers. */
  transitions: number
  officeDossiers: number
  /** Payments the gateway approved (the citizen's money taken), their total, and the total the portal recorded as paid online. */
  payments: number
  moneyTaken: number
  moneyRecorded: number
  /** Faults that could not be injected on this machine, and why. */
  notInjected: string[]
  /** Everything an invariant found wrong, in words. */
  problems: string[]
  /** Answers of 5xx or none at all (connection refused or cut), from the clients' side: the faults' doing, or errors. */
  serverErrors: number
  durationSeconds: number
  /** Answer times by route, the bare route (`GET /healthz (bare route)`) among them when sampled. */
  routes: Array<{ route: string, count: number, p50: number, p99: number }>
  memory: Array<{ process: string, firstMinuteMb: number, settledMb: number, lastMinuteMb: number, maxMb: number }>
  queueLagMaxSeconds: number
}

/** The report as the table the issue asks for. */
export function reportTable (reports: BatteryReport[]): string {
  const rows = [['engine', 'faults injected', 'requests', 'sent again', 'submissions acknowledged', 'transitions acknowledged (dossiers)', 'payments approved (đồng taken / recorded)', 'lost', 'duplicated', 'uploads repeated', 'messages', 'messages repeated', 'in flight at SIGTERM', 'cut', 'exited on its own', 'recovered within']]
  for (const r of reports) {
    rows.push([r.engine, Object.entries(r.faults).map(([k, v]) => `${v} ${k}`).join(', '), String(r.requests), String(r.retried), String(r.acknowledged), `${r.transitions} (${r.officeDossiers})`, `${r.payments} (${r.moneyTaken} / ${r.moneyRecorded})`, String(r.lost), String(r.duplicated), String(r.uploadsRepeated), String(r.messages), String(r.messagesRepeated), String(r.inFlightAtStop), String(r.cutByStop), String(r.supervisorRestarts), `${r.recoveredWithinSeconds.toFixed(1)} s`])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  return rows.map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')
}
