-- Forms 01–05 an agency issues are signed with its seal once (issue 23): the signed copy is kept and served
-- again, found by the form and the event that issued it.
alter table signed_documents add column form_key text;
create unique index signed_documents_form on signed_documents (dossier_id, form_key) where form_key is not null;
