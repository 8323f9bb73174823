import type { OfficialRole } from '../src/modules/accounts/officials.service.js'
import type { TestApp } from './app.js'

let next = 0

/** An official with roles in an agency, signed in (password, then the one-time code from the message): the cookie a browser would carry. */
export async function newOfficial (t: Pick<TestApp, 'services' | 'db'>, agencyCode: string, roles: OfficialRole[], fullName = 'Cán bộ Thử') {
  const username = `canbo${process.pid % 1000}x${++next}`
  const email = `${username}@example.vn`
  const password = 'Mật khẩu cán bộ 2024'
  const { id } = await t.services.officials.create({ type: 'system' }, { username, fullName, agencyCode, roles, email, password })
  const { ref } = await t.services.officials.startSignIn(username, password, '127.0.0.1')
  const message = await t.db.kysely.selectFrom('messages').select('body').where('recipient', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow()
  const token = await t.services.officials.finishSignIn(ref, /(\d{6})/.exec(message.body)![1]!, '127.0.0.1')
  return { id, username, fullName, cookie: `mc_staff=${token}` }
}

/** A catalog administrator of the agency that processes a procedure (else of one that receives it), as the catalog pages require. */
export async function catalogAdminFor (t: Pick<TestApp, 'services' | 'db'>, p: { agencies: { processing: Array<{ code: string }>, receiving: Array<{ code: string }> } }) {
  const agency = p.agencies.processing[0]?.code ?? p.agencies.receiving[0]!.code
  return { agency, official: await newOfficial(t, agency, ['catalog_admin']) }
}
