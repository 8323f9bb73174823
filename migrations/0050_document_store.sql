-- The citizen's electronic document store and the reuse of documents (issue 23; Decree 45/2020 art. 16 as
-- amended, Circular 01/2023 art. 5 and 8): each component file and result carries its digitisation state,
-- as the national portal's TrangThaiSoHoa counts it: 1 digitised (uploaded or scanned), 2 reused from a
-- component of another dossier, 3 reused from another dossier's result. (0, "not digitised", is a
-- component received on paper only, which has no file row.)
alter table dossier_files add column digitisation smallint not null default 1 check (digitisation in (1, 2, 3));
alter table dossier_files add column reused_from bigint references dossier_files (id);
alter table dossier_files add constraint dossier_files_reuse_source check ((digitisation = 1) = (reused_from is null));

-- What a citizen removed from their store (the dossier keeps its files, as the law keeps records).
create table store_removed (
  account_id uuid not null references accounts (id),
  dossier_file_id bigint not null references dossier_files (id),
  removed_at timestamptz not null default now(),
  primary key (account_id, dossier_file_id)
);

-- Which procedures' results stand in for which component (a catalog administrator's table): a component whose
-- name, folded, contains `component_phrase` accepts the result of `result_procedure_code`.
create table result_equivalences (
  id bigserial primary key,
  result_procedure_code text not null,
  component_phrase text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (result_procedure_code, component_phrase)
);
