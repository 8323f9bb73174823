import type { TestApp } from './app.js'

let next = 0

/**
 * A confirmed citizen account with a session: returns its id, its ID number and the cookie a browser
 * would carry. Each call makes a different person (valid ID numbers: Kon Tum, male, born 1990).
 */
export async function newCitizen (t: Pick<TestApp, 'services'>, overrides: Record<string, string> = {}) {
  const n = `${process.pid % 1000}${String(++next).padStart(3, '0')}`.padStart(6, '0').slice(-6)
  const citizenId = `062090${n}`
  const password = 'Mật khẩu thử 2024'
  const form = {
    fullName: 'Nguyễn Văn Thử', citizenId, dateOfBirth: '15/08/1990', phone: `091${n}1`.slice(0, 10), email: `thu${n}@example.vn`,
    address: '70 Lê Hồng Phong, Kon Tum', password, ...overrides
  }
  const id = await t.services.accounts.createConfirmed({ type: 'system' }, 'individual', form)
  const result = await t.services.accounts.signIn(citizenId, password, 'test', '127.0.0.1')
  if (!('token' in result)) throw new Error('sign-in asked for a code')
  return { id, citizenId, phone: form.phone, email: form.email, password, cookie: `mc_session=${result.token}` }
}
