-- Metering's own record, in its own schema with its own Flyway history (metering.metering_schema_history),
-- so the cloud API's Flyway (which owns schema public) and metering's may run in either order. No
-- foreign key leaves this schema: accounts and machines are the cloud API's and are only read (and,
-- for enforcement, written as the cloud API itself would).
--
-- Counters are cumulative per zone (see io.gantry.common.usage.UsageRecord); roll-ups hold deltas.
-- "account" is the record's tenant as the agent sent it: the account's uuid (as text) in Gantry, a
-- login for zones made by hand on a node.

-- Raw records as the agents sent them, idempotent by (zone, seq). "rolled" is set once the roll-up
-- cursor of the zone has passed the record; only rolled rows are ever deleted (retention).
create table metering.usage_raw (
    zone                 uuid not null,
    seq                  bigint not null,
    account              text not null,
    node                 text,
    package_name         text,
    time                 timestamptz not null,
    running_ms           bigint not null,
    cpu_ns               bigint not null,
    memory_bytes         bigint not null,
    memory_peak_bytes    bigint not null,
    memory_byte_seconds  bigint not null,
    disk_used_bytes      bigint not null,
    disk_byte_seconds    bigint not null,
    net_rx               bigint not null,
    net_tx               bigint not null,
    oom_kills            bigint not null,
    forks_refused        bigint not null,
    last                 boolean not null default false,
    received             timestamptz not null default now(),
    rolled               boolean not null default false,
    primary key (zone, seq)
);
-- what the roll-up reads each tick: only the records not rolled up yet
create index usage_raw_pending on metering.usage_raw (zone, seq) where not rolled;
-- what retention deletes by
create index usage_raw_time on metering.usage_raw (time);

-- Per zone, the last record applied to the roll-ups and its counters: the next delta starts here.
create table metering.usage_cursor (
    zone                 uuid primary key,
    account              text not null,
    package_name         text,
    seq                  bigint not null,
    time                 timestamptz not null,
    running_ms           bigint not null,
    cpu_ns               bigint not null,
    memory_byte_seconds  bigint not null,
    disk_byte_seconds    bigint not null,
    net_rx               bigint not null,
    net_tx               bigint not null,
    oom_kills            bigint not null,
    forks_refused        bigint not null,
    updated              timestamptz not null
);
create index usage_cursor_account on metering.usage_cursor (account);

-- Usage per zone and UTC minute / hour / day (bucket = start of it), as sums of deltas; the peak is
-- the highest memory level seen in the bucket.
create table metering.usage_minute (
    zone                 uuid not null,
    bucket               timestamptz not null,
    account              text not null,
    package_name         text,
    instance_ms          bigint not null,
    cpu_ns               bigint not null,
    memory_byte_seconds  bigint not null,
    memory_peak_bytes    bigint not null,
    disk_byte_seconds    bigint not null,
    net_rx               bigint not null,
    net_tx               bigint not null,
    oom_kills            bigint not null,
    forks_refused        bigint not null,
    primary key (zone, bucket)
);
create index usage_minute_account on metering.usage_minute (account, bucket);

create table metering.usage_hour (like metering.usage_minute including all);
create table metering.usage_day (like metering.usage_minute including all);

-- Per account and budget period (hour, day, month; UTC-aligned start): what budgets are checked
-- against. numeric: a month of a big tenant's disk byte-seconds does not fit a bigint.
create table metering.usage_period (
    account              text not null,
    period               text not null,
    period_start         timestamptz not null,
    instance_ms          numeric not null,
    cpu_ns               numeric not null,
    memory_byte_seconds  numeric not null,
    disk_byte_seconds    numeric not null,
    net_rx               numeric not null,
    net_tx               numeric not null,
    primary key (account, period, period_start)
);

-- Operators' usage budgets per account (the cloud API's accounts.id, not a foreign key).
create table metering.budgets (
    id                uuid primary key,
    account           uuid not null,
    name              text not null,
    metric            text not null,
    limit_value       double precision not null,
    period            text not null,
    policy            text not null,
    throttle_cpu_cap  int not null default 10,
    created           timestamptz not null,
    updated           timestamptz not null,
    unique (account, name)
);

-- Each budget's breach, once per period: when it was first seen exceeded and by how much.
create table metering.budget_breaches (
    budget_id     uuid not null references metering.budgets(id) on delete cascade,
    period_start  timestamptz not null,
    breached_at   timestamptz not null,
    used          double precision not null,
    primary key (budget_id, period_start)
);
