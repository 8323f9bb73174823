-- Dossiers submitted on the National Public Service Portal and pulled in (issue 20): the national code is
-- kept, and pulling the same dossier twice finds it. What cannot be taken in (a malformed dossier, a
-- procedure or agency not ours) waits in the inbox with its reason for an official; nothing is dropped.
alter table dossiers add column national_code text;
create unique index dossiers_national_code on dossiers (national_code) where national_code is not null;

create table national_inbox (
  national_code text primary key,
  pulled_at timestamptz not null default now(),
  payload jsonb not null,
  reason text not null,
  state text not null default 'open' check (state in ('open', 'dismissed')),
  handled_by uuid references officials (id),
  handled_at timestamptz
);

create table national_pull_cursor (
  id int primary key check (id = 1),
  position text not null
);
