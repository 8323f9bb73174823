import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../platform/http/errors.js'
import type { OfficialsService } from './officials.service.js'
import type { RequireOfficial } from './staff-session.js'
import { DelegationPage, DepartmentsPage, OfficialDepartmentPage } from './views/PeoplePages.js'
import { ADMIN_PATH } from './views/StaffAdminPages.js'

type Values = Record<string, string | undefined>
const CASE_ROLES = new Set(['receptionist', 'specialist', 'department_head', 'agency_leader'])

/**
 * People inside an agency: the system administrator's departments and who belongs to which, and each
 * official's delegation while away. Every change redirects (post/redirect/get) and is audited.
 */
export async function peoplePages (app: FastifyInstance, { officials, requireOfficial }: { officials: OfficialsService, requireOfficial: RequireOfficial }) {
  const requireAdmin = async (request: FastifyRequest) => {
    await requireOfficial(request)
    if (!request.official!.roles.some(r => r.role === 'system_admin')) throw new AppError('FORBIDDEN')
  }
  const requireCaseRole = async (request: FastifyRequest) => {
    await requireOfficial(request)
    if (!request.official!.roles.some(r => CASE_ROLES.has(r.role))) throw new AppError('FORBIDDEN', 'delegation: officials who take steps only')
  }
  const actorOf = (request: FastifyRequest) => ({ type: 'official' as const, id: request.official!.id })
  const administered = (request: FastifyRequest) => officials.administered(request.official!)

  const departmentsPage = async (request: FastifyRequest, values: Values, errors: Parameters<typeof DepartmentsPage>[0]['errors']) => {
    const agencies = await administered(request)
    return <DepartmentsPage departments={await officials.departments(agencies.map(a => a.id))} agencies={agencies} values={values} errors={errors} />
  }

  app.get(`${ADMIN_PATH}/phong`, { preHandler: requireAdmin }, async (request, reply) =>
    reply.page(await departmentsPage(request, {}, []), { title: 'Phòng, ban của cơ quan' }))

  app.post(`${ADMIN_PATH}/phong`, { preHandler: requireAdmin }, async (request, reply) => {
    const form = request.body as Values
    try {
      await officials.addDepartment(actorOf(request), Number(form['agency']), form['name'] ?? '', (await administered(request)).map(a => a.id))
      return reply.seeOther(`${ADMIN_PATH}/phong`, `Đã thêm ${(form['name'] ?? '').trim()}.`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(await departmentsPage(request, form, err.fields), { title: 'Phòng, ban của cơ quan', status: 422, hasErrors: true })
      throw err
    }
  })

  /** An official of the administrator's agencies with their agency's departments, or NOT_FOUND. */
  const managed = async (request: FastifyRequest) => {
    const { username } = request.params as { username: string }
    const within = (await administered(request)).map(a => a.id)
    const [official] = await officials.list(within, username)
    if (!official) throw new AppError('NOT_FOUND')
    const departments = await officials.departments([official.agencyId])
    return { official, within, departments }
  }

  app.get(`${ADMIN_PATH}/:username/phong`, { preHandler: requireAdmin }, async (request, reply) => {
    const { official, departments } = await managed(request)
    return reply.page(<OfficialDepartmentPage official={official} departments={departments} errors={[]} />, { title: 'Phòng của cán bộ' })
  })

  app.post(`${ADMIN_PATH}/:username/phong`, { preHandler: requireAdmin }, async (request, reply) => {
    const { official, within, departments } = await managed(request)
    const raw = (request.body as Values)['department'] ?? ''
    try {
      await officials.setDepartment(actorOf(request), official.username, raw === '' ? null : Number(raw), within)
      return reply.seeOther(ADMIN_PATH, `Đã cập nhật phòng của ${official.fullName}.`)
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(<OfficialDepartmentPage official={official} departments={departments} errors={err.fields} />, { title: 'Phòng của cán bộ', status: 422, hasErrors: true })
      throw err
    }
  })

  const delegationPage = async (request: FastifyRequest, values: Values, errors: Parameters<typeof DelegationPage>[0]['errors']) => {
    const id = request.official!.id
    const [{ given, received }, delegates] = await Promise.all([officials.delegations(id), officials.possibleDelegates(id)])
    return <DelegationPage given={given} received={received} delegates={delegates} values={values} errors={errors} />
  }

  app.get('/can-bo/uy-quyen', { preHandler: requireCaseRole }, async (request, reply) =>
    reply.page(await delegationPage(request, {}, []), { title: 'Ủy quyền khi vắng mặt' }))

  app.post('/can-bo/uy-quyen', { preHandler: requireCaseRole }, async (request, reply) => {
    const form = request.body as Values
    try {
      await officials.delegate(actorOf(request), form)
      return reply.seeOther('/can-bo/uy-quyen', 'Đã ủy quyền. Người được ủy quyền thấy các bước của bạn trong hàng đợi của họ trong thời gian này.')
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION' && err.fields) return reply.page(await delegationPage(request, form, err.fields), { title: 'Ủy quyền khi vắng mặt', status: 422, hasErrors: true })
      throw err
    }
  })

  app.post('/can-bo/uy-quyen/:id/huy', { preHandler: requireCaseRole }, async (request, reply) => {
    const id = Number((request.params as { id: string }).id)
    if (!Number.isSafeInteger(id)) throw new AppError('NOT_FOUND')
    await officials.revokeDelegation(actorOf(request), id)
    return reply.seeOther('/can-bo/uy-quyen', 'Đã hủy ủy quyền.')
  })
}
