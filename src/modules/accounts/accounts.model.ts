import type { AccountKind, RegistrationForm } from './registration-form.js'

/** The purposes of codes typed from an SMS or e-mail (the links of e-mails are tokens without a code). */
export type CodePurpose = 'confirm-phone' | 'reset-phone' | 'sign-in' | 'change-phone'


export type { AccountKind, RegistrationForm } from './registration-form.js'

export interface SignedIn {
  id: string
  kind: AccountKind
  fullName: string
  /** Unread notices, for the header (read with the session, in the same query). */
  unread?: number
}

export const CONFIRM_EMAIL_HOURS = 24
export const CONFIRM_PHONE_MINUTES = 10
export const CODE_ATTEMPTS = 5
export const SIGN_IN_CODE_MINUTES = 5
export const RESET_MINUTES = 60
export const CHANGE_EMAIL_HOURS = 24
export const CHANGE_PHONE_MINUTES = 10
/** How long a national e-identity sign-in stands for the password an account of that kind does not have. */
export const FRESH_SIGN_IN_MINUTES = 15

/** An address shown in a notice to the old one: enough to recognise, not to read off. */
export const maskContact = (value: string) => value.includes('@')
  ? value.replace(/^(.)[^@]*(@.*)$/, '$1***$2')
  : `${value.slice(0, 4)}***${value.slice(-3)}`

/** What the personal page's contact form asked for: saved, or waiting for the new address to confirm it. */
export interface ContactChange { email?: 'pending' | 'removed', phoneRef?: string }
/** Data subjects' requests are answered within 72 hours (Decree 13/2023). */
export const PRIVACY_HOURS = 72
export const SESSION_HOURS = 12
