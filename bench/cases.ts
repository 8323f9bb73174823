import type { Services } from '../src/services.js'

/** One HTTP benchmark case: a GET measured beside the bare route serving a page of the same size. */
export interface BenchCase {
  name: string
  path: string
  /** Data the case needs, created once in the server process before it listens. */
  prepare?: (services: Services) => Promise<void>
}

export const cases: BenchCase[] = [
  { name: 'home page', path: '/' },
  { name: '404 page', path: '/khong-co-trang-nay' },
  { name: 'healthz (JSON)', path: '/healthz' }
]

export async function prepareAll (services: Services): Promise<void> {
  for (const c of cases) await c.prepare?.(services)
}
