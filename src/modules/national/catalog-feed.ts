import type { Db } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import type { Component, Fee, ProcedureContent } from '../catalog/catalog.types.js'
import type { DurationUnit } from '../catalog/import/fields.js'

/** A procedure as the national procedure database's feed gives it. */
export interface NationalProcedure {
  MaTTHC: string
  TenTTHC: string
  ThoiHanGiaiQuyet?: { GiaTri: number | null, DonVi: DurationUnit | null, MoTa?: string }
  PhiLePhi?: Array<{ MoTa: string, SoTien: number | null }>
  ThanhPhanHoSo?: Array<{ Ten: string, BatBuoc?: boolean, SoLuong?: number | null, BanChinh?: boolean }>
  BieuMau?: string[]
}

type Change = Partial<Pick<ProcedureContent, 'name' | 'processingTime' | 'fees' | 'components' | 'forms'>>
export interface Difference { field: 'name' | 'processingTime' | 'fees' | 'components' | 'forms', label: string, ours: string, theirs: string }

const LABELS: Record<Difference['field'], string> = { name: 'Tên thủ tục', processingTime: 'Thời hạn giải quyết', fees: 'Phí, lệ phí', components: 'Thành phần hồ sơ', forms: 'Mẫu đơn, tờ khai' }
const UNITS: Record<string, string> = { working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày', same_day: 'trong ngày' }
const timeText = (t: { value: number | null, unit: string | null, text?: string }) => t.value === null || t.unit === null ? (t.text || 'chưa xác định') : `${t.value} ${UNITS[t.unit] ?? t.unit}`
const feesText = (fees: Fee[]) => fees.length === 0 ? 'Không thu' : fees.map(f => `${f.text}${f.amountVnd === null ? '' : `: ${f.amountVnd.toLocaleString('vi-VN')} đồng`}`).join('; ')
const componentsText = (cs: Component[]) => cs.map(c => `${c.name}${c.required ? '' : ' (nếu có)'}`).join('; ')

/** What the national record changes in our content: the new values, and each difference in words. */
export function differencesOf (ours: ProcedureContent, n: NationalProcedure): { change: Change, differences: Difference[] } {
  const change: Change = {}
  const differences: Difference[] = []
  const differ = <K extends Difference['field']>(field: K, value: NonNullable<Change[K]>, o: string, t: string) => {
    if (o === t) return
    ;(change as Record<string, unknown>)[field] = value
    differences.push({ field, label: LABELS[field], ours: o, theirs: t })
  }
  if (n.TenTTHC?.trim()) differ('name', n.TenTTHC.trim(), ours.name, n.TenTTHC.trim())
  if (n.ThoiHanGiaiQuyet) {
    const t = { text: n.ThoiHanGiaiQuyet.MoTa ?? '', value: n.ThoiHanGiaiQuyet.GiaTri, unit: n.ThoiHanGiaiQuyet.DonVi, needsReview: n.ThoiHanGiaiQuyet.GiaTri === null }
    const theirs = { ...t, text: t.text || timeText(t) }
    differ('processingTime', theirs, timeText(ours.processingTime), timeText(t))
  }
  if (n.PhiLePhi) {
    const fees: Fee[] = n.PhiLePhi.map(f => ({ text: f.MoTa, amountVnd: f.SoTien }))
    differ('fees', fees, feesText(ours.fees), feesText(fees))
  }
  if (n.ThanhPhanHoSo && n.ThanhPhanHoSo.length > 0) {
    const components: Component[] = n.ThanhPhanHoSo.map(c => {
      const same = ours.components.find(o => o.name === c.Ten)
      return { name: c.Ten, copyType: same?.copyType ?? (c.BanChinh ? 'original' : null), quantity: c.SoLuong ?? same?.quantity ?? 1, required: c.BatBuoc ?? true, group: same?.group ?? null, formTemplate: same?.formTemplate ?? null }
    })
    differ('components', components, componentsText(ours.components), componentsText(components))
  }
  if (n.BieuMau) differ('forms', n.BieuMau, ours.forms.join('; ') || 'Không có', n.BieuMau.join('; ') || 'Không có')
  return { change, differences }
}

/**
 * The catalog feed of the national procedure database (issue 20): each record of a procedure we publish
 * is compared with our current version; what differs waits for a catalog administrator, who applies it
 * (a new version: dossiers in progress keep theirs) or rejects it with a reason. Nothing changes by itself.
 */
export function createCatalogFeed (deps: { db: Db, catalog: CatalogService, audit: AuditService, url?: string | undefined, token?: string | undefined, timeoutMs?: number }) {
  const { db, catalog, audit } = deps
  const base = (deps.url ?? '').replace(/\/$/, '')
  const headers: Record<string, string> = deps.token ? { authorization: `Bearer ${deps.token}` } : {}

  /** Reads the feed past our cursor; returns how many changes now wait for an administrator. */
  async function pullCatalog (): Promise<{ read: number, waiting: number }> {
    if (!base) return { read: 0, waiting: 0 }
    let read = 0
    for (let page = 0; page < 20; page++) {
      const cursor = (await db.kysely.selectFrom('nationalCursors').select('position').where('name', '=', 'catalog').executeTakeFirst())?.position ?? ''
      const res = await fetch(`${base}/api/danh-muc-tthc?sau=${encodeURIComponent(cursor)}`, { headers, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) })
      if (!res.ok) throw new Error(`national catalog feed: HTTP ${res.status}`)
      const body = await res.json() as { items?: NationalProcedure[], next?: string }
      const items = Array.isArray(body.items) ? body.items : []
      for (const n of items) {
        read++
        const ours = await catalog.getProcedure(n?.MaTTHC ?? '').catch(() => undefined)
        if (!ours) continue
        const { differences } = differencesOf((await catalog.getVersion(ours.versionId)).content, n)
        if (differences.length === 0) continue
        // The latest record of a procedure replaces a change not decided yet.
        await db.transaction(async trx => {
          await trx.deleteFrom('nationalCatalogChanges').where('procedureCode', '=', n.MaTTHC).where('state', '=', 'open').execute()
          await trx.insertInto('nationalCatalogChanges').values({ procedureCode: n.MaTTHC, record: JSON.stringify(n), differences: JSON.stringify(differences) }).execute()
        })
      }
      if (typeof body.next === 'string' && body.next !== cursor) {
        await db.kysely.insertInto('nationalCursors').values({ name: 'catalog', position: body.next }).onConflict(oc => oc.column('name').doUpdateSet({ position: body.next! })).execute()
      }
      if (items.length === 0 || body.next === cursor) break
    }
    const waiting = (await db.kysely.selectFrom('nationalCatalogChanges').select(eb => eb.fn.countAll<number>().as('n')).where('state', '=', 'open').executeTakeFirst())?.n ?? 0
    return { read, waiting: Number(waiting) }
  }

  return {
    pullCatalog,

    /** The changes waiting for a decision, with the procedure's name and each difference. */
    async catalogChanges () {
      const rows = await db.kysely.selectFrom('nationalCatalogChanges').select(['id', 'procedureCode', 'receivedAt', 'differences']).where('state', '=', 'open').orderBy('receivedAt').limit(200).execute()
      return rows.map(r => ({ ...r, id: Number(r.id), differences: r.differences as unknown as Difference[] }))
    },

    /**
     * A catalog administrator applies a waiting change (the national values, recomputed against our
     * current version, become a new version) or rejects it with a reason. Audited; each decided once.
     */
    async decideCatalogChange (actor: Actor & { id: string }, id: number, apply: boolean, reason: string): Promise<{ code: string, version: number }> {
      const row = await db.kysely.selectFrom('nationalCatalogChanges').selectAll().where('id', '=', id).where('state', '=', 'open').executeTakeFirst()
      if (!row) throw new AppError('NOT_FOUND', 'no such change waiting')
      const text = reason.trim().slice(0, 1000)
      if (!apply && text.length < 5) throw new AppError('VALIDATION', 'reason required', [{ field: `reason-${id}`, message: 'Ghi lý do không áp dụng (ít nhất 5 ký tự)' }])
      let version = 0
      if (apply) {
        const p = await catalog.getProcedure(row.procedureCode)
        const { change } = differencesOf((await catalog.getVersion(p.versionId)).content, row.record as unknown as NationalProcedure)
        version = await catalog.applyNational(actor, row.procedureCode, change, text || 'Áp dụng từ Cơ sở dữ liệu quốc gia về thủ tục hành chính')
      }
      await db.transaction(async trx => {
        const r = await trx.updateTable('nationalCatalogChanges').set({ state: apply ? 'applied' : 'rejected', decidedBy: actor.id, decidedAt: new Date(), reason: text || null }).where('id', '=', id).where('state', '=', 'open').executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Thay đổi này vừa được cán bộ khác xử lý.')
        await audit.record(trx, { actor, action: apply ? 'national.catalog.apply' : 'national.catalog.reject', targetType: 'procedure', targetId: row.procedureCode, details: { change: id, version, reason: text || null } })
      })
      return { code: row.procedureCode, version }
    }
  }
}
