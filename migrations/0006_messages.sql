-- Messages to citizens and officials (e-mail, SMS). Each is written in the business transaction
-- with the job that delivers it, so a rollback sends nothing. In the demo profile messages are
-- kept in the development outbox (/dev/hop-thu) instead of, or as well as, being sent.
create table messages (
  id bigint generated always as identity primary key,
  channel text not null check (channel in ('email', 'sms')),
  recipient text not null,
  subject text not null default '',
  body text not null,
  template text not null,
  state text not null default 'queued' check (state in ('queued', 'sent', 'captured', 'failed')),
  provider_message_id text,
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index messages_created_at on messages (created_at desc);
