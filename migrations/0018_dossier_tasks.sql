-- Processing: each step of a dossier's internal process is a task for a role in an agency, possibly
-- assigned to one official; a finished task records who finished it, how, when, and against its
-- allotted time (the control sheet, form 06, is read from here).
create table dossier_tasks (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  step integer not null,
  name text not null,
  role text not null,
  agency_code text not null,
  assignee_id uuid references officials (id),
  assignee_name text,
  started_at timestamptz not null default now(),
  due_at timestamptz,
  finished_at timestamptz,
  finished_by uuid references officials (id),
  finished_by_name text,
  outcome text check (outcome in ('forwarded', 'sent-back', 'approved', 'refused', 'returned', 'supplement', 'withdrawn', 'stopped')),
  comment text
);
create index dossier_tasks_open_role on dossier_tasks (agency_code, role) where finished_at is null;
create index dossier_tasks_open_assignee on dossier_tasks (assignee_id) where finished_at is null;
create index dossier_tasks_dossier on dossier_tasks (dossier_id, id);
-- At most one open task per dossier: two officials finishing the same step cannot both succeed.
create unique index dossier_tasks_one_open on dossier_tasks (dossier_id) where finished_at is null;
