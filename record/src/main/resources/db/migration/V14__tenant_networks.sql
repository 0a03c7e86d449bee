-- Tenant networks (issue 14): networks become the cloud API's records of fabric (VXLAN) networks per account and
-- shared external networks of the operator; NICs hold the addresses the control plane allocates.

-- networks (exists since V1: id, name unique, public, fabric, subnet, gateway, provision_start_ip,
--   provision_end_ip, description). fabric=true: a VXLAN fabric network; fabric=false: an external
--   (operator's, public=true) network, routed to the node holding each address.
alter table networks add column owner_account uuid references accounts(id); -- null: shared, operator's
alter table networks add column vlan_id int;                   -- fabric networks: the tenant's VLAN id
alter table networks add column vni int unique;                -- fabric networks: VXLAN id, from fabric_vni
alter table networks add column nat boolean not null default true;
alter table networks add column mtu int not null default 1450;
alter table networks add column resolvers text not null default '[]';   -- JSON array

-- the unique (name) of V1 becomes unique per owner (shared networks: unique among shared)
alter table networks drop constraint networks_name_key;
create unique index networks_name_per_owner on networks (name, owner_account) where owner_account is not null;
create unique index networks_name_shared on networks (name) where owner_account is null;

create sequence fabric_vni start 4096;

create table fabric_vlans (account_id uuid not null references accounts(id), vlan_id int not null,
  name text not null, description text, primary key (account_id, vlan_id), unique (account_id, name));

create table nics (mac text primary key, machine_id uuid not null references machines(id),
  account_id uuid not null references accounts(id), network_id uuid not null references networks(id),
  ip text not null, primary_nic boolean not null, state text not null,   -- provisioning | running | removing
  created timestamptz not null, unique (network_id, ip));
create index nics_machine on nics (machine_id);
