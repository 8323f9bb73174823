import type { FastifyInstance } from 'fastify'
import type { SiteService } from './site.service.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { HomePage } from './views/HomePage.js'

/** Site-wide pages. The home page shows the catalog by sector and agency (most used procedures come with dossiers). */
export async function siteModule (app: FastifyInstance, { services }: { services: { site: SiteService, catalog: CatalogService } }) {
  app.get('/', async (_request, reply) =>
    reply.sharedPage(`home:${await services.catalog.revision()}`, async () => {
      const [profile, sectors, agencies] = await Promise.all([services.site.profile(), services.catalog.listSectors(), services.catalog.listAgencies()])
      return {
        body: <HomePage provinceName={profile.provinceName} sectors={sectors} agencies={agencies.filter(a => a.procedureCount > 0)} />,
        options: { title: 'Trang chủ' }
      }
    }))
}
