-- Officials: their accounts, their roles within an agency (and its units), their sessions, and the
-- one-time codes they must enter at every sign-in.
create table officials (
  id uuid primary key default gen_random_uuid(),
  username text not null unique,
  full_name text not null,
  email text,
  phone text,
  agency_id integer not null references agencies (id),
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'locked')),
  created_at timestamptz not null default now(),
  locked_at timestamptz,
  check (email is not null or phone is not null)
);

create table official_roles (
  official_id uuid not null references officials (id),
  role text not null check (role in ('receptionist', 'specialist', 'department_head', 'agency_leader', 'catalog_admin', 'system_admin')),
  agency_id integer not null references agencies (id),
  primary key (official_id, role, agency_id)
);

create table official_sessions (
  id bigint generated always as identity primary key,
  official_id uuid not null references officials (id),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

-- A sign-in waiting for its one-time code; the browser holds a random reference to it.
create table official_codes (
  id bigint generated always as identity primary key,
  official_id uuid not null references officials (id),
  ref_hash text not null unique,
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz
);
