import type { Executor } from '../../platform/db/db.js'
import type { DossierStatus } from '../dossiers/status.js'
import { ROLES, type OfficialRole } from '../accounts/officials.service.js'
import { compactVnTime } from '../../platform/vn-time.js'
import { ONLINE_PAYMENT_METHODS } from '../../platform/db/database.js'
import { componentSlots } from '../dossiers/model.js'
import type { ProcedureContent } from '../catalog/catalog.types.js'
import { declarationTemplate, definitionIn, filledFields, type Answers } from '../catalog/eforms/definition.js'

/** A payment made online (VNPay or PayGov): the flag DuocThanhToanTrucTuyen and the fee's HinhThucThu. */
const online = (p: { method: string }) => (ONLINE_PAYMENT_METHODS as readonly string[]).includes(p.method)

/**
 * The push message of the National Public Service Portal's dossier sync (domain-research §12): the
 * dossier (`hoSo`, every value a string, dates `yyyyMMddHHmmss` in Vietnam time) and its processing
 * steps (`tienTrinhDongBo`), built from our ledger as it stands at event `seq`.
 */

/** Our statuses to the national list (§2.2); the same codes, kept as a table with a test per status (decision 0013). */
export const NATIONAL_STATUS: Record<Exclude<DossierStatus, 0>, string> = {
  1: '1', 2: '2', 3: '3', 4: '4', 5: '5', 6: '6', 7: '7', 8: '8', 9: '9', 10: '10'
}
/** How the dossier came (`KenhThucHien`): 1 at the office, 2 online, 3 by post. */
export const NATIONAL_CHANNEL = { counter: '1', online: '2', postal: '3' } as const
/** The applicant (`LoaiDoiTuong`): 1 a citizen, 2 an organisation, 4 a foreigner. */
export const NATIONAL_APPLICANT = { individual: '1', organization: '2', foreigner: '4' } as const

/** An instant as the national portal writes it: yyyyMMddHHmmss, Vietnam time; '' for none. */
export const nationalDate = (t: Date | null | undefined): string => t ? compactVnTime(t) : ''

export interface NationalStep { MaHoSo: string, NguoiXuLy: string, ChucDanh: string, ThoiDiemXuLy: string, PhongBanXuLy: string, NoiDungXuLy: string, TrangThai: string, NgayBatDau: string, NgayKetThucTheoQuyDinh: string }
export interface NationalPush { seq: number, hoSo: Record<string, unknown> & { MaHoSo: string, TrangThaiHoSo: string }, tienTrinhDongBo: NationalStep[] }


/**
 * The push of a dossier as of event `seq` (its events up to it: status, dates and steps as they stood),
 * or undefined for a draft. `fileUrl` gives the signed download address of a stored file.
 */
export async function buildPush (ex: Executor, dossierId: string, seq: number, fileUrl: (fileId: string) => string): Promise<NationalPush | undefined> {
  const d = await ex.selectFrom('dossiers as d').innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId').innerJoin('procedures as p', 'p.id', 'd.procedureId')
    .innerJoin('sectors as s', 's.id', 'p.sectorId').leftJoin('accounts as a', 'a.id', 'd.accountId')
    .select(['d.id', 'd.code', 'd.channel', 'd.dueAt', 'd.postponedFrom', 'd.applicant', 'd.fees', 'd.delivery', 'd.agencyCode', 'd.processingAgencyCode', 'd.accountId', 'd.caseGroup', 'd.onBehalf', 'v.content', 'p.code as procedureCode', 'v.name as procedureName', 's.code as sectorCode', 's.name as sectorName', 'a.assurance'])
    .where('d.id', '=', dossierId).executeTakeFirst()
  if (!d?.code) return undefined
  const [events, tasks, files, supplements, payments, declarations] = await Promise.all([
    ex.selectFrom('dossierEvents').select(['id', 'action', 'at', 'toStatus', 'actorType', 'actorName', 'message', 'details']).where('dossierId', '=', dossierId).where('id', '<=', seq).orderBy('id').execute(),
    ex.selectFrom('dossierTasks as t').leftJoin('departments as dp', 'dp.id', 't.departmentId')
      .select(['t.name', 't.role', 't.assigneeName', 't.finishedByName', 't.startedAt', 't.dueAt', 't.finishedAt', 't.outcome', 't.comment', 'dp.name as department']).where('t.dossierId', '=', dossierId).orderBy('t.id').execute(),
    ex.selectFrom('dossierFiles as df').innerJoin('files as f', 'f.id', 'df.fileId').select(['f.id', 'f.name', 'df.component', 'df.supersededAt', 'df.createdAt', 'df.digitisation']).where('df.dossierId', '=', dossierId).orderBy('df.id').execute(),
    ex.selectFrom('supplementRequests').select(['id', 'requestedBy', 'message', 'items', 'requestedAt', 'answeredAt', 'answerNote']).where('dossierId', '=', dossierId).orderBy('id').execute(),
    ex.selectFrom('payments as pay').innerJoin('paymentRequests as r', 'r.id', 'pay.requestId').select(['pay.method', 'pay.state']).where('r.dossierId', '=', dossierId).execute(),
    ex.selectFrom('dossierDeclarations').select(['component', 'templateTitle', 'answers', 'fileId']).where('dossierId', '=', dossierId).execute()
  ])
  // Declarations filled online (issue 23): their answers go with the file made of them, as label and value.
  const content = d.content as ProcedureContent
  const slots = componentSlots(content, d.caseGroup, d.onBehalf)
  const declared = new Map(declarations.flatMap(x => {
    const template = declarationTemplate(slots.find(s => s.key === x.component), content.templates)
    return template && x.fileId ? [[x.fileId, { TenToKhai: x.templateTitle, DuLieu: filledFields(definitionIn(content, template), x.answers as Answers).map(([TruongThongTin, GiaTri]) => ({ TruongThongTin, GiaTri })) }] as const] : []
  }))
  const last = events.at(-1)
  const upTo = last?.at ?? new Date(0)
  const statusAt = [...events].reverse().find(e => e.toStatus !== null)?.toStatus as DossierStatus | undefined
  if (!statusAt) return undefined
  const when = (action: string | string[]) => events.filter(e => ([] as string[]).concat(action).includes(e.action)).at(0)?.at ?? null
  const lastWhen = (action: string) => events.filter(e => e.action === action).at(-1)?.at ?? null
  const applicant = d.applicant as { kind: keyof typeof NATIONAL_APPLICANT, fullName: string, idNumber: string, phone?: string, email?: string | null, address?: string }
  const due = [...events].reverse().find(e => e.action === 'postpone')
  const receivedEvent = events.find(e => e.action === 'receive' || (e.action === 'enter' && e.toStatus !== 1))
  const paid = payments.filter(p => p.state === 'paid')
  const fees = (d.fees as Array<{ text: string, amountVnd: number | null }>) ?? []
  const visible = files.filter(f => f.createdAt <= upTo)
  const result = visible.filter(f => f.component === 'result')
  const hoSo = {
    MaHoSo: d.code,
    MaTTHC: d.procedureCode,
    TenTTHC: d.procedureName,
    MaLinhVuc: d.sectorCode,
    TenLinhVuc: d.sectorName,
    KenhThucHien: NATIONAL_CHANNEL[d.channel],
    TrichYeuHoSo: `${d.procedureName} – ${applicant.fullName}`.slice(0, 500),
    ChuHoSo: applicant.fullName,
    LoaiDoiTuong: NATIONAL_APPLICANT[applicant.kind] ?? '1',
    SoGiayToChuHoSo: applicant.idNumber,
    DinhDanhCHS: [{ LoaiDinhDanh: applicant.kind === 'organization' ? '2' : applicant.kind === 'foreigner' ? '3' : '1', SoDinhDanh: applicant.idNumber }],
    Email: applicant.email ?? '',
    SoDienThoai: applicant.phone ?? '',
    NgayNopHoSo: nationalDate(when(['submit', 'enter'])),
    NgayTiepNhan: nationalDate(receivedEvent?.at),
    // The due date set at reception, or the new one an apology (form 04) gave.
    NgayHenTra: due ? nationalDate(new Date(String((due.details as { to?: string }).to))) : nationalDate(receivedEvent ? d.postponedFrom ?? d.dueAt : null),
    NgayKetThucXuLy: nationalDate(lastWhen('finish')),
    NgayTra: nationalDate(lastWhen('return-result')),
    NgayTuChoi: nationalDate(lastWhen('refuse')),
    TrangThaiHoSo: NATIONAL_STATUS[statusAt as Exclude<DossierStatus, 0>],
    HinhThuc: (d.delivery as { result?: string }).result === 'post' ? '1' : '0',
    DonViXuLy: d.processingAgencyCode ?? d.agencyCode ?? '',
    NoiNopHoSo: d.agencyCode ?? '',
    HoSoCoThanhPhanSoHoa: visible.some(f => f.component !== 'result' && f.component !== 'payment') ? '1' : '0',
    TaiKhoanDuocXacThucVoiVNeID: d.assurance === 'eid-1' || d.assurance === 'eid-2' ? '1' : '0',
    DuocThanhToanTrucTuyen: paid.length === 0 ? '0' : paid.some(online) ? '1' : '3',
    TaiLieuNop: visible.filter(f => f.component !== 'result').map(f => ({
      TepDinhKemId: f.id, TenTepDinhKem: f.name, IsDeleted: f.supersededAt !== null && f.supersededAt <= upTo ? '1' : '0', MaThanhPhanHoSo: f.component,
      DuongDanTaiTepTin: fileUrl(f.id), DuocSoHoa: '1', DuocTaiSuDung: f.digitisation === 1 ? '0' : '1', DuocLayTuKhoDMQG: '0', MaKetQuaThayThe: '',
      ...(declared.has(f.id) ? { ToKhaiDienTu: declared.get(f.id) } : {})
    })),
    DanhSachLePhi: fees.map((f, i) => ({ TenPhiLePhi: f.text.slice(0, 500), MaPhiLePhi: `${d.procedureCode}-${i + 1}`, HinhThucThu: paid.some(online) ? '2' : '1', Gia: String(f.amountVnd ?? 0), LoaiPhiLePhi: /^lệ phí/i.test(f.text) ? '2' : '1' })),
    DanhSachHoSoBoSung: supplements.filter(s => s.requestedAt <= upTo).map(s => ({
      HoSoBoSungId: String(s.id), NguoiYeuCauBoSung: s.requestedBy ?? '', NoiDungBoSung: s.message ?? (s.items as Array<{ note: string }>).map(i => i.note).join('; '),
      NgayBoSung: nationalDate(s.requestedAt), NgayTiepNhanBoSung: s.answeredAt && s.answeredAt <= upTo ? nationalDate(s.answeredAt) : '',
      ThongTinTiepNhan: s.answeredAt && s.answeredAt <= upTo ? s.answerNote ?? '' : '', TrangThaiBoSung: s.answeredAt && s.answeredAt <= upTo ? '2' : '1'
    })),
    DanhSachGiayToKetQua: result.map(f => ({ TenGiayTo: f.name, MaThanhPhanHoSo: 'result', GiayToId: f.id, DuongDanTepTinKetQua: fileUrl(f.id), MaGiayToKetQua: '' }))
  }
  const steps: NationalStep[] = tasks.filter(t => t.startedAt <= upTo).map(t => {
    const done = t.finishedAt !== null && t.finishedAt <= upTo
    return {
      MaHoSo: d.code!,
      NguoiXuLy: (done ? t.finishedByName : t.assigneeName) ?? t.assigneeName ?? '',
      ChucDanh: ROLES[t.role as OfficialRole] ?? t.role,
      ThoiDiemXuLy: nationalDate(done ? t.finishedAt : t.startedAt),
      PhongBanXuLy: t.department ?? '',
      NoiDungXuLy: done ? `${t.name}: ${t.outcome ?? 'xong'}${t.comment ? ` – ${t.comment}` : ''}` : `${t.name}: đang xử lý`,
      TrangThai: done ? '4' : NATIONAL_STATUS[statusAt as Exclude<DossierStatus, 0>],
      NgayBatDau: nationalDate(t.startedAt),
      NgayKetThucTheoQuyDinh: nationalDate(t.dueAt)
    }
  })
  return { seq, hoSo, tienTrinhDongBo: steps }
}
