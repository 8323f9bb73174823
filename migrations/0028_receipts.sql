-- Fee receipts (biên lai thu phí, lệ phí; domain-research §8): a number per collecting agency, template
-- and series, from 1 each 1 January, without gaps; never deleted (a cancellation is recorded on it).
create table receipt_counters (
  agency_code text not null,
  template text not null,
  series text not null,
  year integer not null,
  last integer not null,
  primary key (agency_code, template, series, year)
);

create table receipts (
  id bigint generated always as identity primary key,
  payment_id bigint not null unique references payments (id),
  agency_code text not null,
  template text not null,
  series text not null,
  year integer not null,
  number integer not null check (number between 1 and 9999999),
  amount_vnd bigint not null,
  payer_name text not null,
  payer_address text,
  payer_id_number text,
  content text not null,
  issued_at timestamptz not null default now(),
  cancelled_at timestamptz,
  cancel_reason text,
  unique (agency_code, template, series, year, number)
);
create index receipts_issued on receipts (agency_code, issued_at);

-- A receipt is never removed: cancelling one is an update that records when and why.
create or replace function refuse_delete() returns trigger language plpgsql as $$
begin
  raise exception '% rows are never deleted', tg_table_name using errcode = 'insufficient_privilege';
end
$$;
create trigger receipts_no_delete before delete on receipts for each row execute function refuse_delete();
create trigger receipt_counters_no_delete before delete on receipt_counters for each row execute function refuse_delete();
