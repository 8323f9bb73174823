-- An exempt applicant's fees are recorded as exempt (issue 8), with the reason, instead of being asked.
alter table payment_requests drop constraint payment_requests_state_check;
alter table payment_requests add constraint payment_requests_state_check check (state in ('open', 'paid', 'cancelled', 'exempt'));
