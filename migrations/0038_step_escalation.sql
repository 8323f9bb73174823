-- A step about to run out (one working day or less left, or already late) is told to the head above the
-- official holding it (issue 17.30), once: escalated_at records when, so that two processes never tell twice.
alter table dossier_tasks add column escalated_at timestamptz;
create index dossier_tasks_escalation on dossier_tasks (due_at) where finished_at is null and escalated_at is null;
