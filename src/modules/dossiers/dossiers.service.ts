import { createDossierContext, type DossiersDeps } from './context.js'
import { draftUseCases } from './use-cases/drafts.js'
import { fileUseCases } from './use-cases/files.js'
import { submitUseCases } from './use-cases/submit.js'
import { counterUseCases } from './use-cases/counter.js'
import { nationalUseCases } from './use-cases/national.js'
import { supplementUseCases } from './use-cases/supplement.js'
import { withdrawUseCases } from './use-cases/withdraw.js'
import { rateUseCases } from './use-cases/rate.js'
import { officeUseCases } from './use-cases/office.js'
import { mineUseCases } from './use-cases/mine.js'
import { lookupUseCases } from './use-cases/lookup.js'
import { storeUseCases } from './use-cases/store.js'
import { declarationUseCases } from './use-cases/declaration.js'

/**
 * The dossiers module: a citizen's dossier from draft to result, and the rules the back office moves it
 * by. Each group of use cases lives in its own file under use-cases/; they share the context.
 */
export function createDossiersService (deps: DossiersDeps) {
  const ctx = createDossierContext(deps)
  const { jobs } = ctx
  const service = {
    ...draftUseCases(ctx),
    ...fileUseCases(ctx),
    ...submitUseCases(ctx),
    ...counterUseCases(ctx),
    ...nationalUseCases(ctx),
    ...supplementUseCases(ctx),
    ...withdrawUseCases(ctx),
    ...rateUseCases(ctx),
    ...officeUseCases(ctx),
    ...mineUseCases(ctx),
    ...lookupUseCases(ctx),
    ...storeUseCases(ctx),
    ...declarationUseCases(ctx),
    takeCode: ctx.takeCode
  }

  jobs.registerPeriodic('dossiers.delete-old-drafts', 6 * 3600_000, async (_job, { log }) => {
    const n = await service.deleteOldDrafts()
    if (n > 0) log.info({ deleted: n }, 'deleted drafts past their retention')
  })
  return service
}

export type DossiersService = ReturnType<typeof createDossiersService>
export type DossierView = Awaited<ReturnType<DossiersService['get']>>
export type LookupResult = NonNullable<Awaited<ReturnType<DossiersService['lookup']>>>
