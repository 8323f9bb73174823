import type { FastifyInstance } from 'fastify'
import type { NotificationsService } from './notifications.service.js'
import { AppError } from '../../platform/http/errors.js'
import { DataTable, SummaryList } from '../../platform/html/components/layout-parts.js'
import { formatInstant as when } from '../../platform/vn-time.js'

const STATE: Record<string, string> = { queued: 'Đang chờ gửi', sent: 'Đã gửi', captured: 'Đã lưu vào hộp thư thử nghiệm', failed: 'Gửi không thành công' }

/** Whether a request comes from this machine (the loopback addresses, IPv4 or IPv6). */
export const fromThisMachine = (ip: string) => /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/.test(ip)

/**
 * The development outbox: every message the demo would have sent (sign-in codes, reset links), readable
 * in the browser — from this machine only: to anyone else it does not exist. Demo profile only.
 */
export async function devOutboxPages (app: FastifyInstance, { services }: { services: { notifications: NotificationsService } }) {
  app.addHook('onRequest', async (request) => {
    if (!fromThisMachine(request.ip)) throw new AppError('NOT_FOUND', 'the development outbox answers this machine only')
  })
  app.get('/dev/hop-thu', async (_request, reply) => {
    const messages = await services.notifications.recent()
    return reply.page(
      <>
        <h1 class='heading-l'>Hộp thư thử nghiệm</h1>
        <p class='body'>Chế độ demo: thư điện tử và tin nhắn của cổng được lưu ở đây thay vì gửi đi.</p>
        {messages.length === 0
          ? <p class='body'>Chưa có thư nào.</p>
          : (
            <DataTable caption={`${messages.length} thư gần nhất`} captionHidden={false} rows={messages} rowKey={m => String(m.id)} columns={[
              { label: 'Thời gian', cell: m => when(m.createdAt) },
              { label: 'Kênh', cell: m => m.channel === 'email' ? 'Thư điện tử' : 'Tin nhắn' },
              { label: 'Người nhận', cell: m => m.recipient },
              { label: 'Tiêu đề', cell: m => <a href={`/dev/hop-thu/${m.id}`}>{m.subject || m.body.slice(0, 60)}</a> },
              { label: 'Trạng thái', cell: m => STATE[m.state] }
            ]} />
            )}
      </>,
      { title: 'Hộp thư thử nghiệm' })
  })

  app.get('/dev/hop-thu/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id)
    const m = Number.isSafeInteger(id) ? await services.notifications.message(id) : undefined
    if (!m) throw new AppError('NOT_FOUND')
    return reply.page(
      <>
        <a href='/dev/hop-thu' class='back-link'>Hộp thư thử nghiệm</a>
        <h1 class='heading-l'>{m.subject || 'Tin nhắn'}</h1>
        <SummaryList rows={[['Người nhận', m.recipient], ['Thời gian', when(m.createdAt)], ['Trạng thái', STATE[m.state]]]} />
        <pre class='message-body'>{m.body}</pre>
      </>,
      { title: m.subject || 'Tin nhắn' })
  })
}
