-- Asking another agency's opinion during processing (issue 7): a sub-task with its own deadline,
-- answered by that agency's officials, who may see the dossier while it is theirs to answer.
create table dossier_consultations (
  id bigint generated always as identity primary key,
  dossier_id uuid not null references dossiers (id) on delete cascade,
  agency_code text not null,
  question text not null,
  asked_by uuid references officials (id),
  asked_by_name text not null,
  asked_at timestamptz not null default now(),
  due_at timestamptz not null,
  answer text,
  answered_by uuid references officials (id),
  answered_by_name text,
  answered_at timestamptz
);
create index dossier_consultations_dossier on dossier_consultations (dossier_id, id);
create index dossier_consultations_open on dossier_consultations (agency_code, due_at) where answered_at is null;
create index dossier_consultations_agency on dossier_consultations (agency_code, dossier_id);
