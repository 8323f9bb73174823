-- Sign-in with the national e-identity (OpenID Connect): the provider's subject on the account, and the
-- identities waiting for their owner to confirm the merge with a local account of the same ID number.
alter table accounts add column oidc_subject text unique;
alter table accounts alter column address set default '';

create table identity_merges (
  id uuid primary key default gen_random_uuid(),
  ref_hash text not null unique,
  account_id uuid not null references accounts (id) on delete cascade,
  subject text not null,
  full_name text not null,
  assurance text not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
