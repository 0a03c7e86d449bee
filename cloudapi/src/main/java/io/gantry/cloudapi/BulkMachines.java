package io.gantry.cloudapi;

import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.common.net.Ipv4;
import io.gantry.record.JdbcSql;
import io.gantry.record.JobLedger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Many machines at once for benchmarks and tests at scale: one machine made through the API is finished as the
 * provisioner finishes it (its jobs placed, dispatched and ended through {@link JobLedger}), then copied row for row
 * in SQL, every column of it and of its NIC but the machine's id, name, address and creation time and the NIC's MAC
 * and address. Creating 10,000 machines through the API would take minutes; the copies read exactly as it does.
 * Blocking (JDBC): never on an event loop.
 */
public final class BulkMachines implements AutoCloseable {
    /** The copied columns that hold ids (sent as text, stored as uuid). */
    private static final Set<String> UUID_COLUMNS = Set.of("id", "machine_id");

    private final Connection db;

    public BulkMachines(DatabaseConfig config) {
        try {
            this.db = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database at " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    /** Ends every open job of the machine as the provisioner does when its node succeeded: placed on {@code node}, then {@code state}. */
    public void finishJobs(UUID machine, String node, ZoneState state) {
        try {
            db.setAutoCommit(false);
            List<JobLedger.Job> open = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("select id, action, caller from jobs where machine_id = ?"
                    + " and state in ('queued', 'placed', 'dispatched') order by created")) {
                q.setObject(1, machine);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        open.add(new JobLedger.Job(rs.getObject(1, UUID.class), machine, JobKind.fromWire(rs.getString(2)), Map.of(),
                                rs.getString(3)));
                    }
                }
            }
            JobLedger ledger = new JobLedger(new JdbcSql(db));
            for (JobLedger.Job job : open) {
                ledger.markPlaced(job.id(), machine, node, Map.of()).toCompletableFuture().join();
                ledger.markDispatched(job.id()).toCompletableFuture().join();
                ledger.finish(job, state, null, null).toCompletableFuture().join();
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new IllegalStateException("cannot finish the jobs of machine " + machine + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code count} copies of {@code template} (a machine with exactly one NIC), named {@code prefix-00001}…, made
     * one microsecond apart after it, their NICs' addresses taken from the top of the network's provision range
     * downwards (those in use skipped). Answers their ids, oldest first. One transaction.
     */
    public List<UUID> copies(UUID template, int count, String prefix) {
        try {
            db.setAutoCommit(false);
            String network = single("select cast(network_id as text) from nics where machine_id = ?", template, "its NIC");
            long start = Ipv4.parse(single("select provision_start_ip from networks where id = cast(? as uuid)", network, "network"), "start");
            long end = Ipv4.parse(single("select provision_end_ip from networks where id = cast(? as uuid)", network, "network"), "end");
            Set<String> used = strings("select ip from nics where network_id = cast(? as uuid)", network);
            Set<String> macs = strings("select mac from nics");
            List<String> ids = new ArrayList<>(count);
            List<String> names = new ArrayList<>(count);
            List<String> ips = new ArrayList<>(count);
            List<String> newMacs = new ArrayList<>(count);
            List<Integer> offsets = new ArrayList<>(count);
            long next = end;
            for (int i = 1; i <= count; i++) {
                while (next >= start && used.contains(Ipv4.format(next))) {
                    next--;
                }
                if (next < start) {
                    throw new IllegalStateException("network " + network + " has no address left for copy " + i + " of " + count);
                }
                ids.add(UUID.randomUUID().toString());
                names.add(String.format("%s-%05d", prefix, i));
                ips.add(Ipv4.format(next--));
                String mac;
                do {
                    mac = randomMac();
                } while (!macs.add(mac));
                newMacs.add(mac);
                offsets.add(i);
            }
            copyRows("machines", "id", List.of("id", "name", "ip"), List.of(ids, names, ips), offsets, template);
            copyRows("nics", "machine_id", List.of("mac", "machine_id", "ip"), List.of(newMacs, ids, ips), offsets, template);
            db.commit();
            analyze();
            return ids.stream().map(UUID::fromString).toList();
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw new IllegalStateException("cannot copy machine " + template + ": " + e.getMessage(), e);
        }
    }

    /**
     * The statistics autovacuum gathers within a minute of a copy this size, gathered now: without them the planner
     * takes the account's thousands of machines for a hundred and sorts them all for every page.
     */
    private void analyze() throws SQLException {
        db.setAutoCommit(true);
        try (Statement s = db.createStatement()) {
            s.execute("analyze machines, nics");
        }
    }

    private List<String> columns(String table, Set<String> own) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("select column_name from information_schema.columns"
                + " where table_schema = current_schema() and table_name = ? order by ordinal_position")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (!own.contains(rs.getString(1))) {
                        out.add('"' + rs.getString(1) + '"');
                    }
                }
            }
        }
        return out;
    }

    /**
     * Copies {@code table}'s rows whose {@code templateKey} is {@code template}, once per copy: the columns
     * {@code ownColumns} take each copy's values from {@code values}, {@code created} is the template's plus the copy's
     * offset in microseconds, every other column the template's.
     */
    private void copyRows(String table, String templateKey, List<String> ownColumns, List<List<String>> values,
            List<Integer> offsets, UUID template) throws SQLException {
        Set<String> own = new HashSet<>(ownColumns);
        own.add("created");
        List<String> columns = columns(table, own);
        List<String> picked = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ownColumns.size(); i++) {
            String column = ownColumns.get(i);
            names.add("c" + i);
            picked.add(UUID_COLUMNS.contains(column) ? "cast(c.c" + i + " as uuid)" : "c.c" + i);
        }
        String sql = "insert into " + table + " (" + String.join(", ", ownColumns) + ", created, " + String.join(", ", columns) + ")"
                + " select " + String.join(", ", picked) + ", t.created + c.n * interval '1 microsecond', "
                + prefixed("t.", columns) + " from " + table + " t,"
                + " unnest(" + "cast(? as text[]), ".repeat(ownColumns.size()) + "cast(? as int[])) as c("
                + String.join(", ", names) + ", n) where t." + templateKey + " = ?";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            int i = 1;
            for (List<String> column : values) {
                st.setArray(i++, db.createArrayOf("text", column.toArray()));
            }
            st.setArray(i++, db.createArrayOf("int4", offsets.toArray()));
            st.setObject(i, template);
            st.executeUpdate();
        }
    }

    private static String prefixed(String prefix, List<String> columns) {
        return String.join(", ", columns.stream().map(c -> prefix + c).toList());
    }

    private String single(String sql, Object param, String what) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setObject(1, param);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no " + what + " for " + param);
                }
                String value = rs.getString(1);
                if (rs.next()) {
                    throw new IllegalStateException("more than one " + what + " for " + param + ": copies need exactly one NIC");
                }
                return value;
            }
        }
    }

    private Set<String> strings(String sql, Object... params) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement q = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A locally administered unicast MAC, as the cloud API draws them. */
    private static String randomMac() {
        StringBuilder mac = new StringBuilder("02");
        for (int i = 0; i < 5; i++) {
            mac.append(':').append(String.format("%02x", ThreadLocalRandom.current().nextInt(256)));
        }
        return mac.toString();
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the failure being reported matters more
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // nothing was left uncommitted
        }
    }
}
