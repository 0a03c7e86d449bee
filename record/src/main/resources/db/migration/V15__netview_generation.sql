-- Tenant network views (issue 14): every change that alters what an account's view in ZooKeeper shows (its machines'
-- placement, state, tags and firewall switch; its NICs; firewall rules, its own and global ones; its networks) gives
-- the account a new generation and notifies the provisioner leader, which republishes the view.
--
-- The generation is written in the changing transaction, so a view built from one snapshot carries exactly the
-- generation of the rows it shows, and a later commit always has a larger one (the generation row's lock orders
-- concurrent changes; greatest() keeps it growing even if a sequence value was taken before the wait).
-- It lives in its own table, not in accounts, and the triggers are deferred to the commit: the cloud API locks an
-- account row (FOR UPDATE) and then machine rows, while the provisioner updates machine rows; bumping the account row
-- in a row trigger would take the two locks in the opposite order and deadlock. A deferred bump takes its lock last,
-- just before the commit, and holds it for no other lock. No foreign key either: its key-share lock would wait on an
-- account locked FOR UPDATE.

create table netview_generations (
    account_id  uuid primary key,
    generation  bigint not null
);
create sequence netview_generation;

create function netview_bump(account uuid) returns void language plpgsql as $$
begin
    if account is not null then
        insert into netview_generations as g (account_id, generation) values (account, nextval('netview_generation'))
            on conflict (account_id) do update set generation = greatest(g.generation + 1, excluded.generation);
        perform pg_notify('gantry_netview', account::text);
    end if;
end $$;

-- machines: created, deleted, or changed in what the view shows (Hibernate writes every column on update, hence WHEN)
create function machines_netview() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform netview_bump(old.account_id);
        return old;
    end if;
    perform netview_bump(new.account_id);
    return new;
end $$;
create constraint trigger machines_netview_rows after insert or delete on machines
    deferrable initially deferred
    for each row execute function machines_netview();
create constraint trigger machines_netview_update after update on machines
    deferrable initially deferred for each row
    when (old.compute_node is distinct from new.compute_node or old.state is distinct from new.state
          or old.tags is distinct from new.tags or old.firewall_enabled is distinct from new.firewall_enabled
          or old.ip is distinct from new.ip)
    execute function machines_netview();

-- nics: any change
create function nics_netview() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        perform netview_bump(old.account_id);
    end if;
    if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.account_id is distinct from old.account_id) then
        perform netview_bump(new.account_id);
    end if;
    return null;
end $$;
create constraint trigger nics_netview_rows after insert or delete on nics
    deferrable initially deferred for each row execute function nics_netview();
create constraint trigger nics_netview_update after update on nics
    deferrable initially deferred for each row when (old.* is distinct from new.*)
    execute function nics_netview();

-- fwrules: a global rule concerns every account; in id order, so two such changes lock accounts in the same order
create function fwrules_netview() returns trigger language plpgsql as $$
begin
    if (tg_op <> 'INSERT' and old.global) or (tg_op <> 'DELETE' and new.global) then
        perform netview_bump(a.id) from (select id from accounts order by id) a;
        return null;
    end if;
    if tg_op <> 'INSERT' then
        perform netview_bump(old.account_id);
    end if;
    if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.account_id is distinct from old.account_id) then
        perform netview_bump(new.account_id);
    end if;
    return null;
end $$;
create constraint trigger fwrules_netview_rows after insert or delete on fwrules
    deferrable initially deferred for each row execute function fwrules_netview();
create constraint trigger fwrules_netview_update after update on fwrules
    deferrable initially deferred for each row when (old.* is distinct from new.*)
    execute function fwrules_netview();

-- networks: the owner's view (vni), or for a shared network every account with a NIC on it
create function networks_netview() returns trigger language plpgsql as $$
declare
    net networks;
begin
    if tg_op = 'DELETE' then
        net := old;
    else
        net := new;
    end if;
    if net.owner_account is not null then
        perform netview_bump(net.owner_account);
    else
        perform netview_bump(n.account_id) from (select distinct account_id from nics where network_id = net.id
                                                 order by account_id) n;
    end if;
    return null;
end $$;
create constraint trigger networks_netview_update after update on networks
    deferrable initially deferred for each row when (old.* is distinct from new.*)
    execute function networks_netview();
create constraint trigger networks_netview_delete after delete on networks
    deferrable initially deferred for each row execute function networks_netview();
