-- Feedback that looks like advertising or noise (issue 24): the signs found when it was sent, for the
-- officials to judge, and a closing state for what a leader rejects as such (the reason in answer).
alter table feedback add column spam_signals text;
alter table feedback drop constraint feedback_status_check;
alter table feedback add constraint feedback_status_check
  check (status in ('received', 'processing', 'waiting_citizen', 'awaiting_approval', 'published', 'not_competent', 'merged', 'spam'));
create index feedback_suspected on feedback (agency_code, submitted_at) where spam_signals is not null;
