-- Refunds (issue 8): money returned to a payer, with the reason, by the gateway (asked through its
-- refund API by a job, settled when it accepts) or by hand (cash or transfer, recorded as done).
create table payment_refunds (
  id bigint generated always as identity primary key,
  payment_id bigint not null references payments (id),
  amount_vnd bigint not null check (amount_vnd > 0),
  reason text not null,
  via text not null check (via in ('gateway', 'manual')),
  state text not null check (state in ('requested', 'done', 'refused')),
  -- The gateway's answer: its code and what it means.
  response_code text,
  response_message text,
  requested_by uuid references officials (id),
  requested_by_name text not null,
  requested_at timestamptz not null default now(),
  settled_at timestamptz
);
-- A payment is refunded once: at most one refund asked or done (a refused one may be followed by another).
create unique index payment_refunds_one on payment_refunds (payment_id) where state in ('requested', 'done');

-- The sandbox's ledger keeps the refunds it accepted (transaction status 05, refund in progress).
alter table payment_sandbox_transactions add column refunded_amount text;
