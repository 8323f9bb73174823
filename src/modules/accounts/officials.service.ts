import crypto from 'node:crypto'
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../platform/db/db.js'
import type { OfficialRole } from '../../platform/db/database.js'
import { AppError, type FieldError } from '../../platform/http/errors.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import { checkNewPassword, checkPassword, normalizeMobile } from './identity.js'
import { canonicalUsername, createSignInGuard } from './lockout.js'
import { hashPassword, hashSecret, newCode, newSecret, verifyPassword } from './passwords.js'
import { checkResend, renewedExpiry, withCode, type CodeMessage } from './codes.js'
import { EMAIL } from './registration-form.js'
import { createPeople } from './people.js'

export type { OfficialRole }

export const ROLES: Record<OfficialRole, string> = {
  receptionist: 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  department_head: 'Lãnh đạo phòng',
  agency_leader: 'Lãnh đạo cơ quan',
  catalog_admin: 'Quản trị danh mục',
  system_admin: 'Quản trị hệ thống'
}

export interface SignedInOfficial {
  id: string
  username: string
  fullName: string
  agency: { code: string, name: string }
  roles: Array<{ role: OfficialRole, agencyId: number, agencyCode: string, agencyName: string }>
  /** The password was set by someone else: nothing but changing it until it is changed. */
  mustChangePassword?: boolean
  /** The department (phòng) of their agency they belong to, if any: their queues follow it. */
  department?: { id: number, name: string } | null
  /** Colleagues away who delegated their steps to this official today. */
  standsFor?: Array<{ id: string, fullName: string }>
}

export interface NewOfficial {
  username: string
  fullName: string
  agencyCode: string
  roles: OfficialRole[]
  email?: string | undefined
  phone?: string | undefined
  password?: string | undefined
  /** Whether the official must change the password at first sign-in; by default when it was generated. */
  mustChangePassword?: boolean
}

/** An official as a system administrator's list shows them. */
export interface OfficialRow { username: string, fullName: string, agencyId: number, agencyName: string, departmentId: number | null, departmentName: string | null, status: string, roles: OfficialRole[], email: string | null, phone: string | null }

const CODE_MINUTES = 5
const CODE_ATTEMPTS = 5
const SESSION_HOURS = 10

/**
 * Officials: created by a system administrator (the first one by the CLI), signing in with a password
 * and, every time, a one-time code sent by e-mail or SMS. A role applies within its agency and the
 * agency's units.
 */
/** The code of the top agency of a province or ministry (Decision 20/2020/QĐ-TTg): 000.00.00.H34 for Kon Tum's People's Committee. */
export const topAgencyCode = (provinceCode: string) => `000.00.00.${provinceCode}`

export function createOfficialsService (deps: { db: Db, audit: AuditService, notifications: NotificationsService, idleMinutes: number, provinceCode: () => Promise<string> }) {
  const { db, audit, notifications } = deps
  const guard = createSignInGuard({ db, audit, scope: 'staff', action: 'official.sign-in' })
  const people = createPeople({ db, audit })

  /** The agencies the official's `role` covers: each agency it is held at and every unit below them (one query). */
  async function covered (official: SignedInOfficial, role: OfficialRole): Promise<number[]> {
    const roots = official.roles.filter(r => r.role === role).map(r => r.agencyId)
    if (roots.length === 0) return []
    return (await tree(sql`select id from agencies where id in (${sql.join(roots)})`)).map(r => r.id)
  }

  /** Agencies chosen by `roots` (a query of ids) and every unit below them, at any depth (one query). */
  async function tree (roots: RawBuilder<unknown>): Promise<Array<{ id: number, code: string }>> {
    const rows = await sql<{ id: number, code: string }>`
      with recursive tree(id) as (${roots} union select a.id from agencies a join tree t on a.parent_id = t.id)
      select a.id, a.code from tree join agencies a on a.id = tree.id`.execute(db.kysely)
    return rows.rows
  }

  async function load (officialId: string): Promise<SignedInOfficial | undefined> {
    const o = await db.kysely.selectFrom('officials as o').innerJoin('agencies as a', 'a.id', 'o.agencyId').leftJoin('departments as dp', 'dp.id', 'o.departmentId')
      .select(['o.id', 'o.username', 'o.fullName', 'o.mustChangePassword', 'a.code', 'a.name', 'o.departmentId', 'dp.name as departmentName']).where('o.id', '=', officialId).where('o.status', '=', 'active').executeTakeFirst()
    if (!o) return undefined
    // Every back-office request loads these: the roles and today's delegations side by side, not one after the other.
    const [roles, standsFor] = await Promise.all([
      db.kysely.selectFrom('officialRoles as r').innerJoin('agencies as a', 'a.id', 'r.agencyId')
        .select(['r.role', 'r.agencyId', 'a.code as agencyCode', 'a.name as agencyName']).where('r.officialId', '=', officialId).orderBy('r.role').execute(),
      people.standsFor(o.id)
    ])
    const department = o.departmentId !== null && o.departmentName !== null ? { id: o.departmentId, name: o.departmentName } : null
    return { id: o.id, username: o.username, fullName: o.fullName, agency: { code: o.code, name: o.name }, roles, mustChangePassword: o.mustChangePassword, department, standsFor }
  }

  return {
    ...people,

    /**
     * Creates an official with roles in an agency. Returns the password (generated when none is given,
     * to be handed over once). Throws VALIDATION naming the field, CONFLICT for a taken user name.
     */
    async create (actor: Actor, input: NewOfficial, within?: number[]): Promise<{ id: string, password: string }> {
      const errors: FieldError[] = []
      const username = input.username.trim().toLowerCase()
      if (!/^[a-z0-9._-]{3,40}$/.test(username)) errors.push({ field: 'username', message: 'Tên đăng nhập gồm 3–40 chữ cái không dấu, chữ số, dấu chấm, gạch' })
      if (!input.fullName.trim()) errors.push({ field: 'fullName', message: 'Nhập họ và tên' })
      if (input.roles.length === 0 || input.roles.some(r => !(r in ROLES))) errors.push({ field: 'roles', message: `Vai trò phải là một trong: ${Object.keys(ROLES).join(', ')}` })
      const email = input.email?.trim().toLowerCase() || null
      const phone = input.phone ? normalizeMobile(input.phone) : null
      if (email && !EMAIL.test(email)) errors.push({ field: 'email', message: 'Địa chỉ thư điện tử không đúng' })
      if (input.phone && !phone) errors.push({ field: 'phone', message: 'Số điện thoại di động không đúng' })
      if (!email && !phone) errors.push({ field: 'email', message: 'Cần thư điện tử hoặc số điện thoại để nhận mã đăng nhập' })
      const password = input.password ?? `${crypto.randomBytes(9).toString('base64url')}-Kt`
      const weak = checkPassword(password, [username])
      if (weak) errors.push({ field: 'password', message: weak })
      const agency = await db.kysely.selectFrom('agencies').select('id').where('code', '=', input.agencyCode).executeTakeFirst()
      if (!agency) errors.push({ field: 'agency', message: `Không có cơ quan mã ${input.agencyCode}` })
      else if (within && !within.includes(agency.id)) errors.push({ field: 'agency', message: 'Bạn không quản trị cơ quan này' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid official', errors)
      const passwordHash = await hashPassword(password)
      const id = await db.transaction(async (trx) => {
        if (await trx.selectFrom('officials').select('id').where('username', '=', username).executeTakeFirst()) throw new AppError('CONFLICT', `user name ${username} is taken`)
        // A generated password (handed over by the administrator) is changed at first sign-in.
        const row = await trx.insertInto('officials').values({ username, fullName: input.fullName.trim(), email, phone, agencyId: agency!.id, passwordHash, mustChangePassword: input.mustChangePassword ?? input.password === undefined }).returning('id').executeTakeFirstOrThrow()
        await trx.insertInto('officialRoles').values([...new Set(input.roles)].map(role => ({ officialId: row.id, role, agencyId: agency!.id }))).execute()
        await audit.record(trx, { actor, action: 'official.create', targetType: 'official', targetId: row.id, details: { username, roles: input.roles, agency: input.agencyCode } })
        return row.id
      })
      return { id, password }
    },

    /**
     * Locks an official (a transferred member of staff); their history stays. With `within`, only an
     * official of those agencies. Throws NOT_FOUND.
     */
    async lock (actor: Actor, username: string, within?: number[]): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.updateTable('officials').set({ status: 'locked', lockedAt: new Date() }).where('username', '=', username.toLowerCase())
          .$if(within !== undefined, qb => qb.where('agencyId', 'in', within!.length > 0 ? within! : [-1])).returning('id').executeTakeFirst()
        if (!row) throw new AppError('NOT_FOUND', `no official ${username}`)
        await trx.updateTable('officialSessions').set({ revokedAt: new Date() }).where('officialId', '=', row.id).where('revokedAt', 'is', null).execute()
        await audit.record(trx, { actor, action: 'official.lock', targetType: 'official', targetId: row.id })
      })
    },

    /**
     * Replaces an official's roles (held at their agency). With `within`, only an official of those
     * agencies. Audited with the roles before and after. Throws VALIDATION, NOT_FOUND.
     */
    async setRoles (actor: Actor, username: string, roles: OfficialRole[], within?: number[]): Promise<void> {
      if (roles.length === 0 || roles.some(r => !(r in ROLES))) throw new AppError('VALIDATION', 'invalid roles', [{ field: 'roles', message: 'Chọn ít nhất một vai trò' }])
      await db.transaction(async (trx) => {
        const o = await trx.selectFrom('officials').select(['id', 'agencyId']).where('username', '=', username.toLowerCase())
          .$if(within !== undefined, qb => qb.where('agencyId', 'in', within!.length > 0 ? within! : [-1])).forUpdate().executeTakeFirst()
        if (!o) throw new AppError('NOT_FOUND', `no official ${username}`)
        const before = (await trx.selectFrom('officialRoles').select('role').where('officialId', '=', o.id).orderBy('role').execute()).map(r => r.role)
        await trx.deleteFrom('officialRoles').where('officialId', '=', o.id).execute()
        await trx.insertInto('officialRoles').values([...new Set(roles)].map(role => ({ officialId: o.id, role, agencyId: o.agencyId }))).execute()
        await audit.record(trx, { actor, action: 'official.roles.set', targetType: 'official', targetId: o.id, details: { before, after: [...new Set(roles)].sort() } })
      })
    },

    /** The agencies an official administers: those their system administrator roles cover, by code. */
    async administered (official: SignedInOfficial): Promise<Array<{ id: number, code: string, name: string }>> {
      const ids = await covered(official, 'system_admin')
      if (ids.length === 0) return []
      return db.kysely.selectFrom('agencies').select(['id', 'code', 'name']).where('id', 'in', ids).orderBy('code').execute()
    },

    /** The officials of the given agencies, by agency and name (only the one with `username`, if given). */
    async list (agencyIds: number[], username?: string): Promise<OfficialRow[]> {
      if (agencyIds.length === 0) return []
      const rows = await db.kysely.selectFrom('officials as o').innerJoin('agencies as a', 'a.id', 'o.agencyId').leftJoin('departments as dp', 'dp.id', 'o.departmentId')
        .select(['o.id', 'o.username', 'o.fullName', 'o.status', 'o.email', 'o.phone', 'o.agencyId', 'a.name as agencyName', 'o.departmentId', 'dp.name as departmentName'])
        .where('o.agencyId', 'in', agencyIds).$if(username !== undefined, qb => qb.where('o.username', '=', username!.toLowerCase())).orderBy('a.code').orderBy('o.username').execute()
      const roles = rows.length === 0 ? [] : await db.kysely.selectFrom('officialRoles').select(['officialId', 'role']).where('officialId', 'in', rows.map(r => r.id)).orderBy('role').execute()
      const order = Object.keys(ROLES)
      return rows.map(({ id, ...r }) => ({ ...r, roles: roles.filter(x => x.officialId === id).map(x => x.role).sort((a, b) => order.indexOf(a) - order.indexOf(b)) }))
    },

    count: async () => (await db.kysely.selectFrom('officials').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n,

    /**
     * First step of signing in: the password. On success a one-time code goes out and the returned
     * reference identifies the sign-in waiting for it. Throws VALIDATION (the same message whatever was wrong).
     */
    async startSignIn (username: string, password: string, ip = 'unknown'): Promise<{ ref: string, channel: 'email' | 'sms' }> {
      const name = canonicalUsername(username)
      const row = await db.kysely.selectFrom('officials').select(['id', 'passwordHash', 'status', 'email', 'phone']).where('username', '=', name).executeTakeFirst()
      const o = await guard({ accounts: row ? [row.id] : [], name }, ip, async () => {
        if (row?.status === 'active' && await verifyPassword(password, row.passwordHash)) return { ok: true as const, value: row }
        if (!row) await hashPassword(password) // the same work either way
        return { ok: false as const, details: row ? { official: row.id } : {} }
      })
      const ref = newSecret()
      const code = newCode()
      const channel: 'email' | 'sms' = o.email ? 'email' : 'sms'
      const message: CodeMessage = channel === 'email'
        ? { channel, recipient: o.email!, template: 'staff-code', subject: 'Mã đăng nhập: {code}', body: `Mã đăng nhập hệ thống một cửa của bạn là {code}. Mã có hiệu lực ${CODE_MINUTES} phút. Không chia sẻ mã này với ai.` }
        : { channel, recipient: o.phone!, template: 'staff-code', subject: '', body: `Ma dang nhap he thong mot cua: {code}. Hieu luc ${CODE_MINUTES} phut.` }
      await db.transaction(async (trx) => {
        await trx.insertInto('officialCodes').values({ officialId: o.id, refHash: ref.hash, codeHash: hashSecret(`${ref.token}:${code}`), expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000), resend: JSON.stringify(message) }).execute()
        await notifications.enqueue(trx, withCode(message, code))
      })
      return { ref: ref.token, channel }
    },

    /** "Gửi lại mã" for the sign-in code (the same rules as the citizens'; codes.ts). Throws VALIDATION. */
    async resendCode (ref: string): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx.selectFrom('officialCodes').select(['id', 'usedAt', 'expiresAt', 'sentAt', 'resends', 'resend'])
          .where('refHash', '=', hashSecret(ref)).forUpdate().executeTakeFirst()
        checkResend(row, new Date(), 'Hãy đăng nhập lại để nhận mã mới.')
        const code = newCode()
        await trx.updateTable('officialCodes').set({ codeHash: hashSecret(`${ref}:${code}`), attempts: 0, sentAt: new Date(), resends: row!.resends + 1, expiresAt: renewedExpiry(row!) }).where('id', '=', row!.id).execute()
        if (row!.resend) await notifications.enqueue(trx, withCode(row!.resend, code))
      })
    },

    /** Second step: the one-time code (5 attempts, 5 minutes). Returns a session token. Throws VALIDATION. */
    async finishSignIn (ref: string, code: string, ip = 'unknown'): Promise<string> {
      const fail = (message: string) => new AppError('VALIDATION', message, [{ field: 'code', message }])
      const session = newSecret()
      const outcome = await db.transaction(async (trx) => {
        const row = await trx.selectFrom('officialCodes').select(['id', 'officialId', 'codeHash', 'attempts', 'expiresAt', 'usedAt'])
          .where('refHash', '=', hashSecret(ref)).forUpdate().executeTakeFirst()
        if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) throw fail('Mã đăng nhập đã hết hạn. Hãy đăng nhập lại để nhận mã mới.')
        if (row.attempts >= CODE_ATTEMPTS) throw fail('Đã nhập sai quá số lần cho phép. Hãy đăng nhập lại để nhận mã mới.')
        if (hashSecret(`${ref}:${code.trim()}`) !== row.codeHash) {
          await trx.updateTable('officialCodes').set({ attempts: sql`attempts + 1` }).where('id', '=', row.id).execute()
          return 'wrong'
        }
        await trx.updateTable('officialCodes').set({ usedAt: new Date() }).where('id', '=', row.id).execute()
        await trx.insertInto('officialSessions').values({ officialId: row.officialId, tokenHash: session.hash, expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000) }).execute()
        await audit.record(trx, { actor: { type: 'official', id: row.officialId }, action: 'official.sign-in', targetType: 'official', targetId: row.officialId, details: { ip } })
        return 'ok'
      })
      if (outcome === 'wrong') throw fail('Mã đăng nhập không đúng')
      return session.token
    },

    /** An active official as signed in (the demo profile acts as its officials). */
    get: load,

    /** The official of a session cookie, if the session is live. */
    async sessionOfficial (token: string): Promise<SignedInOfficial | undefined> {
      const row = await db.kysely.selectFrom('officialSessions').select(['id', 'officialId', 'lastSeenAt'])
        .where('tokenHash', '=', hashSecret(token)).where('revokedAt', 'is', null).where('expiresAt', '>', new Date())
        .where('lastSeenAt', '>', new Date(Date.now() - deps.idleMinutes * 60_000)).executeTakeFirst()
      if (!row) return undefined
      if (Date.now() - row.lastSeenAt.getTime() > 60_000) await db.kysely.updateTable('officialSessions').set({ lastSeenAt: new Date() }).where('id', '=', row.id).execute()
      return load(row.officialId)
    },

    /** Changes the official's own password; their other sessions end. Throws VALIDATION naming the field. */
    async changePassword (officialId: string, sessionToken: string, current: string, password: string, confirm: string): Promise<void> {
      const row = await db.kysely.selectFrom('officials').select(['passwordHash', 'username']).where('id', '=', officialId).executeTakeFirstOrThrow()
      if (!(await verifyPassword(current, row.passwordHash))) throw new AppError('VALIDATION', 'wrong password', [{ field: 'current', message: 'Mật khẩu hiện tại không đúng' }])
      checkNewPassword(password, confirm, [row.username])
      const hash = await hashPassword(password)
      await db.transaction(async (trx) => {
        await trx.updateTable('officials').set({ passwordHash: hash, mustChangePassword: false }).where('id', '=', officialId).execute()
        await trx.updateTable('officialSessions').set({ revokedAt: new Date() }).where('officialId', '=', officialId).where('tokenHash', '!=', hashSecret(sessionToken)).where('revokedAt', 'is', null).execute()
        await audit.record(trx, { actor: { type: 'official', id: officialId }, action: 'official.password.change', targetType: 'official', targetId: officialId })
      })
    },

    async signOut (token: string): Promise<void> {
      await db.kysely.updateTable('officialSessions').set({ revokedAt: new Date() }).where('tokenHash', '=', hashSecret(token)).execute()
    },

    /** An agency's code with the codes of every unit below it. */
    async withUnits (agencyCode: string): Promise<string[]> {
      return (await tree(sql`select id from agencies where code = ${agencyCode}`)).map(r => r.code)
    },

    /** The codes of the agencies where the official holds any of the roles (their agency and its units). */
    async scope (official: SignedInOfficial, roles: OfficialRole[]): Promise<string[]> {
      const ids = [...new Set((await Promise.all(roles.map(r => covered(official, r)))).flat())]
      if (ids.length === 0) return []
      return (await db.kysely.selectFrom('agencies').select('code').where('id', 'in', ids).execute()).map(r => r.code)
    },

    /**
     * Whether the official holds the role province-wide: at the top agency of the portal's province (or
     * ministry), so over every agency. Settings every agency's work depends on (the working-day calendar,
     * the wording of the forms) need it; a unit's administrator administers only their unit.
     */
    async provinceWide (official: SignedInOfficial, role: OfficialRole): Promise<boolean> {
      const top = topAgencyCode(await deps.provinceCode())
      return official.roles.some(r => r.role === role && r.agencyCode === top)
    },

    /** Whether the official holds the role for work of the given agency (their role's agency or a unit below it). */
    async can (official: SignedInOfficial, role: OfficialRole, agencyCode: string): Promise<boolean> {
      const target = await db.kysely.selectFrom('agencies').select('id').where('code', '=', agencyCode).executeTakeFirst()
      if (!target) return false
      return (await covered(official, role)).includes(target.id)
    }
  }
}

export type OfficialsService = ReturnType<typeof createOfficialsService>
