-- Machine lists filter on tags in SQL (GET /:login/machines?tag.KEY=value, paged after the filter),
-- so tags are jsonb. The other JSON columns are only read and written whole and stay text.
alter table machines alter column tags type jsonb using tags::jsonb;
