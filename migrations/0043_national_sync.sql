-- Dossier sync with the National Public Service Portal (issue 20). The dossier's append-only event ledger
-- is the outbox: each event records the transaction that wrote it, so that the sync reads only events of
-- transactions finished before any still running (no event committed later with a smaller id is ever
-- skipped); `national_sync_cursor` keeps where that reading stopped, `national_sync` each dossier's
-- position: the last event the national portal has (pushed_seq) and the last it should have (wanted_seq).
alter table dossier_events add column txid xid8 not null default pg_current_xact_id();
create index dossier_events_txid on dossier_events (txid, id);

create table national_sync_cursor (
  id int primary key check (id = 1),
  txid xid8 not null,
  event_id bigint not null
);

create table national_sync (
  dossier_id uuid primary key references dossiers (id),
  wanted_seq bigint not null,
  pushed_seq bigint not null default 0,
  state text not null default 'pending' check (state in ('pending', 'ok', 'failed')),
  attempts int not null default 0,
  next_at timestamptz not null default now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  last_answer jsonb,
  pushed_at timestamptz,
  updated_at timestamptz not null default now()
);
create index national_sync_due on national_sync (next_at) where state = 'pending';
create index national_sync_failed on national_sync (updated_at) where state = 'failed';
