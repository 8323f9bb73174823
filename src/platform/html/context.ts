import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { SiteProfile } from '../../modules/site/site.repository.js'

/** What every page needs from the request: the site's identity, the current path and the CSRF token. */
export interface PageContext {
  site: SiteProfile
  path: string
  csrfToken: string
  requestId: string
  demo: boolean
  /** The signed-in account, if any. */
  account?: { fullName: string, unread?: number | undefined } | undefined
  /** The signed-in official, on the back office's pages. */
  official?: { fullName: string } | undefined
  /** What the previous form did (post/redirect/get), shown once at the top of the page. */
  notice?: string | undefined
}

export const PageCtx = createContext<PageContext | null>(null)

export function usePage (): PageContext {
  const ctx = useContext(PageCtx)
  if (!ctx) throw new Error('usePage() outside a rendered page')
  return ctx
}
