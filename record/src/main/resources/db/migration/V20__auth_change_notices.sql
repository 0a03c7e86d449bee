-- Each cloud API instance caches the accounts and keys that signed requests name (issue 16). Whatever
-- changes them, the API, the operator CLI, the Keycloak federation or plain SQL, tells every instance at
-- once: a NOTIFY on channel gantry_auth with the account's id, sent when the transaction commits.
create or replace function gantry_account_notice() returns trigger language plpgsql as $$
begin
    perform pg_notify('gantry_auth', 'a ' || old.id::text);
    return null;
end
$$;

-- a key's account is named by the old row (a delete, or an update that moved it) and by the new one (an insert)
create or replace function gantry_account_key_notice() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform pg_notify('gantry_auth', 'a ' || old.account_id::text);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform pg_notify('gantry_auth', 'a ' || new.account_id::text);
    end if;
    return null;
end
$$;

create trigger accounts_auth_notice after update or delete on accounts
    for each row execute function gantry_account_notice();
create trigger account_keys_auth_notice after insert or update or delete on account_keys
    for each row execute function gantry_account_key_notice();
-- a TRUNCATE (tests, restores) empties every cache
create or replace function gantry_auth_notice_all() returns trigger language plpgsql as $$
begin
    perform pg_notify('gantry_auth', 'all');
    return null;
end
$$;
create trigger accounts_auth_truncate after truncate on accounts
    for each statement execute function gantry_auth_notice_all();
create trigger account_keys_auth_truncate after truncate on account_keys
    for each statement execute function gantry_auth_notice_all();

-- The cloud API instances whose caches listen, each with the time of its last heartbeat (every 500 ms): a
-- change made through the API answers once every instance heard of it (docs/cloudapi.md, "Caches").
create table auth_listeners (
    instance     text primary key,
    heartbeat_at timestamptz not null
);
