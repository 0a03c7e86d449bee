package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.MachineRecord;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The SQL of one page of {@code GET /:login/machines} and the records its rows make. The page's ids come first, from the
 * index on {@code (account_id, created, id)} of machines not deleted (V21), so the offset skips index entries, not
 * rows; only the page's rows are then read, each with its NICs aggregated as {@link MachineRecord}'s formulas do.
 */
final class MachinePage {
    private static final String COLUMNS = "m.id, m.account_id, m.name, m.state, m.brand, m.image_id, m.image_name, m.os,"
            + " m.package_id, m.package_name, m.resizing_from, m.memory, m.swap, m.disk, m.vcpus, m.cpu_cap, m.lwps, m.compute_node,"
            + " m.ip, m.error, m.networks, cast(m.tags as text), m.metadata, m.affinity, cast(m.traits as text), n.ips, n.networks,"
            + " m.firewall_enabled, m.deletion_protection, m.created, m.updated";

    private static final String NICS = "select string_agg(n.ip, ',' order by n.primary_nic desc, n.created, n.mac) as ips,"
            + " string_agg(cast(n.network_id as text), ',' order by n.primary_nic desc, n.created, n.mac) as networks"
            + " from nics n where n.machine_id = m.id";

    private MachinePage() {
    }

    /** Parameters {@code :account}, {@code :limit}, {@code :offset} and the filter's; {@code filterSql} on {@code machines m}. */
    static String sql(String filterSql) {
        return "select " + COLUMNS + " from (select m.id, m.created from machines m where m.account_id = :account"
                + " and m.state <> 'deleted'" + filterSql + " order by m.created, m.id limit :limit offset :offset) page"
                + " join machines m on m.id = page.id left join lateral (" + NICS + ") n on true order by page.created, page.id";
    }

    static MachineRecord record(Object[] row) {
        MachineRecord m = new MachineRecord();
        int i = 0;
        m.id = (UUID) row[i++];
        m.accountId = (UUID) row[i++];
        m.name = (String) row[i++];
        m.state = (String) row[i++];
        m.brand = (String) row[i++];
        m.imageId = (UUID) row[i++];
        m.imageName = (String) row[i++];
        m.os = (String) row[i++];
        m.packageId = (UUID) row[i++];
        m.packageName = (String) row[i++];
        m.resizingFrom = (String) row[i++];
        m.memory = ((Number) row[i++]).longValue();
        m.swap = ((Number) row[i++]).longValue();
        m.disk = ((Number) row[i++]).longValue();
        m.vcpus = ((Number) row[i++]).intValue();
        m.cpuCap = ((Number) row[i++]).intValue();
        m.lwps = ((Number) row[i++]).intValue();
        m.computeNode = (String) row[i++];
        m.ip = (String) row[i++];
        m.error = (String) row[i++];
        m.networks = (String) row[i++];
        m.tags = (String) row[i++];
        m.metadata = (String) row[i++];
        m.affinity = (String) row[i++];
        m.traits = (String) row[i++];
        m.nicIps = (String) row[i++];
        m.nicNetworks = (String) row[i++];
        m.firewallEnabled = (Boolean) row[i++];
        m.deletionProtection = (Boolean) row[i++];
        m.created = time(row[i++]);
        m.updated = time(row[i]);
        return m;
    }

    private static OffsetDateTime time(Object value) {
        if (value == null || value instanceof OffsetDateTime) {
            return (OffsetDateTime) value;
        }
        if (value instanceof Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant().atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("a timestamptz read as " + value.getClass().getName());
    }
}
