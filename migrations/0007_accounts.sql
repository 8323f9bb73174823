-- Accounts of citizens, organizations and foreigners; confirmation tokens; sessions.
create table accounts (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('individual', 'organization', 'foreigner')),
  -- The person's full name, or the organization's name.
  full_name text not null,
  citizen_id text unique,
  passport_number text,
  nationality text,
  tax_code text unique,
  representative text,
  date_of_birth date,
  phone text,
  email text,
  address text not null,
  password_hash text not null,
  status text not null default 'pending' check (status in ('pending', 'active', 'disabled')),
  -- 'basic' for a password account; a national e-ID sign-in records its level.
  assurance text not null default 'basic',
  consent_at timestamptz not null,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  unique (passport_number, nationality),
  check (kind <> 'individual' or citizen_id is not null),
  check (kind <> 'organization' or tax_code is not null),
  check (kind <> 'foreigner' or (passport_number is not null and nationality is not null))
);
create index accounts_email on accounts (lower(email));
create index accounts_phone on accounts (phone);

-- Single-use secrets sent by e-mail (a link) or SMS (a 6-digit code); only their hash is kept.
create table account_tokens (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id),
  purpose text not null check (purpose in ('confirm-email', 'confirm-phone', 'reset-email', 'reset-phone')),
  token_hash text not null unique,
  -- SMS codes are short: the browser holds a random reference to the pending confirmation.
  ref_hash text unique,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

create table sessions (
  id bigint generated always as identity primary key,
  account_id uuid not null references accounts (id),
  token_hash text not null unique,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_account on sessions (account_id) where revoked_at is null;
