import { createContext } from 'preact'
import { useContext } from 'preact/hooks'

/** The portal's identity, shown in every page's header and footer (kept by the site module). */
export interface SiteProfile {
  portalName: string
  provinceName: string
  provinceCode: string
  operatorName: string
  hotline: string
  email: string | null
  address: string
}

/** Where pages read the site's identity from (the site module's service). */
export interface SiteProfileSource { profile (): Promise<SiteProfile> }

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
