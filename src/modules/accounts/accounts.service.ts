import { createAccountsContext, type AccountsDeps } from './accounts.context.js'
import { registrationUseCases } from './use-cases/registration.js'
import { resetUseCases } from './use-cases/reset.js'
import { signInUseCases } from './use-cases/sign-in.js'
import { profileUseCases } from './use-cases/profile.js'
export * from './accounts.model.js'

/** Citizens' and businesses' accounts: registration, sign-in, password reset and the personal page (use-cases/). */
export function createAccountsService (deps: AccountsDeps) {
  const ctx = createAccountsContext(deps)
  return {
    openSession: ctx.openSession,

    ...registrationUseCases(ctx),
    ...resetUseCases(ctx),
    ...signInUseCases(ctx),
    ...profileUseCases(ctx)
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
