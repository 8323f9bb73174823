-- Account protection (docs/decisions/0009): a new e-mail or phone takes effect only once confirmed
-- (the pending value is kept with its token), and a session remembers how it was opened (a national
-- e-identity session just opened stands for the password an account of that kind does not have).
alter table account_tokens drop constraint account_tokens_purpose_check;
alter table account_tokens add constraint account_tokens_purpose_check
  check (purpose in ('confirm-email', 'confirm-phone', 'reset-email', 'reset-phone', 'sign-in', 'change-email', 'change-phone'));
alter table account_tokens add column new_value text;
alter table sessions add column method text not null default 'password';
