-- Dossier sync with the National Public Service Portal (issue 20). The dossier's append-only event ledger
-- is the outbox: while the sync is on, a trigger marks the dossier of every new event in `national_sync`
-- (wanted_seq: its last event), in the transaction that writes the event, so nothing is pushed that did
-- not happen and nothing that happened is missed; the pusher moves pushed_seq up to it. Off, nothing is
-- marked (the application switches the flag from its configuration at start, and marks every dossier
-- once when it is switched on).
create table national_sync_settings (
  id int primary key check (id = 1),
  enabled boolean not null
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

create function national_sync_mark() returns trigger language plpgsql as $$
begin
  if exists (select 1 from national_sync_settings where id = 1 and enabled) then
    insert into national_sync (dossier_id, wanted_seq, next_at, updated_at) values (new.dossier_id, new.id, now(), now())
    on conflict (dossier_id) do update set
      wanted_seq = greatest(national_sync.wanted_seq, excluded.wanted_seq),
      state = 'pending',
      attempts = case when national_sync.state = 'failed' then 0 else national_sync.attempts end,
      next_at = case when national_sync.state = 'pending' then national_sync.next_at else excluded.next_at end,
      updated_at = now();
  end if;
  return null;
end
$$;

create trigger dossier_events_national_sync after insert on dossier_events
  for each row execute function national_sync_mark();
