-- A catalog administrator edits a procedure's components and fees in the browser (issue 17.21). Each edit
-- is a version under the administrators' own publishing record ('QTDM'); edited_from_hash keeps the hash
-- of the published content the edits started from, so that importing the same decision again keeps them,
-- while a decision that changes the procedure supersedes them.
alter table procedures add column edited_from_hash text;
