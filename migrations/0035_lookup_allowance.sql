-- Public lookups (docs/decisions/0009): besides the failures that lock an address (unknown codes, wrong
-- proofs), every lookup made without the applicant's proof counts against a small allowance per address;
-- past it, a dossier is shown only with its code and the applicant's ID number or phone. The function
-- returns both locks, so the lookup stays one round trip.
drop function dossier_lookup (text, text);
create function dossier_lookup (p_code text, p_key text, p_allowance_key text)
returns table (
  locked timestamptz, allowance_locked timestamptz, code text, status smallint, applicant jsonb, submitter jsonb, procedure_code text,
  procedure_name text, agency_code text, agency_name text, submitted_at timestamptz, received_at timestamptz, due_at timestamptz,
  finished_at timestamptz, returned_at timestamptz, steps json
)
language plpgsql stable
as $$
begin
  return query
  select (select max(t.locked_until) from throttles t where t.key = p_key and t.locked_until > now()),
    (select max(t.locked_until) from throttles t where t.key = p_allowance_key and t.locked_until > now()),
    d.code, d.status, d.applicant, d.submitter, p.code, v.name, a.code, a.name,
    d.submitted_at, d.received_at, d.due_at, d.finished_at, d.returned_at,
    (select json_agg(json_build_object('at', e.at, 'action', e.action, 'to', e.to_status, 'unit', ea.name) order by e.at, e.id)
       from dossier_events e left join agencies ea on ea.code = e.agency_code
      where e.dossier_id = d.id and e.to_status is not null)
  from (select 1) as one
  left join dossiers d on d.code = p_code and d.status > 0
  left join procedures p on p.id = d.procedure_id
  left join procedure_versions v on v.id = d.procedure_version_id
  left join agencies a on a.code = d.agency_code;
end
$$;
