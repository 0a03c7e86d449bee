-- Machine metadata in ZooKeeper (issue 15): every change that alters what a zone reads through mdata-get (its
-- customer metadata, tags, name, owner, the resolvers of its primary NIC's network, its deletion) gives the machine a
-- new generation and notifies the provisioner leader on channel gantry_metadata, which republishes
-- /gantry/metadata/<machine> (or removes it once the machine is deleted).
--
-- As V15's network views: the generation is written in the changing transaction, by a trigger deferred to the commit
-- (so it takes its lock last and never orders locks against the cloud API's account and machine locks), in its own
-- table without a foreign key; greatest() keeps it growing even if a sequence value was taken before a lock wait.

create table metadata_generations (
    machine_id  uuid primary key,
    generation  bigint not null
);
create sequence metadata_generation;

-- puts from inside zones (mdata-put, mdata-delete): the ZooKeeper transaction id (czxid) of the last put applied to the
-- machine, so a put applied again (a leader change between the commit and the znode's removal) or late (a deposed
-- leader) is not applied over a newer one
create table metadata_puts_applied (
    machine_id  uuid primary key,
    last_zxid   bigint not null
);

create function metadata_bump(machine uuid) returns void language plpgsql as $$
begin
    if machine is not null then
        insert into metadata_generations as g (machine_id, generation) values (machine, nextval('metadata_generation'))
            on conflict (machine_id) do update set generation = greatest(g.generation + 1, excluded.generation);
        perform pg_notify('gantry_metadata', machine::text);
    end if;
end $$;

-- machines already there are published by the first sweep
insert into metadata_generations (machine_id, generation)
    select id, nextval('metadata_generation') from machines where state <> 'deleted' order by id;

-- machines: created, deleted, or changed in what the zone reads (Hibernate writes every column on update, hence WHEN)
create function machines_metadata() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform metadata_bump(old.id);
        return old;
    end if;
    perform metadata_bump(new.id);
    return new;
end $$;
create constraint trigger machines_metadata_rows after insert or delete on machines
    deferrable initially deferred
    for each row execute function machines_metadata();
create constraint trigger machines_metadata_update after update on machines
    deferrable initially deferred for each row
    when (old.metadata is distinct from new.metadata or old.tags is distinct from new.tags
          or old.name is distinct from new.name or old.account_id is distinct from new.account_id
          or (old.state = 'deleted') is distinct from (new.state = 'deleted'))
    execute function machines_metadata();

-- nics: the primary NIC decides sdc:resolvers
create function nics_metadata() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' and old.primary_nic then
        perform metadata_bump(old.machine_id);
    end if;
    if tg_op <> 'DELETE' and new.primary_nic
            and (tg_op = 'INSERT' or not old.primary_nic or old.machine_id is distinct from new.machine_id) then
        perform metadata_bump(new.machine_id);
    end if;
    return null;
end $$;
create constraint trigger nics_metadata_rows after insert or delete on nics
    deferrable initially deferred for each row execute function nics_metadata();
create constraint trigger nics_metadata_update after update on nics
    deferrable initially deferred for each row
    when (old.primary_nic is distinct from new.primary_nic or old.network_id is distinct from new.network_id
          or old.machine_id is distinct from new.machine_id)
    execute function nics_metadata();

-- networks: new resolvers reach every machine whose primary NIC is on the network (in id order: concurrent changes
-- lock generations in the same order)
create function networks_metadata() returns trigger language plpgsql as $$
begin
    perform metadata_bump(n.machine_id) from (select distinct machine_id from nics where network_id = new.id and primary_nic
                                              order by machine_id) n;
    return null;
end $$;
create constraint trigger networks_metadata_update after update on networks
    deferrable initially deferred for each row when (old.resolvers is distinct from new.resolvers)
    execute function networks_metadata();

-- accounts: a new login changes the owner every machine of the account shows
create function accounts_metadata() returns trigger language plpgsql as $$
begin
    perform metadata_bump(m.id) from (select id from machines where account_id = new.id and state <> 'deleted'
                                      order by id) m;
    return null;
end $$;
create constraint trigger accounts_metadata_update after update on accounts
    deferrable initially deferred for each row when (old.login is distinct from new.login)
    execute function accounts_metadata();
