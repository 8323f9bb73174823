import { test } from 'node:test'
import assert from 'node:assert/strict'
import { can, transition, TransitionError, STATUS_LABELS, type DossierAction, type DossierStatus } from './status.js'

const ALL_ACTIONS: DossierAction[] = ['submit', 'receive', 'request-supplement', 'refuse', 'supplement', 'supplement-expired',
  'start-processing', 'request-fees', 'fees-paid', 'finish', 'return-result', 'withdraw', 'stop']

test('the transitions of domain §3, and nothing else', () => {
  const allowed: Array<[DossierStatus, DossierAction, DossierStatus]> = [
    [0, 'submit', 1], [1, 'receive', 2], [1, 'request-supplement', 5], [1, 'refuse', 3], [5, 'supplement', 1],
    [5, 'supplement-expired', 8], [2, 'start-processing', 4], [2, 'request-supplement', 5], [4, 'request-supplement', 5], [4, 'request-fees', 6],
    [6, 'fees-paid', 4], [4, 'finish', 9], [9, 'return-result', 10], [4, 'stop', 8],
    [1, 'withdraw', 7], [2, 'withdraw', 7], [4, 'withdraw', 7], [5, 'withdraw', 7], [6, 'withdraw', 7]
  ]
  for (const [from, action, to] of allowed) assert.equal(transition(from, action), to, `${from} ${action}`)
  // Every other pair is refused with a reason naming the status.
  let refused = 0
  for (const from of Object.keys(STATUS_LABELS).map(Number) as DossierStatus[]) {
    for (const action of ALL_ACTIONS) {
      if (allowed.some(([f, a]) => f === from && a === action)) continue
      assert.throws(() => transition(from, action), (err: unknown) => err instanceof TransitionError && err.message.includes(STATUS_LABELS[from]))
      assert.equal(can(from, action), false)
      refused++
    }
  }
  assert.equal(refused, 11 * ALL_ACTIONS.length - allowed.length)
})

test('a supplement returns a received dossier to processing and a new one to reception', () => {
  assert.equal(transition(5, 'supplement', { received: true }), 4)
  assert.equal(transition(5, 'supplement', { received: false }), 1)
})

test('a supplement is requested at most once during processing', () => {
  assert.equal(transition(4, 'request-supplement', { supplementsDuringProcessing: 0 }), 5)
  assert.throws(() => transition(4, 'request-supplement', { supplementsDuringProcessing: 1 }), /một lần/)
  // Received but not yet past the first step counts as processing too.
  assert.throws(() => transition(2, 'request-supplement', { supplementsDuringProcessing: 1 }), /một lần/)
  // Before reception the request is the one "in one go" of form 02, not counted as during processing…
  assert.equal(transition(1, 'request-supplement', { supplementsDuringProcessing: 1 }), 5)
})

test('before reception a supplement is requested once, for everything (form 02)', () => {
  assert.equal(transition(1, 'request-supplement', { supplementsBeforeReception: 0 }), 5)
  assert.throws(() => transition(1, 'request-supplement', { supplementsBeforeReception: 1 }), /chỉ được yêu cầu bổ sung một lần, đầy đủ/)
})

test('no withdrawal once a decision is issued', () => {
  for (const from of [2, 4, 6] as DossierStatus[]) {
    assert.throws(() => transition(from, 'withdraw', { decisionIssued: true }), /quyết định/)
    assert.equal(can(from, 'withdraw', { decisionIssued: true }), false)
  }
  assert.throws(() => transition(9, 'withdraw'), TransitionError)
  assert.throws(() => transition(10, 'withdraw'), TransitionError)
})
