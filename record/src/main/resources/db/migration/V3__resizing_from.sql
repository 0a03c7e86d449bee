-- While a resize job is open: the package the zone still runs with. The API shows it until the
-- node has applied the new package (as Triton does: `triton instance resize -w` waits for the
-- machine's package to change), while admission already counts the new package's sizes.
alter table machines add column resizing_from text;
