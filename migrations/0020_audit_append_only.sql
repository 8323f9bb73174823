-- The audit log is append-only (issue 7): rows are never changed or removed, by the application or by
-- a mistaken script. Retention, if a regulation ever asks for it, is a documented operation that
-- disables this trigger explicitly.
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only();

-- Browsing by who acted.
create index audit_log_actor on audit_log (actor_id, at desc) where actor_id is not null;
