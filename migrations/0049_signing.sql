-- Electronic results with a digital signature (issue 23): the keys agencies sign with, and every
-- document the portal signed, which its public verification page (the QR code on it) reads.

-- An agency's seal certificate: a PKCS#12 file (its passphrase sealed with a key derived from the
-- session secret), or a key held by a remote signing service (its bearer token sealed the same way).
-- One key in use per agency; a replaced or withdrawn key is kept, revoked, for the documents it signed.
create table signing_keys (
  id bigserial primary key,
  agency_code text not null,
  kind text not null check (kind in ('p12', 'remote', 'demo')),
  p12 bytea,
  sealed_secret text,
  remote_url text,
  remote_key_id text,
  -- The certificate chain, PEM, the signer's first.
  certificates text not null,
  subject text not null,
  not_after timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  check ((kind = 'remote') = (remote_url is not null and remote_key_id is not null)),
  check ((kind in ('p12', 'demo')) = (p12 is not null))
);
create unique index signing_keys_in_use on signing_keys (agency_code) where revoked_at is null;

create table signed_documents (
  -- The verification page's address: random, so that one issued document does not lead to others.
  id uuid primary key default gen_random_uuid(),
  dossier_id uuid not null references dossiers (id),
  file_id uuid not null references files (id),
  kind text not null check (kind in ('result', 'form')),
  title text not null,
  agency_name text not null,
  signer text not null,
  key_id bigint not null references signing_keys (id),
  sha256 text not null,
  signed_at timestamptz not null default now()
);
create index signed_documents_sha256 on signed_documents (sha256);
create index signed_documents_dossier on signed_documents (dossier_id);
