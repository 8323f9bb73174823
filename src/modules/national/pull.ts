import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../../platform/db/db.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { DossiersService } from '../dossiers/dossiers.service.js'
import { readPerson } from '../dossiers/dossier-form.js'
import { fromCompactVnTime } from '../../platform/vn-time.js'
import type { FilesService } from '../files/files.service.js'

/** The periodic job that brings in dossiers submitted on the national portal. */
export const PULL_JOB = 'national.pull'

/** A dossier as the national portal lists it for our agencies to take in. */
export interface NationalSubmission {
  MaHoSoQG: string
  MaTTHC: string
  MaDonVi: string
  NgayNop: string
  ChuHoSo: { LoaiDoiTuong?: string, HoTen: string, SoDinhDanh: string, NgaySinh?: string, SoDienThoai?: string, Email?: string, DiaChi?: string }
  TepDinhKem: Array<{ MaThanhPhan?: string, TenThanhPhan?: string, TenTep: string, DuongDan: string }>
}

const squash = (s: string) => s.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()

/**
 * Dossiers submitted on the National Public Service Portal for our procedures and agencies (issue 20):
 * each listed one is checked, its files fetched and stored like uploads (type sniffed, virus-scanned),
 * and taken in through the dossiers module (reception queue, national code kept, the applicant's account
 * linked by ID number). Pulling again finds it; one that cannot be taken in (malformed, a procedure or
 * agency not ours, a file that cannot be fetched or is not a document) waits in the inbox with the reason.
 */
export function createNationalPull (deps: { db: Db, jobs: JobQueue, audit: AuditService, dossiers: Pick<DossiersService, 'enterFromNational' | 'nationalSlots'>, files: FilesService, url?: string | undefined, token?: string | undefined, log?: Logger, timeoutMs?: number }) {
  const { db, audit, dossiers, files } = deps
  const enabled = deps.url !== undefined && deps.url !== ''
  const base = (deps.url ?? '').replace(/\/$/, '')
  const headers: Record<string, string> = deps.token ? { authorization: `Bearer ${deps.token}` } : {}
  const timeout = () => AbortSignal.timeout(deps.timeoutMs ?? 10_000)

  /** Why a listed dossier cannot be taken in as it is, or what it becomes. */
  async function check (s: NationalSubmission): Promise<{ reason: string } | { input: Parameters<DossiersService['enterFromNational']>[0] }> {
    if (!s || typeof s.MaHoSoQG !== 'string' || !s.MaHoSoQG.trim()) return { reason: 'Thiếu mã hồ sơ trên Cổng quốc gia' }
    const submittedAt = fromCompactVnTime(s.NgayNop)
    if (!submittedAt) return { reason: `Ngày nộp không hợp lệ: “${String(s.NgayNop)}”` }
    const procedure = await dossiers.nationalSlots(s.MaTTHC ?? '').catch(() => undefined)
    if (!procedure) return { reason: `Thủ tục ${String(s.MaTTHC)} không có trong danh mục của tỉnh` }
    if (!procedure.p.agencies.receiving.some(a => a.code === s.MaDonVi)) return { reason: `Cơ quan ${String(s.MaDonVi)} không tiếp nhận thủ tục ${s.MaTTHC}` }
    if ((s.ChuHoSo?.LoaiDoiTuong ?? '1') !== '1') return { reason: 'Chủ hồ sơ là tổ chức hoặc người nước ngoài: cần cán bộ nhập tại quầy' }
    const errors: FieldError[] = []
    const dob = /^(\d{4})(\d{2})(\d{2})/.exec(s.ChuHoSo?.NgaySinh ?? '')
    const applicant = readPerson({
      'a-fullName': s.ChuHoSo?.HoTen ?? '', 'a-idNumber': s.ChuHoSo?.SoDinhDanh ?? '', 'a-dateOfBirth': dob ? `${dob[3]}/${dob[2]}/${dob[1]}` : (s.ChuHoSo?.NgaySinh ?? ''),
      'a-phone': s.ChuHoSo?.SoDienThoai ?? '', 'a-email': s.ChuHoSo?.Email ?? '', 'a-address': s.ChuHoSo?.DiaChi ?? ''
    }, 'a-', 'individual', errors)
    if (errors.length > 0) return { reason: `Thông tin chủ hồ sơ: ${errors.map(e => e.message).join('; ')}` }
    // Each file goes to the component of the same code, else of the same name.
    const placed: Array<{ component: string, file: NationalSubmission['TepDinhKem'][number] }> = []
    for (const f of s.TepDinhKem ?? []) {
      const slot = procedure.slots.find(x => x.key === f.MaThanhPhan) ?? procedure.slots.find(x => f.TenThanhPhan && squash(x.name) === squash(f.TenThanhPhan))
      if (!slot) return { reason: `Tệp “${f.TenTep}” thuộc thành phần “${f.TenThanhPhan ?? f.MaThanhPhan ?? '?'}” không có trong thủ tục` }
      placed.push({ component: slot.key, file: f })
    }
    const missing = procedure.slots.filter(x => x.required && !placed.some(p => p.component === x.key))
    if (missing.length > 0) return { reason: `Thiếu thành phần bắt buộc: ${missing.map(x => x.name).join('; ')}` }
    // The files, fetched and stored like uploads (a bad type is refused by the files module).
    const stored: Array<{ component: string, fileId: string }> = []
    for (const { component, file } of placed) {
      const res = await fetch(file.DuongDan, { headers, signal: timeout() }).catch(() => undefined)
      if (!res?.ok) return { reason: `Không tải được tệp “${file.TenTep}” từ Cổng quốc gia${res ? ` (HTTP ${res.status})` : ''}` }
      try {
        const [f] = await files.storeMany(null, [{ name: file.TenTep, data: Buffer.from(await res.arrayBuffer()) }], 'file')
        stored.push({ component, fileId: f!.id })
      } catch (err) {
        if (err instanceof AppError && err.fields) return { reason: `Tệp “${file.TenTep}”: ${err.fields.map(e => e.message).join('; ')}` }
        throw err
      }
    }
    return { input: { nationalCode: s.MaHoSoQG.trim(), procedureCode: procedure.p.code, agencyCode: s.MaDonVi, applicant, submittedAt, files: stored } }
  }

  /** One pass over what the national portal lists past our cursor; returns what became of each. */
  async function pull (): Promise<{ taken: number, known: number, setAside: number }> {
    const tally = { taken: 0, known: 0, setAside: 0 }
    if (!enabled) return tally
    for (let page = 0; page < 20; page++) {
      const cursor = (await db.kysely.selectFrom('nationalCursors').select('position').where('name', '=', 'dossiers').executeTakeFirst())?.position ?? ''
      const res = await fetch(`${base}/api/ho-so-nop?sau=${encodeURIComponent(cursor)}`, { headers, signal: timeout() })
      if (!res.ok) throw new Error(`national pull: HTTP ${res.status}`)
      const body = await res.json() as { items?: NationalSubmission[], next?: string }
      const items = Array.isArray(body.items) ? body.items : []
      for (const s of items) {
        const nationalCode = typeof s?.MaHoSoQG === 'string' ? s.MaHoSoQG.trim() : ''
        // Taken in already, or set aside already: one round trip.
        const seen = nationalCode !== '' && (await sql`select 1 from dossiers where national_code = ${nationalCode} union all select 1 from national_inbox where national_code = ${nationalCode} limit 1`.execute(db.kysely)).rows.length > 0
        if (seen) { tally.known++; continue }
        const checked = await check(s)
        if ('reason' in checked) {
          tally.setAside++
          await db.kysely.insertInto('nationalInbox').values({ nationalCode: nationalCode || `(không mã) ${JSON.stringify(s).slice(0, 60)}`, payload: JSON.stringify(s ?? null), reason: checked.reason })
            .onConflict(oc => oc.column('nationalCode').doNothing()).execute()
          deps.log?.warn({ nationalCode, reason: checked.reason }, 'national pull: set aside')
          continue
        }
        const r = await dossiers.enterFromNational(checked.input)
        if (r.created) tally.taken++
        else tally.known++
      }
      if (typeof body.next === 'string' && body.next !== cursor) {
        await db.kysely.insertInto('nationalCursors').values({ name: 'dossiers', position: body.next }).onConflict(oc => oc.column('name').doUpdateSet({ position: body.next! })).execute()
      }
      if (items.length === 0 || body.next === cursor) break
    }
    return tally
  }

  if (enabled) {
    deps.jobs.registerPeriodic(PULL_JOB, 60_000, async (_job, { log }) => {
      const r = await pull()
      if (r.taken + r.setAside > 0) log.info(r, 'national pull')
    })
  }

  return {
    enabled,
    pull,

    /** The dossiers set aside, waiting for an official (newest first). */
    inbox: () => db.kysely.selectFrom('nationalInbox').select(['nationalCode', 'pulledAt', 'reason']).where('state', '=', 'open').orderBy('pulledAt', 'desc').limit(100).execute(),

    /** An official has dealt with a dossier set aside (entered it at the counter, told the applicant): it leaves the list; audited. */
    async dismiss (actor: Actor & { id: string }, nationalCode: string): Promise<void> {
      await db.transaction(async trx => {
        const r = await trx.updateTable('nationalInbox').set({ state: 'dismissed', handledBy: actor.id, handledAt: new Date() }).where('nationalCode', '=', nationalCode).where('state', '=', 'open').executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('NOT_FOUND', 'no such dossier set aside')
        await audit.record(trx, { actor, action: 'national.inbox.dismiss', targetType: 'national-dossier', targetId: nationalCode })
      })
    }
  }
}

export type NationalPull = ReturnType<typeof createNationalPull>
