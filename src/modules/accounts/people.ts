import type { Db } from '../../platform/db/db.js'
import type { OfficialRole } from '../../platform/db/database.js'
import { parseDay } from '../../platform/http/day-range.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import { dmy, toLocal } from '../../platform/vn-time.js'
import type { Actor, AuditService } from '../audit/audit.service.js'

/** A department (phòng) of an agency, with how many officials belong to it. */
export interface Department { id: number, agencyId: number, agencyName: string, name: string, members: number }

/** An official's absence: their steps may be taken by the delegate from `startsOn` to `endsOn` (both included). */
export interface Delegation { id: number, officialId: string, officialName: string, delegateId: string, delegateName: string, startsOn: string, endsOn: string, reason: string }

/** Roles that take a dossier's steps: a delegate must share one of them with the official who is away. */
const CASE_ROLES: OfficialRole[] = ['receptionist', 'specialist', 'department_head', 'agency_leader']
/** The longest absence one delegation covers (a longer one is a reassignment of work, not a delegation). */
const MAX_DELEGATION_DAYS = 90

/**
 * People inside an agency (issue 17.25): its departments and who belongs to which, set by the system
 * administrators of the agency; and delegation while an official is away, set by the official. Every
 * change is audited.
 */
export function createPeople (deps: { db: Db, audit: AuditService, today?: () => string }) {
  const { db, audit } = deps
  const today = deps.today ?? (() => toLocal(new Date()).date)

  /** Colleagues who may stand in for the official: active, of the same agency, sharing a role that takes steps. */
  async function possibleDelegates (officialId: string): Promise<Array<{ id: string, fullName: string }>> {
    return db.kysely.selectFrom('officials as o').innerJoin('officialRoles as r', 'r.officialId', 'o.id')
      .innerJoin('officials as me', 'me.agencyId', 'o.agencyId')
      .innerJoin('officialRoles as mine', join => join.onRef('mine.officialId', '=', 'me.id').onRef('mine.role', '=', 'r.role'))
      .select(['o.id', 'o.fullName']).distinct()
      .where('me.id', '=', officialId).where('o.id', '<>', officialId).where('o.status', '=', 'active').where('r.role', 'in', CASE_ROLES)
      .orderBy('o.fullName').execute()
  }

  return {
    possibleDelegates,

    /** The departments of the given agencies, by agency and name. */
    async departments (agencyIds: number[]): Promise<Department[]> {
      if (agencyIds.length === 0) return []
      return db.kysely.selectFrom('departments as d').innerJoin('agencies as a', 'a.id', 'd.agencyId')
        .leftJoin('officials as o', join => join.onRef('o.departmentId', '=', 'd.id').on('o.status', '=', 'active'))
        .select(['d.id', 'd.agencyId', 'a.name as agencyName', 'd.name', eb => eb.fn.count<number>('o.id').as('members')])
        .where('d.agencyId', 'in', agencyIds).groupBy(['d.id', 'a.name', 'a.code']).orderBy('a.code').orderBy('d.name').execute()
        .then(rows => rows.map(r => ({ ...r, members: Number(r.members) })))
    },

    /** Adds a department to one of the agencies in `within`. Throws VALIDATION naming the field. */
    async addDepartment (actor: Actor, agencyId: number, name: string, within: number[]): Promise<number> {
      const errors: FieldError[] = []
      const clean = name.trim().replace(/\s+/g, ' ')
      if (!within.includes(agencyId)) errors.push({ field: 'agency', message: 'Chọn một cơ quan bạn quản trị' })
      if (clean.length < 2 || clean.length > 200) errors.push({ field: 'name', message: 'Nhập tên phòng, từ 2 đến 200 ký tự' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid department', errors)
      return db.transaction(async trx => {
        const taken = await trx.selectFrom('departments').select('id').where('agencyId', '=', agencyId).where(eb => eb(eb.fn('lower', ['name']), '=', clean.toLowerCase())).executeTakeFirst()
        if (taken) throw new AppError('VALIDATION', 'department exists', [{ field: 'name', message: 'Cơ quan đã có phòng mang tên này' }])
        const { id } = await trx.insertInto('departments').values({ agencyId, name: clean }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor, action: 'department.create', targetType: 'department', targetId: String(id), details: { agencyId, name: clean } })
        return id
      })
    },

    /** Puts an official of `within` in a department of their own agency (or none). Throws VALIDATION, NOT_FOUND. */
    async setDepartment (actor: Actor, username: string, departmentId: number | null, within: number[]): Promise<void> {
      await db.transaction(async trx => {
        const o = await trx.selectFrom('officials').select(['id', 'agencyId', 'departmentId']).where('username', '=', username.toLowerCase())
          .where('agencyId', 'in', within.length > 0 ? within : [-1]).forUpdate().executeTakeFirst()
        if (!o) throw new AppError('NOT_FOUND', `no official ${username}`)
        if (departmentId !== null) {
          const d = await trx.selectFrom('departments').select('agencyId').where('id', '=', departmentId).executeTakeFirst()
          if (!d || d.agencyId !== o.agencyId) throw new AppError('VALIDATION', 'department of another agency', [{ field: 'department', message: 'Chọn một phòng của cơ quan cán bộ công tác' }])
        }
        if (o.departmentId === departmentId) return
        await trx.updateTable('officials').set({ departmentId }).where('id', '=', o.id).execute()
        await audit.record(trx, { actor, action: 'official.department.set', targetType: 'official', targetId: o.id, details: { before: o.departmentId, after: departmentId } })
      })
    },

    /** The department an official belongs to, if any. */
    async departmentOf (officialId: string): Promise<{ id: number, name: string } | null> {
      const r = await db.kysely.selectFrom('officials as o').innerJoin('departments as d', 'd.id', 'o.departmentId').select(['d.id', 'd.name']).where('o.id', '=', officialId).executeTakeFirst()
      return r ?? null
    },

    /** Delegations given by or to the official that have not ended, soonest first. */
    async delegations (officialId: string): Promise<{ given: Delegation[], received: Delegation[] }> {
      const rows = await db.kysely.selectFrom('delegations as g').innerJoin('officials as o', 'o.id', 'g.officialId').innerJoin('officials as d', 'd.id', 'g.delegateId')
        .select(['g.id', 'g.officialId', 'o.fullName as officialName', 'g.delegateId', 'd.fullName as delegateName', 'g.startsOn', 'g.endsOn', 'g.reason'])
        .where(eb => eb.or([eb('g.officialId', '=', officialId), eb('g.delegateId', '=', officialId)]))
        .where('g.revokedAt', 'is', null).where('g.endsOn', '>=', today()).orderBy('g.startsOn').execute()
      return { given: rows.filter(r => r.officialId === officialId), received: rows.filter(r => r.delegateId === officialId) }
    },

    /**
     * The official hands their steps to a colleague while away: from a day (today or later) to a day, at
     * most 90 days, with a reason; never overlapping another of their delegations. Throws VALIDATION.
     */
    async delegate (actor: Actor & { id: string }, input: { delegate?: string | undefined, from?: string | undefined, to?: string | undefined, reason?: string | undefined }): Promise<number> {
      const errors: FieldError[] = []
      const delegates = await possibleDelegates(actor.id)
      const delegate = delegates.find(d => d.id === input.delegate)
      if (!delegate) errors.push({ field: 'delegate', message: 'Chọn một cán bộ cùng cơ quan, cùng vai trò xử lý hồ sơ' })
      const from = parseDay(input.from ?? '')
      const to = parseDay(input.to ?? '')
      const now = today()
      if (!from) errors.push({ field: 'from', message: 'Nhập ngày bắt đầu, dạng ngày/tháng/năm, ví dụ 02/01/2027' })
      else if (from < now) errors.push({ field: 'from', message: `Ngày bắt đầu không được trước hôm nay (${dmy(now)})` })
      if (!to) errors.push({ field: 'to', message: 'Nhập ngày kết thúc, dạng ngày/tháng/năm, ví dụ 09/01/2027' })
      else if (from && to < from) errors.push({ field: 'to', message: 'Ngày kết thúc phải sau hoặc bằng ngày bắt đầu' })
      else if (from && (Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DELEGATION_DAYS) errors.push({ field: 'to', message: `Một lần ủy quyền tối đa ${MAX_DELEGATION_DAYS} ngày` })
      const reason = (input.reason ?? '').trim().slice(0, 500)
      if (!reason) errors.push({ field: 'reason', message: 'Nhập lý do vắng mặt (ví dụ: nghỉ phép, đi công tác)' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid delegation', errors)
      return db.transaction(async trx => {
        // One absence at a time: the official's row is locked so that two requests never both pass the check.
        await trx.selectFrom('officials').select('id').where('id', '=', actor.id).forUpdate().executeTakeFirst()
        const overlap = await trx.selectFrom('delegations').select(['startsOn', 'endsOn']).where('officialId', '=', actor.id).where('revokedAt', 'is', null)
          .where('startsOn', '<=', to!).where('endsOn', '>=', from!).executeTakeFirst()
        if (overlap) throw new AppError('VALIDATION', 'overlapping delegation', [{ field: 'from', message: `Đã có ủy quyền từ ${dmy(overlap.startsOn)} đến ${dmy(overlap.endsOn)}; hủy ủy quyền đó trước` }])
        const { id } = await trx.insertInto('delegations').values({ officialId: actor.id, delegateId: delegate!.id, startsOn: from!, endsOn: to!, reason, createdBy: actor.id }).returning('id').executeTakeFirstOrThrow()
        await audit.record(trx, { actor, action: 'official.delegate', targetType: 'official', targetId: delegate!.id, details: { from, to, reason } })
        return id
      })
    },

    /** Ends one of the official's own delegations now. Throws NOT_FOUND for another's. */
    async revokeDelegation (actor: Actor & { id: string }, id: number): Promise<void> {
      await db.transaction(async trx => {
        const r = await trx.updateTable('delegations').set({ revokedAt: new Date() }).where('id', '=', id).where('officialId', '=', actor.id).where('revokedAt', 'is', null).returning('delegateId').executeTakeFirst()
        if (!r) throw new AppError('NOT_FOUND', 'no such delegation')
        await audit.record(trx, { actor, action: 'official.delegate.revoke', targetType: 'official', targetId: r.delegateId, details: { delegation: id } })
      })
    },

    /** Whom the official stands in for today: the officials whose delegation to them covers today. */
    async standsFor (officialId: string): Promise<Array<{ id: string, fullName: string }>> {
      const day = today()
      return db.kysely.selectFrom('delegations as g').innerJoin('officials as o', 'o.id', 'g.officialId').select(['o.id', 'o.fullName'])
        .where('g.delegateId', '=', officialId).where('g.revokedAt', 'is', null).where('g.startsOn', '<=', day).where('g.endsOn', '>=', day).execute()
    }
  }
}

export type People = ReturnType<typeof createPeople>
