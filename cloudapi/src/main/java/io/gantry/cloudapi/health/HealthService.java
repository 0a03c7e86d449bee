package io.gantry.cloudapi.health;

import io.gantry.cloudapi.store.Database;
import io.gantry.common.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * Gathers the operators' health report: the roles' heartbeats ({@code role_heartbeats}), the compute nodes (the
 * {@code compute_nodes} table the provisioner leader writes), PostgreSQL's own view of itself and its standbys, and each
 * ZooKeeper member's answer to {@code srvr} (when this cloud API was given the connect string).
 */
public final class HealthService {
    /** An instance whose heartbeat is older than this is stale: five heartbeats missed. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(15);
    private static final String TIME = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
    private final Stage.SessionFactory sessions;
    private final Vertx vertx;
    private final String zooKeeper;
    private final ZooKeeperProbe probe = new ZooKeeperProbe(Duration.ofSeconds(2));

    /** {@code zooKeeper}: the ensemble's connect string, or null when this cloud API was given none. */
    public HealthService(Database db, Vertx vertx, String zooKeeper) {
        this.sessions = db.sessions();
        this.vertx = vertx;
        this.zooKeeper = zooKeeper == null || zooKeeper.isBlank() ? null : zooKeeper;
    }

    public Future<HealthReport> report() {
        String checked = Instant.now().toString();
        Future<HealthReport.ZooKeeper> zk = zooKeeper == null ? Future.succeededFuture(HealthReport.ZooKeeper.notConfigured())
                : vertx.executeBlocking(() -> new HealthReport.ZooKeeper(true, zooKeeper, probe.probe(zooKeeper), null), false);
        Future<Record> record = Future.fromCompletionStage(sessions.withSession(this::fromRecord))
                .recover(e -> Future.succeededFuture(new Record(null, new HealthReport.Nodes(null, null, "unknown: PostgreSQL is unreachable"),
                        HealthReport.Postgres.unreachable(message(e)))));
        return Future.all(zk, record).map(all -> {
            Record r = record.result();
            return HealthReport.assess(checked, r.roles(), r.nodes(), r.postgres(), zk.result());
        });
    }

    private record Record(Map<String, List<HealthReport.Instance>> roles, HealthReport.Nodes nodes, HealthReport.Postgres postgres) {
    }

    private CompletionStage<Record> fromRecord(Stage.Session s) {
        return postgres(s).thenCompose(pg -> roles(s).thenCompose(roles -> nodes(s).thenApply(nodes -> new Record(roles, nodes, pg))));
    }

    private static CompletionStage<HealthReport.Postgres> postgres(Stage.Session s) {
        return s.createNativeQuery("select current_setting('server_version'), pg_is_in_recovery()", Object[].class).getSingleResult()
                .thenCompose(row -> {
                    String version = (String) row[0];
                    if (Boolean.TRUE.equals(row[1])) {
                        return java.util.concurrent.CompletableFuture.completedFuture(new HealthReport.Postgres(true, version, "standby", null,
                                "this cloud API reads a standby (in recovery)", null));
                    }
                    return s.createNativeQuery("select coalesce(application_name, ''), coalesce(cast(client_addr as text), 'local'),"
                                    + " coalesce(state, 'unknown'), cast(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) as bigint),"
                                    + " cast(extract(epoch from replay_lag) as float8) from pg_stat_replication order by 1, 2", Object[].class)
                            .getResultList()
                            .thenApply(rows -> {
                                List<HealthReport.Standby> standbys = new ArrayList<>();
                                rows.forEach(r -> standbys.add(new HealthReport.Standby((String) r[0], (String) r[1], (String) r[2],
                                        r[3] == null ? null : ((Number) r[3]).longValue(), r[4] == null ? null : ((Number) r[4]).doubleValue())));
                                return new HealthReport.Postgres(true, version, "primary", standbys, standbys.isEmpty() ? "no standbys" : null, null);
                            });
                });
    }

    private static CompletionStage<Map<String, List<HealthReport.Instance>>> roles(Stage.Session s) {
        return s.createNativeQuery("select role, instance, address, version, leader, to_char(started at time zone 'UTC', " + TIME + "),"
                        + " to_char(last_seen at time zone 'UTC', " + TIME + "), cast(floor(extract(epoch from now() - last_seen)) as bigint)"
                        + " from role_heartbeats order by role, instance", Object[].class)
                .getResultList()
                .thenApply(rows -> {
                    Map<String, List<HealthReport.Instance>> roles = new LinkedHashMap<>();
                    HealthReport.ROLES.forEach(role -> roles.put(role, new ArrayList<>()));
                    for (Object[] r : rows) {
                        long since = Math.max(0, ((Number) r[7]).longValue());
                        roles.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add(new HealthReport.Instance((String) r[1], (String) r[2],
                                (String) r[3], (Boolean) r[4], since < STALE_AFTER.toSeconds(), (String) r[5], (String) r[6], since));
                    }
                    return roles;
                });
    }

    /** Every node that is not retired, as the provisioner leader last recorded it, with its health in one word. */
    @SuppressWarnings("unchecked")
    private static CompletionStage<HealthReport.Nodes> nodes(Stage.Session s) {
        return s.createNativeQuery("select cast(json_build_object('name', name, 'health',"
                        + " case when not alive then 'lost' when maintenance then 'maintenance' else 'alive' end,"
                        + " 'address', address, 'version', agent_version, 'last_heartbeat', last_heartbeat,"
                        + " 'seconds_since_heartbeat', floor(extract(epoch from now() - last_heartbeat))::bigint) as text)"
                        + " from compute_nodes where retired_at is null order by name", String.class).getResultList()
                .thenApply(rows -> new HealthReport.Nodes("compute_nodes",
                        rows.stream().map(json -> (Map<String, Object>) Json.read(json, Map.class)).toList(),
                        rows.isEmpty() ? "no compute node has been seen yet" : null));
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
