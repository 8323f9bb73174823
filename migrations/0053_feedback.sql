-- Feedback and petitions (phản ánh, kiến nghị; issue 24): a citizen's report or proposal, answered by the
-- responsible agency within its time limit, published once a leader approves the answer.
-- Codes PA-YYMMDD-NNNNNN: the number from one sequence, so two processes never take the same.
create sequence feedback_numbers;

create table feedback (
  id bigint generated always as identity primary key,
  code text not null unique,
  account_id uuid not null references accounts (id),
  -- The agency that must answer now (changes on a transfer), and the one it was first sent to.
  agency_code text not null references agencies (code),
  first_agency_code text not null references agencies (code),
  procedure_id integer references procedures (id),
  dossier_id uuid references dossiers (id),
  category text not null check (category in ('procedure', 'official', 'late', 'regulation', 'proposal', 'other')),
  title text not null,
  body text not null,
  show_name boolean not null default false,
  status text not null check (status in ('received', 'processing', 'waiting_citizen', 'awaiting_approval', 'published', 'not_competent', 'merged')),
  submitted_at timestamptz not null,
  -- The clock: started at the current agency's receipt (a transfer starts it again), paused while the
  -- citizen is asked for more (pauses), due at the limit in working days.
  clock_started_at timestamptz not null,
  pauses jsonb not null default '[]',
  paused_at timestamptz,
  due_at timestamptz not null,
  assigned_to uuid references officials (id),
  info_request text,
  answer text,
  answer_by uuid references officials (id),
  answered_at timestamptz,
  approved_by uuid references officials (id),
  -- Not within the province's competence: where the citizen should turn.
  redirect_to text,
  merged_into bigint references feedback (id),
  hidden_reason text,
  rating smallint check (rating in (1, 2)),
  -- Folded words of the title, text and answer: what the public search matches.
  search_text text not null default '',
  -- The folded title and text, to recognise the same feedback sent twice.
  fingerprint text not null,
  updated_at timestamptz not null
);
create index feedback_agency on feedback (agency_code, status, due_at);
create index feedback_account on feedback (account_id, submitted_at);
create index feedback_published on feedback (answered_at desc) where status = 'published' and hidden_reason is null;
create index feedback_procedure on feedback (procedure_id) where procedure_id is not null;

-- What happened to it, in order: the citizen sees `message`; `note` is for officials only.
create table feedback_events (
  id bigint generated always as identity primary key,
  feedback_id bigint not null references feedback (id),
  at timestamptz not null,
  action text not null,
  actor_type text not null check (actor_type in ('citizen', 'official', 'system')),
  actor_name text,
  agency_code text,
  message text,
  note text
);
create index feedback_events_of on feedback_events (feedback_id, at);

-- Files the citizen attached (scanned and sniffed by the files module; never on the public page).
create table feedback_files (
  feedback_id bigint not null references feedback (id),
  file_id uuid not null references files (id),
  primary key (feedback_id, file_id)
);
