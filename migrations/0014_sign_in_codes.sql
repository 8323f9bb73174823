-- The optional one-time code at citizens' sign-in (SIGN_IN_CODE=true) is a single-use account token too.
alter table account_tokens drop constraint account_tokens_purpose_check;
alter table account_tokens add constraint account_tokens_purpose_check
  check (purpose in ('confirm-email', 'confirm-phone', 'reset-email', 'reset-phone', 'sign-in'));
