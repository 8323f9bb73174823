import crypto from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>
const N = 16384
const R = 8
const P = 1

/** The stored hash of an account that signs in only through the national e-identity: no password matches it. */
export const NO_PASSWORD = '!national-identity'

/** scrypt with a random salt, stored as scrypt$N$r$p$salt$hash (base64url). */
export async function hashPassword (password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const hash = await scrypt(password.normalize('NFC'), salt, 32, { N, r: R, p: P })
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) })
  return crypto.timingSafeEqual(actual, expected)
}

/** A random secret for a link or a session, and the hash that is stored in its place. */
export function newSecret (): { token: string, hash: string } {
  const token = crypto.randomBytes(32).toString('base64url')
  return { token, hash: hashSecret(token) }
}

export const hashSecret = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** A 6-digit code for SMS. */
export const newCode = () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
