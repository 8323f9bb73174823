import { sql } from 'kysely'
import type { Db } from '../src/platform/db/db.js'
import type { Services } from '../src/services.js'
import { newOfficial } from '../test/officials.js'
import type { BackOfficeSample } from './backoffice.js'

/** In the bench server, on the generated database: signed-in officials and what they will search for. */
export async function prepareBackOffice (services: Services, db: Db): Promise<BackOfficeSample> {
  const t = { services, db }
  const dept = ['000.00.11.H34', '000.01.11.H34']
  const cookies = {
    specialist: (await newOfficial(t, '000.01.11.H34', ['specialist'])).cookie,
    head: (await newOfficial(t, '000.00.11.H34', ['department_head'])).cookie,
    province: (await newOfficial(t, '000.00.00.H34', ['agency_leader'])).cookie,
    desk: (await newOfficial(t, '000.01.01.H34', ['receptionist'])).cookie
  }
  const rows = await db.kysely.selectFrom('dossiers').select(['id', 'code', sql<string>`applicant ->> 'idNumber'`.as('idNumber'), sql<string>`applicant ->> 'fullName'`.as('name')])
    .where('agencyCode', 'in', dept).where('status', '>', 0).orderBy(sql`random()`).limit(200).execute()
  return { cookies, codes: rows.map(r => r.code!), idNumbers: rows.map(r => r.idNumber), names: rows.map(r => r.name), pkId: rows[0]!.id }
}
