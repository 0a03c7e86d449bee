-- An operator change's audit entry is committed before the change runs (outcome 'pending'), then its outcome is
-- set: a crash in between leaves the entry 'pending', which the operators' audit log shows as unknown, never lost.
alter table ops_audit add column outcome text;
update ops_audit set outcome = case when success then 'succeeded' else 'failed' end;
alter table ops_audit alter column outcome set not null;
alter table ops_audit add constraint ops_audit_outcome check (outcome in ('pending', 'succeeded', 'failed'));
alter table ops_audit drop column success;
