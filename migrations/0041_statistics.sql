-- Statistics read from the ledger (issue 19, docs/decisions/0012). A dossier withdrawn (7) or stopped (8)
-- records the instant it closed, in the same statement as its status and in the same transaction as the
-- event that says so (both take the transaction's now()); existing ones take it from that event.
alter table dossiers add column closed_at timestamptz;

update dossiers d set closed_at = e.at
  from (select dossier_id, to_status, max(at) as at from dossier_events where to_status in (7, 8) group by dossier_id, to_status) e
 where e.dossier_id = d.id and e.to_status = d.status and d.status in (7, 8);

-- Biểu 06 reads every received dossier of a period from this index alone (an index-only scan), whatever
-- the period's length: the columns its definitions need, by receipt.
create index dossiers_statistics on dossiers (received_at)
  include (status, channel, due_at, finished_at, closed_at, procedure_id, agency_code, processing_agency_code)
  where received_at is not null;

-- The Decision 766 index counts the decisions and the ratings of a month.
create index dossiers_finished on dossiers (finished_at) where finished_at is not null;
create index dossiers_rated on dossiers (rated_at) where rated_at is not null;
