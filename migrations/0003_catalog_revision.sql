-- A counter bumped by every change to the catalog, so that each app process can keep the catalog
-- (reference data) in memory and notice within seconds a change made by another process.
create table catalog_revision (
  id boolean primary key default true check (id),
  revision bigint not null default 0
);
insert into catalog_revision (id, revision) values (true, 0);
