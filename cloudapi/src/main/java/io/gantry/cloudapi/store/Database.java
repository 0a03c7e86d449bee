package io.gantry.cloudapi.store;

import io.gantry.record.ReactiveSessions;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.hibernate.reactive.stage.Stage;

/**
 * The cloud API's connection to the record: migrations first (gantry-record's {@code db/migration},
 * by Flyway over JDBC, once at start), then a Hibernate Reactive session factory that runs on the
 * application's own Vert.x instance.
 */
public final class Database implements AutoCloseable {
    private final Stage.SessionFactory sessions;

    private Database(Stage.SessionFactory sessions) {
        this.sessions = sessions;
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
        return new Database(ReactiveSessions.open(vertx, config.jdbcUrl(), config.user(), config.password(), config.poolSize(),
                AccountRecord.class, KeyRecord.class, PackageRecord.class, ImageRecord.class, NetworkRecord.class, LimitRecord.class,
                MachineRecord.class, AuditRecord.class, FirewallRuleRecord.class, OpsAuditRecord.class, ComputeNodeRecord.class,
                NicRecord.class, FabricVlanRecord.class, SnapshotRecord.class));
    }

    public Stage.SessionFactory sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
