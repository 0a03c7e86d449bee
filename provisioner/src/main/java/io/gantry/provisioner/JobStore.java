package io.gantry.provisioner;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.common.Json;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import io.gantry.record.JdbcSql;
import io.gantry.record.JobLedger;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.provisioner.metadata.MetadataReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The provisioner's view of the record: open jobs, machines' placements and states. Every method is
 * one transaction. Blocking JDBC on the leader's own thread. Its writes to jobs go through the
 * {@link JobLedger}; the schema is gantry-record's.
 */
final class JobStore implements JobRecords {
    private static final long TRUST_AFTER_COMMIT = Duration.ofSeconds(1).toNanos();
    private final String url;
    private final String user;
    private final String password;
    private Connection db;
    /** When the connection last committed a transaction (System.nanoTime); a failed one clears it. */
    private long lastCommit = System.nanoTime() - TRUST_AFTER_COMMIT;
    private Connection listener;
    private final MetadataReader metadata = new MetadataReader();

    JobStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The connection, checked with a round trip only when it has not just served a transaction: under load every round
     * trip costs (a check before each of a busy leader's transactions was one in three of them).
     */
    private Connection db() throws SQLException {
        if (db != null && System.nanoTime() - lastCommit < TRUST_AFTER_COMMIT && !db.isClosed()) {
            return db;
        }
        if (db == null || db.isClosed() || !db.isValid(2)) {
            db = DriverManager.getConnection(url, user, password);
            db.setAutoCommit(false);
        }
        return db;
    }

    @Override
    public void warm() throws SQLException {
        db();
    }

    /**
     * Waits up to {@code timeout} for the cloud API's NOTIFY that a job was queued; true if one came.
     * Uses its own connection, so one thread may wait here while another runs the other methods.
     */
    @Override
    public boolean awaitJobs(Duration timeout) throws SQLException {
        if (listener == null || listener.isClosed()) {
            listener = DriverManager.getConnection(url, user, password);
            try (var st = listener.createStatement()) {
                st.execute("LISTEN gantry_jobs");
            }
        }
        var got = listener.unwrap(PGConnection.class).getNotifications((int) Math.max(1, timeout.toMillis()));
        return got != null && got.length > 0;
    }

    @Override
    public List<OpenJob> openJobs() throws SQLException {
        String sql = "select j.id, j.action, j.state, j.node, j.params, m.id, m.account_id, m.name, m.state, m.compute_node,"
                + " m.memory, m.swap, m.disk, m.vcpus, m.cpu_cap, m.lwps, m.package_name, m.tags, m.affinity, j.caller,"
                + " m.cpu_throttle, m.traits, m.firewall_enabled from jobs j join machines m on m.id = j.machine_id"
                + " where j.state in " + JobState.OPEN_SQL + " order by j.created, j.id";
        List<OpenJob> jobs = new ArrayList<>();
        return inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    var machine = new OpenJob.Machine(rs.getObject(6, UUID.class), rs.getObject(7, UUID.class), rs.getString(8),
                            ZoneState.fromWire(rs.getString(9)), rs.getString(10), rs.getLong(11), rs.getLong(12), rs.getLong(13),
                            rs.getInt(14), rs.getInt(15), rs.getInt(16), rs.getString(17), stringMap(rs.getString(18)),
                            list(rs.getString(19)), rs.getObject(21, Integer.class),
                            objectMap(rs.getString(22)), List.of(), rs.getBoolean(23));
                    jobs.add(new OpenJob(rs.getObject(1, UUID.class), JobKind.fromWire(rs.getString(2)), JobState.fromWire(rs.getString(3)),
                            rs.getString(4), objectMap(rs.getString(5)), rs.getString(20), machine));
                }
            }
            Map<UUID, List<Nic>> nics = nicsOf(c, jobs.stream().map(j -> j.machine().id()).distinct().toList());
            return jobs.stream().map(j -> j.withMachine(j.machine().withNics(nics.getOrDefault(j.machine().id(), List.of())))).toList();
        });
    }

    /** NICs being removed are not in a zone's spec: the node takes them out. Primary first, then in the order they were made. */
    private static final String NICS = "select n.mac, n.ip, n.network_id, n.primary_nic, n.machine_id, w.fabric, w.subnet, w.gateway, w.vni,"
            + " w.mtu, w.nat from nics n join networks w on w.id = n.network_id where n.machine_id = any(?) and n.state <> 'removing'"
            + " order by n.machine_id, n.primary_nic desc, n.created, n.mac";

    /** The NICs each of {@code machines} is to have, as its node wires them. */
    private static Map<UUID, List<Nic>> nicsOf(Connection c, List<UUID> machines) throws SQLException {
        Map<UUID, List<Nic>> out = new HashMap<>();
        if (machines.isEmpty()) {
            return out;
        }
        try (PreparedStatement st = c.prepareStatement(NICS)) {
            st.setArray(1, c.createArrayOf("uuid", machines.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    boolean fabric = rs.getBoolean(6);
                    Nic nic = new Nic(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class),
                            fabric ? NetworkKind.FABRIC : NetworkKind.EXTERNAL, rs.getString(7), rs.getString(8),
                            rs.getObject(9, Integer.class), rs.getInt(10), rs.getBoolean(11), rs.getBoolean(4));
                    out.computeIfAbsent(rs.getObject(5, UUID.class), k -> new ArrayList<>()).add(nic);
                }
            }
        }
        return out;
    }

    /** Every machine that holds capacity somewhere: what placement must count as booked. */
    @Override
    public List<Booked> bookings() throws SQLException {
        return inTransaction(c -> {
            List<Booked> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("select id, account_id, name, tags, memory, disk, compute_node, vcpus from machines"
                    + " where compute_node is not null and state not in ('deleted', 'failed')");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Booked(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class).toString(), rs.getString(3),
                            stringMap(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getInt(8)));
                }
            }
            return out;
        });
    }

    record Booked(UUID machine, String tenant, String name, Map<String, String> tags, long memoryMiB, long diskMiB, String node,
                  int vcpus) {
    }

    /** Which of {@code jobs} are finished (succeeded or failed); ids the record does not know are not. */
    @Override
    public java.util.Set<UUID> finishedAmong(java.util.Collection<UUID> jobs) throws SQLException {
        return inTransaction(c -> {
            java.util.Set<UUID> out = new java.util.HashSet<>();
            try (PreparedStatement st = c.prepareStatement("select id from jobs where id = any(?) and state in ('" + JobState.SUCCEEDED.wireName()
                    + "', '" + JobState.FAILED.wireName() + "')")) {
                st.setArray(1, c.createArrayOf("uuid", jobs.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return out;
        });
    }

    /** Records the placement and how it was chosen; false if the job was no longer queued (another leader moved it on). */
    @Override
    public boolean markPlaced(UUID job, UUID machine, String node, Map<String, Object> placement) throws SQLException {
        return inTransaction(c -> JdbcSql.result(ledger(c).markPlaced(job, machine, node, placement)));
    }

    @Override
    public boolean markPlacedAway(UUID job, String node, Map<String, Object> added) throws SQLException {
        return inTransaction(c -> JdbcSql.result(ledger(c).markPlacedAway(job, node, added)));
    }

    @Override
    public boolean advance(UUID job, Map<String, Object> added) throws SQLException {
        return inTransaction(c -> JdbcSql.result(ledger(c).advance(job, added)));
    }

    @Override
    public boolean moveMachine(UUID job, UUID machine, String node, Map<String, Object> added) throws SQLException {
        return inTransaction(c -> JdbcSql.result(ledger(c).moveMachine(job, machine, node, added)));
    }

    @Override
    public void markDispatched(UUID job) throws SQLException {
        inTransaction(c -> JdbcSql.result(ledger(c).markDispatched(job)));
    }

    /** Ends a job: the machine's new state (and address and error), the job's outcome, and its audit entry (success or not, at the time it ended). */
    @Override
    public void finish(OpenJob job, ZoneState machineState, String ip, String error) throws SQLException {
        finish(job, machineState, ip, error, null);
    }

    @Override
    public void finish(OpenJob job, ZoneState machineState, String ip, String error, TaskResult.MadeImage image) throws SQLException {
        inTransaction(c -> JdbcSql.result(ledger(c).finish(ledgerJob(job), machineState, ip, error, image)));
    }

    @Override
    public boolean supersede(OpenJob job, String why) throws SQLException {
        return inTransaction(c -> JdbcSql.result(ledger(c).supersede(ledgerJob(job), why)));
    }

    private static JobLedger.Job ledgerJob(OpenJob job) {
        return new JobLedger.Job(job.id(), job.machine().id(), job.action(), job.params(), job.caller());
    }

    private static JobLedger ledger(Connection c) {
        return new JobLedger(new JdbcSql(c));
    }

    @Override
    public Optional<ZoneMetadata> zoneMetadata(UUID machine) throws SQLException {
        return inTransaction(c -> metadata.read(c, machine));
    }

    /** The machine's recorded memory and disk in MiB. */
    @Override
    public Size sizeOf(UUID machine) throws SQLException {
        return inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("select memory, disk, vcpus from machines where id = ?")) {
                st.setObject(1, machine);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("machine " + machine + " is not in the record");
                    }
                    return new Size(rs.getLong(1), rs.getLong(2), rs.getInt(3));
                }
            }
        });
    }

    /** Machines on a lost node show {@code unknown}; returns how many. */
    @Override
    public int markNodeUnknown(String node) throws SQLException {
        return inTransaction(c -> update(c, "update machines set state = 'unknown', updated = now() where compute_node = ?"
                + " and state in ('running', 'stopped', 'stopping')", node));
    }

    /** The node's machines with no job in flight, and their recorded states. */
    @Override
    public Map<UUID, ZoneState> settledMachinesOn(String node) throws SQLException {
        return inTransaction(c -> {
            Map<UUID, ZoneState> out = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement("select m.id, m.state from machines m where m.compute_node = ?"
                    + " and m.state <> 'deleted' and not exists (select 1 from jobs j where j.machine_id = m.id"
                    + " and j.state in " + JobState.OPEN_SQL + ")")) {
                st.setString(1, node);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getObject(1, UUID.class), ZoneState.fromWire(rs.getString(2)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Map<UUID, ZoneState>> settledMachinesOn(java.util.Collection<String> nodes) throws SQLException {
        if (nodes.isEmpty()) {
            return Map.of();
        }
        return inTransaction(c -> {
            Map<String, Map<UUID, ZoneState>> out = new HashMap<>();
            nodes.forEach(n -> out.put(n, new HashMap<>()));
            try (PreparedStatement st = c.prepareStatement("select m.compute_node, m.id, m.state from machines m"
                    + " where m.compute_node = any(?) and m.state <> 'deleted' and not exists (select 1 from jobs j"
                    + " where j.machine_id = m.id and j.state in " + JobState.OPEN_SQL + ")")) {
                st.setArray(1, c.createArrayOf("text", nodes.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.get(rs.getString(1)).put(rs.getObject(2, UUID.class), ZoneState.fromWire(rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public boolean awaitSessionsGone(String applicationName, Duration max) throws SQLException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            // ended, not just awaited: a session busy with a query stops at once, and one of a leader deposed while it
            // lived can commit nothing more on it
            boolean gone = inTransaction(c -> {
                try (var st = c.prepareStatement("select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where application_name = ? and pid <> pg_backend_pid()) ended")) {
                    st.setString(1, applicationName);
                    try (var rs = st.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == 0;
                    }
                }
            });
            if (gone || System.nanoTime() >= deadline) {
                return gone;
            }
            Sleep.quietly(Duration.ofMillis(10));
        }
    }

    /** A second connection to the same database, for another of the leader's threads. */
    @Override
    public JobRecords another() {
        return new JobStore(url, user, password);
    }

    @Override
    public void setState(UUID machine, ZoneState state, String ip) throws SQLException {
        inTransaction(c -> JdbcSql.result(ledger(c).observed(machine, state, ip)));
    }

    private static final String UPSERT_NODE = """
            insert into compute_nodes (name, address, backend, memory, disk, cpus, traits, agent_version, first_seen, last_heartbeat,
                                       alive, reported_zones)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (name) do update set address = excluded.address, backend = excluded.backend, memory = excluded.memory,
                disk = excluded.disk, cpus = excluded.cpus, traits = excluded.traits, agent_version = excluded.agent_version,
                last_heartbeat = greatest(compute_nodes.last_heartbeat, excluded.last_heartbeat), alive = excluded.alive,
                reported_zones = coalesce(excluded.reported_zones, compute_nodes.reported_zones)""";

    /** A node seen without its advert (lost before this leader started): only what is known changes, and only if it has a row. */
    private static final String UPDATE_NODE = "update compute_nodes set alive = ?, last_heartbeat = greatest(last_heartbeat, ?),"
            + " reported_zones = coalesce(?, reported_zones) where name = ?";

    @Override
    public void recordNodes(List<NodeSighting> sightings) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement(UPSERT_NODE); PreparedStatement update = c.prepareStatement(UPDATE_NODE)) {
                for (NodeSighting s : sightings) {
                    java.sql.Timestamp seen = java.sql.Timestamp.from(s.lastSeen());
                    if (s.advert() == null) {
                        update.setBoolean(1, s.alive());
                        update.setTimestamp(2, seen);
                        update.setObject(3, s.reportedZones(), java.sql.Types.INTEGER);
                        update.setString(4, s.node());
                        update.addBatch();
                        continue;
                    }
                    var a = s.advert();
                    upsert.setString(1, s.node());
                    upsert.setString(2, a.address() == null ? "" : a.address());
                    upsert.setString(3, a.backend() == null ? "" : a.backend());
                    upsert.setLong(4, a.capacity().memoryMiB());
                    upsert.setLong(5, a.capacity().diskMiB());
                    upsert.setInt(6, a.capacity().cpus());
                    upsert.setString(7, Json.write(a.traits()));
                    upsert.setString(8, a.version());
                    upsert.setTimestamp(9, seen);
                    upsert.setTimestamp(10, seen);
                    upsert.setBoolean(11, s.alive());
                    upsert.setObject(12, s.reportedZones(), java.sql.Types.INTEGER);
                    upsert.addBatch();
                }
                upsert.executeBatch();
                update.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Map<String, String> closedNodes() throws SQLException {
        return inTransaction(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement("select name, retired_at is not null from compute_nodes"
                    + " where maintenance or retired_at is not null");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBoolean(2) ? "retired" : "in maintenance");
                }
            }
            return out;
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        Connection c = db();
        try {
            T result = work.run(c);
            c.commit();
            lastCommit = System.nanoTime();
            return result;
        } catch (SQLException | RuntimeException e) {
            lastCommit = System.nanoTime() - TRUST_AFTER_COMMIT;
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; db() reconnects next time
            }
            throw e;
        }
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            return st.executeUpdate();
        }
    }

    private static Map<String, Object> objectMap(String json) {
        try {
            return json == null ? Map.of() : Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON in the record: " + json, e);
        }
    }

    private static Map<String, String> stringMap(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        objectMap(json).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static List<String> list(String json) {
        try {
            return json == null ? List.of() : Json.mapper().readValue(json, new TypeReference<List<String>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("corrupt JSON in the record: " + json, e);
        }
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {db, listener}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // nothing to save on close
            }
        }
    }
}
