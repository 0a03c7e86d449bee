-- GET /:login/machines pages an account's machines oldest first (created, id), by limit and offset as the triton CLI
-- does: with this index a page's ids come from the index in order, and the offset skips index entries, not sorted rows.
create index machines_account_created on machines (account_id, created, id) where state <> 'deleted';
