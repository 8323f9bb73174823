-- An agency whose one-stop desk is another's (a department received at the provincial public service
-- centre): that desk's receptionists receive its dossiers, and those of its units.
alter table agencies add column reception_desk_code text;
