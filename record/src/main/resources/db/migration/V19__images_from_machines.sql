-- Images tenants make from their stopped machines (Triton's CreateImageFromMachine). Such an image belongs to
-- its owner's account (owner_account; null: the operators' catalogue) and is private (public = false): only its
-- owner sees it, lists it and provisions from it. origin_machine is the machine it was made from, origin_image the
-- image that machine ran (Triton's origin). It is 'creating'
-- until the node's IMAGE_CREATE task ends, then 'active' (node_image = the sha256 of its file, size_bytes its size)
-- or 'failed' (error says why); node_image has no value until then.
alter table images add column if not exists owner_account uuid references accounts (id) on delete cascade;
alter table images add column if not exists origin_machine uuid;
alter table images add column if not exists origin_image uuid;
alter table images add column if not exists homepage text;
alter table images add column if not exists tags jsonb not null default '{}';
alter table images add column if not exists error text;
alter table images add column if not exists size_bytes bigint;
alter table images alter column node_image drop not null;

-- name@version is unique within the operators' catalogue and within each owner's images (Triton: per owner),
-- so a tenant may name an image as a public one is named
alter table images drop constraint if exists images_name_version_key;
create unique index images_catalogue_name_version on images (name, version) where owner_account is null;
create unique index images_owned_name_version on images (owner_account, name, version) where owner_account is not null;
create index images_origin_machine on images (origin_machine) where origin_machine is not null;
