-- PayGov, the national payment platform (issue 20): a second online method beside VNPay, chosen per
-- agency, and the e-receipt it issues (GET_BILL) kept with the payment.
alter table payments drop constraint payments_method_check;
alter table payments add constraint payments_method_check check (method in ('cash', 'transfer', 'vnpay', 'paygov'));
drop index payments_one_pending_online;
create unique index payments_one_pending_online on payments (request_id) where state = 'pending' and method in ('vnpay', 'paygov');
alter table payments add column bill_file_id uuid references files (id);
-- The online payment an agency collects through: null offers every one the portal has.
alter table agencies add column online_payment text check (online_payment in ('vnpay', 'paygov'));
