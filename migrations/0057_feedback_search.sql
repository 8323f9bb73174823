-- The public questions and answers searched by the catalog's engine (issue 24 on issue 21): a weighted
-- document per published feedback (title A, the citizen's text B, the answer C; folded words), and the
-- lexicon of its words (how many published answers hold each) that corrects typos against what can be found.
alter table feedback add column search_vector tsvector;
update feedback set search_vector = setweight(to_tsvector('simple', search_text), 'B')
  where status = 'published' and hidden_reason is null;
alter table feedback drop column search_text;
create index feedback_search on feedback using gin (search_vector);

create table feedback_lexicon (
  word text primary key,
  documents integer not null check (documents >= 0)
);
insert into feedback_lexicon (word, documents)
  select word, ndoc from ts_stat('select search_vector from feedback where search_vector is not null');
