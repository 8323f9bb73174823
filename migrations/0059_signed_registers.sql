-- Forms 06 and 07 signed with the agency's seal (issue 23): the register of a closed period (form 07)
-- belongs to no dossier, so a signed document may name none.
alter table signed_documents alter column dossier_id drop not null;
