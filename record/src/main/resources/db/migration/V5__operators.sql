-- An operator is an account whose keys may also call the operator routes (/ops/...), e.g. to set
-- another account's provisioning limits. It signs requests with its SSH keys as tenants do.
alter table accounts add column operator boolean not null default false;
