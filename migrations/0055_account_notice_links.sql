-- In-app notices that are not about a dossier (feedback, issue 24) carry the address they lead to.
alter table account_notices add column href text;
