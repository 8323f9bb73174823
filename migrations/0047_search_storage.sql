-- Search documents are read for every row a common word matches: kept in the row, compressed
-- (storage main), rather than out of line in the TOAST table, where each read was a second lookup
-- (issue 21's benchmark: 10k procedures, the seq scan for "giấy phép" 45 ms → 17 ms on PostgreSQL).
-- The documents written before are rebuilt by the next reindex (at start-up), which stores them so.
alter table procedures alter column search_vector set storage main;
update procedures set search_version_id = null;
