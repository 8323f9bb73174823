import { sql } from 'kysely'
import type { SignedInOfficial } from '../../accounts/officials.service.js'
import { can } from '../../dossiers/status.js'
import { dueCounts, dueDossiers, searchDossiers, type DossierCriteria, type DueQueue } from '../search.js'
import { type StepQueue, QUEUE_KINDS, CASE_ROLES } from '../model.js'
import type { WorkflowContext } from '../context.js'
import { assignmentUseCases } from './assignment.js'

/** What an official sees: counts, queues, search, and one dossier's page. */
export function queueUseCases (ctx: WorkflowContext) {
  const { reassignable } = assignmentUseCases(ctx)
  const { db, dossiers, officials, calendar, catalog, audit, payments, clock, actorOf, tasks, settings, processOf, scopeOf, receptionScope, visible, officialScope, dueSoonBefore, feesDue, unsettledFees, feesReturnable, returnMethods, apologyLate, mayReceive, receptionDue, stepAgency } = ctx
  return {
    /** Counts for the workspace: reception, the official's steps by kind, and due dates near or past. */
    async counts (o: SignedInOfficial) {
      // Each scope once: the desk's agencies, the case roles' agencies, and both together.
      const [desk, caseScope] = await Promise.all([receptionScope(o), officials.scope(o, CASE_ROLES)])
      const all = [...new Set([...caseScope, ...desk])]
      const now = clock()
      const [reception, steps, due, consultations] = await Promise.all([
        desk.length === 0
          ? { reception: 0, waitingSupplement: 0 }
          : db.kysely.selectFrom('dossiers').select([
            sql<number>`count(*) filter (where status = 1)::int`.as('reception'),
            sql<number>`count(*) filter (where status = 5 and received_at is null)::int`.as('waitingSupplement')
          ]).where('agencyCode', 'in', desk).where('status', 'in', [1, 5]).executeTakeFirstOrThrow(),
        tasks.countByKind(o, scopeOf),
        dueSoonBefore(now).then(soon => dueCounts(db, all, now, soon)),
        caseScope.length === 0
          ? 0
          : db.kysely.selectFrom('dossierConsultations').select(sql<number>`count(*)::int`.as('n')).where('agencyCode', 'in', caseScope).where('answeredAt', 'is', null).executeTakeFirstOrThrow().then(r => r.n)
      ])
      return { ...reception, ...due, consultations, toProcess: steps.work, toApprove: steps.approve, toReturn: steps.return }
    },

    /** The search of the back office, over the dossiers of the official's agencies. */
    async search (o: SignedInOfficial, criteria: DossierCriteria) {
      return searchDossiers(db, await officialScope(o), criteria)
    },

    /** Open dossiers of the official's agencies past their due date, or due by the end of the next working day. */
    async dueQueue (o: SignedInOfficial, kind: DueQueue) {
      const now = clock()
      const rows = kind === 'overdue' ? await dueDossiers(db, await officialScope(o), now) : await dueDossiers(db, await officialScope(o), await dueSoonBefore(now), now)
      return Promise.all(rows.map(async r => ({ ...r, left: r.dueAt ? await calendar.remaining(now, r.dueAt) : undefined })))
    },

    /** Opens a dossier for an official: recorded in the audit log (every official's read is). */
    async open (o: SignedInOfficial, code: string, requestId?: string) {
      const d = await visible(o, code)
      await db.transaction(trx => audit.record(trx, { actor: actorOf(o), action: 'dossier.view', targetType: 'dossier', targetId: d.id, details: { code }, ...(requestId ? { requestId } : {}) }))
      const receptionist = await mayReceive(o, d)
      const due = d.status === 1 && d.submittedAt ? await receptionDue({ submittedAt: d.submittedAt, agencyCode: d.agency?.code ?? null, procedureCode: d.procedure.code }) : undefined
      const task = await tasks.openTask(db.kysely, d.id)
      const mine = task ? await tasks.mayAct(o, task, scopeOf) : false
      const process = d.receivedAt ? processOf(d) : (await settings.get(d.procedure.code)).process
      const caseScope = await officials.scope(o, CASE_ROLES)
      const consultations = (await db.kysely.selectFrom('dossierConsultations as c').leftJoin('agencies as a', 'a.code', 'c.agencyCode')
        .selectAll('c').select('a.name as agencyName').where('c.dossierId', '=', d.id).orderBy('c.id').execute())
        .map(c => ({ ...c, mayAnswer: c.answeredAt === null && caseScope.includes(c.agencyCode) }))
      const requests = await payments.ofDossier(d.id)
      const nextStep = task && task.kind === 'work' ? process[task.step + 1] : undefined
      const nextAgency = nextStep ? await stepAgency(d, nextStep) : undefined
      return {
        d,
        task,
        log: await tasks.log(db.kysely, d.id),
        process,
        consultations,
        /** Declarations the applicant filled online: each component's fields and answers. */
        declarations: await dossiers.declarationsOf(d.id, d.content, d.slots),
        payments: requests,
        mayRecordCash: d.status === 6 && (receptionist || mine),
        /** The desk or the step's holder records how long the papers handed in are valid. */
        mayRecordValidity: receptionist || mine,
        mayRefund: receptionist || mine,
        feesReturnable: feesReturnable(d),
        /** Fees neither paid nor exempted, which approving or returning needs a reason for. */
        unsettledFeesVnd: task && (task.kind === 'approve' || task.kind === 'return') ? await unsettledFees(d) : 0,
        act: mine && task && d.status !== 5 ? {
          taskId: task.id,
          step: task.step,
          forwardTo: nextStep ? { name: nextStep.name, candidates: await tasks.candidates(nextStep.role, nextAgency!) } : undefined,
          sendBack: task.step > 0 && task.kind !== 'return',
          approve: task.kind === 'approve',
          /** The procedure's result template, which the leader may issue the result from (its title). */
          resultTemplate: task.kind === 'approve' ? (await catalog.getProcedure(d.procedure.code)).resultTemplate?.title : undefined,
          supplement: (d.status === 2 || d.status === 4) && !d.supplements.some(x => x.duringProcessing),
          returnResult: task.kind === 'return',
          returnMethods: returnMethods(d),
          refuse: task.kind === 'approve',
          consult: task.kind === 'work' && [2, 4].includes(d.status) ? (await catalog.listAgencies()).filter(a => a.code !== d.agency?.code && a.code !== task.agencyCode && a.code !== o.agency.code && !caseScope.includes(a.code)) : undefined,
          // The reply's default time: what is left of the dossier's own (whole working days, 1 to 5).
          consultDays: d.dueAt ? Math.max(1, Math.min(5, Math.floor((await calendar.remaining(clock(), d.dueAt, d.agency?.code)).minutes / 480))) : 5,
          postpone: [2, 4, 6].includes(d.status) && d.postponedFrom === null && d.dueAt ? { late: await apologyLate(d.dueAt, d.agency?.code) } : undefined,
          // What to ask: the amount the desk set at reception, else the procedure's; nothing once exempt.
          requestFees: d.status === 4 && task.kind !== 'return' && !requests.some(r => r.state === 'exempt') ? feesDue(d) : undefined,
          stop: can(d.status, 'stop', { decisionIssued: d.finishedAt !== null })
        } : undefined,
        /** A head over the open step may give it to another official (the candidates), with a reason. */
        reassign: task && ![5, 7, 8, 10].includes(d.status) ? await reassignable(o, task).then(c => c && c.length > 0 ? { taskId: task.id, name: task.name, holder: task.assigneeName, candidates: c } : undefined) : undefined,
        receptionDue: due?.due,
        receptionLeft: due ? await calendar.remaining(clock(), due.due, d.agency?.code) : undefined,
        /** At reception, whom the first step may be handed to (the desk chooses, or leaves it to the role). */
        receiveTo: receptionist && can(d.status, 'receive') && process[0] ? { name: process[0].name, candidates: await tasks.candidates(process[0].role, await stepAgency(d, process[0])) } : undefined,
        may: {
          receive: receptionist && can(d.status, 'receive'),
          requestSupplement: receptionist && d.status === 1,
          refuse: receptionist && can(d.status, 'refuse'),
          /** The desk records a supplement brought in person or by post. */
          recordSupplement: receptionist && d.status === 5 && d.openSupplement !== undefined
        }
      }
    },

    /** Open steps the official may take (assigned to them, or to their role in their agencies), by due time. */
    async taskQueue (o: SignedInOfficial, queue: StepQueue = 'cua-toi') {
      const rows = await tasks.queue(o, scopeOf, [QUEUE_KINDS[queue]])
      const now = clock()
      return Promise.all(rows.map(async r => ({ ...r, left: r.dueAt ? await calendar.remaining(now, r.dueAt) : undefined })))
    }
  }
}
