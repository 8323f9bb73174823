-- The trial fixes (issue 17): what officials only read in the history, late apologies, resent codes.
-- What the citizen and the public read of a dossier's history (`message`) and what only officials read
-- (`note`): internal hand-over comments ("đề nghị trình ký"), consultations, the leader's remarks and the
-- reasons given to go on with unsettled fees. Existing rows are split by the same rule the code now writes.
alter table dossier_events add column note text;

update dossier_events set note = message, message = null
 where action in ('forward', 'send-back', 'consult', 'consult-answer', 'start-processing') and message is not null;

update dossier_events set note = message, message = 'Đã phê duyệt, ban hành kết quả.'
 where action = 'finish' and coalesce(details ->> 'refused', 'false') <> 'true' and message is not null;

-- An apology (form 04) sent later than one working day before the due date is still sent, and marked.
alter table dossiers add column postponed_late boolean not null default false;

-- "Gửi lại mã": a one-time code keeps the message that carried it (with `{code}` in place of the code)
-- so that it can be sent again, when it was last sent, and how many times it was sent again.
alter table account_tokens add column sent_at timestamptz not null default now();
alter table account_tokens add column resends smallint not null default 0;
alter table account_tokens add column resend jsonb;
alter table official_codes add column sent_at timestamptz not null default now();
alter table official_codes add column resends smallint not null default 0;
alter table official_codes add column resend jsonb;

-- The register of issued documents: forms 02–05 and refusal letters carry "Số: n/…" from a per-agency,
-- per-year sequence (the counter row is locked by its upsert, so two processes never draw the same number).
create table document_counters (
  agency_code text not null,
  year integer not null,
  last integer not null,
  primary key (agency_code, year)
);
create table issued_documents (
  id bigserial primary key,
  agency_code text not null,
  year integer not null,
  number integer not null,
  form text not null,
  dossier_id uuid not null references dossiers (id),
  event_id bigint not null references dossier_events (id),
  issued_at timestamptz not null default now(),
  unique (agency_code, year, number)
);
create index issued_documents_dossier on issued_documents (dossier_id);

-- A password an administrator set (or the system generated) is changed by its official at first sign-in.
alter table officials add column must_change_password boolean not null default false;
