-- The payable amount the one-stop desk sets at reception when a procedure's fee depends on the case
-- (per vehicle, per page), with how it was computed (issue 8). Null: the procedure's own amounts.
alter table dossiers add column payable_vnd integer check (payable_vnd is null or payable_vnd >= 0);
alter table dossiers add column payable_note text;
