package io.gantry.cloudapi.store;

import io.gantry.record.ReactiveSessions;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.hibernate.reactive.stage.Stage;

/**
 * The cloud API's connection to the record: migrations first (gantry-record's {@code db/migration},
 * by Flyway over JDBC, once at start), then a Hibernate Reactive session factory that runs on the
 * application's own Vert.x instance; beside it a small pool of plain Vert.x connections for reads of many rows, where
 * Hibernate's per-row result handling would cost more than the query (a page of 1,000 machines), and another for the
 * machine create, the hottest write, whose statements there are pipelined on one connection instead of each waiting for
 * Hibernate's turn.
 */
public final class Database implements AutoCloseable {
    /** Most connections of the {@link #reads()} pool: a page read holds one for a few milliseconds, a machine read less. */
    private static final int READ_CONNECTIONS = 8;

    /**
     * Most connections of the {@link #creates()} pool: a create's transaction holds one for a few round trips; more
     * creates at once than this wait for a connection instead of holding transactions open (and the account's lock)
     * while the event loops are busy.
     */
    private static final int CREATE_CONNECTIONS = 4;

    private final Stage.SessionFactory sessions;
    private final Pool reads;
    private final Pool creates;

    private Database(Stage.SessionFactory sessions, Pool reads, Pool creates) {
        this.sessions = sessions;
        this.reads = reads;
        this.creates = creates;
    }

    /** Applies pending migrations. Blocking: call it before serving, not on an event loop. */
    public static void migrate(DatabaseConfig config) {
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public static Database open(Vertx vertx, DatabaseConfig config) {
        Pool reads = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(Math.max(2, Math.min(config.poolSize(), READ_CONNECTIONS))))
                .connectingTo(connectOptions(config).addProperty("random_page_cost", READS_RANDOM_PAGE_COST))
                .using(vertx)
                .build();
        Pool creates = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(Math.max(2, Math.min(config.poolSize(), CREATE_CONNECTIONS))))
                .connectingTo(connectOptions(config))
                .using(vertx)
                .build();
        return new Database(ReactiveSessions.open(vertx, config.jdbcUrl(), config.user(), config.password(), config.poolSize(),
                AccountRecord.class, KeyRecord.class, PackageRecord.class, ImageRecord.class, NetworkRecord.class, LimitRecord.class,
                MachineRecord.class, AuditRecord.class, FirewallRuleRecord.class, OpsAuditRecord.class, ComputeNodeRecord.class,
                NicRecord.class, FabricVlanRecord.class, SnapshotRecord.class), reads, creates);
    }

    /**
     * The hot reads' pages are in memory, so an index entry costs about what a sequential page does; PostgreSQL's
     * default (4, for spinning disks) made it read and sort all of an account's machines for each page of the list
     * instead of walking the account's index.
     */
    public static final String READS_RANDOM_PAGE_COST = "1.1";

    /** Where the plain connections go, prepared statements cached per connection. */
    public static PgConnectOptions connectOptions(DatabaseConfig config) {
        return new PgConnectOptions().setHost(config.host()).setPort(config.port()).setDatabase(config.database())
                .setUser(config.user()).setPassword(config.password()).setCachePreparedStatements(true);
    }

    public Stage.SessionFactory sessions() {
        return sessions;
    }

    /** Plain Vert.x connections (no transaction, no session) for hot read-only queries (a machine, a page of machines) and the key cache's acknowledgements; {@code $1, $2, …} parameters. */
    public Pool reads() {
        return reads;
    }

    /** Plain Vert.x connections for the machine create's transaction ({@code MachineCreation}); {@code $1, $2, …} parameters. */
    public Pool creates() {
        return creates;
    }

    @Override
    public void close() {
        creates.close();
        reads.close();
        sessions.close();
    }
}
