import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.js'
import { HomePage } from './views/HomePage.js'

/** Site-wide pages. The home page grows with the catalog (sectors, agencies, most used procedures). */
export async function siteModule (app: FastifyInstance, { services }: { services: Services }) {
  app.get('/', async (_request, reply) => {
    const profile = await services.site.profile()
    return reply.page(<HomePage provinceName={profile.provinceName} />, { title: 'Trang chủ' })
  })
}
