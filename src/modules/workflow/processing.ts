import { sql } from 'kysely'
import { toLocal } from '../../platform/vn-time.js'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { OfficialRole, OfficialsService, SignedInOfficial } from '../accounts/officials.service.js'
import type { CalendarService } from '../calendar/calendar.service.js'
import type { ProcessingTime } from '../catalog/catalog.types.js'
import { WORK_ROLES, type ProcessStep } from './process.js'

export { DEFAULT_PROCESS, type ProcessStep } from './process.js'

/** The agencies where an official holds a role (the one-stop desk counts for receptionists). */
export type ScopeOf = (o: SignedInOfficial, role: OfficialRole) => Promise<string[]>

export interface OpenTask { id: number, step: number, kind: ProcessStep['kind'], name: string, role: OfficialRole, agencyCode: string, assigneeId: string | null, assigneeName: string | null, departmentId: number | null, startedAt: Date, dueAt: Date | null }

/** Roles whose steps belong to a department (phòng); a leader's step belongs to the whole agency. */
const DEPARTMENT_ROLES: OfficialRole[] = ['specialist', 'department_head']

/** Tasks: the steps of dossiers' internal processes, who holds them, and their allotted times. */
export function createTasks (deps: { db: Db, officials: OfficialsService, calendar: CalendarService, now: () => Date }) {
  const { db, officials, calendar } = deps
  const clock = deps.now

  /** Working hours allotted to a step: its share (percent) of a duration in working days or hours (at least one hour). */
  function allotted (t: Pick<ProcessingTime, 'value' | 'unit'>, share: number): number | undefined {
    if (t.value === null || share === 0) return undefined
    if (t.unit === 'working_days') return Math.max(1, Math.round(t.value * 8 * share / 100))
    if (t.unit === 'working_hours') return Math.max(1, Math.round(t.value * share / 100))
    return undefined
  }

  return {
    /**
     * Opens the task of `step` in the caller's transaction, with its allotted due time from the calendar.
     * It belongs to the assignee's department, else to `department` (the one it comes from) for a
     * department's role, else to the whole agency.
     */
    async open (trx: Executor, dossierId: string, step: number, s: ProcessStep, agencyCode: string, time: Pick<ProcessingTime, 'value' | 'unit'>, assignee?: { id: string, name: string }, dossierDue?: Date | null, department?: number | null): Promise<void> {
      const hours = allotted(time, s.share)
      const now = clock()
      const due = hours ? (await calendar.computeDue(now, { value: hours, unit: 'working_hours' }, {}, agencyCode)).due : (dossierDue ?? null)
      await trx.insertInto('dossierTasks').values({
        startedAt: now, dossierId, step, kind: s.kind, name: s.name, role: s.role, agencyCode, assigneeId: assignee?.id ?? null, assigneeName: assignee?.name ?? null, dueAt: due,
        departmentId: assignee ? sql<number | null>`(select department_id from officials where id = ${assignee.id})` : DEPARTMENT_ROLES.includes(s.role) ? department ?? null : null
      }).execute()
    },

    /** Closes the open task (locked by the caller's transaction) as done by the official. */
    async close (trx: Executor, taskId: number, o: { id: string, fullName: string }, outcome: string, comment: string | null): Promise<void> {
      // A colleague standing in for the assignee (delegation) is named as such in the log and form 06.
      const by = sql<string>`case when assignee_id is not null and assignee_id <> ${o.id} then ${o.fullName} || ' (thay ' || assignee_name || ')' else ${o.fullName} end`
      const r = await trx.updateTable('dossierTasks').set({ finishedAt: clock(), finishedBy: o.id, finishedByName: by, outcome, comment })
        .where('id', '=', taskId).where('finishedAt', 'is', null).executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('CONFLICT', 'Bước này vừa được cán bộ khác xử lý.')
    },

    /** Closes whatever step is open (the dossier was withdrawn or stopped); nothing when none is. */
    async closeOpen (trx: Executor, dossierId: string, outcome: 'withdrawn' | 'stopped', by: { id: string | null, name: string, official: boolean }): Promise<void> {
      // A citizen who withdraws did not handle the step: its handler stays the official it was with.
      await trx.updateTable('dossierTasks').set({ finishedAt: clock(), finishedBy: by.official ? by.id : null, finishedByName: by.official ? by.name : null, outcome })
        .where('dossierId', '=', dossierId).where('finishedAt', 'is', null).execute()
    },

    async openTask (ex: Executor, dossierId: string): Promise<OpenTask | undefined> {
      const t = await ex.selectFrom('dossierTasks').select(['id', 'step', 'kind', 'name', 'role', 'agencyCode', 'assigneeId', 'assigneeName', 'departmentId', 'startedAt', 'dueAt'])
        .where('dossierId', '=', dossierId).where('finishedAt', 'is', null).executeTakeFirst()
      return t ? { ...t, role: t.role as OfficialRole } : undefined
    },

    /** Every task of a dossier, in order: the processing log (form 06), with early / on time / late per step. */
    async log (ex: Executor, dossierId: string) {
      const rows = await ex.selectFrom('dossierTasks').selectAll().where('dossierId', '=', dossierId).orderBy('id').execute()
      return rows.map(r => ({ ...r, timing: stepTiming(r.finishedAt, r.dueAt) }))
    },

    /** Whether the official may act on the task: the task's role over its agency, and the assignee if there is one. */
    async mayAct (o: SignedInOfficial, t: OpenTask, scopeOf: ScopeOf): Promise<boolean> {
      if (t.assigneeId && t.assigneeId !== o.id && !o.standsFor?.some(s => s.id === t.assigneeId)) return false
      if (!t.assigneeId && t.departmentId !== null && o.department && o.department.id !== t.departmentId) return false
      return (await scopeOf(o, t.role)).includes(t.agencyCode)
    },

    /** Officials who may take a step: the role at the agency or one above it, active. */
    async candidates (role: OfficialRole, agencyCode: string): Promise<Array<{ id: string, fullName: string, departmentId: number | null, departmentName: string | null }>> {
      const rows = await sql<{ id: string, fullName: string, departmentId: number | null, departmentName: string | null }>`
        with recursive up(id, parent_id) as (
          select id, parent_id from agencies where code = ${agencyCode}
          union select a.id, a.parent_id from agencies a join up on a.id = up.parent_id)
        select distinct o.id, o.full_name, o.department_id, d.name as department_name from officials o join official_roles r on r.official_id = o.id
        left join departments d on d.id = o.department_id
        where r.role = ${role} and r.agency_id in (select id from up) and o.status = 'active'
        order by o.full_name`.execute(db.kysely)
      return rows.rows
    },

    /**
     * Open tasks an official may take (assigned to them, or to nobody for a role they hold there), of
     * the given kinds, by due time; at most 200.
     */
    async queue (o: SignedInOfficial, scopeOf: ScopeOf, kinds: Array<ProcessStep['kind']>) {
      const q = await mine(o, scopeOf)
      if (!q) return []
      return q.innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
        .select(['d.code', 'd.status', 'd.dueAt as dossierDue', 't.step', 't.kind', 't.name', 't.role', 't.dueAt', 't.startedAt', 't.assigneeId', 'v.name as procedureName'])
        .where('t.kind', 'in', kinds).orderBy('t.dueAt').orderBy('t.startedAt').limit(200).execute()
    },

    /** How many open tasks of each kind the official may take (the workspace's counts, not capped). */
    async countByKind (o: SignedInOfficial, scopeOf: ScopeOf): Promise<Record<ProcessStep['kind'], number>> {
      const counts = { work: 0, approve: 0, return: 0 }
      const q = await mine(o, scopeOf)
      if (!q) return counts
      for (const r of await q.select(['t.kind', sql<number>`count(*)::int`.as('n')]).groupBy('t.kind').execute()) counts[r.kind] = r.n
      return counts
    }
  }

  /** The open tasks an official may take, as a query to select from; undefined when they hold no role that works on steps. */
  async function mine (o: SignedInOfficial, scopeOf: ScopeOf) {
    const roles = [...new Set(o.roles.map(r => r.role))].filter(r => WORK_ROLES.includes(r))
    const usable = (await Promise.all(roles.map(async role => ({ role, scope: await scopeOf(o, role) })))).filter(p => p.scope.length > 0)
    if (usable.length === 0) return undefined
    return db.kysely.selectFrom('dossierTasks as t').innerJoin('dossiers as d', 'd.id', 't.dossierId')
      .where('t.finishedAt', 'is', null)
      .where(eb => eb.or(usable.map(p => eb.and([eb('t.role', '=', p.role), eb('t.agencyCode', 'in', p.scope), eb.or([
        // Unassigned: the role's, or the official's department's (an official of no department sees the agency's all).
        eb.and([eb('t.assigneeId', 'is', null), o.department ? eb.or([eb('t.departmentId', 'is', null), eb('t.departmentId', '=', o.department.id)]) : eb.lit(true)]),
        // Assigned to them, or to a colleague away who delegated to them today.
        eb('t.assigneeId', 'in', [o.id, ...(o.standsFor ?? []).map(s => s.id)])
      ])]))))
  }
}

export type Tasks = ReturnType<typeof createTasks>

/**
 * How a step finished against its allotted time, as the control sheet (form 06) says it: early when
 * done on an earlier day than its due date, on time up to the due moment, late after it.
 */
export function stepTiming (finishedAt: Date | null, dueAt: Date | null): 'early' | 'on-time' | 'late' | null {
  if (!finishedAt || !dueAt) return null
  if (finishedAt.getTime() > dueAt.getTime()) return 'late'
  return toLocal(finishedAt).date < toLocal(dueAt).date ? 'early' : 'on-time'
}

/** How a step ended, as the processing log and the control sheet say it. */
export const OUTCOME_LABELS: Record<string, string> = { forwarded: 'Chuyển bước sau', 'sent-back': 'Trả lại', approved: 'Phê duyệt', returned: 'Đã trả kết quả', refused: 'Từ chối giải quyết', withdrawn: 'Công dân rút hồ sơ', stopped: 'Dừng giải quyết' }

export const TIMING_LABELS = { early: 'Trước hạn', 'on-time': 'Đúng hạn', late: 'Quá hạn' } as const
