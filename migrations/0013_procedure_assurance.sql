-- The minimum identity assurance a procedure requires of the applicant's account: 'basic' (a confirmed
-- account), 'eid-1' or 'eid-2' (signed in with the national e-identity at that level). Set by a catalog
-- administrator; re-imports keep it.
alter table procedures add column min_assurance text not null default 'basic' check (min_assurance in ('basic', 'eid-1', 'eid-2'));
