import { AppError } from '../../../platform/http/errors.js'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import type { WorkflowContext } from '../context.js'

/** The result: returning it to the applicant, and the files officials open. */
export function resultUseCases (ctx: WorkflowContext) {
  const { dossiers, actorOf, tasks, myTask, visible, feesGoAhead, returnMethods, downloaded, RETURNED_BY } = ctx
  return {
    /** The one-stop desk returns the result: at the counter, by post (tracking number) or online. */
    async returnResult (o: SignedInOfficial, code: string, form: { taskId?: string, method?: string, tracking?: string, 'fees-reason'?: string }): Promise<void> {
      const d = await visible(o, code)
      const t = await myTask(o, d, Number(form.taskId))
      if (t.kind !== 'return') throw new AppError('CONFLICT', 'Hồ sơ chưa đến bước trả kết quả.')
      const methods = returnMethods(d)
      const method = form.method ?? ''
      if (method === 'online' && !(method in methods)) throw new AppError('VALIDATION', 'method', [{ field: 'method', message: 'Chủ hồ sơ không có tài khoản trên Cổng nên không nhận được kết quả trực tuyến; trả tại bộ phận một cửa hoặc qua bưu chính.' }])
      if (!(method in methods)) throw new AppError('VALIDATION', 'method', [{ field: 'method', message: 'Chọn cách trả kết quả' }])
      const tracking = (form.tracking ?? '').trim().slice(0, 60)
      if (method === 'post' && tracking.length < 5) throw new AppError('VALIDATION', 'tracking', [{ field: 'tracking', message: 'Nhập số hiệu bưu gửi' }])
      // A refusal letter carries no fee; a result does.
      const refused = d.events.some(e => e.action === 'finish' && (e.details as { refused?: boolean }).refused)
      const feesReason = refused ? undefined : await feesGoAhead(d, form['fees-reason'])
      await dossiers.act(actorOf(o), code, 'return-result', {
        message: `Đã trả kết quả ${RETURNED_BY[method]}${tracking ? ` (số hiệu bưu gửi ${tracking})` : ''}.`,
        note: feesReason ? `Phí, lệ phí chưa thu; lý do: ${feesReason}` : null,
        details: { method, tracking: tracking || null },
        within: trx => tasks.close(trx, t.id, o, 'returned', tracking || null)
      })
    },

    /** Reads a file of a dossier the official may see. */
    async file (o: SignedInOfficial, code: string, fileId: string) {
      const d = await visible(o, code)
      const read = await dossiers.readDossierFile(code, fileId)
      await downloaded(o, d, 'dossier.file.download', { file: fileId, name: read.file.name })
      return read
    }
  }
}
