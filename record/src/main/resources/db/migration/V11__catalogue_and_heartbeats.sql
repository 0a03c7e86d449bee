-- A deprecated package (Triton's active=false) is hidden from tenants' package list and refused for new
-- machines and as a resize target; machines that have it keep it. Images use their state column
-- ('active' or 'deprecated') for the same.
alter table packages add column active boolean not null default true;

-- Every running instance of a control-plane role (cloudapi, provisioner, metering) rewrites its row every
-- few seconds; the operators' health report reads them (a row not rewritten lately is a stale instance).
-- An instance that stops cleanly deletes its row.
create table role_heartbeats (
    role       text not null,
    instance   text not null,
    address    text not null,
    version    text not null,
    started    timestamptz not null,
    last_seen  timestamptz not null,
    leader     boolean not null default false,
    primary key (role, instance)
);
