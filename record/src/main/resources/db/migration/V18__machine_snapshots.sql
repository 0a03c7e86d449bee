-- Tenants' snapshots of their machines' disks (issue 15): Triton's /:login/machines/:id/snapshots.
-- state: queued (its SNAPSHOT_CREATE job is open) -> created | failed; deleting while its SNAPSHOT_DELETE job is open
-- (the row goes when that job succeeds). size_bytes: what the snapshot takes on the zone's disk, as its node reported.
-- A machine's snapshots go in the transaction that records the machine deleted (JobLedger); the cascade is only for
-- rows removed outright (tests, an operator's cleanup).
create table machine_snapshots (
    id          uuid primary key,
    machine_id  uuid not null references machines(id) on delete cascade,
    name        text not null,
    state       text not null,
    size_bytes  bigint,
    created     timestamptz not null,
    updated     timestamptz not null,
    unique (machine_id, name)
);
