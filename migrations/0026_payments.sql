-- Fees and payments (issue 8): what a dossier must pay, each attempt to pay it, and every
-- notification the gateway sent, kept as received.
create table payment_requests (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  amount_vnd bigint not null check (amount_vnd > 0),
  note text,
  state text not null default 'open' check (state in ('open', 'paid', 'cancelled')),
  requested_by uuid references officials (id),
  requested_by_name text not null,
  requested_at timestamptz not null default now(),
  paid_at timestamptz
);
-- One request open per dossier at a time.
create unique index payment_requests_one_open on payment_requests (dossier_id) where state = 'open';
create index payment_requests_dossier on payment_requests (dossier_id, id);

create table payments (
  id bigint generated always as identity primary key,
  request_id bigint not null references payment_requests (id),
  method text not null check (method in ('cash', 'transfer', 'vnpay')),
  state text not null check (state in ('pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded')),
  amount_vnd bigint not null check (amount_vnd > 0),
  -- The order reference sent to the gateway (unique), and what it answered.
  txn_ref text unique,
  provider_txn text,
  bank_code text,
  response_code text,
  -- Money taken that the dossier did not need (a second payment, or one on a cancelled attempt): to refund.
  surplus boolean not null default false,
  recorded_by uuid references officials (id),
  recorded_by_name text,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
-- One online attempt pending per request: a new attempt cancels the old one.
create unique index payments_one_pending_online on payments (request_id) where state = 'pending' and method = 'vnpay';
create index payments_request on payments (request_id, id);
create index payments_settled on payments (settled_at) where state = 'paid';

create table payment_notifications (
  id bigint generated always as identity primary key,
  provider text not null,
  received_at timestamptz not null default now(),
  query jsonb not null,
  answer text not null
);
