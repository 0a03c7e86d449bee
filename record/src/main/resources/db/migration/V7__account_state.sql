-- An operator may disable an account: its API calls are refused and its machines stopped until enabled.
alter table accounts add column disabled_at timestamptz;
-- A deleted account keeps its row (its machines' records name it) without keys or limits; its login is not reused.
alter table accounts add column deleted_at timestamptz;
-- Logins are unique whatever their case, as operators' account creation checks.
create unique index accounts_login_lower on accounts (lower(login));

-- Every operator action that changes something, with its outcome (failed attempts included).
create table ops_audit (
    id        bigserial primary key,
    time      timestamptz not null,
    operator  text not null,
    action    text not null,
    target    text not null,
    params    text not null default '{}',
    success   boolean not null,
    error     text
);
create index ops_audit_time on ops_audit (time desc, id desc);
