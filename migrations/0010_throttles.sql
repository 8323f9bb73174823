-- Failure counters for sign-in (and later one-time codes, registration, password reset), per user
-- name and per client address, in the database so that they hold across several app processes.
create table throttles (
  key text primary key,
  failures integer not null default 0,
  locks integer not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);
