-- The compute nodes as the control plane last saw them, and the operators' say over them.
-- The provisioner leader writes what it observes in ZooKeeper (every column but maintenance and
-- retired_at); the cloud API's operator routes write only maintenance and retired_at.
create table compute_nodes (
    name            text primary key,
    address         text not null,
    backend         text not null,
    memory          bigint not null,            -- MiB, before overprovisioning
    disk            bigint not null,            -- MiB
    cpus            int not null,
    traits          text not null default '{}', -- JSON object
    agent_version   text,                       -- null: an agent older than the advert's version field
    first_seen      timestamptz not null,
    last_heartbeat  timestamptz not null,       -- when the leader last saw an advert or report from it
    alive           boolean not null,           -- its agent holds its ZooKeeper session (advert present)
    reported_zones  int,                        -- how many zones its last report listed
    maintenance     boolean not null default false, -- no new placements; what runs there keeps running
    retired_at      timestamptz                 -- never placed on again
);
