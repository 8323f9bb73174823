-- The wording of the forms (issue 7) an administrator adjusts: plain text with named placeholders, one
-- paragraph per line; a form without a row uses the wording shipped with the system.
create table form_wording (
  form text primary key,
  title text not null,
  body jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references officials (id)
);
