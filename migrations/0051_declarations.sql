-- Declarations filled online (issue 23): the structured answers of a component's form, kept as data
-- (shown to officials as a readable form, read by the export and the sync), and the PDF made of them,
-- which is the component's file.
create table dossier_declarations (
  dossier_id uuid not null references dossiers (id),
  component text not null,
  template_title text not null,
  answers jsonb not null,
  file_id uuid references files (id),
  updated_at timestamptz not null default now(),
  primary key (dossier_id, component)
);
