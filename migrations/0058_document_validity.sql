-- How long a result stays valid (issue 23: the store shows each document's validity, and offers for reuse
-- only what is still valid): the day it is valid through, set by the leader who issues it; null when the
-- result states no end (a registration certificate, a decision).
alter table dossier_files add column valid_until date;
