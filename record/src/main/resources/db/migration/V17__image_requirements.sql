-- Triton IMGAPI's image requirements (min_memory, max_memory in MiB) and the image file the image store holds:
-- its size and compression (node_image is its sha256). Images made before this have no file recorded (null).
alter table images add column requirements jsonb not null default '{}';
alter table images add column size_bytes bigint;
alter table images add column compression text;
