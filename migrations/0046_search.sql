-- Search in the citizen's own words (issue 21): a weighted full-text document per procedure (name A,
-- result B, sector, agency and keywords C, components and requirements D; folded text written by the
-- application, so the same normalisation serves index and query), the words it holds for typo
-- correction, the synonyms catalog administrators keep, and what people searched without finding.
create extension if not exists fuzzystrmatch;

alter table procedures add column search_vector tsvector;
-- The version the document was built from: a procedure whose current version differs is indexed again.
alter table procedures add column search_version_id bigint;
create index procedures_search_vector on procedures using gin (search_vector);

-- Every word of the documents, with the number of procedures holding it.
create table search_lexicon (
  word text primary key,
  documents integer not null
);
create index search_lexicon_trgm on search_lexicon using gin (word gin_trgm_ops);

-- An everyday phrase and the catalog's wording it means (both folded); a query holding the phrase also
-- looks for the wording.
create table search_synonyms (
  id bigint generated always as identity primary key,
  phrase text not null check (phrase ~ '^[a-z0-9]+( [a-z0-9]+)*$'),
  means text not null check (means ~ '^[a-z0-9]+( [a-z0-9]+)*$'),
  note text,
  created_by uuid references officials (id),
  created_by_name text,
  created_at timestamptz not null default now(),
  unique (phrase, means)
);

-- Searches by day, normalised and with numbers that could identify someone removed: how often, how
-- often nothing was found, how often a result was opened.
create table search_queries (
  query text not null,
  day date not null,
  searches integer not null default 0,
  empty integer not null default 0,
  opened integer not null default 0,
  primary key (query, day)
);
