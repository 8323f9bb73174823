-- People inside an agency (issue 17.25): departments (phòng), the department a step belongs to, and
-- delegation while an official is away.

-- A department of an agency; an official belongs to at most one, of their own agency.
create table departments (
  id serial primary key,
  agency_id integer not null references agencies (id),
  name text not null check (length(name) between 2 and 200),
  created_at timestamptz not null default now()
);
create unique index departments_name on departments (agency_id, lower(name));
alter table officials add column department_id integer references departments (id);

-- A step handed to a department is seen by that department's officials with the step's role (and by
-- officials of the agency who belong to no department); null: the whole agency's role.
alter table dossier_tasks add column department_id integer references departments (id);

-- While away, an official's steps may be taken by a colleague: from `starts_on` to `ends_on` (both
-- included, Vietnam's calendar days), until revoked.
create table delegations (
  id serial primary key,
  official_id uuid not null references officials (id),
  delegate_id uuid not null references officials (id),
  starts_on date not null,
  ends_on date not null,
  reason text not null,
  created_by uuid not null references officials (id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  check (ends_on >= starts_on),
  check (delegate_id <> official_id)
);
create index delegations_delegate on delegations (delegate_id, ends_on) where revoked_at is null;
create index delegations_official on delegations (official_id, ends_on) where revoked_at is null;
