package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.MachineRecord;
import io.vertx.sqlclient.Row;

/**
 * The SQL of one page of {@code GET /:login/machines} and the records its rows make. The page's ids come first, from the
 * index on {@code (account_id, created, id)} of machines not deleted (V21), so the offset skips index entries, not
 * rows; only the page's rows are then read, each joined straight to its NICs (by the index on {@code nics.machine_id}) and
 * grouped, so no plan has to match a page of machines against a separately grouped set of NICs: a nested loop over
 * two such sets compared 1,000 × 1,000 rows whenever PostgreSQL misjudged the page's size.
 */
final class MachinePage {
    /** The machine's NICs' addresses and networks, in {@link MachineRecord}'s formulas' order. */
    private static final String NIC_LISTS = "string_agg(n.ip, ',' order by n.primary_nic desc, n.created, n.mac),"
            + " string_agg(cast(n.network_id as text), ',' order by n.primary_nic desc, n.created, n.mac)";

    private static final String COLUMNS = "m.id, m.account_id, m.name, m.state, m.brand, m.image_id, m.image_name, m.os,"
            + " m.package_id, m.package_name, m.resizing_from, m.memory, m.swap, m.disk, m.vcpus, m.cpu_cap, m.lwps, m.compute_node,"
            + " m.ip, m.error, m.networks, cast(m.tags as text), m.metadata, m.affinity, cast(m.traits as text), " + NIC_LISTS + ","
            + " m.firewall_enabled, m.deletion_protection, m.created, m.updated";

    private static final int COLUMN_COUNT = 31;

    /**
     * The row's version: {@code xmin}, the transaction that wrote it (new with every committed change, a 32-bit counter),
     * with {@code updated}, so that a counter come round again after billions of transactions cannot match either.
     */
    private static final String ROW_VERSION = "cast(m.xmin as text) || ' ' || cast(m.updated as text)";

    private MachinePage() {
    }

    /** Parameters $1 the account, $2 the limit, $3 the offset, then the filter's; {@code filterSql} on {@code machines m}. */
    static String sql(String filterSql) {
        return "with page as (select m.id, m.created from machines m where m.account_id = $1 and m.state <> 'deleted'" + filterSql
                + " order by m.created, m.id limit $2 offset $3)"
                + " select " + COLUMNS + " from page join machines m on m.id = page.id left join nics n on n.machine_id = page.id"
                + " group by page.created, page.id, m.id order by page.created, page.id";
    }

    /**
     * As {@link #sql}, each machine of the page only as its {@link MachineVersion}: its id, its row's version
     * ({@link #ROW_VERSION}) and its NICs' lists, all the list's JSON of it depends on.
     */
    static String versionsSql(String filterSql) {
        return "with page as (select m.id, m.created from machines m where m.account_id = $1 and m.state <> 'deleted'" + filterSql
                + " order by m.created, m.id limit $2 offset $3)"
                + " select page.id, " + ROW_VERSION + ", " + NIC_LISTS
                + " from page join machines m on m.id = page.id left join nics n on n.machine_id = page.id"
                + " group by page.created, page.id, m.id order by page.created, page.id";
    }

    /** The account's ($2) machines with these ids ($1), in no order: {@link #COLUMNS}, then the row's version. */
    static String byIdsSql() {
        return "select " + COLUMNS + ", " + ROW_VERSION + " from machines m left join nics n on n.machine_id = m.id"
                + " where m.id = any($1) and m.account_id = $2 group by m.id";
    }

    /** The machine $1, whichever account's: {@link #COLUMNS}. */
    static String byIdSql() {
        return "select " + COLUMNS + " from machines m left join nics n on n.machine_id = m.id where m.id = $1 group by m.id";
    }

    /** The version of a row of {@link #versionsSql}. */
    static MachineVersion version(Row row) {
        return new MachineVersion(row.getUUID(0), MachineVersion.of(row.getString(1), row.getString(2), row.getString(3)));
    }

    /** The version of a row of {@link #byIdsSql}, whose record is {@link #record}. */
    static String version(Row row, MachineRecord m) {
        return MachineVersion.of(row.getString(COLUMN_COUNT), m.nicIps, m.nicNetworks);
    }

    /** The machine as a row of {@link #sql} holds it: every column {@link MachineRecord} maps, read, not managed. */
    static MachineRecord record(Row row) {
        MachineRecord m = new MachineRecord();
        int i = 0;
        m.id = row.getUUID(i++);
        m.accountId = row.getUUID(i++);
        m.name = row.getString(i++);
        m.state = row.getString(i++);
        m.brand = row.getString(i++);
        m.imageId = row.getUUID(i++);
        m.imageName = row.getString(i++);
        m.os = row.getString(i++);
        m.packageId = row.getUUID(i++);
        m.packageName = row.getString(i++);
        m.resizingFrom = row.getString(i++);
        m.memory = row.getLong(i++);
        m.swap = row.getLong(i++);
        m.disk = row.getLong(i++);
        m.vcpus = row.getInteger(i++);
        m.cpuCap = row.getInteger(i++);
        m.lwps = row.getInteger(i++);
        m.computeNode = row.getString(i++);
        m.ip = row.getString(i++);
        m.error = row.getString(i++);
        m.networks = row.getString(i++);
        m.tags = row.getString(i++);
        m.metadata = row.getString(i++);
        m.affinity = row.getString(i++);
        m.traits = row.getString(i++);
        m.nicIps = row.getString(i++);
        m.nicNetworks = row.getString(i++);
        m.firewallEnabled = row.getBoolean(i++);
        m.deletionProtection = row.getBoolean(i++);
        m.created = row.getOffsetDateTime(i++);
        m.updated = row.getOffsetDateTime(i);
        return m;
    }
}
