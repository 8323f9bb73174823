-- The procedure catalog: agencies (a tree, codes with validity dates), sectors, publishing
-- decisions, procedures and their versions. Forward-only.

create table agencies (
  id integer generated always as identity primary key,
  code text not null unique,
  name text not null,
  short_name text,
  parent_id integer references agencies (id),
  kind text not null check (kind in ('national', 'ministry', 'province', 'department', 'unit', 'district', 'commune')),
  -- Codes not published in a source the project holds are assumed until an administrator confirms them.
  code_confirmed boolean not null default false,
  valid_from date,
  valid_to date,
  address text,
  phone text,
  -- Phrases that name this agency in a decision's text ("Sở Giao thông vận tải"), folded.
  aliases jsonb not null default '[]'::jsonb,
  check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
create index agencies_parent on agencies (parent_id);

create table sectors (
  id integer generated always as identity primary key,
  code text not null unique,
  name text not null unique
);

create table publishing_decisions (
  id integer generated always as identity primary key,
  number text not null unique,
  issued_on date,
  title text not null default '',
  -- 'decision' for a published decision; 'manual' for procedures entered by hand with no decision in the project.
  kind text not null default 'decision' check (kind in ('decision', 'manual')),
  source_sha256 text,
  imported_at timestamptz not null default now()
);

create table procedures (
  id integer generated always as identity primary key,
  code text not null unique,
  sector_id integer not null references sectors (id),
  online_level text not null check (online_level in ('full', 'partial', 'none')),
  -- true once an administrator set the online level: re-imports then keep it.
  online_level_set boolean not null default false,
  -- true when the processing time needs a catalog administrator (the text gives no single duration).
  needs_review boolean not null default false,
  entered_by_hand boolean not null default false,
  current_version_id integer,
  position integer not null default 0,
  -- Folded (no diacritics, lower case) copies for search, written by the application.
  search_name text not null,
  search_text text not null,
  updated_at timestamptz not null default now()
);
create index procedures_sector on procedures (sector_id);
create index procedures_search_name_trgm on procedures using gin (search_name gin_trgm_ops);
create index procedures_search_text_trgm on procedures using gin (search_text gin_trgm_ops);

create table procedure_versions (
  id integer generated always as identity primary key,
  procedure_id integer not null references procedures (id),
  version integer not null,
  decision_id integer not null references publishing_decisions (id),
  content_hash text not null,
  -- Set by the dossiers module when a dossier is filed under this version; from then on it never changes.
  in_use boolean not null default false,
  name text not null,
  content jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (procedure_id, version)
);

alter table procedures add constraint procedures_current_version
  foreign key (current_version_id) references procedure_versions (id);

-- Which agencies receive and which process a procedure: separate relations.
create table procedure_agencies (
  procedure_id integer not null references procedures (id),
  agency_id integer not null references agencies (id),
  role text not null check (role in ('receiving', 'processing')),
  primary key (procedure_id, agency_id, role)
);
create index procedure_agencies_agency on procedure_agencies (agency_id, role);
