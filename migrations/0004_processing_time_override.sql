-- A catalog administrator sets the processing time of a procedure whose decision text gives no
-- single duration (or corrects one). It overrides the version's parsed value and survives re-imports.
alter table procedures add column processing_time_override jsonb;
