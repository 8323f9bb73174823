-- Measured with a million generated dossiers (npm run bench -- backoffice): the reception queue read
-- every dossier of the desk's agencies to find the new ones, and the newest-first list of a
-- province-wide official sorted the whole table.
create index dossiers_new_by_agency on dossiers (agency_code, submitted_at) where status = 1;
create index dossiers_submitted on dossiers (submitted_at desc) where status > 0;
