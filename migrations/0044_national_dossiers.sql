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

-- Where each reading of a national list stopped ('dossiers', 'catalog').
create table national_cursors (
  name text primary key,
  position text not null
);

-- A change of a procedure in the national procedure database, waiting for a catalog administrator:
-- what differs from our current version, applied (a new version; dossiers keep theirs) or rejected.
create table national_catalog_changes (
  id bigserial primary key,
  procedure_code text not null,
  received_at timestamptz not null default now(),
  record jsonb not null,
  differences jsonb not null,
  state text not null default 'open' check (state in ('open', 'applied', 'rejected')),
  decided_by uuid references officials (id),
  decided_at timestamptz,
  reason text
);
create unique index national_catalog_changes_open on national_catalog_changes (procedure_code) where state = 'open';
