import { METHOD_LABELS } from '../../modules/payments/payments.service.js'
import { parseDay, vnDayStart } from '../../platform/http/day-range.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

const USAGE = 'payments totals <from YYYY-MM-DD> <to YYYY-MM-DD> | payments reconcile'

export const paymentsCommand: CliCommand = {
  name: 'payments',
  usage: 'payments totals <from> <to> | reconcile',
  summary: 'Money collected between two days (Vietnam time, both included) by agency and method, with the share paid online; settle online payments left pending now.',
  async run (services, args, out) {
    const [sub, a, b] = args
    const from = a ? parseDay(a) : undefined
    const to = b ? parseDay(b) : undefined
    if (sub === 'totals' && from && to && from <= to) {
      const t = await services.payments.totals(vnDayStart(from), vnDayStart(to, 1))
      for (const r of t.byMethod) out(`${r.agencyCode}  ${METHOD_LABELS[r.method].padEnd(30)} ${String(r.count).padStart(6)} khoản  ${r.amountVnd.toLocaleString('vi-VN').padStart(15)} đồng`)
      out(`Hồ sơ đã nộp phí: ${t.paidRequests}; nộp trực tuyến: ${t.paidOnline} (${(t.onlineShare * 100).toFixed(1)}%)`)
      return
    }
    if (sub === 'reconcile') {
      const r = await services.payments.reconcile()
      out(`checked ${r.checked}: paid ${r.paid}, failed ${r.failed}, expired ${r.expired}`)
      return
    }
    throw new AppError('BAD_REQUEST', `usage: ${USAGE}`)
  }
}
