-- Stored files (uploads and, later, results). A row exists before its bytes: 'uploading' rows older
-- than an hour are what a dead process left, and the cleanup job removes them with their object.
create table files (
  id uuid primary key default gen_random_uuid(),
  owner_account_id uuid references accounts (id),
  storage_key text not null unique,
  name text not null,
  media_type text not null,
  size bigint not null default 0,
  sha256 text,
  state text not null default 'uploading' check (state in ('uploading', 'quarantine', 'clean', 'infected')),
  created_at timestamptz not null default now()
);
create index files_owner on files (owner_account_id, created_at desc);
create index files_uploading on files (created_at) where state in ('uploading', 'quarantine');

-- The per-agency, per-day counter behind dossier codes: taken in the submitting transaction with an
-- upsert, so two processes never get the same number and a rolled-back submission leaves no gap.
create table dossier_counters (
  agency_code text not null,
  day date not null,
  last integer not null,
  primary key (agency_code, day)
);

create table dossiers (
  id uuid primary key default gen_random_uuid(),
  -- null while a draft; {agency code}-{YYMMDD}-{NNNN} from submission on.
  code text unique,
  -- 0 draft, then the national status codes 1–10 (domain §3).
  status smallint not null default 0 check (status between 0 and 10),
  procedure_id integer not null references procedures (id),
  procedure_version_id integer not null references procedure_versions (id),
  account_id uuid not null references accounts (id),
  agency_code text,
  channel text not null default 'online' check (channel in ('online', 'counter', 'postal')),
  applicant jsonb not null default '{}',
  submitter jsonb not null default '{}',
  on_behalf boolean not null default false,
  case_group text,
  delivery jsonb not null default '{}',
  fees jsonb not null default '[]',
  -- The journey steps the citizen has completed (draft only).
  steps_done text[] not null default '{}',
  submitted_at timestamptz,
  received_at timestamptz,
  due_at timestamptz,
  finished_at timestamptz,
  returned_at timestamptz,
  rating smallint check (rating between 1 and 5),
  rating_comment text,
  rated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index dossiers_account on dossiers (account_id, status, created_at desc);
create index dossiers_drafts on dossiers (updated_at) where status = 0;

-- Files in a dossier, per component ('c0', 'c1' … by the procedure's order, 'mandate'). Each supplement
-- round adds rows; earlier rows are kept, marked superseded, so every version stays visible.
create table dossier_files (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  component text not null,
  file_id uuid not null references files (id),
  round integer not null default 0,
  superseded_at timestamptz,
  created_at timestamptz not null default now()
);
create index dossier_files_dossier on dossier_files (dossier_id, component);
create index dossier_files_file on dossier_files (file_id);

-- The timeline: every status change and every act on a dossier.
create table dossier_events (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  at timestamptz not null default now(),
  action text not null,
  from_status smallint,
  to_status smallint,
  actor_type text not null,
  actor_id text,
  actor_name text,
  agency_code text,
  message text,
  details jsonb not null default '{}'
);
create index dossier_events_dossier on dossier_events (dossier_id, at);

-- What an official asked to be supplemented, and the applicant's answer.
create table supplement_requests (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  during_processing boolean not null,
  items jsonb not null,
  message text,
  requested_by text,
  requested_at timestamptz not null default now(),
  due_at timestamptz,
  answered_at timestamptz,
  answer_note text,
  round integer not null
);
create index supplement_requests_dossier on supplement_requests (dossier_id, requested_at);

-- In-app notifications of the personal page.
create table account_notices (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id),
  dossier_id uuid references dossiers (id) on delete cascade,
  text text not null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index account_notices_account on account_notices (account_id, created_at desc);
