import fs from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import type { OfficialRole } from '../src/modules/accounts/officials.service.js'
import type { TestApp } from './app.js'
import { press, signedInContext } from './browser.js'
import { newCitizen } from './citizens.js'
import { serviceDraft } from './dossiers.js'
import { samplePdf } from './files.js'
import { newOfficial } from './officials.js'

/** What the back office's browser tests share, for an app `t` (listening) and a browser `b`. */
export function backOfficeBrowser (t: TestApp, b: { browser: import('playwright-core').Browser }, procedure: string) {
  const contextWith = (cookie: string): Promise<BrowserContext> => signedInContext(b.browser, t.url, cookie)

  /** A page in a browser signed in as a new official with the roles in the agency; the browser is closed after `fn`. */
  async function asOfficial (agency: string, roles: OfficialRole[], fn: (page: Page) => Promise<void>, name?: string): Promise<void> {
    const context = await contextWith((await newOfficial(t, agency, roles, name)).cookie)
    try {
      await fn(await context.newPage())
    } finally {
      await context.close()
    }
  }

  /** The citizen answers a supplement request on their dossier's page: a scan for the listed component, then "Gửi bổ sung" (axe after). */
  async function answerSupplement (cp: Page, dir: string, name: string): Promise<void> {
    const file = path.join(dir, name)
    fs.writeFileSync(file, samplePdf(name))
    await cp.getByLabel(/Tệp bổ sung cho/).and(cp.locator('input[type=file]')).setInputFiles(file)
    await cp.getByRole('button', { name: 'Tải lên, chưa gửi' }).click()
    await cp.getByText(name).first().waitFor()
    await press(cp, 'Gửi bổ sung')
  }

  /** A dossier submitted online and received at the desk (through the service, as the reception tests check the pages). */
  async function receivedDossier (): Promise<string> {
    const c = await newCitizen(t)
    const { code } = await t.services.dossiers.submit(c.id, await serviceDraft(t.services, c.id, procedure))
    const desk = await newOfficial(t, '000.01.01.H34', ['receptionist'], 'Lê Thị Một Cửa')
    await t.services.workflow.receive((await t.services.officials.sessionOfficial(desk.cookie.split('=')[1]!))!, code)
    return code
  }

  return { contextWith, asOfficial, answerSupplement, receivedDossier }
}
