-- The quarterly self-assessment of an agency on the nine indices of the evaluation of administrative
-- procedure handling (issue 19; domain-research §6): indices 1, 2, 3 and 9 are computed from the ledger and
-- kept here as they stood when the agency saved its form; indices 4–8 are the agency's own scores (0, 1
-- or 2) with what each rests on. One form per agency and quarter, saved again until the quarter is judged.
create table agency_self_assessments (
  agency_code text not null,
  year int not null,
  quarter int not null check (quarter between 1 and 4),
  computed jsonb not null,
  entered jsonb not null,
  total numeric(5, 2) not null,
  band text not null,
  saved_by uuid not null references officials (id),
  saved_by_name text not null,
  saved_at timestamptz not null default now(),
  primary key (agency_code, year, quarter)
);
