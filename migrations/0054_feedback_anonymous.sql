-- Feedback from people without an account (issue 24): sent with an e-mail address or phone number they
-- prove with a one-time code; followed through a link signed for that feedback (HMAC of its code), sent there.
alter table feedback alter column account_id drop not null;
alter table feedback add column contact text;
alter table feedback add constraint feedback_sender check (account_id is not null or contact is not null);
create index feedback_contact on feedback (contact, submitted_at) where contact is not null;

-- A feedback waiting for its sender's code: what they typed, the code's hash, its tries and expiry.
create table feedback_pending (
  id uuid primary key default gen_random_uuid(),
  contact text not null,
  channel text not null check (channel in ('email', 'sms')),
  code_hash text not null,
  attempts integer not null default 0,
  -- Set when the right code was typed (the row stays a day, counted in the contact's daily share).
  used_at timestamptz,
  expires_at timestamptz not null,
  input jsonb not null,
  ip text not null,
  created_at timestamptz not null
);
create index feedback_pending_contact on feedback_pending (contact, created_at);
