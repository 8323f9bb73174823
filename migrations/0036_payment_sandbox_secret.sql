-- The built-in payment sandbox signs with a secret of this database, made at random here, never one
-- written in the source (which anyone could use to forge an IPN to a demo left running).
create table payment_sandbox_secret (
  id smallint primary key default 1 check (id = 1),
  secret text not null
);
insert into payment_sandbox_secret (secret) values (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
