-- The control plane's record. Instances keep their desired state (jobs) and their last observed
-- state (state, compute_node, ip); ZooKeeper only carries what can be rebuilt from here.

create table accounts (
    id            uuid primary key,
    login         text not null unique,
    email         text not null,
    company_name  text,
    first_name    text,
    last_name     text,
    created       timestamptz not null,
    updated       timestamptz not null
);

create table account_keys (
    id           uuid primary key,
    account_id   uuid not null references accounts(id),
    name         text not null,
    fingerprint  text not null,            -- md5, "aa:bb:…"
    sha256       text not null,            -- "SHA256:…"
    key_text     text not null,
    created      timestamptz not null,
    unique (account_id, name),
    unique (account_id, fingerprint)
);

create table packages (
    id           uuid primary key,
    name         text not null unique,
    memory       bigint not null,          -- MiB
    swap         bigint not null,          -- MiB
    disk         bigint not null,          -- MiB
    vcpus        int not null,
    cpu_cap      int not null,
    lwps         int not null,
    version      text not null,
    pkg_group    text,
    description  text,
    is_default   boolean not null default false
);

create table images (
    id            uuid primary key,
    name          text not null,
    version       text not null,
    os            text not null,
    type          text not null,
    state         text not null,
    public        boolean not null,
    published_at  timestamptz not null,
    description   text,
    node_image    text not null,           -- the name compute nodes know the image by
    unique (name, version)
);

create table networks (
    id                  uuid primary key,
    name                text not null unique,
    public              boolean not null,
    fabric              boolean not null,
    subnet              text not null,
    gateway             text,
    provision_start_ip  text not null,
    provision_end_ip    text not null,
    description         text
);

-- Triton provisioning limits: value 0 = unlimited, -1 = forbidden; by = count | ram (MiB) | quota (GiB);
-- check/check_value narrow a limit to machines of one image, brand or os.
create table provision_limits (
    id           uuid primary key,
    account_id   uuid not null references accounts(id),
    by_what      text not null,
    value        bigint not null,
    check_what   text,
    check_value  text
);

create table machines (
    id                   uuid primary key,
    account_id           uuid not null references accounts(id),
    name                 text not null,
    state                text not null,
    brand                text not null,
    image_id             uuid not null,
    image_name           text not null,
    os                   text not null,
    package_id           uuid not null,
    package_name         text not null,
    memory               bigint not null,
    swap                 bigint not null,
    disk                 bigint not null,
    vcpus                int not null,
    cpu_cap              int not null,
    lwps                 int not null,
    compute_node         text,
    ip                   text,
    error                text,              -- why the last job failed, for the tenant to read
    networks             text not null,     -- JSON array of network ids
    tags                 text not null,     -- JSON object
    metadata             text not null,     -- JSON object
    affinity             text not null,     -- JSON array of rule texts
    firewall_enabled     boolean not null,
    deletion_protection  boolean not null,
    created              timestamptz not null,
    updated              timestamptz not null
);
create index machines_account on machines (account_id, state);
create index machines_node on machines (compute_node) where state <> 'deleted';

-- Work on one machine, done in order per machine by the provisioner leader.
-- state: queued -> placed -> dispatched -> succeeded | failed
create table jobs (
    id          uuid primary key,
    machine_id  uuid not null references machines(id),
    action      text not null,             -- provision | start | stop | reboot | resize | delete
    params      text not null,             -- JSON
    state       text not null,
    node        text,
    error       text,
    caller      text not null,
    created     timestamptz not null,
    updated     timestamptz not null
);
create index jobs_open on jobs (created) where state in ('queued', 'placed', 'dispatched');
create index jobs_machine on jobs (machine_id, created);

create table audit (
    id          bigserial primary key,
    machine_id  uuid not null,
    action      text not null,
    success     boolean not null,
    time        timestamptz not null,
    caller      text not null,
    params      text
);
create index audit_machine on audit (machine_id, time);

create table fwrules (
    id           uuid primary key,
    account_id   uuid not null references accounts(id),
    rule         text not null,
    enabled      boolean not null,
    global       boolean not null default false,
    description  text,
    created      timestamptz not null,
    updated      timestamptz not null
);
