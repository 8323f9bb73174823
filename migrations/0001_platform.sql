-- Platform: extensions used by search, the jobs queue, the audit trail and the site profile.
-- Forward-only. Runs unchanged on PGlite and PostgreSQL.

create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- unaccent() is only STABLE; an IMMUTABLE wrapper lets indexes and generated columns use it.
create or replace function immutable_unaccent(text) returns text
  language sql immutable parallel safe strict
  as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$;

create table jobs (
  id bigint generated always as identity primary key,
  name text not null,
  payload jsonb not null default '{}'::jsonb,
  dedupe_key text unique,
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'failed')),
  attempts integer not null default 0,
  max_attempts integer not null default 8 check (max_attempts >= 1),
  run_at timestamptz not null default now(),
  locked_by text,
  locked_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_pending_run_at on jobs (run_at) where state = 'pending';
create index jobs_running_locked_at on jobs (locked_at) where state = 'running';

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('citizen', 'official', 'system', 'cli', 'anonymous')),
  actor_id text,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  request_id text
);
create index audit_log_target on audit_log (target_type, target_id, at);
create index audit_log_at on audit_log (at);

-- The portal's own identity: names, hotline, address. Data, not code; one row.
create table site_profile (
  id boolean primary key default true check (id),
  portal_name text not null,
  province_name text not null,
  province_code text not null,
  operator_name text not null,
  hotline text not null,
  email text,
  address text not null,
  updated_at timestamptz not null default now()
);
