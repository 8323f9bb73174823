-- Verification codes (mã xác thực) on the sign-in and registration forms: an image of five
-- characters, or for those who cannot see it a short question in text. Single use, short-lived.
create table captchas (
  id uuid primary key default gen_random_uuid(),
  answer text not null,
  question text,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index captchas_expires_at on captchas (expires_at);
