-- Per-procedure settings a catalog administrator edits in the back office (issue 7): the time limits
-- of the domain guide and the internal process. A procedure without a row uses the defaults.
create table procedure_settings (
  procedure_id integer primary key references procedures (id),
  -- The reception decision on an online dossier is due within this many working hours of submission.
  reception_hours integer not null default 8 check (reception_hours between 1 and 80),
  -- The applicant's time to supplement, in working days.
  supplement_days integer not null default 15 check (supplement_days between 1 and 60),
  -- After a supplement during processing the clock resumes ('pause') or counts again from the answer ('restart').
  after_supplement text not null default 'pause' check (after_supplement in ('pause', 'restart')),
  -- The internal process: ordered steps [{name, role, at, share, kind}]; null is the default process.
  process jsonb,
  updated_at timestamptz not null default now(),
  updated_by uuid references officials (id)
);

-- A dossier keeps the process it was received under: editing a process never changes one in flight.
alter table dossiers add column process jsonb;
alter table dossier_tasks add column kind text not null default 'work' check (kind in ('work', 'approve', 'return'));
update dossier_tasks set kind = case step when 2 then 'approve' when 3 then 'return' else 'work' end;
