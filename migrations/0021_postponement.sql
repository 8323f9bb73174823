-- A late dossier's apology and new date (form 04), allowed once: the due date moves, the original
-- stays here, so the dossier still counts as late in the statistics when finished after it.
alter table dossiers add column postponed_from timestamptz;
