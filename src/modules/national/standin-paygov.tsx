import type { FastifyInstance } from 'fastify'
import { Button, Form } from '../../platform/html/components/form.js'
import { formatVnd, SummaryList } from '../../platform/html/components/layout-parts.js'
import { officialFormPdf } from '../../platform/pdf/forms-pdf.js'
import { confirmMessage, queryAnswer, verifyInit, verifyQuery } from '../payments/paygov.js'

/**
 * The stand-in national portal's payment platform (PayGov 1.0.6, domain-research §10), for the demo and
 * the tests: INIT checked (token, checksum, partner, amounts) and answered with the page to pay; a page
 * where a tester pays or cancels; the confirm callback sent to the portal (retried while unanswered);
 * QUERY and GET_BILL answered from what it holds. It can lose a callback or send it twice.
 */

export interface PayGovOrder {
  ref: string, amountVnd: number, info: string, receipt: Record<string, unknown>, state: 'open' | 'paid' | 'failed', txn: string, at: Date
}
export type CallbackTrouble = 'callback-twice' | 'callback-lost'

export function createPayGovState () {
  const orders = new Map<string, PayGovOrder>()
  const troubles: CallbackTrouble[] = []
  let callbacks = 0
  return {
    orders,
    /** Callbacks sent (each try). */
    get callbacks () { return callbacks },
    sent () { callbacks++ },
    trouble (t: CallbackTrouble, times = 1) { for (let i = 0; i < times; i++) troubles.push(t) },
    nextTrouble: () => troubles.shift(),
    reset () { orders.clear(); troubles.length = 0; callbacks = 0 }
  }
}
export type PayGovState = ReturnType<typeof createPayGovState>

export interface PayGovStandinOptions { state: PayGovState, partner: string, secret: string, token?: string | undefined, confirmUrl: string, returnUrl: string, isDown?: () => boolean }

const text = (v: unknown) => typeof v === 'string' ? v : ''

export async function payGovStandin (app: FastifyInstance, o: PayGovStandinOptions) {
  const { state } = o
  const authorised = (auth: string | undefined) => !o.token || auth === `Bearer ${o.token}`
  const refuse = (code: string, message: string) => ({ error_code: code, message })
  let sequence = Date.now() % 1_000_000_000
  // Down (told to be, with the rest of the national portal): every message gets a 503.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && /\/(init|query|bill)$/.test(request.url) && o.isDown?.()) return reply.code(503).send(refuse('503', 'Hệ thống đang bảo trì'))
  })

  app.post('/init', { config: { csrf: false } }, async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send(refuse('401', 'Sai thông tin xác thực'))
    const b = (request.body ?? {}) as Record<string, unknown>
    if (b['LoaiBanTin'] !== 'INIT' || b['PhienBan'] !== '1.0.6') return reply.send(refuse('02', 'Sai loại bản tin hoặc phiên bản'))
    if (b['MaDoiTac'] !== o.partner) return reply.send(refuse('03', 'Mã đối tác không đúng'))
    if (!verifyInit(o.secret, b)) return reply.send(refuse('04', 'Sai mã xác thực'))
    const amount = Number(b['SoTien'])
    const receipt = (b['ThongTinBienLai'] ?? {}) as Record<string, unknown>
    const items = Array.isArray(receipt['DSKhoanNop']) ? receipt['DSKhoanNop'] as Array<{ SoTien?: unknown }> : []
    if (!Number.isInteger(amount) || amount <= 0 || items.reduce((n, i) => n + Number(i.SoTien), 0) !== amount) return reply.send(refuse('05', 'Số tiền không khớp với các khoản nộp'))
    if (!text(receipt['MaHoSo']) || !text(receipt['MaDonVi']) || !text(receipt['HoTenNguoiNop'])) return reply.send(refuse('06', 'Thiếu thông tin biên lai (mã hồ sơ, đơn vị, người nộp)'))
    const ref = text(b['MaThamChieu'])
    if (!/^[A-Za-z0-9]{6,40}$/.test(ref) || state.orders.has(ref)) return reply.send(refuse('07', 'Mã tham chiếu không hợp lệ hoặc đã dùng'))
    state.orders.set(ref, { ref, amountVnd: amount, info: text(b['ThongTinGiaoDich']), receipt, state: 'open', txn: '', at: new Date() })
    const page = `${request.protocol}://${request.headers.host}${app.prefix}/thanh-toan/${encodeURIComponent(ref)}`
    return reply.send({ error_code: '0', message: JSON.stringify({ UrlThanhToan: page }) })
  })

  const orderOf = (ref: string) => state.orders.get(ref)

  app.get('/thanh-toan/:ref', async (request, reply) => {
    const order = orderOf((request.params as { ref: string }).ref)
    if (!order) return reply.code(404).page(<h1 class='heading-l'>Không có giao dịch này</h1>, { title: 'Không có giao dịch', status: 404 })
    const r = order.receipt
    return reply.page(
      <>
        <p class='body'><strong class='tag tag--grey'>Nền tảng thanh toán thử nghiệm</strong> – bản mô phỏng của Cổng Dịch vụ công quốc gia; không có tiền thật.</p>
        <h1 class='heading-l'>Thanh toán phí, lệ phí (PayGov mô phỏng)</h1>
        <SummaryList rows={[['Hồ sơ', text(r['MaHoSo'])], ['Thủ tục', text(r['TenTTHC'])], ['Đơn vị thu', text(r['TenDonVi'])], ['Người nộp', text(r['HoTenNguoiNop'])], ['Số tiền', formatVnd(order.amountVnd)]]} />
        {order.state === 'open'
          ? (
            <div class='inline-actions'>
              <Form action={`${app.prefix}/thanh-toan/${encodeURIComponent(order.ref)}`}><input type='hidden' name='decision' value='pay' /><Button>Thanh toán</Button></Form>
              <Form action={`${app.prefix}/thanh-toan/${encodeURIComponent(order.ref)}`}><input type='hidden' name='decision' value='cancel' /><Button secondary>Hủy giao dịch</Button></Form>
            </div>)
          : <p class='body'>Giao dịch đã {order.state === 'paid' ? 'thanh toán' : 'bị hủy'}.</p>}
      </>, { title: 'Nền tảng thanh toán (mô phỏng)' })
  })

  /** The confirm callback of an order, sent to the portal until it answers (or, as told, twice or never). */
  async function sendConfirm (body: Record<string, unknown>) {
    const trouble = state.nextTrouble()
    if (trouble === 'callback-lost') return
    for (let copy = 0; copy < (trouble === 'callback-twice' ? 2 : 1); copy++) {
      for (let attempt = 0; attempt < 6; attempt++) {
        state.sent()
        const answer = await fetch(o.confirmUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
          .then(async res => await res.json() as { MaLoi?: string }).catch(() => undefined)
        if (answer?.MaLoi) break
        await new Promise(resolve => setTimeout(resolve, 500 * 2 ** attempt))
      }
    }
  }

  app.post('/thanh-toan/:ref', async (request, reply) => {
    const order = orderOf((request.params as { ref: string }).ref)
    if (!order) return reply.code(404).page(<h1 class='heading-l'>Không có giao dịch này</h1>, { title: 'Không có giao dịch', status: 404 })
    if (order.state === 'open') {
      order.state = (request.body as { decision?: string }).decision === 'pay' ? 'paid' : 'failed'
      order.txn = `PG${++sequence}`
      order.at = new Date()
    }
    const confirm = confirmMessage({ partner: o.partner, secret: o.secret, ref: order.ref, amountVnd: order.amountVnd, success: order.state === 'paid', txn: order.txn, at: order.at, info: order.info })
    // Server to server, on its own; the payer's browser goes back to the portal meanwhile.
    void sendConfirm(confirm)
    const back = new URLSearchParams(Object.entries(confirm).map(([k, v]) => [k, String(v)]))
    return reply.redirect(`${o.returnUrl}?${back.toString()}`, 303)
  })

  app.post('/query', { config: { csrf: false } }, async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send(refuse('401', 'Sai thông tin xác thực'))
    const b = (request.body ?? {}) as Record<string, unknown>
    if (b['LoaiBanTin'] !== 'QUERY' || b['MaDoiTac'] !== o.partner || !verifyQuery(o.secret, b)) return reply.send(refuse('04', 'Sai mã xác thực'))
    const order = orderOf(text(b['MaThamChieu']))
    return reply.send(queryAnswer(order && { partner: o.partner, secret: o.secret, ref: order.ref, amountVnd: order.amountVnd, success: order.state === 'paid', txn: order.txn, at: order.at, info: order.info, state: order.state }))
  })

  app.post('/bill', { config: { csrf: false } }, async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send(refuse('401', 'Sai thông tin xác thực'))
    const b = (request.body ?? {}) as Record<string, unknown>
    if (b['LoaiBanTin'] !== 'GET_BILL' || b['MaDoiTac'] !== o.partner || !verifyQuery(o.secret, b)) return reply.send(refuse('04', 'Sai mã xác thực'))
    const order = orderOf(text(b['MaThamChieu']))
    if (!order || order.state !== 'paid') return reply.send(refuse('91', 'Không có biên lai cho giao dịch này'))
    const r = order.receipt
    const pdf = await officialFormPdf({
      number: `Mã giao dịch: ${order.txn}`, title: 'Biên lai thu phí, lệ phí điện tử', issuer: { parent: 'Cổng Dịch vụ công quốc gia', agency: 'Nền tảng thanh toán (mô phỏng)' },
      province: 'Hà Nội', date: order.at,
      body: [`Đơn vị thu: ${text(r['TenDonVi'])} (${text(r['MaDonVi'])})`, `Hồ sơ: ${text(r['MaHoSo'])} – ${text(r['TenTTHC'])}`, `Người nộp: ${text(r['HoTenNguoiNop'])}`, `Số tiền: ${order.amountVnd.toLocaleString('vi-VN')} đồng`, `Mã tham chiếu: ${order.ref}`],
      signatures: [{ title: 'Nền tảng thanh toán', note: '(Bản mô phỏng, không có giá trị)' }]
    })
    return reply.type('application/pdf').send(pdf)
  })
}
