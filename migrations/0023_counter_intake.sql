-- Counter and postal intake (issue 7): a receptionist enters the dossier of someone who has no
-- account on the portal; it is linked to an account only when one exists for the applicant.
alter table dossiers alter column account_id drop not null;
-- Who entered a dossier at the counter (the receptionist), for the record.
alter table dossiers add column entered_by uuid references officials (id);
