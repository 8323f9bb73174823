/**
 * The life of a dossier (domain §3) as one pure state machine, used by the citizen's side and the
 * back office alike. Status codes are those of the National Public Service Portal; 0 is a draft.
 */
export type DossierStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10

export const STATUS_LABELS: Record<DossierStatus, string> = {
  0: 'Nháp',
  1: 'Mới đăng ký (chờ tiếp nhận)',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả'
}

export type DossierAction =
  | 'submit' | 'receive' | 'request-supplement' | 'refuse' | 'supplement' | 'supplement-expired'
  | 'start-processing' | 'request-fees' | 'fees-paid' | 'finish' | 'return-result' | 'withdraw' | 'stop'

/** What the machine needs to know besides the status. */
export interface TransitionContext {
  /** The dossier was received (status 2 reached) before; decides where a supplement leads. */
  received?: boolean
  /** Supplement requests already made during processing (at most one is allowed). */
  supplementsDuringProcessing?: number
  /** Supplement requests already made before reception (form 02 asks once, for everything). */
  supplementsBeforeReception?: number
  /** A decision (approval or refusal) has been issued: withdrawing is no longer possible. */
  decisionIssued?: boolean
}

export class TransitionError extends Error {
  constructor (readonly from: DossierStatus, readonly action: DossierAction, reason: string) {
    super(reason)
    this.name = 'TransitionError'
  }
}

type Rule = (ctx: TransitionContext) => DossierStatus | string

/** After reception the agency may ask for a supplement once (Decree 61/2018 art. 16 as amended by 107/2021). */
const onceDuringProcessing: Rule = (c) => (c.supplementsDuringProcessing ?? 0) >= 1 ? 'Trong quá trình xử lý chỉ được yêu cầu bổ sung một lần.' : 5

/** Before reception the desk asks once, for everything missing at once (form 02; Decree 61/2018 art. 15). */
const onceBeforeReception: Rule = (c) => (c.supplementsBeforeReception ?? 0) >= 1
  ? 'Trước khi tiếp nhận chỉ được yêu cầu bổ sung một lần, đầy đủ mọi nội dung (mẫu 02). Hãy tiếp nhận hoặc từ chối tiếp nhận hồ sơ.'
  : 5

/** from status → action → next status, or the reason (Vietnamese, shown to people) it is not allowed. */
const RULES: Partial<Record<DossierStatus, Partial<Record<DossierAction, Rule>>>> = {
  0: { submit: () => 1 },
  1: {
    receive: () => 2,
    'request-supplement': onceBeforeReception,
    refuse: () => 3,
    withdraw: () => 7
  },
  2: {
    'start-processing': () => 4,
    'request-supplement': onceDuringProcessing,
    withdraw: (c) => c.decisionIssued ? 'Hồ sơ đã có quyết định, không thể rút.' : 7
  },
  4: {
    'request-supplement': onceDuringProcessing,
    'request-fees': () => 6,
    finish: () => 9,
    stop: () => 8,
    withdraw: (c) => c.decisionIssued ? 'Hồ sơ đã có quyết định, không thể rút.' : 7
  },
  5: {
    supplement: (c) => c.received ? 4 : 1,
    'supplement-expired': () => 8,
    withdraw: () => 7
  },
  6: { 'fees-paid': () => 4, withdraw: (c) => c.decisionIssued ? 'Hồ sơ đã có quyết định, không thể rút.' : 7 },
  9: { 'return-result': () => 10 }
}

/** The next status, or throws TransitionError with a reason a person can read. */
export function transition (from: DossierStatus, action: DossierAction, ctx: TransitionContext = {}): DossierStatus {
  const rule = RULES[from]?.[action]
  if (!rule) throw new TransitionError(from, action, `Không thể thực hiện thao tác này khi hồ sơ ở trạng thái “${STATUS_LABELS[from]}”.`)
  const next = rule(ctx)
  if (typeof next === 'string') throw new TransitionError(from, action, next)
  return next
}

/** Whether the action is allowed now (for showing or hiding a button). */
export function can (from: DossierStatus, action: DossierAction, ctx: TransitionContext = {}): boolean {
  const rule = RULES[from]?.[action]
  return rule !== undefined && typeof rule(ctx) === 'number'
}

/** Statuses in which nothing more happens. */
export const FINAL_STATUSES: readonly DossierStatus[] = [3, 7, 8, 10]

export const isDossierStatus = (n: number): n is DossierStatus => Number.isInteger(n) && n >= 0 && n <= 10
