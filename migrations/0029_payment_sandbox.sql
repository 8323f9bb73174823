-- The sandbox gateway's own record of what testers decided (demo profile and tests only): it answers
-- transaction queries from here, as a real gateway answers from its ledger.
create table payment_sandbox_transactions (
  txn_ref text primary key,
  amount text not null,
  order_info text not null,
  response_code text not null,
  transaction_status text not null,
  transaction_no text not null,
  pay_date text not null,
  created_at timestamptz not null default now()
);
