import type { FastifyInstance } from 'fastify'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import crypto from 'node:crypto'
import { DataTable, SummaryList } from '../../platform/html/components/layout-parts.js'
import type { NationalSubmission } from './pull.js'
import type { NationalProcedure } from './catalog-feed.js'
import { createPayGovState, payGovStandin, type PayGovStandinOptions } from './standin-paygov.js'

/**
 * A stand-in for the National Public Service Portal's dossier sync (domain-research §12), shipped for the
 * demo and the tests: it checks each push against the schema of the payload, answers `{error_code,
 * message}`, keeps what it received (the latest state of each dossier and every push) and shows it on a
 * page; and it can be told to misbehave like a real remote system. Never in production: it says so.
 */

const DATE = Type.String({ pattern: '^(\\d{14})?$' })
const REQUIRED_DATE = Type.String({ pattern: '^\\d{14}$' })
const CODE = (values: string[]) => Type.Union(values.map(v => Type.Literal(v)))

/** The push message, every field of §12 the sync sends, as the national side checks it. */
export const PushSchema = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hoSo: Type.Object({
    MaHoSo: Type.String({ minLength: 5, maxLength: 50 }),
    MaTTHC: Type.String({ minLength: 3 }),
    TenTTHC: Type.String({ minLength: 1 }),
    MaLinhVuc: Type.String(),
    TenLinhVuc: Type.String(),
    KenhThucHien: CODE(['1', '2', '3']),
    TrichYeuHoSo: Type.String(),
    ChuHoSo: Type.String({ minLength: 1 }),
    LoaiDoiTuong: CODE(['1', '2', '3', '4']),
    SoGiayToChuHoSo: Type.String({ minLength: 1 }),
    DinhDanhCHS: Type.Array(Type.Object({ LoaiDinhDanh: Type.String(), SoDinhDanh: Type.String() })),
    Email: Type.String(),
    SoDienThoai: Type.String(),
    NgayNopHoSo: REQUIRED_DATE,
    NgayTiepNhan: DATE,
    NgayHenTra: DATE,
    NgayKetThucXuLy: DATE,
    NgayTra: DATE,
    NgayTuChoi: DATE,
    TrangThaiHoSo: CODE(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
    HinhThuc: CODE(['0', '1']),
    DonViXuLy: Type.String(),
    NoiNopHoSo: Type.String(),
    HoSoCoThanhPhanSoHoa: CODE(['0', '1']),
    TaiKhoanDuocXacThucVoiVNeID: CODE(['0', '1']),
    DuocThanhToanTrucTuyen: CODE(['0', '1', '3']),
    TaiLieuNop: Type.Array(Type.Object({ TepDinhKemId: Type.String(), TenTepDinhKem: Type.String(), IsDeleted: CODE(['0', '1']), MaThanhPhanHoSo: Type.String(), DuongDanTaiTepTin: Type.String({ pattern: '^https?://' }), DuocSoHoa: CODE(['0', '1']), DuocTaiSuDung: CODE(['0', '1']), DuocLayTuKhoDMQG: CODE(['0', '1']), MaKetQuaThayThe: Type.String() })),
    DanhSachLePhi: Type.Array(Type.Object({ TenPhiLePhi: Type.String(), MaPhiLePhi: Type.String(), HinhThucThu: Type.String(), Gia: Type.String({ pattern: '^\\d+$' }), LoaiPhiLePhi: Type.String() })),
    DanhSachHoSoBoSung: Type.Array(Type.Object({ HoSoBoSungId: Type.String(), NguoiYeuCauBoSung: Type.String(), NoiDungBoSung: Type.String(), NgayBoSung: REQUIRED_DATE, NgayTiepNhanBoSung: DATE, ThongTinTiepNhan: Type.String(), TrangThaiBoSung: Type.String() })),
    DanhSachGiayToKetQua: Type.Array(Type.Object({ TenGiayTo: Type.String(), MaThanhPhanHoSo: Type.String(), GiayToId: Type.String(), DuongDanTepTinKetQua: Type.String({ pattern: '^https?://' }), MaGiayToKetQua: Type.String() }))
  }),
  tienTrinhDongBo: Type.Array(Type.Object({
    MaHoSo: Type.String(), NguoiXuLy: Type.String(), ChucDanh: Type.String(), ThoiDiemXuLy: REQUIRED_DATE, PhongBanXuLy: Type.String(),
    NoiDungXuLy: Type.String(), TrangThai: CODE(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']), NgayBatDau: REQUIRED_DATE, NgayKetThucTheoQuyDinh: DATE
  }))
})
export type Push = Static<typeof PushSchema>

export type Misbehaviour = 'error500' | 'timeout' | 'slow' | 'reject' | 'down' | 'callback-twice' | 'callback-lost'
const MISBEHAVIOURS: readonly Misbehaviour[] = ['error500', 'timeout', 'slow', 'reject', 'down', 'callback-twice', 'callback-lost']

/** What the stand-in holds: each dossier's pushes in the order they were accepted, and how to misbehave next. */
export function createStandinState () {
  const dossiers = new Map<string, { latest: Push, pushes: Array<{ seq: number, status: string, at: Date }> }>()
  const planned: Array<{ mode: Misbehaviour, times: number, ms: number }> = []
  /** Dossiers "submitted on the national portal" for the province to pull, and their files. */
  const submissions: NationalSubmission[] = []
  const files = new Map<string, { name: string, data: Buffer }>()
  /** The national procedure database's feed: each record as it was published, in order. */
  const catalog: NationalProcedure[] = []
  /** The payment platform's orders (PayGov). */
  const paygov = createPayGovState()
  let downUntil = 0
  let received = 0
  let ignored = 0
  return {
    dossiers,
    submissions,
    files,
    catalog,
    paygov,
    get received () { return received },
    get ignored () { return ignored },
    /** The next `times` pushes misbehave (`ms`: how slow; for `down`, how long from now). */
    misbehave (mode: Misbehaviour, times = 1, ms = 2000) {
      if (mode === 'callback-twice' || mode === 'callback-lost') paygov.trouble(mode, times)
      else if (mode === 'down') downUntil = Date.now() + ms
      else planned.push({ mode, times, ms })
    },
    isDown: () => Date.now() < downUntil,
    /** The misbehaviour the next push meets, if any (used up). */
    next (): { mode: Misbehaviour, ms: number } | undefined {
      const p = planned[0]
      if (!p) return undefined
      if (--p.times <= 0) planned.shift()
      return { mode: p.mode, ms: p.ms }
    },
    /** Keeps a valid push; an older or repeated sequence changes nothing (idempotent by code and sequence). */
    accept (push: Push): boolean {
      received++
      const known = dossiers.get(push.hoSo.MaHoSo)
      if (known && known.latest.seq >= push.seq) { ignored++; return false }
      dossiers.set(push.hoSo.MaHoSo, { latest: push, pushes: [...(known?.pushes ?? []), { seq: push.seq, status: push.hoSo.TrangThaiHoSo, at: new Date() }] })
      return true
    },
    reset () { paygov.reset(); dossiers.clear(); submissions.length = 0; files.clear(); planned.length = 0; downUntil = 0; received = 0; ignored = 0 }
  }
}
export type StandinState = ReturnType<typeof createStandinState>

const STATUS_NAMES: Record<string, string> = {
  1: 'Mới đăng ký', 2: 'Được tiếp nhận', 3: 'Không được tiếp nhận', 4: 'Đang xử lý', 5: 'Yêu cầu bổ sung giấy tờ', 6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ', 8: 'Dừng xử lý', 9: 'Đã xử lý xong', 10: 'Đã trả kết quả'
}
const shown = (d: string) => d.length === 14 ? `${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)} ${d.slice(8, 10)}:${d.slice(10, 12)}` : '—'

/**
 * The stand-in's routes under its prefix: `POST /api/dong-bo-ho-so` (the push), `GET /api/ho-so/:code`
 * (what it holds, for reconciliation), `POST /api/hanh-vi` (misbehave), and the pages `/` and `/ho-so/:code`;
 * with `paygov`, the payment platform under `/paygov`. `token`: the bearer credential every call must carry, when set.
 */
export async function nationalStandin (app: FastifyInstance, { state, token, paygov }: { state: StandinState, token?: string | undefined, paygov?: Omit<PayGovStandinOptions, 'state' | 'token'> | undefined }) {
  if (paygov) await app.register(payGovStandin, { ...paygov, state: state.paygov, token, isDown: state.isDown, prefix: '/paygov' })
  const validator = Compile(PushSchema)
  const authorised = (auth: string | undefined) => !token || auth === `Bearer ${token}`

  app.post('/api/dong-bo-ho-so', { config: { csrf: false } }, async (request, reply) => {
    if (state.isDown()) return reply.code(503).send({ error_code: '503', message: 'Hệ thống đang bảo trì' })
    const trouble = state.next()
    if (trouble?.mode === 'error500') return reply.code(500).send({ error_code: '500', message: 'Lỗi máy chủ' })
    if (trouble?.mode === 'timeout') {
      // Never answers: the client gives up; the socket closes when it does.
      reply.hijack()
      return
    }
    if (trouble?.mode === 'slow') await new Promise(resolve => setTimeout(resolve, trouble.ms))
    if (!authorised(request.headers.authorization)) return reply.code(401).send({ error_code: '401', message: 'Sai thông tin xác thực' })
    if (trouble?.mode === 'reject') return reply.send({ error_code: '1', message: 'Trường NgayHenTra không hợp lệ' })
    if (!validator.Check(request.body)) {
      const e = validator.Errors(request.body)[0]
      return reply.send({ error_code: '1', message: `Trường ${e?.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(gốc)'} không hợp lệ: ${e?.message ?? ''}` })
    }
    state.accept(request.body as Push)
    return reply.send({ error_code: '0', message: 'Thành công' })
  })

  // A dossier "submitted on the national portal" (the demo's and the tests' way to make one): its files come as base64.
  app.post('/api/nop-ho-so', { config: { csrf: false } }, async (request, reply) => {
    const b = request.body as Omit<NationalSubmission, 'TepDinhKem'> & { TepDinhKem?: Array<{ MaThanhPhan?: string, TenThanhPhan?: string, TenTep: string, NoiDung: string }> }
    const origin = `${request.protocol}://${request.headers.host}${app.prefix}`
    const attached = (b.TepDinhKem ?? []).map(f => {
      const id = crypto.randomUUID()
      state.files.set(id, { name: f.TenTep, data: Buffer.from(f.NoiDung ?? '', 'base64') })
      return { MaThanhPhan: f.MaThanhPhan, TenThanhPhan: f.TenThanhPhan, TenTep: f.TenTep, DuongDan: `${origin}/tep/${id}` }
    })
    state.submissions.push({ ...b, TepDinhKem: attached } as NationalSubmission)
    return reply.send({ error_code: '0', message: 'Đã nộp', MaHoSoQG: b.MaHoSoQG })
  })

  // What the province pulls: the dossiers after a position, fifty at a time.
  app.get('/api/ho-so-nop', async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send({ error_code: '401', message: 'Sai thông tin xác thực' })
    if (state.isDown()) return reply.code(503).send({ error_code: '503', message: 'Hệ thống đang bảo trì' })
    const after = Math.max(0, Number((request.query as { sau?: string }).sau) || 0)
    const items = state.submissions.slice(after, after + 50)
    return reply.send({ error_code: '0', items, next: String(after + items.length) })
  })

  // The national procedure database: a record published (the demo's and the tests' way), and the feed.
  app.post('/api/danh-muc-tthc', { config: { csrf: false } }, async (request, reply) => {
    state.catalog.push(request.body as NationalProcedure)
    return reply.send({ error_code: '0', message: 'Đã công bố' })
  })
  app.get('/api/danh-muc-tthc', async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send({ error_code: '401', message: 'Sai thông tin xác thực' })
    const after = Math.max(0, Number((request.query as { sau?: string }).sau) || 0)
    const items = state.catalog.slice(after, after + 50)
    return reply.send({ error_code: '0', items, next: String(after + items.length) })
  })

  app.get('/tep/:id', async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send({ error_code: '401', message: 'Sai thông tin xác thực' })
    const f = state.files.get((request.params as { id: string }).id)
    if (!f) return reply.code(404).send({ error_code: '404', message: 'Không có tệp' })
    return reply.type('application/octet-stream').send(f.data)
  })

  app.get('/api/ho-so/:code', async (request, reply) => {
    const d = state.dossiers.get((request.params as { code: string }).code)
    if (!d) return reply.code(404).send({ error_code: '404', message: 'Không có hồ sơ' })
    return reply.send({ error_code: '0', MaHoSo: d.latest.hoSo.MaHoSo, TrangThaiHoSo: d.latest.hoSo.TrangThaiHoSo, seq: d.latest.seq, pushes: d.pushes.length })
  })

  app.post('/api/hanh-vi', { config: { csrf: false } }, async (request, reply) => {
    const b = (request.body ?? {}) as { mode?: Misbehaviour, times?: number, ms?: number }
    if (!b.mode || !MISBEHAVIOURS.includes(b.mode)) return reply.code(400).send({ error_code: '1', message: `mode: ${MISBEHAVIOURS.join(', ')}` })
    state.misbehave(b.mode, b.times ?? 1, b.ms ?? 2000)
    return reply.send({ error_code: '0', message: 'Đã đặt' })
  })

  app.get('/', async (_request, reply) => reply.page(
    <>
      <h1 class='heading-l'><span class='caption'>Cổng Dịch vụ công quốc gia (bản mô phỏng)</span> Hồ sơ đồng bộ</h1>
      <p class='body'>Bản mô phỏng để thử kết nối; không dùng trong vận hành thật. Đã nhận {state.received} lần đồng bộ, {state.dossiers.size} hồ sơ.</p>
      {state.dossiers.size === 0
        ? <p class='body'>Chưa có hồ sơ nào.</p>
        : <DataTable caption='Hồ sơ đã nhận' rows={[...state.dossiers.values()].slice(-200).reverse()} rowKey={d => d.latest.hoSo.MaHoSo} columns={[
          { label: 'Mã hồ sơ', cell: d => <a href={`ho-so/${encodeURIComponent(d.latest.hoSo.MaHoSo)}`}>{d.latest.hoSo.MaHoSo}</a> },
          { label: 'Thủ tục', cell: d => d.latest.hoSo.TenTTHC },
          { label: 'Trạng thái', cell: d => STATUS_NAMES[d.latest.hoSo.TrangThaiHoSo] ?? d.latest.hoSo.TrangThaiHoSo }
        ]} />}
    </>, { title: 'Cổng DVCQG (mô phỏng)' }))

  app.get('/ho-so/:code', async (request, reply) => {
    const d = state.dossiers.get((request.params as { code: string }).code)
    if (!d) return reply.code(404).page(<h1 class='heading-l'>Không có hồ sơ này trên Cổng (mô phỏng)</h1>, { title: 'Không có hồ sơ', status: 404 })
    const h = d.latest.hoSo
    return reply.page(
      <>
        <h1 class='heading-l'><span class='caption'>Cổng Dịch vụ công quốc gia (bản mô phỏng)</span> Hồ sơ {h.MaHoSo}</h1>
        <SummaryList rows={[
          ['Thủ tục', h.TenTTHC], ['Lĩnh vực', h.TenLinhVuc], ['Chủ hồ sơ', h.ChuHoSo], ['Trạng thái', STATUS_NAMES[h.TrangThaiHoSo] ?? h.TrangThaiHoSo],
          ['Ngày nộp', shown(h.NgayNopHoSo)], ['Ngày tiếp nhận', shown(h.NgayTiepNhan)], ['Ngày hẹn trả', shown(h.NgayHenTra)], ['Ngày có kết quả', shown(h.NgayKetThucXuLy)], ['Ngày trả', shown(h.NgayTra)],
          ['Thanh toán trực tuyến', h.DuocThanhToanTrucTuyen === '1' ? 'Có' : 'Không'], ['Lần đồng bộ', String(d.pushes.length)]
        ]} />
        <DataTable caption='Quá trình xử lý' captionHidden={false} rows={d.latest.tienTrinhDongBo as Push['tienTrinhDongBo']} rowKey={(_s, i) => String(i)} columns={[
          { label: 'Thời điểm', cell: s => shown(s.ThoiDiemXuLy) },
          { label: 'Người xử lý', cell: s => `${s.NguoiXuLy} (${s.ChucDanh})` },
          { label: 'Nội dung', cell: s => s.NoiDungXuLy },
          { label: 'Hạn của bước', cell: s => shown(s.NgayKetThucTheoQuyDinh) }
        ]} />
        <DataTable caption='Các lần đồng bộ' captionHidden={false} rows={d.pushes} rowKey={p => String(p.seq)} columns={[
          { label: 'Số thứ tự', cell: p => String(p.seq) },
          { label: 'Trạng thái', cell: p => STATUS_NAMES[p.status] ?? p.status }
        ]} />
      </>, { title: `Hồ sơ ${h.MaHoSo} (Cổng DVCQG mô phỏng)` })
  })
}
