-- Paying by bank transfer (issue 8): the collecting agency's account (shown with a VietQR code), and the
-- citizen's transfer slip that an official confirms or rejects with a reason.
alter table agencies add column bank_account jsonb;
alter table payments add column slip_file_id uuid references files (id);
alter table payments add column decided_reason text;
