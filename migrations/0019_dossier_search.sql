-- The back office's queues and search over many dossiers (issue 7: p99 under 100 ms at a million rows).

-- The agency processing a received dossier (its steps' agency); the receiving agency stays in agency_code.
alter table dossiers add column processing_agency_code text;
update dossiers set processing_agency_code = agency_code where received_at is not null;

-- Lists by receiving or processing agency, newest first; open dossiers by due date.
create index dossiers_agency_submitted on dossiers (agency_code, submitted_at desc) where status > 0;
create index dossiers_processing_submitted on dossiers (processing_agency_code, submitted_at desc) where processing_agency_code is not null;
create index dossiers_agency_open_due on dossiers (agency_code, due_at) where status in (2, 4, 6);
create index dossiers_processing_open_due on dossiers (processing_agency_code, due_at) where status in (2, 4, 6);

-- Search by the applicant's ID number (citizen ID, passport or tax code) and by name, without diacritics.
create index dossiers_applicant_id on dossiers ((applicant ->> 'idNumber')) where status > 0;
create index dossiers_applicant_name_trgm on dossiers using gin (immutable_unaccent(lower(applicant ->> 'fullName')) gin_trgm_ops) where status > 0;
