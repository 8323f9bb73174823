-- Requests of data subjects (Decree 13/2023, Law 91/2025): correction or deletion of their personal
-- data, answered within 72 hours. Administrators work through them in order of their deadline.
create table privacy_requests (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id),
  kind text not null check (kind in ('correction', 'deletion')),
  details text not null,
  status text not null default 'open' check (status in ('open', 'done', 'refused')),
  created_at timestamptz not null default now(),
  due_at timestamptz not null,
  answered_at timestamptz,
  answer text
);
create index privacy_requests_open on privacy_requests (due_at) where status = 'open';
