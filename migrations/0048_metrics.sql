-- /metrics counts the jobs that gave up (issue 22) without reading the finished ones.
create index jobs_failed on jobs (name) where state = 'failed';
